"""The stand-in identity provider as fixtures, loaded by `conftest.py` (`pytest_plugins`)."""

from collections.abc import Iterator

import pytest

from .identity_provider import IdentityProvider, serve


@pytest.fixture(scope="session")
def served_provider() -> Iterator[IdentityProvider]:
    """The identity provider's discovery document and JWKS, served over HTTP by a thread."""
    with serve(IdentityProvider()) as provider:
        yield provider


@pytest.fixture
def identity_provider(served_provider: IdentityProvider) -> IdentityProvider:
    """The identity provider, with one fresh signing key for this test."""
    served_provider.reset()
    return served_provider
