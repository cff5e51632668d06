"""Slow: a new user follows the generated README, command for command.

The Quickstart block runs as written in a fresh render (the database container line aside:
these machines have no Docker engine, and SQLite needs none), the development server starts
with the README's own command, and the "Try it" block runs in bash with `set -euo pipefail`:
it must create an item and list it. One render per framework, each with a scheme whose
example differs (a bearer token, a cookie with a CSRF token, no credentials).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from .projects import derived, free_port, uv_env
from .rendering import BIN, python_for, render

pytestmark = pytest.mark.slow

CASES = [("fastapi", "jwt"), ("django", "session"), ("flask", "none")]
PYTHON = "3.13"


def code_block_after(readme: str, heading: str) -> list[str]:
    """The lines of the first ```bash block after ``heading``."""
    start = readme.index(heading)
    block = re.search(r"```bash\n(.*?)```", readme[start:], re.DOTALL)
    assert block is not None, f"no bash block after {heading!r}"
    return block.group(1).splitlines()


def without_comment(line: str) -> str:
    return re.sub(r"\s+#\s.*$", "", line).strip()


@contextmanager
def development_server(project: Path, command: str, env: dict[str, str]) -> Iterator[str]:
    """The README's development command, in a process group of its own (it reloads)."""
    log = project.parent / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 90
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            _stop(process)
            pytest.fail(f"the development server did not start:\n{log.read_text()}")
        yield base_url
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def json_documents(text: str) -> list[object]:
    """The JSON values curl printed one after another (with or without newlines)."""
    decoder, documents, position = json.JSONDecoder(), [], 0
    while position < len(text.rstrip()):
        if text[position].isspace():
            position += 1
            continue
        document, position = decoder.raw_decode(text, position)
        documents.append(document)
    return documents


@pytest.mark.parametrize(("framework", "auth"), CASES, ids=["-".join(case) for case in CASES])
def test_quickstart_and_try_it_work_as_written(tmp_path: Path, framework: str, auth: str) -> None:
    interpreter = python_for(PYTHON)
    if interpreter is None:
        pytest.skip(f"no Python {PYTHON} on this machine")
    project = render(tmp_path / "project", framework=framework, auth=auth, python_version=PYTHON)
    readme = (project / "README.md").read_text()
    dev_command = str(derived(project)["dev_command"])
    port = str(free_port())
    # uv and the interpreter of this machine; everything else as a user's shell has it.
    env = uv_env(PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", UV_PYTHON=interpreter, PORT=port)

    quickstart = [without_comment(line) for line in code_block_after(readme, "## Quickstart")]
    assert dev_command in quickstart, quickstart
    for line in quickstart:
        if not line or line == dev_command or line.startswith("docker compose"):
            continue
        result = subprocess.run(
            ["bash", "-c", line],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"

    try_it = "\n".join(code_block_after(readme, "Try it")).replace(
        "localhost:8000", f"localhost:{port}"
    )
    with development_server(project, dev_command, env):
        result = subprocess.run(
            ["bash", "-c", f"set -euo pipefail\n{try_it}"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    *_, created, listing = json_documents(result.stdout)
    assert isinstance(created, dict), result.stdout
    assert created["title"] == "first", result.stdout
    assert isinstance(listing, dict), result.stdout
    assert [item["title"] for item in listing["items"]] == ["first"], result.stdout
