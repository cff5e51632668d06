"""Production settings pass Django's deployment checklist (`manage.py check --deploy`)."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_KEY = "k3Jx9vQ2mZ7pL4tW8nR1sY6uB0cF5hG2dE9aV7xT"


def deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check() -> None:
    result = deploy_check(ENVIRONMENT="production", SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_is_real() -> None:
    """In development (DEBUG, cookies without Secure, no HSTS) the same check fails."""
    result = deploy_check(ENVIRONMENT="development")
    assert result.returncode != 0
    assert "security.W" in result.stderr
