"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One Chromium for the whole session, a fresh context (cookies, storage) for each test.
Every page a test opens is watched: a console error, an uncaught script error or a
Content-Security-Policy report fails the test. axe-core is read from the installed
axe_playwright_python package and injected with page.evaluate, which the CSP does not
block (an inline <script> tag would be).
"""

import os
import re
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make from that thread (fixtures, checks) are plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from allauth.mfa import app_settings as mfa_settings  # noqa: E402
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connections  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.conftest import PASSWORD, TOTP_SECRET  # noqa: E402

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANGUAGES = ["en", "fr", "es"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CSP_WORDS = ("content security policy", "content-security-policy")

# Every test here drives the live server: the country rows come from a data migration,
# so the flush between tests must restore them.
BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def axe_source():
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def current_totp_code(secret=TOTP_SECRET):
    # allauth accepts the current time step only (no tolerance): never hand over a code
    # in the last seconds of its step, it could expire before the server checks it.
    period = mfa_settings.TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < 3:
        time.sleep(remaining + 0.05)
    counters = list(yield_hotp_counters_from_time())
    # The middle counter is the current time step; the others are the tolerance window.
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM_PATH).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}. Install Debian's package (apt-get install chromium) "
            "or set CHROMIUM_PATH to a Chromium binary. The browser tests never download a browser.",
            pytrace=False,
        )
    # Django keeps database connections in an asgiref Local: per thread, but per
    # contextvars context once an event loop runs in the thread, as Playwright's does
    # from now on. Without this, the test thread would open a second connection that
    # lacks the serialized test data (serialized_rollback restores nothing) and sits
    # outside the transactions pytest-django manages.
    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe_script():
    return axe_source()


class Tab:
    """One browser tab on the live server, with what its pages reported to the console."""

    def __init__(self, page, base_url, axe_script):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.axe_script = axe_script
        self.problems = []
        # A main document answered with an expected error status (404, 403) is logged
        # by Chromium as a failed resource; that line is the expected answer, not a fault.
        self.expected_status = None
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught script error on {page.url}: {error}"))

    def _on_console(self, message):
        text = message.text
        if any(word in text.lower() for word in CSP_WORDS):
            self.problems.append(f"CSP report on {self.page.url}: {text}")
            return
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if (
            self.expected_status is not None
            and text.startswith(f"Failed to load resource: the server responded with a status of {self.expected_status}")
            and location.split("#")[0] == self.page.url.split("#")[0]
        ):
            return
        self.problems.append(f"console error on {self.page.url}: {text} ({location})")

    def url(self, path):
        return self.base_url + path

    def path(self):
        return self.page.url.removeprefix(self.base_url)

    def go(self, path, status=200):
        self.expected_status = status if status >= 400 else None
        response = self.page.goto(self.url(path))
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        # An audit of the page asked for, not of wherever a redirect led.
        assert self.path() == path, f"{path} was redirected to {self.path()}"
        return response

    def take_problems(self):
        problems, self.problems = self.problems, []
        return problems

    def assert_no_console_problems(self):
        problems = self.take_problems()
        assert not problems, "The browser reported:\n" + "\n".join(problems)

    def axe_violations(self):
        """axe-core's violations on the current page, one line each."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe_script)
        violations = self.page.evaluate(
            """async () => {
                const results = await axe.run(document, {resultTypes: ['violations']});
                return results.violations.map(v => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    count: v.nodes.length,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                    summary: (v.nodes[0] && v.nodes[0].failureSummary || '').replace(/\\s+/g, ' '),
                }));
            }"""
        )
        return [
            f"{self.path()}: [{v['impact']}] {v['id']}: {v['help']} ({v['count']} node(s): "
            f"{', '.join(v['targets'])}) -- {v['summary']}"
            for v in violations
        ]

    def structure_problems(self):
        """What axe does not check: the page's language matches its URL, one h1, a title."""
        problems = []
        match = re.match(r"/(en|fr|es)/", self.path())
        lang = self.page.locator("html").get_attribute("lang")
        if match and lang != match.group(1):
            problems.append(f"{self.path()}: <html lang={lang!r}> on a /{match.group(1)}/ page")
        headings = self.page.locator("h1").count()
        if headings != 1:
            problems.append(f"{self.path()}: {headings} h1 elements, expected exactly one")
        if not self.page.title().strip():
            problems.append(f"{self.path()}: empty <title>")
        return problems

    def audit(self, label=""):
        """Everything wrong with the current page: axe violations and console reports."""
        label = f" ({label})" if label else ""
        findings = [line + label for line in self.axe_violations() + self.structure_problems()]
        findings += [line + label for line in self.take_problems()]
        return findings

    def audit_page(self, path, status=200):
        self.go(path, status)
        return self.audit()

    # --- Signing in through the real form ---

    def sign_in(self, user, *, language="en", totp=False, findings=None):
        """Sign in through the form; with a findings list, audit each step on the way."""
        self.go(f"/{language}/accounts/login/")
        form = self.page.locator("main form")
        form.locator("[name=login]").fill(user.email)
        form.locator("[name=password]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        if totp:
            expect(self.page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
            if findings is not None:
                findings += self.audit("two-factor step of the sign-in")
            code_form = self.page.locator("main form").first
            code_form.locator("[name=code]").fill(current_totp_code())
            code_form.locator("button[type=submit]").first.click()
        expect(self.page.locator("form[action$='/accounts/logout/'] button")).to_be_visible()
        self.page.wait_for_load_state()

    def screenshot(self, name):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


@contextmanager
def _browser_tab(chromium, live_server, axe_script):
    """A fresh browser context on the live server; whatever its pages reported fails the test."""
    context = chromium.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = Tab(context.new_page(), live_server.url, axe_script)
    try:
        yield tab
    finally:
        leftover = tab.take_problems()
        context.close()
    assert not leftover, "The browser reported:\n" + "\n".join(leftover)


@pytest.fixture
def tab(chromium, live_server, axe_script):
    # Rate limits (sign-ins per address and per IP) live in the cache: start each test afresh.
    cache.clear()
    with _browser_tab(chromium, live_server, axe_script) as tab:
        yield tab


@pytest.fixture
def second_tab(chromium, live_server, axe_script):
    """Another person's browser, beside `tab`'s: its own cookies and session."""
    with _browser_tab(chromium, live_server, axe_script) as tab:
        yield tab


@pytest.fixture
def known_invitation(country_a, focal_a):
    """A pending invitation to Kenya's team whose link token the test knows."""
    from countries import services
    from countries.models import Invitation

    invitation = services.invite_delegate(country=country_a, email="invitee@example.org", role="contributor", by=focal_a)
    token = f"browser-test-token-{time.monotonic_ns()}"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token(token))
    invitation.refresh_from_db()
    return invitation, token
