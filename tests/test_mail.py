"""Slow: password reset and email verification by mail, against each framework's production
server and a real SMTP server.

The SMTP server is the test's own: aiosmtpd on loopback, keeping every message it accepts.
The service starts before it listens, so its start-up check logs one error naming SMTP_URL
and the service serves anyway. Then a reset mail arrives (plain text and HTML) with a link
built from FRONTEND_URL, never from the request's Host header; its token sets a new
password once, not twice, not after expiry, and for its own account only; the account's
earlier sessions (and refresh tokens) are dead. Known and unknown addresses get the same
answer in similar time. With the SMTP server down a request still answers 202 at once, and
the mail is retried until the server is back; a mail that never gets through is given up
with an error line that does not carry its link.

The service runs with REQUIRE_EMAIL_VERIFICATION=true: every registration mails a
verification link, a login before its token is spent is refused (403) and accepted after;
the accounts of the reset tests are verified that way first.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from .projects import Server, free_port, install, production_server
from .rendering import render

pytestmark = pytest.mark.slow

# Framework, database and scheme: every framework, jwt and session, three databases.
CASES = [
    ("fastapi", "sqlite", "jwt"),
    ("django", "postgresql", "session"),
    ("flask", "mysql", "jwt"),
]
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "amber lantern meadow seven"
FRONTEND_URL = "https://app.mail-tests.example"
TTL_SECONDS = 6
TOKEN_IN_LINK = re.compile(re.escape(FRONTEND_URL) + r"/reset-password#token=([A-Za-z0-9_-]+)")
VERIFY_LINK = re.compile(re.escape(FRONTEND_URL) + r"/verify-email#token=([A-Za-z0-9_-]+)")
# Subjects tell the two mails apart: "Reset your ... password", "Verify your email address ...".
RESET, VERIFY = "Reset", "Verify"
PROBES = 15


class Mailbox:
    """aiosmtpd's handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(  # noqa: N802  (aiosmtpd's name for the hook)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(
        self, recipient: str, count: int = 1, timeout: float = 20, kind: str = RESET
    ) -> EmailMessage:
        """The ``count``-th message of ``kind`` to ``recipient``, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.to(recipient, kind)
            if len(received) >= count:
                return received[count - 1]
            time.sleep(0.05)
        pytest.fail(f"no {kind} mail #{count} to {recipient} within {timeout} s")

    def to(self, recipient: str, kind: str = RESET) -> list[EmailMessage]:
        with self.lock:
            return [
                m
                for m in self.messages
                if m["To"] == recipient and str(m["Subject"]).startswith(kind)
            ]


@dataclass
class Smtp:
    """The SMTP server on one port: stopped and started again by the tests."""

    port: int
    mailbox: Mailbox
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@dataclass
class Project:
    framework: str
    auth: str
    server: Server
    smtp: Smtp

    @property
    def mailbox(self) -> Mailbox:
        return self.smtp.mailbox

    def post(self, path: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return httpx.post(f"{self.server.base_url}/api/v1{path}", json=body, timeout=30, **kwargs)

    def register(self, *, verified: bool = True) -> str:
        """A new account; ``verified``: its verification link followed, so it can log in."""
        address = f"user-{uuid.uuid4().hex[:12]}@example.com"
        response = self.post("/users", {"email": address, "password": PASSWORD})
        assert response.status_code == 202, response.text
        if verified:
            token = token_of(self.mailbox.wait_for(address, kind=VERIFY), VERIFY_LINK)
            verification = self.post("/auth/verify-email", {"token": token})
            assert verification.status_code == 204, verification.text
        return address

    def login(self, address: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/auth/login", {"email": address, "password": password})

    def credentials(self, address: str) -> dict[str, str]:
        """A logged-in session: its Authorization or Cookie header (and refresh token)."""
        response = self.login(address)
        assert response.status_code == 200, response.text
        if self.auth == "jwt":
            tokens = response.json()
            return {
                "Authorization": f"Bearer {tokens['access_token']}",
                "refresh": tokens["refresh_token"],
            }
        cookie = response.headers["set-cookie"].split(";", 1)[0]
        return {"Cookie": cookie}

    def me(self, credentials: dict[str, str]) -> int:
        headers = {key: value for key, value in credentials.items() if key != "refresh"}
        return httpx.get(
            f"{self.server.base_url}/api/v1/users/me", headers=headers, timeout=10
        ).status_code

    def request_reset(self, address: str) -> httpx.Response:
        return self.post("/auth/password-reset", {"email": address})

    def confirm(self, token: str, password: str = NEW_PASSWORD) -> httpx.Response:
        return self.post("/auth/password-reset/confirm", {"token": token, "new_password": password})

    def log_lines(self, event: str) -> list[dict[str, Any]]:
        lines = []
        for text in list(self.server.output):
            if text.startswith("{"):
                line = json.loads(text)
                if line.get("event") == event:
                    lines.append(line)
        return lines

    def wait_for_log(self, event: str, count: int = 1, timeout: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(lines := self.log_lines(event)) >= count:
                return lines
            time.sleep(0.1)
        pytest.fail(f"no {count} {event} lines within {timeout} s:\n{self.server.log}")


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None, message
    assert html is not None, message
    return str(text.get_content()), str(html.get_content())


def token_of(message: EmailMessage, link: re.Pattern[str] = TOKEN_IN_LINK) -> str:
    text, html = bodies(message)
    match = link.search(text)
    assert match, text
    assert f'href="{match.group(0)}"' in html
    return match.group(1)


@pytest.fixture(scope="module", params=CASES, ids=["-".join(case) for case in CASES])
def project(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    framework, database, auth = request.param
    root = tmp_path_factory.mktemp(f"mail-{framework}")
    rendered = render(root / "project", framework=framework, database=database, auth=auth)
    install(rendered, "3.13")
    smtp = Smtp(free_port(), Mailbox())
    settings = {
        "SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SMTP_TIMEOUT_SECONDS": "5",
        "MAIL_FROM": "Mail Tests <noreply@mail-tests.example>",
        "FRONTEND_URL": FRONTEND_URL,
        "PASSWORD_RESET_TTL_SECONDS": str(TTL_SECONDS),
        "REQUIRE_EMAIL_VERIFICATION": "true",
        "MAIL_SEND_ATTEMPTS": "4",
        "MAIL_RETRY_DELAY_SECONDS": "0.5",
        # The timing comparison sends many requests from one client and address.
        "PASSWORD_RESET_RATE_LIMIT_PER_ACCOUNT": "1000 per minute",
        "AUTH_RATE_LIMIT_PER_CLIENT": "1000 per minute",
        "AUTH_RATE_LIMIT_PER_ACCOUNT": "1000 per minute",
    }
    # The SMTP server is not listening yet: the start-up check finds nothing there.
    with production_server(rendered, root, 1, **settings) as server:
        smtp.start()
        try:
            yield Project(framework, auth, server, smtp)
        finally:
            smtp.stop()


def test_an_unreachable_smtp_server_at_start_up_is_one_error_line(project: Project) -> None:
    [line] = project.wait_for_log("mail.smtp_unreachable")
    assert line["level"] == "error"
    assert line["setting"] == "SMTP_URL"
    assert line["port"] == project.smtp.port
    assert httpx.get(f"{project.server.base_url}/health/ready", timeout=5).status_code == 200


def test_registration_mails_a_link_that_verifies_and_unlocks_login(project: Project) -> None:
    address = project.register(verified=False)
    message = project.mailbox.wait_for(address, kind=VERIFY)
    assert message["From"] == "Mail Tests <noreply@mail-tests.example>"
    assert message.get_content_type() == "multipart/alternative"
    token = token_of(message, VERIFY_LINK)
    # REQUIRE_EMAIL_VERIFICATION: the right password is refused until the link is used.
    refused = project.login(address)
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"].startswith("Email not verified")
    assert project.login(address, NEW_PASSWORD).status_code == 401  # the wrong one: as ever
    assert project.post("/auth/verify-email", {"token": token}).status_code == 204
    assert project.login(address).status_code == 200
    again = project.post("/auth/verify-email", {"token": token})
    assert again.status_code == 400, again.text
    assert project.mailbox.to(address) == []  # no reset mail among them


def test_a_resent_link_verifies_too(project: Project) -> None:
    address = project.register(verified=False)
    first = token_of(project.mailbox.wait_for(address, kind=VERIFY), VERIFY_LINK)
    resent = project.post("/auth/verify-email/resend", {"email": address})
    assert resent.status_code == 202, resent.text
    unknown = project.post(
        "/auth/verify-email/resend", {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com"}
    )
    assert (unknown.status_code, unknown.text) == (resent.status_code, resent.text)
    second = token_of(project.mailbox.wait_for(address, 2, kind=VERIFY), VERIFY_LINK)
    assert second != first
    assert project.post("/auth/verify-email", {"token": second}).status_code == 204
    assert project.login(address).status_code == 200


def test_the_reset_mail_arrives_with_a_link_to_the_frontend(project: Project) -> None:
    address = project.register()
    # A forged Host header (an attacker's domain, were it allowed) never reaches the link.
    response = project.request_reset(address)
    assert response.status_code == 202, response.text
    message = project.mailbox.wait_for(address)
    assert message["From"] == "Mail Tests <noreply@mail-tests.example>"
    assert message.get_content_type() == "multipart/alternative"
    token = token_of(message)
    assert token not in response.text
    text, _ = bodies(message)
    assert "127.0.0.1" not in text


def test_the_token_works_once_and_ends_every_session(project: Project) -> None:
    address = project.register()
    before = project.credentials(address)
    assert project.me(before) == 200
    assert project.request_reset(address).status_code == 202
    token = token_of(project.mailbox.wait_for(address))

    assert project.confirm(token).status_code == 204
    assert project.login(address, NEW_PASSWORD).status_code == 200
    assert project.login(address, PASSWORD).status_code == 401
    # Twice: refused, and the password stays the one the first use set.
    again = project.confirm(token, PASSWORD + " again")
    assert again.status_code == 400, again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert project.login(address, NEW_PASSWORD).status_code == 200
    # The sessions of before the reset are dead.
    assert project.me(before) == 401
    if project.auth == "jwt":
        refreshed = project.post("/auth/refresh", {"refresh_token": before["refresh"]})
        assert refreshed.status_code == 401, refreshed.text


def test_the_token_resets_only_its_own_account(project: Project) -> None:
    owner, other = project.register(), project.register()
    assert project.request_reset(owner).status_code == 202
    assert project.confirm(token_of(project.mailbox.wait_for(owner))).status_code == 204
    assert project.login(other, PASSWORD).status_code == 200
    assert project.login(other, NEW_PASSWORD).status_code == 401
    assert project.mailbox.to(other) == []


def test_an_expired_token_is_refused(project: Project) -> None:
    address = project.register()
    assert project.request_reset(address).status_code == 202
    token = token_of(project.mailbox.wait_for(address))
    time.sleep(TTL_SECONDS + 1.5)
    expired = project.confirm(token)
    assert expired.status_code == 400, expired.text
    assert project.login(address, PASSWORD).status_code == 200


def test_known_and_unknown_addresses_look_the_same(project: Project) -> None:
    known = project.register()
    durations: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = set()
    with httpx.Client(base_url=f"{project.server.base_url}/api/v1", timeout=30) as client:
        for _ in range(PROBES):  # interleaved: load on the machine hits both alike
            for kind in ("known", "unknown"):
                address = (
                    known if kind == "known" else f"nobody-{uuid.uuid4().hex[:12]}@example.com"
                )
                started = time.perf_counter()
                response = client.post("/auth/password-reset", json={"email": address})
                durations[kind].append(time.perf_counter() - started)
                answers.add((response.status_code, response.text))
    assert len(answers) == 1, answers  # the same status and body, byte for byte
    known_median = statistics.median(durations["known"])
    unknown_median = statistics.median(durations["unknown"])
    print(
        f"\n{project.framework}: reset request median {known_median * 1000:.1f} ms for a known "
        f"address, {unknown_median * 1000:.1f} ms for an unknown one"
    )
    # Loose on purpose (shared cores): a mail sent inside the request would add the SMTP
    # round trip, far more than this allows.
    assert known_median < unknown_median * 3 + 0.01
    assert unknown_median < known_median * 3 + 0.01
    project.mailbox.wait_for(known, PROBES)


def test_a_failing_smtp_server_delays_the_mail_not_the_request(project: Project) -> None:
    address = project.register()
    failures = len(project.log_lines("mail.send_failed"))
    project.smtp.stop()
    started = time.perf_counter()
    response = project.request_reset(address)
    elapsed = time.perf_counter() - started
    assert response.status_code == 202, response.text
    assert elapsed < 2, elapsed
    project.wait_for_log("mail.send_failed", failures + 1)
    project.smtp.start()  # back within the retries: the mail still arrives
    token_of(project.mailbox.wait_for(address))


def test_a_mail_that_never_gets_through_is_logged_without_its_link(project: Project) -> None:
    address = project.register()
    project.smtp.stop()
    try:
        assert project.request_reset(address).status_code == 202
        # 4 attempts, 0.5 + 1 + 2 s apart.
        [line] = [
            line
            for line in project.wait_for_log("mail.given_up", timeout=30)
            if line["to"] == address and line["kind"] == "password_reset"
        ]
    finally:
        project.smtp.start()
    assert line["level"] == "error"
    assert line["kind"] == "password_reset"
    assert line["attempts"] == 4
    assert "token" not in json.dumps(line)
    assert FRONTEND_URL not in project.server.log
