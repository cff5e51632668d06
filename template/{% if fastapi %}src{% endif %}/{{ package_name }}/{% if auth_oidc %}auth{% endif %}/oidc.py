"""Access tokens of the corporate identity provider, verified as a resource server.

Keys come only from the provider's JWKS, found through its discovery document: a token's
own ``jku``, ``x5u`` or ``jwk`` header is never read, so a token cannot bring its own key.
"""

import json
import threading
import urllib.request
from typing import Any
from urllib.error import URLError

import anyio.to_thread
import jwt
from jwt import PyJWKClient

from ..config import Settings
from ..errors import AuthenticationError, ServiceUnavailableError

REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
INVALID_TOKEN = "The token is invalid or has expired."  # noqa: S105  (a message, not a secret)
PROVIDER_DOWN = "The identity provider cannot be reached; try again later."
# An unknown kid refetches the JWKS at most this often: tokens with made-up kids must not
# turn the service into a flood against the identity provider.
REFETCH_COOLDOWN_SECONDS = 30.0


class OidcVerifier:
    """Discovers the provider once, then verifies tokens against its cached JWKS."""

    def __init__(
        self, settings: Settings, refetch_cooldown_seconds: float = REFETCH_COOLDOWN_SECONDS
    ) -> None:
        self.settings = settings
        self.refetch_cooldown_seconds = refetch_cooldown_seconds
        self._jwks: PyJWKClient | None = None
        self._lock = threading.Lock()

    def _fetch_json(self, url: str) -> dict[str, Any]:
        if not url.startswith(("https://", "http://")):
            msg = f"refusing to fetch {url!r}: not an http(s) URL"
            raise URLError(msg)
        timeout = self.settings.oidc_http_timeout_seconds
        # The scheme is checked above; the URL comes from settings, not from a token.
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
            document: dict[str, Any] = json.load(response)
        return document

    def _jwks_client(self) -> PyJWKClient:
        with self._lock:
            if self._jwks is None:
                issuer = self.settings.oidc_issuer
                metadata = self._fetch_json(
                    f"{issuer.rstrip('/')}/.well-known/openid-configuration"
                )
                # OIDC Discovery 4.3: the document must name exactly the issuer we asked.
                if metadata.get("issuer") != issuer:
                    msg = "the discovery document names another issuer"
                    raise URLError(msg)
                self._jwks = PyJWKClient(
                    metadata["jwks_uri"],
                    cache_keys=True,
                    lifespan=max(self.settings.oidc_jwks_cache_seconds, 1),
                    timeout=self.settings.oidc_http_timeout_seconds,
                    cooldown_duration=self.refetch_cooldown_seconds,
                )
            return self._jwks

    def _verify(self, token: str) -> dict[str, Any]:
        settings = self.settings
        try:
            # Reads only `kid` from the header; an unknown kid refetches the JWKS once,
            # which is how the provider's key rotation reaches us.
            key = self._jwks_client().get_signing_key_from_jwt(token)
        except (URLError, OSError, jwt.PyJWKClientConnectionError) as exc:
            raise ServiceUnavailableError(PROVIDER_DOWN) from exc
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise AuthenticationError(INVALID_TOKEN) from exc
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=settings.oidc_algorithms,
                audience=settings.oidc_audience,
                issuer=settings.oidc_issuer,
                leeway=settings.oidc_leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise AuthenticationError(INVALID_TOKEN) from exc
        return claims

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims once signature, iss, aud, exp, nbf and iat are checked.

        The network calls block, so they run in a worker thread, off the event loop.
        """
        return await anyio.to_thread.run_sync(self._verify, token)


def permissions_of(claims: dict[str, Any], roles_claim: str) -> frozenset[str]:
    """Scopes (``scope`` string or ``scp`` list) plus the roles at the dotted claim path."""
    found: set[str] = set()
    scope = claims.get("scope")
    if isinstance(scope, str):
        found.update(scope.split())
    for listed in (claims.get("scp"), _dig(claims, roles_claim)):
        if isinstance(listed, str):
            found.update(listed.split())
        elif isinstance(listed, list):
            found.update(str(value) for value in listed)
    return frozenset(found)


def _dig(claims: dict[str, Any], path: str) -> object:
    value: object = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
