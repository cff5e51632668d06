"""URL routes: the API (with /health, /openapi.json and /docs) and, where enabled, the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, path

from . import errors
from .api import create_api

api = create_api(settings.SERVICE)

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
if (admin_url := settings.SERVICE.admin_url) is not None:
    urlpatterns.append(path(admin_url, admin.site.urls))

# Errors outside the API (unknown routes, the admin) are problem+json too. With DEBUG on,
# in development only, Django shows its debug pages instead.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
