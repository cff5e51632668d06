"""Django's floor: gunicorn gthread, Django with no app, middleware or ORM, a plain cursor
(psycopg or sqlite3, persistent connections as the service's), serialized as Ninja renders."""

import json
import os
import uuid

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="floor",  # noqa: S106  (signs nothing)
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=600)},
)
django.setup()

from floor_models import PAGE, READ_ONE, item, page  # noqa: E402  (after settings)
from ninja.responses import NinjaJSONEncoder  # noqa: E402

TABLE = os.environ.get("FLOOR_TABLE", "items_item")
READ_SQL = READ_ONE.format(table=TABLE)
PAGE_SQL = PAGE.format(table=TABLE)


def _json(data: object) -> HttpResponse:
    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder), content_type="application/json")


def ready(_: HttpRequest) -> HttpResponse:
    return _json({"status": "ok"})


def read_item(_: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    with connection.cursor() as cursor:
        # SQLite keeps the services' UUIDs as 32 hex digits (Django's UUIDField).
        cursor.execute(READ_SQL, (item_id.hex if connection.vendor == "sqlite" else item_id,))
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return _json(item(row).model_dump())


def list_items(request: HttpRequest) -> HttpResponse:
    limit = int(request.GET.get("limit", 50))
    offset = int(request.GET.get("offset", 0))
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, (limit, offset))
        rows = cursor.fetchall()
    return _json(page(rows, limit, offset).model_dump())


urlpatterns = [
    path("health/ready", ready),
    path("api/v1/items/<uuid:item_id>", read_item),
    path("api/v1/items", list_items),
]
application = get_wsgi_application()
