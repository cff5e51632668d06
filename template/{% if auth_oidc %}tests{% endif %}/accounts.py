"""Accounts for tests: users of the stand-in identity provider, each with an access token."""

import uuid
from dataclasses import dataclass

from .identity_provider import ALL_PERMISSIONS, IdentityProvider


@dataclass(frozen=True)
class Account:
    subject: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create_account(
    provider: IdentityProvider, permissions: tuple[str, ...] = ALL_PERMISSIONS
) -> Account:
    """A user of the provider with a fresh access token (the service creates it on first use)."""
    subject = uuid.uuid4().hex
    return Account(subject, provider.token(subject, permissions))
