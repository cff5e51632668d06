"""Run the HTTP server: `python -m <package>` (production) or with `--reload` (development)."""

import argparse
from functools import partial

from werkzeug.serving import run_simple

from .app import create_app
from .config import Settings
from .db import create_engine, wait_for_database
from .log import configure_logging
from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=__doc__)
    parser.add_argument(
        "--reload", action="store_true", help="restart on code changes (development only)"
    )
    args = parser.parse_args(argv)

    # Validate settings before any worker starts: bad configuration fails once, clearly.
    settings = Settings()
    configure_logging(settings)
    # Wait here, once, rather than in every worker: a missing database fails start-up clearly.
    engine = create_engine(settings)
    wait_for_database(engine, settings.database_startup_timeout_seconds)
    engine.dispose()
    if args.reload:
        # Werkzeug's development server: one process, restarted when a source file changes.
        run_simple(settings.host, settings.port, create_app(settings), use_reloader=True)
    else:
        # gunicorn drains in-flight requests on SIGTERM and exits 0. Each worker builds its
        # own app after the fork: no engine or pool is ever shared between processes.
        serve(settings, partial(create_app, settings), preload=False)


if __name__ == "__main__":
    main()
