"""Run the HTTP server: `python -m <package>` (production) or with `--reload` (development)."""

import argparse
import signal
import sys
from types import FrameType

import uvicorn

from .config import Settings
from .log import configure_logging


def _exit_cleanly(_: int, __: FrameType | None) -> None:
    sys.exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__)
    parser.add_argument(
        "--reload", action="store_true", help="restart on code changes (development only)"
    )
    args = parser.parse_args(argv)

    # Validate settings before any worker starts: bad configuration fails once, clearly.
    settings = Settings()
    configure_logging(settings)
    # uvicorn drains in-flight requests on SIGTERM, then re-raises the signal into the
    # previous handler: make that handler a clean exit, so a graceful stop exits 0.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        f"{__package__}.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=None if args.reload else settings.workers,
        reload=args.reload,
        log_config=None,  # keep our structlog pipeline; uvicorn's loggers propagate into it
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        timeout_keep_alive=5,
    )


if __name__ == "__main__":
    main()
