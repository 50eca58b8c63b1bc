"""Security headers on every kind of page, graded as the Mozilla HTTP Observatory grades a site.

Each kind of page (public, workspace, staff, file download, feed, JSON API, sign-in with its
cookies) is requested over https with the production security settings; its headers are checked
one by one, then scored with the Observatory's published modifiers: every page must get A+.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from practices import services

from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT = {"title": "Export desk", "summary": "Advice.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}
ONE_YEAR = 31_536_000


@pytest.fixture(autouse=True)
def production_security(settings, tmp_path):
    # As settings.py has them with DEBUG off; the redirect to https is the proxy's job in tests.
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(country_a, contributor_a, moderator):
    """A published practice of country A with one public document."""
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    attachment = services.add_attachment(
        revision, by=contributor_a, upload=SimpleUploadedFile("report.pdf", PDF), title="Report"
    )
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    return {"practice": revision.practice, "attachment": attachment}


@dataclass
class Page:
    url: Callable  # published -> path
    role: str | None = None  # who is signed in
    resource_policy: str = "same-origin"


PAGES = {
    "home": Page(lambda w: reverse("home")),
    "browse": Page(lambda w: reverse("practices:browse")),
    "footer page": Page(lambda w: reverse("privacy")),
    "practice": Page(lambda w: reverse("practices:practice_detail", kwargs={"pk": w["practice"].pk})),
    "public document": Page(
        lambda w: reverse("practices:public_attachment", kwargs={"pk": w["practice"].pk, "attachment_id": w["attachment"].pk})
    ),
    "atom feed": Page(lambda w: reverse("practices:feed_latest")),
    # The public read-only API: any site may read it (CORS) and load it (CORP).
    "api list": Page(lambda w: reverse("api:practice_list"), resource_policy="cross-origin"),
    "api openapi": Page(lambda w: reverse("api:openapi"), resource_policy="cross-origin"),
    "workspace": Page(lambda w: reverse("countries:workspace", kwargs={"iso2": "KE"}), role="contributor_a"),
    "workspace document": Page(
        lambda w: reverse(
            "practices:attachment_download", kwargs={"iso2": "KE", "pk": w["practice"].pk, "attachment_id": w["attachment"].pk}
        ),
        role="contributor_a",
    ),
    # The moderator has an authenticator app: force_login reaches staff pages, as in the permission matrix.
    "staff": Page(lambda w: reverse("practices:review_queue"), role="moderator"),
    "sign-in": Page(lambda w: reverse("account_login")),
}


def get_page(client, request, published, name):
    page = PAGES[name]
    if page.role:
        client.force_login(request.getfixturevalue(page.role))
    response = client.get(page.url(published), secure=True)
    assert response.status_code == 200, (name, response.status_code)
    return response


def csp_directives(header):
    """{directive: [sources]} of one Content-Security-Policy header value."""
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), [token.lower() for token in tokens[1:]])
    return directives


def assert_security_headers(response, resource_policy):
    csp = response.get("Content-Security-Policy", "")
    assert csp, "no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = csp_directives(csp)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] in (["'none'"], ["'self'"])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["default-src"] in (["'none'"], ["'self'"])

    hsts = response.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= ONE_YEAR, hsts
    assert "includesubdomains" in hsts.lower()

    assert response.get("X-Content-Type-Options") == "nosniff"
    assert response.get("Referrer-Policy") in {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    assert response.get("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.get("Cross-Origin-Resource-Policy") == resource_policy
    assert response.get("X-Frame-Options") == "DENY"


def assert_cookies_are_protected(response):
    for name, morsel in response.cookies.items():
        assert morsel["secure"], f"{name} without Secure"
        assert morsel["httponly"], f"{name} without HttpOnly"
        assert morsel["samesite"].lower() in {"lax", "strict"}, f"{name} without SameSite"


# --- The Mozilla HTTP Observatory's grading ---
#
# Source: MDN HTTP Observatory, "Tests & scoring" (developer.mozilla.org/en-US/observatory/docs/tests_and_scoring)
# and its code, mdn/mdn-http-observatory: src/grader/charts.js (SCORE_TABLE, GRADE_CHART) and
# src/analyzer/tests/*.js. Every site starts at 100; penalties apply; bonuses are added only when
# the score without them is 90 or more; the minimum is 0. Cross-Origin-Opener-Policy is reported
# by the Observatory but carries no score modifier, so it is absent here (asserted above instead).

SCORE_MODIFIERS = {
    # Content Security Policy
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    # Cookies
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    # Cross-origin resource sharing
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    # Redirection
    "redirection-to-https": 0,
    "redirection-missing": -20,
    # Referrer-Policy
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    # Strict-Transport-Security
    "hsts-preloaded": 5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    # Subresource Integrity
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    # X-Content-Type-Options
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    # X-Frame-Options
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    # Cross-Origin-Resource-Policy
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-header-invalid": -5,
}
GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"), (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F")]
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90

BROAD_SOURCES = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
INLINE_SOURCES = {"'unsafe-inline'", "data:"}
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
UNSAFE_REFERRER_POLICIES = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}


def csp_result(headers):
    header = headers.get("Content-Security-Policy")
    if not header:
        return "csp-not-implemented"
    directives = csp_directives(header)
    if not directives:
        return "csp-header-invalid"
    default = directives.get("default-src")
    script = set(directives.get("script-src") or default or ["*"])
    style = set(directives.get("style-src") or default or ["*"])
    objects = set(directives.get("object-src") or default or ["*"])
    active = {source for name, sources in directives.items() if name not in {"img-src", "media-src"} for source in sources}
    passive = {source for name in ("img-src", "media-src") for source in (directives.get(name) or default or [])}
    # Nonces, hashes and 'strict-dynamic' (which relax 'unsafe-inline') are not used here: left out.
    if script & (BROAD_SOURCES | INLINE_SOURCES) or objects & BROAD_SOURCES:
        return "csp-implemented-with-unsafe-inline"
    if any(source.startswith(("http:", "ftp:")) for source in active | script):
        return "csp-implemented-with-insecure-scheme"
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval"
    if any(source.startswith(("http:", "ftp:")) for source in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only"
    if style & (BROAD_SOURCES | INLINE_SOURCES):
        return "csp-implemented-with-unsafe-inline-in-style-src-only"
    if default == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none"
    return "csp-implemented-with-no-unsafe"


def hsts_result(headers):
    header = headers.get("Strict-Transport-Security")
    if not header:
        return "hsts-not-implemented"
    max_age = re.search(r"max-age=\"?(\d+)\"?", header, re.IGNORECASE)
    if not max_age:
        return "hsts-header-invalid"
    # Six months, as the Observatory counts them.
    return "hsts-implemented-max-age-at-least-six-months" if int(max_age.group(1)) >= 15_768_000 else "hsts-implemented-max-age-less-than-six-months"


COOKIE_RESULTS_BEST_TO_WORST = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]


def cookies_result(cookies, hsts_passes):
    if not cookies:
        return "cookies-not-found"
    worst = None

    def worsen(result):
        nonlocal worst
        if worst is None or COOKIE_RESULTS_BEST_TO_WORST.index(result) > COOKIE_RESULTS_BEST_TO_WORST.index(worst):
            worst = result

    missing_same_site = False
    for name, morsel in cookies.items():
        session = "login" in name.lower() or "sess" in name.lower()
        anti_csrf = "csrf" in name.lower()
        same_site = (morsel["samesite"] or "").lower()
        if same_site and same_site not in {"lax", "strict", "none"} or same_site == "none" and not morsel["secure"]:
            worsen("cookies-samesite-flag-invalid")
        if not morsel["secure"]:
            worsen("cookies-without-secure-flag-but-protected-by-hsts" if hsts_passes else "cookies-without-secure-flag")
            if session:
                worsen("cookies-session-without-secure-flag-but-protected-by-hsts" if hsts_passes else "cookies-session-without-secure-flag")
        if anti_csrf and not same_site:
            worsen("cookies-anticsrf-without-samesite-flag")
        if session and not morsel["httponly"]:
            worsen("cookies-session-without-httponly-flag")
        missing_same_site = missing_same_site or not same_site
    if worst:
        return worst
    return "cookies-secure-with-httponly-sessions" if missing_same_site else "cookies-secure-with-httponly-sessions-and-samesite"


def cors_result(headers):
    allowed = headers.get("Access-Control-Allow-Origin")
    if not allowed:
        return "cross-origin-resource-sharing-not-implemented"
    if allowed.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    # A named origin with credentials is how a reflected Origin shows: the dangerous case.
    if headers.get("Access-Control-Allow-Credentials", "").lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def referrer_result(headers):
    header = headers.get("Referrer-Policy")
    if header is None:
        return "referrer-policy-not-implemented"
    policies = [policy.strip().lower() for policy in header.split(",") if policy.strip()]
    known = [policy for policy in policies if policy in PRIVATE_REFERRER_POLICIES | UNSAFE_REFERRER_POLICIES]
    if not known:
        return "referrer-policy-header-invalid"
    # Browsers apply the last policy they understand.
    return "referrer-policy-private" if known[-1] in PRIVATE_REFERRER_POLICIES else "referrer-policy-unsafe"


class _ScriptSources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []  # (src, has integrity)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append((attributes["src"], bool(attributes.get("integrity"))))


def sri_result(response):
    if "text/html" not in response.get("Content-Type", "") or response.streaming:
        return "sri-not-implemented-response-not-html"
    parser = _ScriptSources()
    parser.feed(response.content.decode())
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    external = [(src, integrity) for src, integrity in parser.scripts if src.startswith(("//", "http:", "https:"))]
    if not external:
        return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    if any(not src.startswith("https:") for src, _integrity in external):
        return "sri-not-implemented-and-external-scripts-not-loaded-securely"
    if all(integrity for _src, integrity in external):
        return "sri-implemented-and-all-scripts-loaded-securely"
    return "sri-not-implemented-but-external-scripts-loaded-securely"


def content_type_options_result(headers):
    header = headers.get("X-Content-Type-Options")
    if header is None:
        return "x-content-type-options-not-implemented"
    return "x-content-type-options-nosniff" if header.strip().lower() == "nosniff" else "x-content-type-options-header-invalid"


def frame_options_result(headers):
    frame_ancestors = csp_directives(headers.get("Content-Security-Policy", "")).get("frame-ancestors")
    if frame_ancestors and not set(frame_ancestors) & BROAD_SOURCES:
        return "x-frame-options-implemented-via-csp"
    header = headers.get("X-Frame-Options")
    if header is None:
        return "x-frame-options-not-implemented"
    value = header.strip().lower()
    if value in {"deny", "sameorigin"}:
        return "x-frame-options-sameorigin-or-deny"
    if value.startswith("allow-from "):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def resource_policy_result(headers):
    header = headers.get("Cross-Origin-Resource-Policy")
    if header is None:
        return "cross-origin-resource-policy-not-implemented"
    results = {
        "same-origin": "cross-origin-resource-policy-implemented-with-same-origin",
        "same-site": "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin": "cross-origin-resource-policy-implemented-with-cross-origin",
    }
    return results.get(header.strip().lower(), "cross-origin-resource-policy-header-invalid")


def observatory_grade(response):
    """(score, grade, results) of one response, as the HTTP Observatory would give them."""
    headers = response.headers
    hsts = hsts_result(headers)
    results = [
        csp_result(headers),
        cookies_result(response.cookies, hsts_passes=hsts in {"hsts-preloaded", "hsts-implemented-max-age-at-least-six-months"}),
        cors_result(headers),
        # The test client reaches Django directly: the http -> https redirect is the proxy's
        # (and SECURE_SSL_REDIRECT's, checked by `check --deploy` below), so it counts as done.
        "redirection-to-https",
        referrer_result(headers),
        hsts,
        sri_result(response),
        content_type_options_result(headers),
        frame_options_result(headers),
        resource_policy_result(headers),
    ]
    modifiers = [SCORE_MODIFIERS[result] for result in results]
    score = 100 + sum(modifier for modifier in modifiers if modifier < 0)
    if score >= MINIMUM_SCORE_FOR_EXTRA_CREDIT:
        score += sum(modifier for modifier in modifiers if modifier > 0)
    score = max(score, 0)
    grade = next(grade for floor, grade in GRADES if score >= floor)
    return score, grade, results


# --- Every kind of page ---


@pytest.mark.parametrize("name", PAGES)
def test_every_kind_of_page_sends_the_security_headers_and_grades_a_plus(client, request, published, name):
    response = get_page(client, request, published, name)
    assert_security_headers(response, PAGES[name].resource_policy)
    assert_cookies_are_protected(response)
    score, grade, results = observatory_grade(response)
    assert grade == "A+", (name, score, results)


def test_the_public_api_is_open_to_other_sites_but_sends_no_credentials(client, db):
    response = client.get(reverse("api:practice_list"), secure=True)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_sign_in_sets_secure_http_only_same_site_cookies_and_grades_a_plus(client, contributor_a):
    form = client.get(reverse("account_login"), secure=True)
    assert set(form.cookies) == {django_settings.CSRF_COOKIE_NAME}
    signed_in = client.post(reverse("account_login"), {"login": contributor_a.email, "password": PASSWORD}, secure=True)
    assert signed_in.status_code == 302
    assert django_settings.SESSION_COOKIE_NAME in signed_in.cookies
    for response in (form, signed_in):
        assert_security_headers(response, "same-origin")
        assert_cookies_are_protected(response)
        score, grade, results = observatory_grade(response)
        assert "cookies-secure-with-httponly-sessions-and-samesite" in results
        assert grade == "A+", (score, results)


def test_a_public_page_scores_what_its_headers_earn(client, db):
    # 100, +5 CSP without unsafe sources, +5 private referrer policy, +5 frame-ancestors, +10 CORP same-origin.
    score, grade, _results = observatory_grade(client.get(reverse("home"), secure=True))
    assert (score, grade) == (125, "A+")


# --- The grading can fail: weaken one protection of a real response and the score drops ---
#
# The sign-in response scores 130: 100, +5 CSP, +5 cookies, +5 referrer policy, +5 frame-ancestors,
# +10 CORP. A penalty of 10 or less still leaves it at A+ (bonuses count from 90): the header
# assertions above are stricter than the grade, the grade is the Observatory's.


def _drop(header):
    def weaken(response):
        del response.headers[header]

    return weaken


def _set(header, value):
    def weaken(response):
        response.headers[header] = value

    return weaken


def _cookie_flag(flag):
    def weaken(response):
        for morsel in response.cookies.values():
            morsel[flag] = ""

    return weaken


@pytest.mark.parametrize(
    "weaken, score, grade",
    [
        (_drop("Content-Security-Policy"), 75, "B"),
        (_set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"), 80, "B+"),
        (_set("Content-Security-Policy", "default-src 'self'; object-src *; frame-ancestors 'none'"), 80, "B+"),
        (_set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-eval'; frame-ancestors 'none'"), 115, "A+"),
        (_set("Content-Security-Policy", "default-src 'self'"), 125, "A+"),
        (_drop("Strict-Transport-Security"), 80, "B+"),
        (_set("Strict-Transport-Security", "max-age=86400"), 120, "A+"),
        (_drop("X-Content-Type-Options"), 125, "A+"),
        (_set("Referrer-Policy", "unsafe-url"), 120, "A+"),
        (_drop("Cross-Origin-Resource-Policy"), 120, "A+"),
        (_set("Cross-Origin-Resource-Policy", "everyone"), 115, "A+"),
        (_cookie_flag("secure"), 115, "A+"),
        (_cookie_flag("httponly"), 70, "B"),
        (_cookie_flag("samesite"), 80, "B+"),
    ],
)
def test_weakening_one_protection_lowers_the_score(client, contributor_a, weaken, score, grade):
    client.get(reverse("account_login"), secure=True)
    response = client.post(reverse("account_login"), {"login": contributor_a.email, "password": PASSWORD}, secure=True)
    assert observatory_grade(response)[:2] == (130, "A+")
    weaken(response)
    weakened_score, weakened_grade, results = observatory_grade(response)
    assert (weakened_score, weakened_grade) == (score, grade), results


# --- Production configuration passes Django's deployment checks ---


def test_deployment_checks_pass_with_production_settings():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "smeplatform.settings",
        "DEBUG": "false",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "sme.example.org",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/smeplatform"),
        # Production sends mail by SMTP (README, "Running in production"): the console backend is an error.
        "EMAIL_HOST": "smtp.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
