"""Flask's floor: gunicorn gthread, psycopg (a connection per thread), pydantic JSON."""

import os
import threading
import uuid

import psycopg
from flask import Flask, Response, abort, request
from floor_models import PAGE, READ_ONE, item, page

TABLE = os.environ.get("FLOOR_TABLE", "items")
READ_SQL = READ_ONE.format(table=TABLE)
PAGE_SQL = PAGE.format(table=TABLE)
_local = threading.local()

app = Flask(__name__)


def connection() -> psycopg.Connection:
    """This thread's connection (gthread threads live as long as the worker)."""
    found = getattr(_local, "connection", None)
    if found is None or found.closed:
        found = _local.connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return found


@app.get("/health/ready")
def ready() -> Response:
    return Response('{"status": "ok"}', mimetype="application/json")


@app.get("/api/v1/items/<uuid:item_id>")
def read_item(item_id: uuid.UUID) -> Response:
    row = connection().execute(READ_SQL, (item_id,)).fetchone()
    if row is None:
        abort(404)
    return Response(item(row).model_dump_json(), mimetype="application/json")


@app.get("/api/v1/items")
def list_items() -> Response:
    limit = request.args.get("limit", 50, type=int)
    offset = request.args.get("offset", 0, type=int)
    rows = connection().execute(PAGE_SQL, (limit, offset)).fetchall()
    return Response(page(rows, limit, offset).model_dump_json(), mimetype="application/json")
