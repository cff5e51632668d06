"""The tests' database server: the service's settings, TEST_DATABASE_URL over them, and one
clear line when the server cannot be used."""

from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from .databases import temporary_database
from .server_url import OVERRIDE, masked, server_url


def test_the_override_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OVERRIDE, "postgresql://tester@db.internal:5432/ci")
    assert server_url() == "postgresql://tester@db.internal:5432/ci"


def test_without_the_override_the_service_settings_name_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = urlsplit(server_url())._replace(netloc="app:app@db.internal:4000")
    monkeypatch.delenv(OVERRIDE, raising=False)
    monkeypatch.setenv("DATABASE_URL", url.geturl())
    chosen = urlsplit(server_url())
    assert (chosen.hostname, chosen.port, chosen.path) == ("db.internal", 4000, url.path)


def test_passwords_are_masked() -> None:
    assert masked("postgresql://app:s3cret@db:5432/app") == "postgresql://app:***@db:5432/app"
    assert masked("postgresql://app@db:5432/app") == "postgresql://app@db:5432/app"


def test_an_unreachable_server_stops_the_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    unreachable = urlsplit(server_url())._replace(netloc="app:s3cret@127.0.0.1:1")
    monkeypatch.setenv(OVERRIDE, unreachable.geturl())
    with ExitStack() as stack, pytest.raises(pytest.exit.Exception) as stopped:
        stack.enter_context(temporary_database("unreachable"))
    message = str(stopped.value)
    assert "app:***@127.0.0.1:1" in message
    assert "s3cret" not in message
    assert OVERRIDE in message
    assert "\n" not in message
