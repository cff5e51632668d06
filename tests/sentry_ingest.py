"""A stand-in Sentry ingest endpoint on loopback, for tests/test_sentry.py.

It answers ``POST /api/<project id>/envelope/`` as Sentry does (sentry-sdk's HTTP transport
sends every event there), keeps each envelope's raw bytes after the Content-Encoding is
undone (gzip, or brotli where the ``brotli`` module is importable), and decodes the
envelope format: a JSON header line, then items, each a JSON header line and a payload of
the header's ``length`` bytes (or up to the next newline without one).

``hang()`` makes it read requests and never answer; ``stop()`` closes its port, so that the
service's next connections are refused.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from .loopback import LoopbackEndpoint, wait_for

PROJECT_ID = "4242"
KEY = "0123456789abcdef0123456789abcdef"


@dataclass(frozen=True)
class Envelope:
    raw: bytes  # decompressed, as the SDK serialised it
    headers: dict[str, Any]
    items: list[tuple[dict[str, Any], bytes]]

    def events(self) -> list[dict[str, Any]]:
        """The error events it carries (``type: event``; sessions and the like are not)."""
        return [json.loads(payload) for header, payload in self.items if header["type"] == "event"]


def parse(raw: bytes) -> Envelope:
    header_line, _, rest = raw.partition(b"\n")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        if (length := item_header.get("length")) is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length:].removeprefix(b"\n")
        items.append((item_header, payload))
    return Envelope(raw, json.loads(header_line), items)


def decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]  # noqa: PLC0415  (only when sent)

        return bytes(brotli.decompress(body))
    assert encoding in {"", "identity"}, f"unexpected Content-Encoding {encoding!r}"
    return body


class Ingest(LoopbackEndpoint["Envelope"]):
    """Sentry's envelope endpoint for the DSN ``dsn``; keeps what it is sent."""

    def __init__(self) -> None:
        super().__init__(_Receiver)
        self.refused: list[str] = []  # requests that were not an envelope for this project
        self.hanging = False
        self.released = threading.Event()  # ends every hanging request

    @property
    def dsn(self) -> str:
        return f"http://{KEY}@127.0.0.1:{self.server_address[1]}/{PROJECT_ID}"

    def events(self) -> list[dict[str, Any]]:
        return [event for envelope in self.received() for event in envelope.events()]

    def wait_for_event(self, found: Any, timeout: float = 20) -> dict[str, Any]:
        """The first event for which ``found(event)`` is true, waiting up to ``timeout``."""
        return wait_for(self.events, found, timeout)

    def hang(self) -> None:
        """Read every request from now on and never answer it (until ``stop``)."""
        self.hanging = True

    def stop(self) -> None:
        self.released.set()
        super().stop()


class _Receiver(BaseHTTPRequestHandler):
    server: Ingest

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("X-Sentry-Auth", "")
        if self.path != f"/api/{PROJECT_ID}/envelope/" or f"sentry_key={KEY}" not in auth:
            self.server.refused.append(self.path)
            self.send_error(403)
            return
        envelope = parse(decode(body, self.headers.get("Content-Encoding", "")))
        self.server.keep(envelope)
        if self.server.hanging:
            self.server.released.wait()
            return
        reply = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: object) -> None:
        pass
