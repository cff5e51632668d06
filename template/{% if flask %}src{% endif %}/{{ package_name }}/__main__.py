"""Run the HTTP server: `python -m <package>` (production) or with `--reload` (development)."""

from functools import partial

from werkzeug.serving import run_simple

from .app import create_app
from .db import create_engine, wait_for_database
from .launch import start
from .server import serve


def main(argv: list[str] | None = None) -> None:
    settings, reload = start(argv, description=__doc__)
    # Wait here, once, rather than in every worker: a missing database fails start-up clearly.
    engine = create_engine(settings)
    wait_for_database(engine, settings.database_startup_timeout_seconds)
    engine.dispose()
    if reload:
        # Werkzeug's development server: one process, restarted when a source file changes.
        run_simple(settings.host, settings.port, create_app(settings), use_reloader=True)
    else:
        # gunicorn drains in-flight requests on SIGTERM and exits 0. Each worker builds its
        # own app after the fork: no engine or pool is ever shared between processes.
        serve(settings, partial(create_app, settings), preload=False)


if __name__ == "__main__":
    main()
