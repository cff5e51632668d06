"""Slow: the generated Dockerfile really builds and runs (podman, no registry, no Docker engine).

Base images are local stand-ins made by tests/container/make-base-images.sh (Debian trixie's
Python and uv's static binary from PyPI), because no registry can be reached here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from .projects import PRODUCTION_SECRET, free_port, rendered_and_installed
from .rendering import TEMPLATE

pytestmark = pytest.mark.slow

BUILD = [
    "podman",
    "build",
    "--isolation",
    "chroot",
    "--network",
    "host",
    "--pull=never",
    "--format",
    "docker",
]
RUN = [
    "podman",
    "--runtime",
    "runc",
    "run",
    "--ulimit",
    "nofile=1024:1024",
    "--ulimit",
    "nproc=4096:4096",
]
UV_VERSION = "0.13.9"  # the Dockerfile's default UV_IMAGE tag


def podman(*command: str, timeout: float = 600) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEMPLATE_SKIP_CONTAINER") == "1" or shutil.which("podman") is None:
        pytest.skip("podman is not installed (.ci/run installs it)")
    root = tmp_path_factory.mktemp("container")
    subprocess.run(
        [str(TEMPLATE / "tests/container/make-base-images.sh")],
        env={
            **os.environ,
            "RECIPE_DIR": str(root / "recipe"),
            "UV_TAGS": UV_VERSION,
            "PY_MINOR": "3.13",
        },
        check=True,
        capture_output=True,
        timeout=900,
    )
    # Installing writes uv.lock, which the image installs with --locked.
    project = rendered_and_installed(root / "project")
    tag = f"localhost/template-test-{os.getpid()}:latest"
    podman(*BUILD, "--tag", tag, str(project), timeout=900)
    yield tag
    subprocess.run(["podman", "rmi", "--force", tag], capture_output=True, check=False)


def test_image_is_small_and_runs_as_non_root(image: str) -> None:
    size = int(podman("podman", "image", "inspect", "--format", "{{.Size}}", image))
    assert size < 400_000_000, f"{size / 1e6:.0f} MB"
    user = podman("podman", "image", "inspect", "--format", "{{.Config.User}}", image).strip()
    assert user == "10001"


def test_container_migrates_serves_and_stops(image: str) -> None:
    volume = f"template-test-{os.getpid()}"
    name = f"template-test-{os.getpid()}"
    port = free_port()
    podman("podman", "volume", "create", volume)
    try:
        env = ["-e", f"SECRET_KEY={PRODUCTION_SECRET}", "-v", f"{volume}:/app/var"]
        podman(*RUN, "--rm", *env, image, "alembic", "upgrade", "head")
        podman(*RUN, "-d", "--name", name, *env, "-p", f"127.0.0.1:{port}:8000", image)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health/live", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, podman("podman", "logs", name)
            time.sleep(0.5)
        assert httpx.get(f"{base}/health/ready", timeout=5).status_code == 200
        assert podman("podman", "exec", name, "id", "-u").strip() == "10001"
        podman("podman", "healthcheck", "run", name)
        started = time.monotonic()
        podman("podman", "stop", "--time", "10", name)
        assert time.monotonic() - started < 10  # drained and exited before the kill
        assert podman("podman", "inspect", "--format", "{{.State.ExitCode}}", name).strip() == "0"
    finally:
        subprocess.run(["podman", "rm", "--force", name], capture_output=True, check=False)
        subprocess.run(
            ["podman", "volume", "rm", "--force", volume], capture_output=True, check=False
        )
