"""Choices the template accepts in copier.yml's list but cannot render yet (or at all)."""

from __future__ import annotations

from .catalog import AXES


def refusal(axis: str, value: str) -> str:
    """Return the message that refuses ``value`` for question ``axis``, or '' when it is supported."""
    choices = AXES[axis]
    choice = choices.get(value)
    if choice is None:
        accepted = ", ".join(key for key, row in choices.items() if row.refusal is None)
        return f"'{value}' is not a known {axis}; accepted: {accepted}."
    return choice.refusal or ""


def supported(axis: str) -> list[str]:
    """The values of ``axis`` the template can render today."""
    return [key for key, row in AXES[axis].items() if row.refusal is None]
