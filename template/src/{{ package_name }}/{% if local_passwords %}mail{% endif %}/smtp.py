"""Sending one mail over SMTP with the standard library's smtplib.

smtplib speaks SMTP, STARTTLS, implicit TLS and AUTH, and the service sends a handful of
mails, one connection each: a library would add a dependency and nothing it needs.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Self
from urllib.parse import unquote, urlsplit

from .message import Mail

SMTP_PORT = 25
SMTPS_PORT = 465
SMTP_URL_FORMAT = "smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]"


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, from SMTP_URL: smtps:// is implicit TLS, smtp:// plain or STARTTLS."""

    host: str
    port: int
    username: str
    password: str
    implicit_tls: bool

    @classmethod
    def from_url(cls, url: str) -> Self:
        """Parse SMTP_URL; the message of its ValueError never quotes the URL (a password)."""
        try:
            parts = urlsplit(url)
            port = parts.port  # raises ValueError when out of range
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            msg = f"SMTP_URL must be {SMTP_URL_FORMAT}"
            raise ValueError(msg)
        implicit_tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=port or (SMTPS_PORT if implicit_tls else SMTP_PORT),
            # Percent-encoded in the URL: a password may hold '@' or ':'.
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            implicit_tls=implicit_tls,
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


def _connect(server: SmtpServer, *, starttls: bool, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()  # verifies the certificate and the host name
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        if starttls:
            client.starttls(context=context)
    if server.username:
        client.login(server.username, server.password)
    return client


def send(server: SmtpServer, mail: Mail, *, sender: str, starttls: bool, timeout: float) -> None:
    """Hand the mail to the server; raises OSError (smtplib's errors are OSErrors) on failure."""
    with _connect(server, starttls=starttls, timeout=timeout) as client:
        client.send_message(to_message(mail, sender))


def probe(server: SmtpServer, *, starttls: bool, timeout: float) -> None:
    """Connect, greet (and log in) and leave: raises OSError when the server is unreachable."""
    with _connect(server, starttls=starttls, timeout=timeout) as client:
        client.noop()
