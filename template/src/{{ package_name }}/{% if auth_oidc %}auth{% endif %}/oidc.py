"""Access tokens of the identity provider, verified as a resource server (RFC 9068).

The provider is found once through OIDC discovery ({issuer}/.well-known/openid-configuration),
whose ``issuer`` must be OIDC_ISSUER exactly. Keys come only from its ``jwks_uri``; the whole
key set is cached for OIDC_JWKS_CACHE_SECONDS and then fetched again, so a key the provider
removed stops working within that time, and a token naming an unknown ``kid`` (the provider
rotated) refetches it at most once per cooldown. Key hints in the token header (``jku``,
``x5u``, ``jwk``) are never read: only ``kid`` selects among the provider's own keys.
"""

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt
import structlog

from ..config import Settings
from ..exceptions import AuthenticationError, ServiceUnavailableError

logger = structlog.get_logger(__name__)

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
INVALID_TOKEN = "The token is invalid or has expired."  # noqa: S105  (a message)
UNAVAILABLE = "The identity provider cannot be reached; try again shortly."
# An unknown kid refetches the JWKS at most this often: tokens with made-up kids must not
# turn the service into a flood against the identity provider.
REFETCH_COOLDOWN_SECONDS = 30.0


def token_type(value: object) -> str:
    """A ``typ`` header as compared: case-insensitive, ``application/`` optional (RFC 9068 §4).
    A token without one is a plain JWT (RFC 7519 §5.1)."""
    if not isinstance(value, str):
        return "jwt" if value is None else ""
    return value.strip().lower().removeprefix("application/")


class OidcVerifier:
    """Verifies access tokens for one issuer and audience; thread-safe, one per settings."""

    def __init__(
        self,
        settings: Settings,
        refetch_cooldown_seconds: float = REFETCH_COOLDOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._cooldown = refetch_cooldown_seconds
        self._clock = clock
        self._types = frozenset(token_type(typ) for typ in settings.oidc_access_token_types)
        # One lock: concurrent requests wait for one fetch instead of each making their own.
        self._lock = threading.Lock()
        self._jwks_uri: str | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None  # the keys' age: they expire after the cache time
        self._attempted_at: float | None = None  # the cooldown of unknown kids counts from here

    def _fetch_json(self, url: str) -> dict[str, Any]:
        if not url.startswith(("https://", "http://")):
            logger.error("oidc.bad_url", url=url)
            raise ServiceUnavailableError(UNAVAILABLE)
        timeout = self._settings.oidc_http_timeout_seconds
        try:
            # The scheme is checked above; the URL comes from settings or discovery, never
            # from a token.
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
                document = json.load(response)
        except (OSError, ValueError) as exc:
            logger.warning("oidc.provider_unavailable", error=type(exc).__name__)
            raise ServiceUnavailableError(UNAVAILABLE) from exc
        if not isinstance(document, dict):
            logger.warning("oidc.provider_unavailable", error="not a JSON object")
            raise ServiceUnavailableError(UNAVAILABLE)
        return document

    def _discover(self) -> str:
        if self._jwks_uri is None:
            issuer = self._settings.oidc_issuer
            document = self._fetch_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
            # OIDC Discovery 4.3: the document must name exactly the issuer we asked.
            if document.get("issuer") != issuer:
                logger.error("oidc.issuer_mismatch", discovered=document.get("issuer"))
                raise ServiceUnavailableError(UNAVAILABLE)
            jwks_uri = document.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise ServiceUnavailableError(UNAVAILABLE)
            self._jwks_uri = jwks_uri
        return self._jwks_uri

    def _refresh(self, now: float) -> None:
        """Replace the cached keys by the provider's current set; a key it dropped is gone."""
        self._attempted_at = now  # set before fetching: a failed fetch counts too, no retry storm
        document = self._fetch_json(self._discover())
        listed = document.get("keys")
        if not isinstance(listed, list):
            raise ServiceUnavailableError(UNAVAILABLE)
        keys: dict[str, jwt.PyJWK] = {}
        for data in listed:
            if not isinstance(data, dict) or not isinstance(data.get("kid"), str):
                continue
            if data.get("use", "sig") != "sig":
                continue  # an encryption key never verifies a signature
            try:
                keys[data["kid"]] = jwt.PyJWK(data)
            except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
                # A key type this service does not use, or a malformed one: the others serve.
                logger.warning("oidc.key_skipped", kid=data["kid"], error=type(exc).__name__)
        self._keys, self._fetched_at = keys, now
        logger.info("oidc.keys_fetched", kids=sorted(keys))

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            now = self._clock()
            fetched = self._fetched_at
            if fetched is None or now - fetched >= self._settings.oidc_jwks_cache_seconds:
                # Expired: fetched again before any token is accepted, so a provider that is
                # down now is a 503, not a verdict from stale keys.
                self._refresh(now)
            elif kid not in self._keys and (
                self._attempted_at is None or now - self._attempted_at >= self._cooldown
            ):
                self._refresh(now)  # the provider may have rotated to this kid
            key = self._keys.get(kid)
        if key is None:
            logger.info("auth.token_invalid", reason="unknown kid")
            raise AuthenticationError(INVALID_TOKEN)
        return key

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; AuthenticationError (401) or ServiceUnavailableError (503).

        Blocks on the network when the keys are due: async callers run it in a thread.
        """
        settings = self._settings
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            logger.info("auth.token_invalid", reason=type(exc).__name__)
            raise AuthenticationError(INVALID_TOKEN) from exc
        if not isinstance(kid, str):
            logger.info("auth.token_invalid", reason="no kid")
            raise AuthenticationError(INVALID_TOKEN)
        key = self._key(kid)
        try:
            decoded = jwt.decode_complete(
                token,
                # The PyJWK, not its bare key: the token's alg must also be the key's own, so
                # an RS256 token naming an EC key's kid is a 401, not a TypeError (a 500).
                key,
                algorithms=settings.oidc_algorithms,  # never the token's own choice
                audience=settings.oidc_audience,
                issuer=settings.oidc_issuer,
                leeway=settings.oidc_leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            logger.info("auth.token_invalid", reason=type(exc).__name__)
            raise AuthenticationError(INVALID_TOKEN) from exc
        # RFC 9068 §4: an access token says so in its header; an ID token (typ JWT) signed by
        # the same provider for the same audience must not open the API.
        if token_type(decoded["header"].get("typ")) not in self._types:
            logger.info("auth.token_invalid", reason="typ")
            raise AuthenticationError(INVALID_TOKEN)
        claims: dict[str, Any] = decoded["payload"]
        return claims


def permissions_of(claims: dict[str, Any], roles_claim: str) -> frozenset[str]:
    """Scopes (``scope`` string or ``scp`` list) plus the roles at a dotted claim path
    (Keycloak ``realm_access.roles``, Auth0 ``permissions``, Entra ID ``roles``...)."""
    granted: set[str] = set()
    scope = claims.get("scope")
    if isinstance(scope, str):
        granted.update(scope.split())
    node: Any = claims
    for part in roles_claim.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    for listed in (claims.get("scp"), node):  # scp: Entra ID and Okta, a list or a string
        if isinstance(listed, str):
            granted.update(listed.split())
        elif isinstance(listed, list):
            granted.update(str(item) for item in listed)
    return frozenset(granted)
