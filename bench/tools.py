"""The public tools the benchmarks drive: hyperfine for commands, wrk for HTTP load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APT_PACKAGES = {"hyperfine": "hyperfine", "wrk": "wrk"}


class MissingToolError(RuntimeError):
    """A tool the benchmarks need is not installed and cannot be installed here."""


def require(*tools: str) -> dict[str, str]:
    """Paths of the tools; install missing ones with apt when running as root."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        packages = [APT_PACKAGES[tool] for tool in missing]
        command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            msg = (
                f"missing: {', '.join(missing)}. Install them first, e.g. "
                f"`sudo {' '.join(command)}` (Debian/Ubuntu) or `brew install {' '.join(packages)}`."
            )
            raise MissingToolError(msg)
        print(f"installing {', '.join(packages)} with apt-get", file=sys.stderr)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    paths = {tool: shutil.which(tool) for tool in tools}
    for tool, path in paths.items():
        if path is None:
            msg = f"{tool} is still missing after installing it"
            raise MissingToolError(msg)
    return {tool: str(path) for tool, path in paths.items()}


def copier() -> str:
    return str(BIN / "copier")


def uv() -> str:
    found = BIN / "uv"
    return str(found) if found.exists() else (shutil.which("uv") or "uv")


def python_for(version: str) -> str | None:
    """An interpreter of this version: under pyenv (whose shims may be broken) or on PATH."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for candidate in sorted(pyenv_root.glob(f"versions/{version}.*/bin/python{version}")):
        return str(candidate)
    return shutil.which(f"python{version}")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a rendered project's commands: not this venv's, bytecode on."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("VIRTUAL_ENV", "UV_PROJECT", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
        )
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env
