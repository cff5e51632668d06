"""Access tokens of the identity provider, verified as a resource server (RFC 9068 style).

The provider is found once through OIDC discovery ({issuer}/.well-known/openid-configuration),
whose ``issuer`` must be OIDC_ISSUER exactly. Keys come only from its ``jwks_uri``, through
PyJWT's PyJWKClient: cached for OIDC_JWKS_CACHE_SECONDS, and refetched when a token names an
unknown ``kid`` (the provider rotated its keys). Key hints in the token header (``jku``,
``x5u``, ``jwk``) are never read: only ``kid`` selects among the provider's own keys.
"""

import json
import threading
import urllib.request
from typing import Any

import jwt
import structlog
from flask import Flask, current_app

from ..config import Settings
from ..errors import AuthenticationError, ServiceUnavailableError

logger = structlog.get_logger(__name__)

EXTENSION = "oidc"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
INVALID_TOKEN = "The token is invalid or has expired."  # noqa: S105  (a message)
UNAVAILABLE = "The identity provider cannot be reached; try again shortly."
# At most one forced JWKS refetch per this many seconds, whatever kids tokens invent.
REFETCH_COOLDOWN_SECONDS = 30.0


class OidcVerifier:
    """Verifies access tokens for one issuer and audience; thread-safe, built once per app."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._jwks: jwt.PyJWKClient | None = None

    def _discover(self) -> jwt.PyJWKClient:
        with self._lock:
            if self._jwks is None:
                issuer = self._settings.oidc_issuer.rstrip("/")
                document = _fetch_json(
                    f"{issuer}/.well-known/openid-configuration",
                    self._settings.oidc_http_timeout_seconds,
                )
                if document.get("issuer") != self._settings.oidc_issuer:
                    logger.error("oidc.issuer_mismatch", discovered=document.get("issuer"))
                    raise ServiceUnavailableError(UNAVAILABLE)
                cache_seconds = self._settings.oidc_jwks_cache_seconds
                self._jwks = jwt.PyJWKClient(
                    str(document["jwks_uri"]),
                    cache_jwk_set=cache_seconds > 0,
                    lifespan=max(cache_seconds, 1),
                    timeout=self._settings.oidc_http_timeout_seconds,
                    cooldown_duration=min(REFETCH_COOLDOWN_SECONDS, cache_seconds),
                )
            return self._jwks

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; AuthenticationError (401) or ServiceUnavailableError (503)."""
        settings = self._settings
        try:
            key = self._discover().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=settings.oidc_algorithms,  # never the token's own choice
                audience=settings.oidc_audience,
                issuer=settings.oidc_issuer,
                leeway=settings.oidc_leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWKClientConnectionError as exc:
            logger.warning("oidc.jwks_unavailable", error=type(exc).__name__)
            raise ServiceUnavailableError(UNAVAILABLE) from exc
        except jwt.PyJWTError as exc:
            logger.info("auth.token_invalid", reason=type(exc).__name__)
            raise AuthenticationError(INVALID_TOKEN) from exc
        return claims


def _fetch_json(url: str, timeout: float) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise ServiceUnavailableError(UNAVAILABLE)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  (scheme checked)
            document = json.load(response)
    except (OSError, ValueError) as exc:
        logger.warning("oidc.discovery_unavailable", error=type(exc).__name__)
        raise ServiceUnavailableError(UNAVAILABLE) from exc
    if not isinstance(document, dict) or "jwks_uri" not in document:
        raise ServiceUnavailableError(UNAVAILABLE)
    return document


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION] = OidcVerifier(settings)


def get_verifier() -> OidcVerifier:
    verifier: OidcVerifier = current_app.extensions[EXTENSION]
    return verifier
