"""A stand-in OpenID Connect provider for the slow tests: discovery and JWKS over HTTP.

The production server of a rendered ``oidc`` project is pointed at it (``OIDC_ISSUER``) and
fetches its keys exactly as it would from Keycloak or Entra ID; the tests sign access tokens
with the private half of real RSA keys. A test can change the key set while the service runs
(``rotate``, ``remove``) and take the provider down and up again (``stop``, ``start``), on
the same port.
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
DISCOVERY = f"{REALM}/.well-known/openid-configuration"
KEYS = "/protocol/openid-connect/certs"  # under the issuer, as Keycloak has it


class IdentityProvider:
    def __init__(self) -> None:
        # Published keys by kid: the JWKS lists exactly these.
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.kid = self.rotate()
        self.key_fetches = 0
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self.port = 0
        self.start()
        self.issuer = f"http://127.0.0.1:{self.port}{REALM}"

    def rotate(self) -> str:
        """Publish a new key and sign with it from now on; returns its kid."""
        self.kid = uuid.uuid4().hex
        self.keys[self.kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self.kid

    def remove(self, kid: str) -> rsa.RSAPrivateKey:
        """Take a key out of the JWKS; the test keeps its private half to sign with."""
        return self.keys.pop(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == DISCOVERY:
                    body = {"issuer": provider.issuer, "jwks_uri": provider.issuer + KEYS}
                elif self.path == REALM + KEYS:
                    provider.key_fetches += 1
                    body = provider.jwks()
                else:
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

        return Handler

    def start(self) -> None:
        """Serve (again, on the same port after ``stop``)."""
        # HTTPServer sets SO_REUSEADDR: the port is free again at once after stop().
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """The provider goes down: connections to its port are refused."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def settings(self) -> dict[str, str]:
        """The service's environment variables that make it trust this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_AUDIENCE": AUDIENCE}

    def token(
        self,
        subject: str,
        lifetime: int = 3600,
        *,
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        typ: str | None = "at+jwt",
        scope: str = "openid items:read items:write",
    ) -> str:
        """An access token for ``subject`` that may read and write items (unless ``scope``
        says otherwise), signed with the current key (or ``kid``'s, or ``key`` under ``kid``);
        ``typ`` as RFC 9068 says."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "exp": now + lifetime,
            "scope": scope,
        }
        kid = kid or self.kid
        signing_key = key or self.keys[kid]
        # typ None: PyJWT leaves the header out.
        headers = {"kid": kid, "typ": typ}
        return jwt.encode(claims, signing_key, algorithm="RS256", headers=headers)


@contextmanager
def identity_provider() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    try:
        yield provider
    finally:
        provider.stop()
