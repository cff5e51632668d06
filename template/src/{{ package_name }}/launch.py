"""What `python -m <package>` does before it starts a server: the command line, the
settings and logging; __main__.py then starts the framework's server."""

import argparse

from .config import Settings
from .log import configure_logging


def start(argv: list[str] | None, description: str | None) -> tuple[Settings, bool]:
    """Parse `[--reload]`, validate the settings and configure logging.

    Returns the settings and whether to restart on code changes.
    """
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}", description=description)
    parser.add_argument(
        "--reload", action="store_true", help="restart on code changes (development only)"
    )
    args = parser.parse_args(argv)

    # Validate settings before any worker starts: bad configuration fails once, clearly.
    settings = Settings()
    configure_logging(settings)
    reload: bool = args.reload
    return settings, reload
