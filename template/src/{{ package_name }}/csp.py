"""Content-Security-Policy: what a page served by this service may load and run.

A policy maps each directive to its sources, the shape Django's SECURE_CSP takes. JSON
answers load nothing; the docs page runs Swagger UI from this service and nothing else, so
it works offline and no other host can change what it runs.
"""

NONE = "'none'"
SELF = "'self'"

# An API answers JSON only: nothing may load, frame or be framed.
API_POLICY: dict[str, list[str]] = {"default-src": [NONE], "frame-ancestors": [NONE]}

# The docs page: Swagger UI's script, styles and icons (some inline, as data: URLs) from this
# service, and its requests ("Try it out") to this service only. It submits no form and
# still refuses to be framed.
DOCS_POLICY: dict[str, list[str]] = {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "connect-src": [SELF],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}
