"""A real identity provider for the tests: an RSA signing key, and a discovery document and
JWKS served over HTTP by a thread, so the service fetches and verifies keys exactly as it
would from Keycloak, Entra ID, Okta or Auth0. Nothing in the service is patched.
"""

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .accounts import Account

AUDIENCE = "my-api"
ALL_PERMISSIONS = ("items:read", "items:write")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def signing_key(number: int) -> rsa.RSAPrivateKey:
    """The provider's n-th key of this test session: making an RSA key takes some 40 ms, and
    every test starts the provider on a new kid. One provider's keys never share material."""
    return new_key()


@dataclass
class IdentityProvider:
    """Signs tokens with its current key; serves every key it has published as a JWKS."""

    issuer: str = ""
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    current_kid: str = ""
    fetches: list[str] = field(default_factory=list)
    # Where discovery says the keys are; empty: this provider's own /jwks.
    jwks_uri: str = ""

    def rotate(self) -> str:
        """Publish a new key and sign with it from now on; returns its kid."""
        self.current_kid = uuid.uuid4().hex[:8]
        self.keys[self.current_kid] = signing_key(len(self.keys))
        return self.current_kid

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def claims(
        self, subject: str, permissions: tuple[str, ...], **overrides: Any
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(minutes=5),
            "scope": " ".join(permissions),
            "email": f"{subject}@example.com",
        }
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def token(
        self,
        subject: str | None = None,
        permissions: tuple[str, ...] = ALL_PERMISSIONS,
        *,
        headers: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        claims = self.claims(subject or uuid.uuid4().hex, permissions, **overrides)
        key = self.keys[self.current_kid]
        return jwt.encode(
            claims,
            key,
            algorithm="RS256",
            # RFC 9068: an access token says so in its header.
            headers={"typ": "at+jwt", "kid": self.current_kid, **(headers or {})},
        )


@contextmanager
def serve(provider: IdentityProvider) -> Iterator[IdentityProvider]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.fetches.append(self.path)
            if self.path == "/.well-known/openid-configuration":
                jwks_uri = provider.jwks_uri or f"{provider.issuer}/jwks"
                body = {"issuer": provider.issuer, "jwks_uri": jwks_uri}
            elif self.path == "/jwks":
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

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the test output is for the service's logs

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


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


def create_account(
    provider: IdentityProvider, permissions: tuple[str, ...] = ALL_PERMISSIONS
) -> Account:
    """A user of the provider with a fresh access token (the service creates it on first use)."""
    subject = uuid.uuid4().hex
    return Account(subject, provider.token(subject, permissions))
