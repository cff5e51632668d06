"""Run the HTTP server: `python -m <package>` (production) or with `--reload` (development)."""

from django.core.management import call_command

from .app import create_app, setup_django
from .db import close_connections, wait_for_database
from .launch import start
from .server import serve


def main(argv: list[str] | None = None) -> None:
    settings, reload = start(argv, description=__doc__)
    setup_django()
    # Wait here, once, rather than in every worker: a missing database fails start-up clearly.
    wait_for_database(settings.database_startup_timeout_seconds)
    # Workers are forked from this process: each opens connections of its own.
    close_connections()
    if reload:
        # Django's development server: reloads on code changes, serves static files.
        call_command("runserver", f"{settings.host}:{settings.port}")
        return
    # gunicorn drains in-flight requests on SIGTERM, then exits 0. Django is loaded once, in
    # the master: an import error stops the start, and the forked workers share its memory.
    serve(settings, create_app, preload=True)


if __name__ == "__main__":
    main()
