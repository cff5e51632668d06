"""Captured log lines, as the service writes them in production (the `json_log` fixture)."""

import json
from typing import Any

import pytest


class JsonLog:
    """The structured log lines written during this test (see the `json_log` fixture)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self._caplog = caplog

    def lines(self) -> list[dict[str, Any]]:
        # structlog hands the standard library its event dict; JSON is what would be written.
        return [
            json.loads(json.dumps(record.msg, default=str))
            for record in self._caplog.records
            if isinstance(record.msg, dict)
        ]

    def events(self) -> set[str]:
        return {str(line["event"]) for line in self.lines()}
