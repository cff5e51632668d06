"""Accounts for tests: each one gets its first API key from the create-api-key command."""

import uuid
from dataclasses import dataclass

from flask import Flask

API_KEY_HEADER = "X-API-Key"


@dataclass(frozen=True)
class Account:
    email: str
    key_id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.key}


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def create_account(app: Flask, email: str | None = None) -> Account:
    """Create a key (and the account) through the admin command, as an operator would."""
    email = email or new_email()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-api-key", "--email", email, "--name", "tests"])
    assert result.exit_code == 0, result.output
    # The key alone on stdout (what `KEY=$(...)` captures); its description on stderr.
    key = result.stdout.strip()
    return Account(email, result.stderr.split()[2], key)
