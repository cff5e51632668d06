"""Flask's floor: gunicorn gthread, psycopg (a connection per thread; sqlite3 on SQLite),
pydantic JSON."""

import os
import sqlite3
import threading
import uuid
from typing import Any

from flask import Flask, Response, abort, request
from floor_models import PAGE, READ_ONE, item, page, sqlite_path

TABLE = os.environ.get("FLOOR_TABLE", "items")
DATABASE_URL = os.environ["DATABASE_URL"]
SQLITE = sqlite_path(DATABASE_URL)
READ_SQL = READ_ONE.format(table=TABLE).replace("%s", "?" if SQLITE else "%s")
PAGE_SQL = PAGE.format(table=TABLE).replace("%s", "?" if SQLITE else "%s")
_local = threading.local()

app = Flask(__name__)


def connection() -> Any:
    """This thread's connection (gthread threads live as long as the worker)."""
    found = getattr(_local, "connection", None)
    if found is None:
        if SQLITE:
            found = sqlite3.connect(SQLITE, autocommit=True)
        else:
            import psycopg  # noqa: PLC0415  (only in the PostgreSQL projects' virtualenvs)

            found = psycopg.connect(DATABASE_URL, autocommit=True)
        _local.connection = found
    return found


@app.get("/health/ready")
def ready() -> Response:
    return Response('{"status": "ok"}', mimetype="application/json")


@app.get("/api/v1/items/<uuid:item_id>")
def read_item(item_id: uuid.UUID) -> Response:
    # SQLite keeps the services' UUIDs as 32 hex digits (SQLAlchemy's Uuid type).
    row = connection().execute(READ_SQL, (item_id.hex if SQLITE else item_id,)).fetchone()
    if row is None:
        abort(404)
    return Response(item(row).model_dump_json(), mimetype="application/json")


@app.get("/api/v1/items")
def list_items() -> Response:
    limit = request.args.get("limit", 50, type=int)
    offset = request.args.get("offset", 0, type=int)
    rows = connection().execute(PAGE_SQL, (limit, offset)).fetchall()
    return Response(page(rows, limit, offset).model_dump_json(), mimetype="application/json")
