"""The API's JSON: orjson, with the values it does not write itself written as Django Ninja
writes them.

Ninja's own renderer runs `json.dumps` with its encoder, which calls back into Python for
every UUID and timestamp: on a page of 50 items that is most of the rendering. orjson writes
strings, numbers, lists, dicts and UUIDs itself, the same values as `json.dumps`; timestamps,
decimals and models still go through Ninja's encoder (its `default`), so they read exactly as
before (ISO 8601 in milliseconds, "Z" for UTC). The output is compact (no spaces after
separators, UTF-8 instead of \\u escapes), like the other frameworks' responses.
"""

import json
from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_encoder = NinjaJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(
        self,
        request: HttpRequest,  # noqa: ARG002  (Ninja's signature)
        data: Any,
        *,
        response_status: int,  # noqa: ARG002
    ) -> bytes:
        try:
            return orjson.dumps(data, default=_encoder.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            # What orjson refuses and json.dumps writes (integers beyond 64 bits): written
            # as Ninja would.
            return json.dumps(data, cls=NinjaJSONEncoder).encode()
