"""Choices the template accepts in copier.yml's list but cannot render yet (or at all)."""

from __future__ import annotations

from .catalog import AUTH_PAIR_REFUSALS, AXES, PAIR_REFUSALS


def refusal(axis: str, value: str, framework: str | None = None) -> str:
    """Return the message that refuses ``value`` for question ``axis`` (given the framework
    chosen before it), or '' when the template can render it."""
    choices = AXES[axis]
    choice = choices.get(value)
    if choice is None:
        accepted = ", ".join(key for key, row in choices.items() if row.refusal is None)
        return f"'{value}' is not a known {axis}; accepted: {accepted}."
    if choice.refusal:
        return choice.refusal
    if axis == "database" and framework is not None:
        return PAIR_REFUSALS.get((framework, value), "")
    if axis == "auth" and framework is not None:
        return AUTH_PAIR_REFUSALS.get((framework, value), "")
    return ""


def supported(axis: str, framework: str | None = None) -> list[str]:
    """The values of ``axis`` the template can render today (with ``framework``, if given)."""
    return [key for key in AXES[axis] if not refusal(axis, key, framework)]
