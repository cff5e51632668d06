"""Fast: the on-disk cache of compiled templates (extensions/context.py) changes no byte.

Every render after the first loads the code Jinja generated for each template source from
the user's cache directory instead of compiling it again; these tests hold it to producing
exactly what an uncached render produces, and to shrugging off a damaged cache.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from extensions.context import _located

from .rendering import render

ANSWERS = {"framework": "django", "auth": "session", "database": "postgresql"}


def tree(root: Path) -> dict[str, bytes]:
    files = {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    # A checkout with uncommitted changes is committed anew in each render's clone.
    answers = files.pop(".copier-answers.yml").splitlines(keepends=True)
    files[".copier-answers.yml"] = b"".join(
        line for line in answers if not line.startswith(b"_commit:")
    )
    return files


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("SERVICE_TEMPLATE_NO_CACHE", raising=False)
    return home


def test_cached_renders_equal_an_uncached_one(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = tree(render(tmp_path / "cold", **ANSWERS))
    entries = list(cache_home.rglob("*"))
    assert any(entry.is_file() for entry in entries), "the first render fills the cache"
    warm = tree(render(tmp_path / "warm", **ANSWERS))
    monkeypatch.setenv("SERVICE_TEMPLATE_NO_CACHE", "1")
    uncached = tree(render(tmp_path / "uncached", **ANSWERS))
    assert cold == warm == uncached
    assert list(cache_home.rglob("*")) == entries  # the cache was not written to again


def test_a_damaged_cache_is_compiled_anew(cache_home: Path, tmp_path: Path) -> None:
    expected = tree(render(tmp_path / "first", **ANSWERS))
    files = [entry for entry in cache_home.rglob("*") if entry.is_file()]
    for number, entry in enumerate(files):
        entry.write_bytes(b"" if number % 2 else b"\x00 not marshalled code")
    assert tree(render(tmp_path / "second", **ANSWERS)) == expected


def test_cached_code_reports_errors_at_this_renders_file() -> None:
    code = compile(
        "def inner():\n    raise ValueError('x')\ninner()\n", "/old/clone/a.jinja", "exec"
    )
    moved = _located(code, "/new/clone/a.jinja")
    with pytest.raises(ValueError, match="x") as raised:
        exec(moved, {})  # noqa: S102  (code compiled above, in this test)
    files = {frame.filename for frame in traceback.extract_tb(raised.tb)}
    assert "/new/clone/a.jinja" in files
    assert "/old/clone/a.jinja" not in files


def test_a_cached_template_still_resets_copiers_yield_state(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """copier's `yield` tag keeps per-template state that its preprocess step resets: a
    path compiled from the cache must reset it too, or the next path looks like a yield."""
    from copier._jinja_ext import YieldExtension, get_yield_context  # noqa: PLC0415
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415

    from extensions.context import _compile_once  # noqa: PLC0415

    environment = SandboxedEnvironment(extensions=[YieldExtension])
    _compile_once(environment)
    environment.from_string("plain").render()
    environment.from_string("{% yield x from xs %}{{ x }}{% endyield %}").render(xs=[1])
    assert get_yield_context(environment).yield_name == "x"
    environment.from_string("plain").render()  # compiled before: from the cache
    assert get_yield_context(environment).yield_name is None
