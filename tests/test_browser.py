"""Slow: a real browser (headless Chromium, driven by Playwright) against each framework's
production server, and against Django's development server too.

- The docs page works offline: every request to a host other than the service is blocked
  (and counted: none may be asked for), the page lists the operations, Authorize takes a
  real access token, and "Try it out" on an authenticated GET shows a 200.
- Django's admin works: the superuser is created with the README's own command, signs in
  through the real login form, opens the item list and sees the items, styled; static
  files have hashed names and a year's max-age in production.
- No page logs a Content-Security-Policy violation or any other error.

Chromium comes from Debian (`.ci/run` installs it as root); Playwright's own browser
download does not work here, so it drives the system browser. Where Chromium is missing,
the tests skip and say so.
"""

from __future__ import annotations

import os
import re
import shlex
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    sync_playwright,
)

from .projects import Server, collect_static, production_server, rendered_and_installed, uv

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("TEMPLATE_CHROMIUM", "/usr/bin/chromium"))
# No sandbox (CI runs as root), and nothing of the browser's own that calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
ADMIN_PASSWORD = "a long admin passphrase for the browser test"
PRODUCTION_ADMIN_PATH = "staff-7f3a/"
# One server per framework and mode; Django's runs the admin too.
SERVICES = [
    ("fastapi", "production"),
    ("flask", "production"),
    ("django", "production"),
    ("django", "development"),
]
# Every Content-Security-Policy violation the page meets, as "directive blocked-URI".
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
# Django's manifest names: base.6398cd16ee3d.css
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; each check opens a context of its own."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (.ci/run installs it: apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The default project (JWT, SQLite) of a framework, installed once per module; Django's
    with its static files collected, as the Dockerfile does."""
    projects: dict[str, Path] = {}

    def project(framework: str) -> Path:
        if framework not in projects:
            root = tmp_path_factory.mktemp(f"browser-{framework}")
            projects[framework] = rendered_and_installed(root / "project", framework=framework)
            if framework == "django":
                collect_static(projects[framework])
        return projects[framework]

    return project


@dataclass
class PageLog:
    """What a browser context saw: requests to other hosts (blocked), responses, errors."""

    service_host: str
    blocked: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        """Requests to the service go through; any other host is refused, and noted."""
        if urlsplit(route.request.url).netloc == self.service_host:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def response(self, response: Response) -> None:
        self.responses.append(response)

    def console(self, message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico on its own; the service has none (a 404).
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            self.errors.append(f"{message.text} ({message.location['url']})")


@contextmanager
def browsing(browser: Browser, server: Server) -> Iterator[tuple[Page, PageLog]]:
    """A fresh context (no cookies) where only the service's host can be reached."""
    log = PageLog(urlsplit(server.base_url).netloc)
    context: BrowserContext = browser.new_context()
    context.route("**/*", log.route)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("console", log.console)
    page.on("response", log.response)
    try:
        try:
            yield page, log
        except Exception as error:
            error.add_note(f"requests to other hosts: {log.blocked}\nerrors: {log.errors}")
            raise
        violations = page.evaluate("window.cspViolations")
        assert violations == [], violations
        assert log.errors == [], log.errors
        assert log.blocked == [], f"the page asked other hosts for: {log.blocked}"
    finally:
        context.close()


def account(server: Server) -> tuple[dict[str, str], str]:
    """A new user, registered and logged in through the API: its Authorization header and
    its access token."""
    email = f"browser-{uuid.uuid4().hex[:12]}@example.com"
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        credentials = {"email": email, "password": PASSWORD}
        assert client.post("/api/v1/users", json=credentials).status_code == 202
        login = client.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 200, login.text
    token = str(login.json()["access_token"])
    return {"Authorization": f"Bearer {token}"}, token


