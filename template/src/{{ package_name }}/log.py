"""Logging: structlog over the standard library, so our logs and the server's share one format.

JSON lines in production, coloured console lines in development; every line carries the
request id of the request being served, and its trace and span ids when it is traced
(tracing.py). What differs by framework (which loggers are the server's, where the request
id is kept, how an access line reads) is in log_sources.py.
"""

import logging
import sys
from typing import Any, cast

import structlog
from opentelemetry import trace
from structlog.tracebacks import ExceptionDictTransformer
from structlog.types import EventDict, Processor, WrappedLogger

from .config import Settings
from .log_sources import LEVELS, ROUTED_LOGGERS, access_fields, current_request_id
from .metrics import count_auth_failures
from .redaction import scrubbed_message


def _add_request_id(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    if (request_id := current_request_id()) is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _add_trace_ids(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """The ids of the current span, as trace stores print them: the log line leads to its trace."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:  # not inside a traced request: no ids (and tracing off costs this)
        event_dict.setdefault("trace_id", trace.format_trace_id(context.trace_id))
        event_dict.setdefault("span_id", trace.format_span_id(context.span_id))
    return event_dict


def _access_fields(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """A server's access line as fields (method, path, status, ...) rather than text."""
    args = event_dict.pop("positional_args", ())
    if fields := access_fields(str(event_dict.get("logger")), tuple(args)):
        event_dict.update(event="request", **fields)
    return event_dict


def _scrub_exception_messages(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """A traceback's messages without the values a database error quotes (redaction.py)."""
    for exception in event_dict.get("exception", ()):
        if isinstance(exception, dict) and isinstance(exception.get("exc_value"), str):
            exception["exc_value"] = scrubbed_message(exception["exc_value"])
    return event_dict


# The renderers of the configured format (configure_logging). They are looked up per event,
# not placed in structlog's chain: loggers keep the chain of their first use
# (cache_logger_on_first_use), and the format can be configured again (tests do).
_RENDERERS: list[Processor] = []


def _render(logger: WrappedLogger, method: str, event_dict: EventDict) -> str | EventDict:
    rendered: Any = event_dict
    for renderer in _RENDERERS:
        rendered = renderer(logger, method, rendered)
    return cast(str | EventDict, rendered)


# Set on the records of lines structlog rendered itself (_finished_line).
FINISHED_LINE = "structlog_finished_line"


def _finished_line(
    _: WrappedLogger, __: str, line: str | EventDict
) -> tuple[tuple[str | EventDict], dict[str, Any]]:
    """Hand the line the renderer before made to the standard library's logger, marked."""
    return (line,), {"extra": {FINISHED_LINE: True}}


class _Formatter(structlog.stdlib.ProcessorFormatter):
    """Foreign records through the processors; structlog's finished lines as they are.

    Rendering our events in structlog's chain rather than here spares each line a copy of
    its record and of its event dict: an access line costs a fifth less CPU.
    """

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, FINISHED_LINE, False):
            return record.getMessage()
        return super().format(record)


def configure_logging(settings: Settings) -> None:
    """Route stdlib and structlog loggers through one handler on stdout. Idempotent."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        _add_trace_ids,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # Tracebacks become structured fields in JSON, without local variables: they would copy
    # request bodies and secrets into the logs. The console renderer prints its own.
    render: list[Processor] = (
        [
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            _scrub_exception_messages,
            structlog.processors.JSONRenderer(),
        ]
        if settings.json_logs
        else [structlog.dev.ConsoleRenderer()]
    )

    _RENDERERS[:] = render
    structlog.configure(
        # Failed authentications are counted from their log events, whatever the level.
        # Our own events are rendered here and reach the handler as finished lines; only the
        # servers' and libraries' records go through the formatter's chain (_Formatter).
        # Events below the level are dropped after the count, before they are rendered.
        processors=[
            *shared,
            count_auth_failures,
            structlog.stdlib.filter_by_level,
            _render,
            _finished_line,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = _Formatter(
        foreign_pre_chain=[*shared, _access_fields],
        pass_foreign_args=True,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    for name in ROUTED_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name, level in LEVELS.items():
        logging.getLogger(name).setLevel(level)
    _skip_unused_record_fields()
    # Python warnings (deprecations, missing static files) become log lines too.
    logging.captureWarnings(capture=True)


def _skip_unused_record_fields() -> None:
    """Spare every log record what no line shows: the caller's file and line, thread, process
    and task names (the logging HOWTO's "Optimization"). A quarter of an access line's CPU."""
    logging._srcfile = None  # the switch the HOWTO documents
    for switch in ("logThreads", "logProcesses", "logMultiprocessing", "logAsyncioTasks"):
        setattr(logging, switch, False)
