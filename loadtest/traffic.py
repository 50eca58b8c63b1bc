"""Virtual users: public visitors and delegates, each a thread with its own cookies, on loopback only.

Every request is recorded (start, end, page, outcome). Nothing here retries: a request that fails
is counted as failed, as a person would have seen it.
"""

import html
import http.client
import itertools
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNAVAILABLE_MARK = "<h1>Temporarily unavailable</h1>"
SERVER_ERROR_MARK = "<h1>Something went wrong</h1>"
SUBMITTED_MARK = "Submitted to ITC for review"
# Only these hosts are ever contacted.
LOOPBACK = "127.0.0.1"


@dataclass
class Record:
    started: float
    ended: float
    page: str
    outcome: str  # "ok", an HTTP status ("503"), or an exception name ("ConnectionResetError")
    clean: bool = True  # for 5xx: the platform's own error page, with no traceback

    @property
    def ok(self):
        return self.outcome == "ok"

    @property
    def latency(self):
        return self.ended - self.started


@dataclass
class Submission:
    title: str
    confirmed: bool


@dataclass
class Shared:
    """What every virtual user of one run writes into (list.append is atomic in CPython)."""

    records: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


class Failed(Exception):
    """The page did not come back as expected; the user starts their journey over."""


class Browser:
    """One person's browser: cookies (Secure ones too: the proxy terminates TLS), one address."""

    def __init__(self, port, address, shared, *, timeout):
        self.port = port
        self.address = address
        self.shared = shared
        self.timeout = timeout
        self.cookies = {}

    def _headers(self, extra):
        headers = {
            "Host": f"{LOOPBACK}:{self.port}",
            # As the README's nginx sends them: TLS ended at the proxy, the client's own address.
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "User-Agent": "sme-loadtest",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers.update(extra)
        return headers

    def _keep_cookies(self, response):
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method, path, page, *, form=None, expect=(200,), location_contains="", must_contain=""):
        """One request; returns (status, location, body). Records it; raises Failed when unexpected.

        Unexpected: another status, a redirect elsewhere (e.g. to the sign-in page), a page without
        the text it must show.
        """
        body = urlencode(form, doseq=True).encode() if form is not None else None
        extra = {}
        if body is not None:
            extra = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{LOOPBACK}:{self.port}",
                "Referer": f"https://{LOOPBACK}:{self.port}{path}",
            }
        started = time.monotonic()
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=self._headers(extra))
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            self._keep_cookies(response)
        except (OSError, http.client.HTTPException) as error:
            self.shared.records.append(Record(started, time.monotonic(), page, type(error).__name__))
            raise Failed(type(error).__name__) from None
        finally:
            connection.close()
        ended = time.monotonic()
        status = response.status
        location = response.getheader("Location", "")
        if status in expect:
            if location_contains not in location or must_contain not in text:
                self.shared.records.append(Record(started, ended, page, f"{status}-unexpected-content"))
                raise Failed(f"{status}-unexpected-content")
            self.shared.records.append(Record(started, ended, page, "ok"))
            return status, location, text
        if 300 <= status < 400:
            # Where it was sent tells why: e.g. to the sign-in page when the session was lost.
            self.shared.records.append(Record(started, ended, page, f"{status}->{path_of(location).split('?')[0]}"))
            raise Failed(str(status))
        clean = True
        if status >= 500:
            clean = (UNAVAILABLE_MARK in text or SERVER_ERROR_MARK in text) and "Traceback" not in text
        self.shared.records.append(Record(started, ended, page, str(status), clean))
        raise Failed(str(status))


class VirtualUser(threading.Thread):
    def __init__(self, number, port, shared, catalogue, *, deadline, think, timeout, seed):
        super().__init__(daemon=True, name=f"user-{number}")
        self.number = number
        # A distinct client address for each person (the rate limits count per address): a header
        # value only, every connection goes to 127.0.0.1.
        self.browser = Browser(port, f"127.{10 + number // 65536}.{number // 256 % 256}.{number % 256}", shared, timeout=timeout)
        self.shared = shared
        self.catalogue = catalogue
        self.deadline = deadline
        self.think_range = think
        self.random = random.Random(seed)

    def think(self):
        low, high = self.think_range
        self.shared.stop.wait(self.random.uniform(low, high))

    def running(self):
        return time.monotonic() < self.deadline and not self.shared.stop.is_set()

    def run(self):
        # Arrive over the first seconds rather than all in the same instant.
        self.shared.stop.wait(self.random.uniform(0, 3))
        while self.running():
            try:
                self.journey()
            except Failed:
                # What a person does after an error page: wait a little, then try again.
                self.think()

    def journey(self):
        raise NotImplementedError


