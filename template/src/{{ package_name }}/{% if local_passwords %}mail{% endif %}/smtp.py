"""Sending one mail over SMTP with the standard library's smtplib.

smtplib speaks SMTP, STARTTLS, implicit TLS and AUTH, and the service sends a handful of
mails, one connection each: a library would add a dependency and nothing it needs.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal, Self
from urllib.parse import unquote, urlsplit

from .message import Mail

# How the connection is protected: STARTTLS on a plain connection, TLS from the first byte
# (smtps, port 465), or not at all (a mail catcher on this machine).
TlsMode = Literal["starttls", "implicit", "none"]
# The usual port of each mode when none is given.
DEFAULT_PORTS: dict[TlsMode, int] = {"starttls": 587, "implicit": 465, "none": 25}
SMTP_URL_FORMAT = "smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]"


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes and how: from SMTP_URL, or from SMTP_HOST and its companions."""

    host: str
    port: int
    username: str
    password: str
    tls: TlsMode

    @classmethod
    def from_url(cls, url: str, *, starttls: bool = False) -> Self:
        """Parse SMTP_URL: smtps:// is implicit TLS, smtp:// plain (or STARTTLS when
        ``starttls``). The message of its ValueError never quotes the URL (a password)."""
        try:
            parts = urlsplit(url)
            port = parts.port  # raises ValueError when out of range
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            msg = f"SMTP_URL must be {SMTP_URL_FORMAT}"
            raise ValueError(msg)
        tls: TlsMode = "implicit" if parts.scheme == "smtps" else "none"
        if starttls and tls == "none":
            tls = "starttls"
        return cls(
            host=parts.hostname,
            # smtp:// without a port has always meant 25, STARTTLS or not.
            port=port or (DEFAULT_PORTS["implicit"] if tls == "implicit" else 25),
            # Percent-encoded in the URL: a password may hold '@' or ':'.
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
        )

    @property
    def is_loopback(self) -> bool:
        return self.host in {"localhost", "127.0.0.1", "::1"}


def to_message(mail: Mail, sender: str) -> EmailMessage:
    """The MIME message: plain text first, the HTML body as its alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid()
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def _connect(server: SmtpServer, *, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()  # verifies the certificate and the host name
    client: smtplib.SMTP
    if server.tls == "implicit":
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        if server.tls == "starttls":
            client.starttls(context=context)
    if server.username:
        client.login(server.username, server.password)
    return client


def send(server: SmtpServer, mail: Mail, *, sender: str, timeout: float) -> None:
    """Hand the mail to the server; raises OSError (smtplib's errors are OSErrors) on failure."""
    with _connect(server, timeout=timeout) as client:
        client.send_message(to_message(mail, sender))


def probe(server: SmtpServer, *, timeout: float) -> None:
    """Connect, greet (and log in) and leave: raises OSError when the server is unreachable."""
    with _connect(server, timeout=timeout) as client:
        client.noop()
