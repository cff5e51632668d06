"""The production server: gunicorn, configured from Settings, logging through structlog.

Worker class gthread: each worker process serves a few requests at once on threads, which
suits a sync app that mostly waits on its database, keeps idle keep-alive connections off
the request threads, and drains in-flight requests on SIGTERM within GRACEFUL_SHUTDOWN_SECONDS.
"""

from collections.abc import Callable, Iterable, MutableMapping
from datetime import timedelta
from typing import Any

import structlog
from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.message import Request

from .app import create_app
from .arbiter import DrainingArbiter
from .config import Settings
from .proxies import TrustedProxies
from .request_id import HEADER

THREADS_PER_WORKER = 4
# A worker silent for this long is killed and replaced (a hung request, a stuck database).
WORKER_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5

_access_log = structlog.get_logger("gunicorn.access")


class StructuredLogger(glogging.Logger):
    """gunicorn's logger, sent through the service's handler instead of gunicorn's own."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.handlers.clear()
            log.propagate = True

    def access(
        self,
        resp: wsgi.Response,
        req: Request,  # noqa: ARG002  (gunicorn's signature)
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> None:
        """One "request" event per response, with fields instead of a formatted line."""
        headers = {name.lower(): value for name, value in resp.headers}
        _access_log.info(
            "request",
            method=environ.get("REQUEST_METHOD"),
            path=environ.get("PATH_INFO"),
            status=int(str(resp.status).split(maxsplit=1)[0]),
            client=environ.get("REMOTE_ADDR"),
            duration_ms=round(request_time.total_seconds() * 1000, 1),
            # The app's request context is gone by now; the id is in the response headers.
            request_id=headers.get(HEADER.lower()),
        )


def _bind(settings: Settings) -> str:
    return (
        f"[{settings.host}]:{settings.port}"
        if ":" in settings.host
        else f"{settings.host}:{settings.port}"
    )


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """gunicorn's settings, all derived from the service's Settings."""
    return {
        "bind": [_bind(settings)],
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        # Each worker loads the app after the fork, so no database connection or pool is
        # ever shared between processes.
        "preload_app": False,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": settings.graceful_shutdown_seconds,
        "keepalive": KEEPALIVE_SECONDS,
        # X-Forwarded-Proto and friends are trusted from these proxies only.
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "logger_class": StructuredLogger,
        "loglevel": settings.log_level.lower(),
        # No runtime control socket: nothing should reconfigure a container from inside.
        "control_socket_disable": True,
    }


_server_header_dropped = False


def drop_server_header() -> None:
    """gunicorn always sends `Server: gunicorn` and has no setting to turn it off; the
    header only tells an attacker which exploits to try."""
    global _server_header_dropped  # noqa: PLW0603
    if _server_header_dropped:
        return
    default_headers = wsgi.Response.default_headers

    def without_server(self: wsgi.Response) -> list[str]:
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    wsgi.Response.default_headers = without_server  # type: ignore[method-assign]
    _server_header_dropped = True


class Server(BaseApplication):
    """gunicorn with our settings, no config file and no command line of its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in gunicorn_options(self.settings).items():
            self.cfg.set(name, value)

    def load(self) -> Callable[..., Iterable[bytes]]:
        # Called in each worker: every process builds its own app, engine and pool.
        return TrustedProxies(create_app(self.settings), self.settings.forwarded_allow_ips)

    def run(self) -> None:
        # gunicorn's master, with SHUTDOWN_DELAY_SECONDS of draining after SIGTERM.
        DrainingArbiter(self, self.settings.shutdown_delay).run()


def serve(settings: Settings) -> None:
    drop_server_header()
    Server(settings).run()