class Visitor(VirtualUser):
    """A public visitor: home, browse with filters, search, practice and country pages, the map."""

    def journey(self):
        catalogue, pick = self.catalogue, self.random.choice
        steps = [
            ("home", "/en/"),
            ("browse", "/en/practices/?" + urlencode({"theme": pick(catalogue["themes"]), "level": pick(catalogue["levels"])})),
            ("browse-region", "/en/practices/?" + urlencode({"region": pick(catalogue["regions"]), "sort": "newest"})),
            ("search", "/en/practices/?" + urlencode({"q": pick(catalogue["words"])})),
            ("practice", f"/en/practices/{pick(catalogue['practice_ids'])}/"),
            ("practice", f"/en/practices/{pick(catalogue['practice_ids'])}/"),
            ("country", f"/en/countries/{pick(catalogue['countries'])}/"),
            ("countries", "/en/countries/"),
            ("map", "/en/regions/"),
        ]
        for page, path in self.random.sample(steps, k=len(steps)):
            if not self.running():
                return
            self.browser.request("GET", path, page)
            self.think()


class Delegate(VirtualUser):
    """A country's delegate: signs in, opens the workspace, writes a practice and submits it."""

    titles = itertools.count()

    def __init__(self, *args, account, password, run_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.password = password
        self.run_id = run_id
        self.signed_in = False

    def sign_in(self):
        status, location, text = self.browser.request("GET", "/en/accounts/login/", "sign-in-form", expect=(200, 302))
        if status == 302 and "/en/workspace/" in location:
            # Signed in already: the last sign-in went through, what followed it failed.
            self.signed_in = True
            return
        form = {"csrfmiddlewaretoken": csrf_token(text), "login": self.account["email"], "password": self.password}
        _status, location, _text = self.browser.request(
            "POST", "/en/accounts/login/", "sign-in", form=form, expect=(302,), location_contains="/en/workspace/"
        )
        self.browser.request(
            "GET", path_of(location), "workspace-home", expect=(302,), location_contains=f"/en/workspace/{self.account['iso2']}/"
        )
        self.signed_in = True

    def journey(self):
        iso2 = self.account["iso2"]
        try:
            if not self.signed_in:
                self.sign_in()
                self.think()
            self.browser.request("GET", f"/en/workspace/{iso2}/", "workspace")
            self.think()
            self.browser.request("GET", f"/en/workspace/{iso2}/practices/", "workspace-practices")
            self.think()
            _status, _location, text = self.browser.request("GET", f"/en/workspace/{iso2}/practices/new/", "practice-form")
            self.think()
            self.submit(iso2, csrf_token(text))
            self.think()
        except Failed as failure:
            if failure.args[0].startswith(("302", "403")):
                # Sent to sign in again (the session was lost): sign in on the next journey.
                self.signed_in = False
            raise

    def submit(self, iso2, token):
        title = f"Load {self.run_id} user {self.number} #{next(self.titles)}"
        form = {
            "csrfmiddlewaretoken": token,
            "title": title,
            "summary": "A practice written during the load test.",
            "description": "Written and submitted by a virtual delegate to check that no confirmed submission is lost.",
            "level": "national",
            "themes": [self.random.choice(self.catalogue["themes"])],
            "original_language": "en",
            "submit": "",
        }
        submission = Submission(title, confirmed=False)
        self.shared.submissions.append(submission)
        _status, location, _text = self.browser.request(
            "POST", f"/en/workspace/{iso2}/practices/new/", "practice-submit", form=form, expect=(302,),
            location_contains=f"/en/workspace/{iso2}/practices/",
        )
        # The server said it was saved and submitted: the redirect to the practice's page.
        submission.confirmed = True
        self.browser.request("GET", path_of(location), "practice-submitted", must_contain=SUBMITTED_MARK)


def csrf_token(text):
    match = CSRF_FIELD.search(text)
    if not match:
        raise Failed("no CSRF token")
    return html.unescape(match.group(1))


def path_of(location):
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start_users(count, port, shared, catalogue, *, duration, think, timeout, delegate_share, run_id, first_number=0):
    """Start `count` users (a share of them delegates, each with an account of their own)."""
    deadline = time.monotonic() + duration
    accounts = catalogue["accounts"]
    delegates = min(round(count * delegate_share), len(accounts))
    users = []
    for index in range(count):
        number = first_number + index
        common = dict(deadline=deadline, think=think, timeout=timeout, seed=number)
        if index < delegates:
            user = Delegate(
                number, port, shared, catalogue, account=accounts[(first_number + index) % len(accounts)],
                password=catalogue["password"], run_id=run_id, **common,
            )
        else:
            user = Visitor(number, port, shared, catalogue, **common)
        user.start()
        users.append(user)
    return users


def probe(port, path, *, timeout=5):
    """One plain GET (health checks, probes): (status, body) or (exception name, "")."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{LOOPBACK}:{port}", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return str(response.status), response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, ""
    finally:
        connection.close()
