"""Run the HTTP server: `python -m <package>` (production) or with `--reload` (development)."""

import argparse

from django.core.management import call_command

from .app import create_app, setup_django
from .config import Settings
from .db import close_connections, wait_for_database
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
    setup_django()
    # Wait here, once, rather than in every worker: a missing database fails start-up clearly.
    wait_for_database(settings.database_startup_timeout_seconds)
    # Workers are forked from this process: each opens connections of its own.
    close_connections()
    if args.reload:
        # Django's development server: reloads on code changes, serves static files.
        call_command("runserver", f"{settings.host}:{settings.port}")
        return
    # gunicorn drains in-flight requests on SIGTERM, then exits 0. Django is loaded once, in
    # the master: an import error stops the start, and the forked workers share its memory.
    serve(settings, create_app, preload=True)


if __name__ == "__main__":
    main()
