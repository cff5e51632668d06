"""The production HTTP server: gunicorn, configured from Settings, logging through log.py."""

import logging
from collections.abc import Callable, MutableMapping
from datetime import timedelta
from typing import Any

import structlog
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.http import Request, wsgi

from .arbiter import DrainingArbiter
from .config import Settings

# gthread: a slow client or query holds one thread, not a whole worker process.
THREADS_PER_WORKER = 4
# A worker that stops answering its heartbeat for this long is replaced.
WORKER_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5

access_logger = structlog.get_logger("gunicorn.access")


class QuietResponse(wsgi.Response):
    """gunicorn's response without its `Server` header (gunicorn has no option to drop it)."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


class StructuredLogger(Logger):
    """gunicorn's logger without handlers of its own: its lines go through log.py's pipeline."""

    def setup(self, cfg: Config) -> None:
        self.cfg = cfg
        for log in (self.error_log, self.access_log):
            log.handlers.clear()
            log.propagate = True
            log.setLevel(logging.INFO)

    def access(
        self,
        resp: wsgi.Response,
        req: Request,
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> None:
        """One `request` line per response, with the request id the response carries."""
        headers = {name.lower(): value for name, value in resp.headers}
        access_logger.info(
            "request",
            method=req.method,
            path=req.path,
            status=resp.status_code,
            client=environ.get("REMOTE_ADDR"),
            duration_ms=round(request_time.total_seconds() * 1000, 1),
            request_id=headers.get("x-request-id"),
        )


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {
        "bind": f"{host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": WORKER_TIMEOUT_SECONDS,
        # On SIGTERM, workers finish in-flight requests for at most this long, then exit 0.
        "graceful_timeout": settings.graceful_shutdown_seconds,
        "keepalive": KEEPALIVE_SECONDS,
        # X-Forwarded-Proto is believed only from these addresses.
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # Load Django once in the arbiter: import errors stop the start, workers share memory.
        "preload_app": True,
        "logger_class": StructuredLogger,
        # The orchestrator manages the process; no control socket in $HOME.
        "control_socket_disable": True,
    }


class Server(BaseApplication):
    """gunicorn's arbiter for the WSGI application `load_app` returns."""

    def __init__(
        self, load_app: Callable[[], Any], options: dict[str, Any], shutdown_delay: float = 0
    ) -> None:
        self.load_app = load_app
        self.options = options
        self.shutdown_delay = shutdown_delay
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        wsgi.Response = QuietResponse  # type: ignore[misc]  # what gunicorn's workers create

    def load(self) -> Any:
        return self.load_app()

    def run(self) -> None:
        # gunicorn's master, with `shutdown_delay` seconds of draining after SIGTERM.
        DrainingArbiter(self, self.shutdown_delay).run()