def docs_work_offline(browser: Browser, server: Server) -> None:
    """/docs lists the operations, Authorize takes a token, Try it out gets a 200."""
    _, token = account(server)
    with browsing(browser, server) as (page, _log):
        page.goto(f"{server.base_url}/docs")
        page.locator(".opblock").first.wait_for()
        paths = {
            element.get_attribute("data-path")
            for element in page.locator(".opblock-summary-path").all()
        }
        assert {"/api/v1/items", "/api/v1/items/{item_id}", "/api/v1/users/me"} <= paths, paths

        page.locator(".auth-wrapper button.authorize").click()
        page.locator(".modal-ux input").fill(token)
        page.locator(".modal-ux button.authorize").click()
        page.locator(".modal-ux button.btn-done").click()

        me = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/users/me"]')).first
        me.locator(".opblock-summary").click()
        me.locator("button.try-out__btn").click()
        with page.expect_response(lambda response: response.url.endswith("/users/me")) as sent:
            me.locator("button.execute").click()
        assert sent.value.status == 200
        assert sent.value.request.headers["authorization"] == f"Bearer {token}"
        shown = me.locator(".live-responses-table tr.response .response-col_status")
        assert shown.inner_text().strip() == "200"


def superuser_command(project: Path) -> list[str]:
    """The README's command that creates the first admin account without a terminal."""
    readme = (project / "README.md").read_text()
    assert "uv run python manage.py createsuperuser " in readme  # the interactive form
    found = re.search(
        r"^DJANGO_SUPERUSER_PASSWORD=('[^']*'|\S+) (uv run .*createsuperuser.*)$", readme, re.M
    )
    assert found, "the README shows no non-interactive createsuperuser"
    return shlex.split(found.group(2))


def admin_works(browser: Browser, server: Server, project: Path, admin_path: str) -> None:
    """The superuser signs in through the login form and sees the items, styled."""
    command = superuser_command(project)
    email = command[command.index("--email") + 1]
    assert command[:2] == ["uv", "run"], command
    uv(
        project,
        "run",
        "--locked",
        *command[2:],
        env=server.env | {"DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
    )
    headers, _ = account(server)
    titles = [f"browser item {uuid.uuid4().hex[:6]}" for _ in range(2)]
    for title in titles:
        created = httpx.post(
            f"{server.base_url}/api/v1/items", json={"title": title}, headers=headers, timeout=30
        )
        assert created.status_code == 201, created.text

    with browsing(browser, server) as (page, log):
        page.goto(f"{server.base_url}/{admin_path}")
        page.fill("#id_username", email)
        page.fill("#id_password", ADMIN_PASSWORD)
        with page.expect_navigation():
            page.click("#login-form [type=submit]")
        refused = [(r.status, r.url) for r in log.responses if r.status >= 400]
        assert refused == []  # no "403 CSRF verification failed"
        assert page.url == f"{server.base_url}/{admin_path}", page.url

        page.goto(f"{server.base_url}/{admin_path}items/item/")
        listed = page.locator("#result_list").inner_text()
        assert all(title in listed for title in titles), listed
        # The admin's stylesheet applies: the header has its colour, not the browser's none.
        header = page.evaluate(
            "getComputedStyle(document.querySelector('#header')).backgroundColor"
        )
        assert header not in {"rgba(0, 0, 0, 0)", "transparent"}, header
        assert page.evaluate("document.styleSheets.length") >= 3
        # An item's change form too: its widgets bring more of the admin's scripts.
        with page.expect_navigation():
            page.locator("#result_list a", has_text=titles[0]).click()
        assert page.locator("#id_title").input_value() == titles[0]

        static = [response for response in log.responses if "/static/" in response.url]
        assert any(response.url.endswith(".css") for response in static), static
        assert all(response.status == 200 for response in static), static
        if server.env["ENVIRONMENT"] == "production":
            for response in static:
                assert HASHED_NAME.search(urlsplit(response.url).path), response.url
                max_age = re.search(r"max-age=(\d+)", response.headers["cache-control"])
                assert max_age, response.headers
                assert int(max_age.group(1)) >= ONE_YEAR, response.headers


@pytest.mark.parametrize(("framework", "mode"), SERVICES, ids=["-".join(s) for s in SERVICES])
def test_in_a_browser(
    browser: Browser,
    rendered: Callable[[str], Path],
    tmp_path: Path,
    framework: str,
    mode: str,
) -> None:
    project = rendered(framework)
    settings: dict[str, Any] = {"ENVIRONMENT": mode}
    admin_path = PRODUCTION_ADMIN_PATH if mode == "production" else "admin/"
    if framework == "django" and mode == "production":
        settings["ADMIN_PATH"] = admin_path  # production serves no admin otherwise
    with production_server(project, tmp_path, **settings) as server:
        docs_work_offline(browser, server)
        if framework == "django":
            admin_works(browser, server, project, admin_path)
