"""A stand-in OpenID Connect provider for the tests: real RSA keys, and a discovery document
and JWKS served over HTTP by a thread, so the service fetches and verifies keys exactly as it
would from Keycloak, Entra ID, Okta or Auth0. Nothing in the service is patched.

A test can change the key set while the service runs (``rotate``, ``remove``) and take the
provider down and up again (``stop``, ``start``), on the same port. The template's own slow
tests serve this very module to production servers.
"""

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "my-api"
ALL_PERMISSIONS = ("items:read", "items:write")
REALM = "/realms/test"  # the issuer has a path, as Keycloak's and Entra ID's do
DISCOVERY = "/.well-known/openid-configuration"
KEYS = "/protocol/openid-connect/certs"  # under the issuer, as Keycloak has it


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def signing_key(number: int) -> rsa.RSAPrivateKey:
    """The provider's n-th key of this test session: making an RSA key takes some 40 ms, and
    every test starts the provider on a new kid. One provider's keys never share material."""
    return new_key()


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class IdentityProvider:
    """Signs tokens with its current key; serves every key it has published as a JWKS."""

    # How long the tokens it issues are valid.
    lifetime = timedelta(minutes=5)

    def __init__(self) -> None:
        # The published keys by kid: the JWKS lists exactly these.
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.current_kid = ""
        # The paths requested, under the issuer (DISCOVERY, KEYS).
        self.fetches: list[str] = []
        # Where discovery says the keys are; empty: this provider's own KEYS.
        self.jwks_uri = ""
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._rotations = 0
        self.rotate()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}{REALM}"

    @property
    def key_fetches(self) -> int:
        return self.fetches.count(KEYS)

    def reset(self) -> None:
        """One fresh signing key, nothing fetched yet: the provider as a test finds it."""
        self.keys.clear()
        self.fetches.clear()
        self._rotations = 0
        self.rotate()

    def rotate(self) -> str:
        """Publish a new key and sign with it from now on; returns its kid."""
        self.current_kid = uuid.uuid4().hex[:8]
        self.keys[self.current_kid] = signing_key(self._rotations)
        self._rotations += 1
        return self.current_kid

    def remove(self, kid: str) -> rsa.RSAPrivateKey:
        """Take a key out of the JWKS; the test keeps its private half to sign with."""
        return self.keys.pop(kid)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(key, kid) for kid, key in self.keys.items()]}

    def claims(
        self, subject: str, permissions: tuple[str, ...] = ALL_PERMISSIONS, **overrides: Any
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + self.lifetime,
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
        kid: str | None = None,
        key: rsa.RSAPrivateKey | None = None,
        headers: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> str:
        """An access token, signed with the current key (or ``kid``'s, or ``key`` under
        ``kid``); ``overrides`` change claims (None leaves one out), ``headers`` the header."""
        claims = self.claims(subject or uuid.uuid4().hex, permissions, **overrides)
        kid = kid or self.current_kid
        return jwt.encode(
            claims,
            key or self.keys[kid],
            algorithm="RS256",
            # RFC 9068: an access token says so in its header (typ None leaves it out).
            headers={"typ": "at+jwt", "kid": kid, **(headers or {})},
        )

    def start(self) -> None:
        """Serve (again, on the same port after ``stop``)."""
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.removeprefix(REALM)
                provider.fetches.append(path)
                if path == DISCOVERY:
                    jwks_uri = provider.jwks_uri or provider.issuer + KEYS
                    body = {"issuer": provider.issuer, "jwks_uri": jwks_uri}
                elif path == KEYS:
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

        # HTTPServer sets SO_REUSEADDR: the port is free again at once after stop().
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """The provider goes down: connections to its port are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def serve(provider: IdentityProvider) -> Iterator[IdentityProvider]:
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


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
