"""A stand-in OpenID Connect provider for the slow tests: discovery and JWKS over HTTP.

The production server of a rendered ``oidc`` project is pointed at it (``OIDC_ISSUER``) and
fetches its keys exactly as it would from Keycloak or Entra ID; the tests sign access tokens
with the private half of a real RSA key.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "template-tests"
REALM = "/realms/template-tests"


class IdentityProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        documents: dict[str, Any] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = documents.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}{REALM}"
        documents[f"{REALM}/.well-known/openid-configuration"] = {
            "issuer": self.issuer,
            "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
        }
        documents[f"{REALM}/protocol/openid-connect/certs"] = {
            "keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]
        }
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def settings(self) -> dict[str, str]:
        """The service's environment variables that make it trust this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_AUDIENCE": AUDIENCE}

    def token(self, subject: str, lifetime: int = 3600) -> str:
        """An access token for ``subject`` that may read and write items."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "exp": now + lifetime,
            "scope": "openid items:read items:write",
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@contextmanager
def identity_provider() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    provider.thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
