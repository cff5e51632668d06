"""An HTTP endpoint on loopback that keeps what it is sent, for the stand-in servers of the
slow tests (tests/sentry_ingest.py, the OTLP collector of tests/test_traces.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Generic, TypeVar

Kept = TypeVar("Kept")
Found = TypeVar("Found")


class LoopbackEndpoint(ThreadingHTTPServer, Generic[Kept]):
    """Serves ``handler`` on a free loopback port from a daemon thread until ``stop``."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.kept: list[Kept] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def keep(self, *items: Kept) -> None:
        with self.lock:
            self.kept.extend(items)

    def received(self) -> list[Kept]:
        with self.lock:
            return list(self.kept)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()  # the port refuses connections from now on


def wait_for(
    items: Callable[[], list[Found]], found: Callable[[Found], bool], timeout: float
) -> Found:
    """The first of ``items()`` that ``found`` accepts; fails the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in items():
            if found(item):
                return item
        time.sleep(0.1)
    raise AssertionError(f"nothing expected within {timeout} s; received {items()}")
