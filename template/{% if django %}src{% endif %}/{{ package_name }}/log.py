"""Logging: structlog over the standard library, so our logs and the server's share one format.

JSON lines in production, coloured console lines in development; every line carries the
request id of the request being served.
"""

import logging
import sys

import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.types import EventDict, Processor, WrappedLogger

from .config import Settings
from .request_id import current_request_id

# Loggers of the server and libraries that should go through our handler, not their own.
_ROUTED_LOGGERS = ("gunicorn", "gunicorn.error", "gunicorn.access", "django", "django.server")
_REQUEST_LINE_PARTS = 3  # "GET /path HTTP/1.1"


def _add_request_id(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    if (request_id := current_request_id()) is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _access_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Turn the development server's access line into fields: method, path, status."""
    args = event_dict.pop("positional_args", ())
    if event_dict.get("logger") == "django.server" and len(args) == _REQUEST_LINE_PARTS:
        request_line, status, _ = args
        parts = str(request_line).split(" ")
        if len(parts) == _REQUEST_LINE_PARTS:
            method, path, _ = parts
            event_dict.update(event="request", method=method, path=path, status=int(status))
    return event_dict


def configure_logging(settings: Settings) -> None:
    """Route stdlib and structlog loggers through one handler on stdout. Idempotent."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # Tracebacks become structured fields in JSON, without local variables: they would copy
    # request bodies and secrets into the logs. The console renderer prints its own.
    render: list[Processor] = (
        [
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            structlog.processors.JSONRenderer(),
        ]
        if settings.json_logs
        else [structlog.dev.ConsoleRenderer()]
    )

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, _access_fields],
        pass_foreign_args=True,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    for name in _ROUTED_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Django also logs every 4xx answer as a warning: the access log has them already.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # Python warnings (deprecations, missing static files) become log lines too.
    logging.captureWarnings(capture=True)
