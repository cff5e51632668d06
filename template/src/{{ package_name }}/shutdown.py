"""Draining: between SIGTERM and closing the listener, readiness answers 503.

A load balancer (or Kubernetes, through its endpoints) notices that a replica is going away
only when its readiness probe fails. For SHUTDOWN_DELAY_SECONDS after SIGTERM the server keeps
serving while readiness says 503, so traffic moves elsewhere before connections are refused;
then the server drains the requests in flight and exits 0.
"""

import ctypes
import signal
import threading
from multiprocessing.sharedctypes import RawValue
from types import FrameType

import structlog

logger = structlog.get_logger(__name__)

# Shared memory, not a plain global: gunicorn's master process receives the signal and the
# worker processes it forked answer the probes. uvicorn's workers each get the signal.
_draining = RawValue(ctypes.c_bool)


def start_draining() -> None:
    _draining.value = True


def is_draining() -> bool:
    return bool(_draining.value)


def delay_sigterm(seconds: float) -> None:
    """Put a drain of `seconds` in front of the server's own SIGTERM handler.

    Called at start-up, once the server has installed its handler (uvicorn's, or that of
    gunicorn's master): the first SIGTERM starts the drain and hands the signal on after the
    delay; a second one hands it on at once.
    """
    handler = signal.getsignal(signal.SIGTERM)
    if seconds <= 0 or not callable(handler):
        return
    if threading.current_thread() is not threading.main_thread():
        return  # not the server's process (a test client): nothing to delay

    def drain_first(signum: int, frame: FrameType | None) -> None:
        if is_draining():
            handler(signum, frame)
            return
        start_draining()
        logger.info("shutdown.draining", seconds=seconds)
        timer = threading.Timer(seconds, handler, (signum, frame))
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGTERM, drain_first)
