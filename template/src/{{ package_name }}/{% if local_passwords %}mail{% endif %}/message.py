"""Mails built from the templates beside this module: a plain-text and an HTML body each.

Jinja2 rather than string.Template: the HTML body escapes every value by default, so an
address or a name can never inject markup, and the templates a team grows may use
conditions and loops.
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a value the code forgot is an error, not a blank
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Mail:
    """One message, plain data only: a job queue can carry it as it is."""

    to: str
    subject: str
    text: str
    html: str
    # What the mail is, for the logs: its bodies may hold a secret link and are never logged.
    kind: str


def compose(kind: str, *, to: str, subject: str, **context: str) -> Mail:
    """Render templates/<kind>.txt and templates/<kind>.html with ``context``."""
    text = _TEMPLATES.get_template(f"{kind}.txt").render(context, subject=subject)
    html = _TEMPLATES.get_template(f"{kind}.html").render(context, subject=subject)
    return Mail(to=to, subject=subject, text=text, html=html, kind=kind)
