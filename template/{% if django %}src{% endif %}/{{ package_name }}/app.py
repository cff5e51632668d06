"""The application factory: the WSGI application the server runs; nothing connects at import."""

import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

from .log import configure_logging

SETTINGS_MODULE = f"{__package__}.settings"


def setup_django() -> None:
    """Load settings.py (which validates the environment) and the installed apps."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup(set_prefix=False)


def create_app() -> WSGIHandler:
    """Build the WSGI application; settings come from the environment through settings.py."""
    setup_django()
    configure_logging(settings.SERVICE)
    return get_wsgi_application()
