"""The production server: gunicorn, configured from Settings, logging through structlog.

Worker class gthread: each worker process serves a few requests at once on threads, which
suits a sync app that mostly waits on its database, keeps idle keep-alive connections off
the request threads, and drains in-flight requests on SIGTERM within GRACEFUL_SHUTDOWN_SECONDS.
The framework's only part is its WSGI application (`load_app`) and whether it is built once
before the workers fork (`preload`); the one patch of gunicorn's internals is in
gunicorn_internals.py.
"""

from collections.abc import Callable, Iterable, MutableMapping
from datetime import timedelta
from typing import Any
from wsgiref.types import WSGIApplication

import structlog
from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.message import Request
from gunicorn.workers.base import Worker

from .config import Settings
from .gunicorn_internals import drop_server_header
from .heap import freeze_startup_objects
from .last_resort import ProblemOnCrash
from .metrics import forget_process, start_exporter, use_process_directory
from .proxies import TrustedProxies
from .shutdown import delay_sigterm

THREADS_PER_WORKER = 4
# A worker silent for this long is killed and replaced (a hung request, a stuck database).
WORKER_TIMEOUT_SECONDS = 30
KEEPALIVE_SECONDS = 5

_access_log = structlog.get_logger("gunicorn.access")


class Logger(glogging.Logger):
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
            request_id=headers.get("x-request-id"),
        )


def _bind(settings: Settings) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return f"{host}:{settings.port}"


def _drain_after_sigterm(seconds: float) -> Callable[[Arbiter], None]:
    def when_ready(_: Arbiter) -> None:
        # The master's signal handlers are in place by now: put the drain in front of its
        # SIGTERM handler, so readiness fails SHUTDOWN_DELAY_SECONDS before it stops serving.
        delay_sigterm(seconds)

    return when_ready


def _when_ready(settings: Settings) -> Callable[[Arbiter], None]:
    drain = _drain_after_sigterm(settings.shutdown_delay)

    def when_ready(arbiter: Arbiter) -> None:
        drain(arbiter)
        if settings.metrics_port:
            # The master outlives its workers: its exporter sums theirs (metrics.py).
            start_exporter(settings)

    return when_ready


def _forget_worker(_: Arbiter, worker: Worker) -> None:
    forget_process(int(worker.pid))


def _settle_worker(_: Worker) -> None:
    # The worker has built its app (or inherited it, preloaded): that is start-up done.
    freeze_startup_objects()


def options(settings: Settings, *, preload: bool) -> dict[str, Any]:
    """gunicorn's settings, all derived from the service's Settings."""
    return {
        "bind": [_bind(settings)],
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "preload_app": preload,
        "timeout": WORKER_TIMEOUT_SECONDS,
        # On SIGTERM, workers finish in-flight requests for at most this long, then exit 0.
        "graceful_timeout": settings.graceful_shutdown_seconds,
        "keepalive": KEEPALIVE_SECONDS,
        # X-Forwarded-Proto and friends are trusted from these proxies only.
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "logger_class": Logger,
        "loglevel": settings.log_level.lower(),
        # No runtime control socket: nothing should reconfigure a container from inside.
        "control_socket_disable": True,
        "when_ready": _when_ready(settings),
        "child_exit": _forget_worker,
        "post_worker_init": _settle_worker,
    }


class Server(BaseApplication):
    """gunicorn with our settings, no config file and no command line of its own."""

    def __init__(
        self, settings: Settings, load_app: Callable[[], WSGIApplication], *, preload: bool
    ) -> None:
        self.settings = settings
        self.load_app = load_app
        self.preload = preload
        super().__init__()

    def load_config(self) -> None:
        for name, value in options(self.settings, preload=self.preload).items():
            self.cfg.set(name, value)

    def load(self) -> Callable[..., Iterable[bytes]]:
        # The client address is the one the trusted proxies forward (proxies.py); an error
        # that escapes the framework is still a problem+json (last_resort.py).
        app = TrustedProxies(self.load_app(), self.settings.forwarded_allow_ips)
        return ProblemOnCrash(app)


def serve(settings: Settings, load_app: Callable[[], WSGIApplication], *, preload: bool) -> None:
    """Run gunicorn until SIGTERM: `load_app` builds the framework's WSGI application.

    With `preload`, it is built once in the master process and shared by the forked workers;
    otherwise each worker builds its own (for an app that opens resources as it is built).
    """
    drop_server_header()
    if settings.metrics_port:
        # Before the app is loaded and the workers fork: they all write their samples there.
        use_process_directory()
    Server(settings, load_app, preload=preload).run()
