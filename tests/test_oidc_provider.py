"""Each framework's production server against an identity provider whose key set changes
while the service runs (issue #16): a key the provider removes is refused once the key
cache expires, a new key is accepted, an expired cache with the provider down is a 503, and
only RFC 9068 access tokens (``typ: at+jwt``) open the API.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest

from extensions.refusals import supported

from .identity_provider import IdentityProvider, identity_provider
from .projects import install, production_server
from .rendering import render

pytestmark = pytest.mark.slow

ME = "/api/v1/users/me"
CACHE_SECONDS = 2
# A request after the cache expires fetches the key set: allowed on top of the cache time.
ONE_FETCH = 1.0


@pytest.fixture(scope="module", params=supported("framework"))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"oidc-{request.param}")
    rendered = render(root / "project", framework=request.param, auth="oidc", python_version="3.13")
    install(rendered, "3.13")
    return rendered


def me(client: httpx.Client, token: str) -> httpx.Response:
    return client.get(ME, headers={"Authorization": f"Bearer {token}"})


def status(client: httpx.Client, token: str) -> int:
    return me(client, token).status_code


def assert_problem(response: httpx.Response, code: int) -> None:
    assert response.status_code == code, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == code


def test_the_service_follows_the_providers_keys(project: Path, tmp_path: Path) -> None:
    with (
        identity_provider() as provider,
        production_server(
            project,
            tmp_path,
            **provider.settings,
            OIDC_JWKS_CACHE_SECONDS=str(CACHE_SECONDS),
            OIDC_HTTP_TIMEOUT_SECONDS="1",
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=10) as client,
    ):
        subject = uuid.uuid4().hex
        first = provider.current_kid
        assert status(client, provider.token(subject)) == 200
        assert_typ_is_checked(client, provider, subject)
        assert_missing_permission_is_403(client, provider, subject)

        # The provider rotates: a new key, and the old one leaves the key set (it leaked).
        second = provider.rotate()
        first_key = provider.remove(first)
        removed_at = time.monotonic()
        time.sleep(CACHE_SECONDS + 0.1)
        assert_problem(me(client, provider.token(subject, kid=first, key=first_key)), 401)
        assert time.monotonic() - removed_at < CACHE_SECONDS + ONE_FETCH + 0.5
        assert status(client, provider.token(subject, kid=second)) == 200

        # The provider goes down: once the cache expires, no token is judged on stale keys.
        provider.stop()
        time.sleep(CACHE_SECONDS + 0.1)
        assert_problem(me(client, provider.token(subject)), 503)
        # ...and it comes back: so does the service, without a restart.
        provider.start()
        assert status(client, provider.token(subject)) == 200
    assert "Traceback" not in server.log, server.log


def assert_missing_permission_is_403(
    client: httpx.Client, provider: IdentityProvider, subject: str
) -> None:
    """A token that may read but not write: the same 403 detail in every framework."""
    token = provider.token(subject, ("items:read",))
    reader = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/items", headers=reader).status_code == 200
    denied = client.post("/api/v1/items", json={"title": "t"}, headers=reader)
    assert_problem(denied, 403)
    assert denied.json()["detail"] == "The token does not grant the 'items:write' permission."


def assert_typ_is_checked(client: httpx.Client, provider: IdentityProvider, subject: str) -> None:
    """RFC 9068: an access token says ``at+jwt`` (any case, ``application/`` optional); an
    ID token of the same provider (``JWT``) or a token without ``typ`` is refused."""
    accepted: tuple[str | None, ...] = ("AT+JWT", "application/at+jwt")
    for typ in accepted:
        assert status(client, provider.token(subject, headers={"typ": typ})) == 200, typ
    refused: tuple[str | None, ...] = ("JWT", None)
    for typ in refused:
        assert_problem(me(client, provider.token(subject, headers={"typ": typ})), 401)
