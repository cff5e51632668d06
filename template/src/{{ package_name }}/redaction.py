"""Exception messages without the values a database error quotes, for the logs (log.py)
and the error reports (error_reporting.py).

Both send an exception's message as it is, and a database's error messages quote the value
they failed on: 'invalid input syntax for type uuid: "<the session cookie>"' (PostgreSQL),
"Duplicate entry '<an e-mail address>' for key" (MySQL), "invalid UUID '<a token>'"
(asyncpg). Names ('relation "items" does not exist') are kept: they say what broke.
"""

import re

FILTERED = "[Filtered]"
_QUOTED_VALUE = re.compile(r"""((?:: |entry |invalid \w+ )(["']))(?:(?!\2).)*\2""")
# PostgreSQL's detail ("Key (email)=(...) already exists") and its pointer into the
# statement ("LINE 1: ... = 'value...'" and a caret): a driver that binds values into the
# statement's text (Django's psycopg) shows them there.
_STATEMENT_DETAIL = re.compile(r"\n(?:DETAIL: |LINE \d+: ).*(?:\n *\^)?")


def scrubbed_message(message: str) -> str:
    """The message without the values it quotes, and without PostgreSQL's DETAIL and LINE."""
    message = _STATEMENT_DETAIL.sub("", message)
    return _QUOTED_VALUE.sub(rf"\1{FILTERED}\2", message)
