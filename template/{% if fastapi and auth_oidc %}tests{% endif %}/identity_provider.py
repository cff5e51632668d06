"""A test identity provider: real RSA keys, discovery and JWKS served over HTTP.

The service fetches from it exactly as it would from Keycloak or Entra ID: nothing in the
verification path is patched.
"""

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "test-api"
REALM = "/realms/test"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class IdentityProvider:
    """Publishes the public halves of its keys; signs tokens with the private halves."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.jwks_fetches = 0
        # Where discovery says the keys are; None: this provider's own /certs.
        self.jwks_uri: str | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == f"{REALM}/.well-known/openid-configuration":
                    jwks_uri = provider.jwks_uri or f"{provider.issuer}/certs"
                    body = {"issuer": provider.issuer, "jwks_uri": jwks_uri}
                elif self.path == f"{REALM}/certs":
                    provider.jwks_fetches += 1
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

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}{REALM}"
        self.kid = self.add_key()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_key(self, *, publish: bool = True) -> str:
        kid = uuid.uuid4().hex
        self.keys[kid] = new_rsa_key()
        if publish:
            self.published.append(kid)
        return kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.keys[kid], kid) for kid in self.published]}

    def claims(self, subject: str, **overrides: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(minutes=5),
            "scope": "openid items:read items:write",
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def token(
        self,
        subject: str,
        *,
        kid: str | None = None,
        headers: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        kid = kid or self.kid
        return jwt.encode(
            self.claims(subject, **overrides),
            self.keys[kid],
            algorithm="RS256",
            # RFC 9068: an access token says so in its header.
            headers={"typ": "at+jwt", "kid": kid, **(headers or {})},
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def unresponsive_server() -> Iterator[str]:
    """The URL of a server that accepts connections and never answers: a provider that
    hangs. Nothing accepts them, so the kernel's backlog holds them until it closes."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        # A client without a timeout would wait for ever: reset its connection after a while,
        # so that a test of such a client fails instead of hanging.
        closer = threading.Timer(15, listener.close)
        closer.start()
        try:
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"
        finally:
            closer.cancel()
