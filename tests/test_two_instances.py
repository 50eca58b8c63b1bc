"""Two app servers, one database: the platform keeps no state of its own.

The test starts two gunicorn instances with the production configuration (DEBUG off,
gunicorn_conf.py, one worker each) on two loopback ports. Both use one scratch PostgreSQL
database and one shared MEDIA_ROOT, as two servers behind a load balancer would
(docs/operations/deployment.md). It talks to them the way that load balancer would pass
requests on: the site's Host, X-Forwarded-Proto https, and each person's cookies going to
whichever server the request reaches. What one server does, the other must see: the
signed-in session, a sign-in halfway through its two-factor step, a draft and its
submission, an uploaded document, a publication (no server keeps the page from before), the
failed sign-ins counted by the rate limit, a used two-factor code, and the e-mail queued for
the task worker.

Below it: the choice of storage for uploaded files (the local folder, or an S3-compatible
bucket shared by every server), and the daily summary that cron on two machines sends once.
"""

import http.cookiejar
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html import unescape
from pathlib import Path

import psycopg
import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from countries.models import ReviewEmails
from practices import services, tasks
from practices.models import Language, Level
from tests.conftest import make_user

needs_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="Starts two app servers on one PostgreSQL database: set DATABASE_URL=postgres://... (bin/test does).",
)

BASE_DIR = Path(settings.BASE_DIR)
# The interpreter running the tests, wherever its environment lives.
PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn"]
SITE_HOST = "127.0.0.1"
SECRET_KEY = secrets.token_urlsafe(50)
PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOTP_PERIOD = 30
CONTRIBUTOR = "contributor.ke@example.org"
FOCAL_POINT = "focal.ke@example.org"
MODERATOR = "moderator@itc.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + secrets.token_bytes(64)
TOO_MANY_ATTEMPTS = "Too many failed login attempts"

SETUP = f"""
import json
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from countries.models import MODERATORS_GROUP, Country, Membership, User
from practices.models import Theme

call_command("migrate", verbosity=0)

def person(email, **extra):
    user = User.objects.create_user(email=email, password={PASSWORD!r}, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user

kenya = Country.objects.get(iso2="KE")
Membership.objects.create(user=person({FOCAL_POINT!r}), country=kenya, role=Membership.Role.FOCAL_POINT)
Membership.objects.create(user=person({CONTRIBUTOR!r}), country=kenya, role=Membership.Role.CONTRIBUTOR)
kenya.account_opened_at = timezone.now()
kenya.save(update_fields=["account_opened_at"])
moderator = person({MODERATOR!r}, is_staff=True)
moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
TOTP.activate(moderator, {TOTP_SECRET!r})
print("SETUP " + json.dumps({{"theme": Theme.objects.filter(is_active=True).values_list("slug", flat=True).first()}}))
"""


# --- The scratch database and the two servers ---


def server_url(database):
    """The test run's PostgreSQL server, with another database name."""
    config = settings.DATABASES["default"]
    user = urllib.parse.quote(config["USER"] or "postgres")
    password = f":{urllib.parse.quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    return f"postgres://{user}{password}@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{database}"


def admin_connection():
    config = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database, tmp_path):
    """The same settings on every app server, as the deployment guide says: one secret key, one
    database, one place for uploaded files."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "smeplatform.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": SITE_HOST,
        "DATABASE_URL": server_url(database),
        "DATABASE_POOL_MAX_SIZE": "2",
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
    }


def run(command, env, timeout=60):
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def wait_until_healthy(port, process, log):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn on port {port} exited:\n{log.read_text()[-3000:]}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": SITE_HOST})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not answer /healthz:\n{log.read_text()[-3000:]}")


# Production serves the hashed names that collectstatic records in its manifest. The manifest is all
# the pages need: collected without the brotli and gzip copies, it takes a second, not several.
COLLECT_STATIC = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
call_command("collectstatic", "--no-input", verbosity=0)
"""


def start_server(env, tmp_path):
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            # Without a control socket: by default every gunicorn on the machine shares one path.
            [*GUNICORN, "-c", "gunicorn_conf.py", "--no-control-socket", "smeplatform.wsgi"],
            cwd=BASE_DIR,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return port, process, log


@pytest.fixture
def platform(tmp_path):
    """Two app servers on one scratch database: yields (env, setup facts, [port 1, port 2])."""
    database = f"sme_two_instances_{uuid.uuid4().hex[:12]}"
    env = production_env(database, tmp_path)
    (tmp_path / "media").mkdir()
    servers, setup = [], None
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    try:
        setup = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", SETUP], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        run([PYTHON, "-c", COLLECT_STATIC], env)
        # The servers boot while the database is being migrated; no request reaches them before it is.
        servers = [start_server(env, tmp_path) for _number in range(2)]
        output, errors = setup.communicate(timeout=120)
        assert setup.returncode == 0, f"migrating the scratch database failed:\n{output}\n{errors}"
        facts = json.loads(output.rsplit("SETUP ", 1)[1])
        for port, process, log in servers:
            wait_until_healthy(port, process, log)
        yield env, facts, [port for port, _process, _log in servers]
    finally:
        if setup is not None and setup.poll() is None:
            setup.kill()
            setup.communicate()
        for _port, process, _log in servers:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for _port, process, _log in servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- A browser behind the load balancer ---


class BehindTheLoadBalancer(http.cookiejar.DefaultCookiePolicy):
    """The load balancer ends TLS: from it to the app servers, Secure cookies travel over plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser. Each request names the app server the load balancer sent it to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar(policy=BehindTheLoadBalancer())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), KeepRedirects())

    def request(self, port, path, body=None, content_type=None):
        headers = {"Host": SITE_HOST, "X-Forwarded-Proto": "https"}
        if body is not None:
            headers.update({"Origin": f"https://{SITE_HOST}", "Content-Type": content_type})
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, port, path):
        return self.request(port, path)

    def page(self, port, path):
        status, _headers, body = self.get(port, path)
        assert status == 200, f"GET {path} on port {port}: {status}"
        return body.decode()

    def post(self, port, path, fields, files=None):
        """A form post, URL-encoded, or multipart with files: {name: (filename, content type, bytes)}."""
        if files:
            boundary = uuid.uuid4().hex
            body = b"".join(
                [
                    *(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode() for name, value in fields.items()),
                    *(
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
                        for name, (filename, content_type, data) in files.items()
                    ),
                    f"--{boundary}--\r\n".encode(),
                ]
            )
            return self.request(port, path, body, f"multipart/form-data; boundary={boundary}")
        return self.request(port, path, urllib.parse.urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded")

    def submit(self, port, page, fields, *, action=None, files=None):
        """What a person does: open the page on one server, fill in its form, send it to `port`."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page(page[0], page[1])).group(1)
        return self.post(port, action or page[1], {"csrfmiddlewaretoken": token, **fields}, files)

    def sign_in(self, port, email, password=PASSWORD):
        return self.submit(port, (port, "/en/accounts/login/"), {"login": email, "password": password})


def location(headers):
    return urllib.parse.urlsplit(headers["Location"]).path


def current_totp_code():
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // TOTP_PERIOD))


def wait_for_a_fresh_totp_window(needed_seconds):
    """Both uses of one code must fall in its 30 s window, or the second is refused for being stale."""
    left = TOTP_PERIOD - time.time() % TOTP_PERIOD
    if left < needed_seconds:
        time.sleep(left + 0.1)


# --- The test ---


@needs_postgresql
def test_two_app_servers_on_one_database_share_sessions_work_files_and_limits(platform):
    env, facts, (one, two) = platform
    title = f"One-stop export desk {uuid.uuid4().hex[:6]}"

    # Signed in on one server, signed in on the other: the session lives in the database.
    delegate = Browser()
    status, headers, _body = delegate.sign_in(one, CONTRIBUTOR)
    assert (status, location(headers)) == (302, "/en/workspace/"), "the delegate could not sign in"
    assert location(Browser().get(two, "/en/workspace/")[1]) == "/en/accounts/login/"
    status, headers, _body = delegate.get(two, "/en/workspace/")
    assert (status, location(headers)) == (302, "/en/workspace/KE/")
    workspace = delegate.page(two, "/en/workspace/KE/")
    assert "Sign out" in workspace and "Kenya workspace" in workspace

    # A draft written through server 2 is there on server 1.
    status, headers, body = delegate.submit(
        two,
        (two, "/en/workspace/KE/practices/new/"),
        {
            "title": title,
            "summary": "Exporters register once for every agency.",
            "description": "A single desk takes every export formality.",
            "level": Level.NATIONAL,
            "themes": facts["theme"],
            "original_language": Language.ENGLISH,
        },
    )
    assert status == 302, body.decode()[-2000:]
    detail = location(headers)
    assert re.fullmatch(r"/en/workspace/KE/practices/\d+/", detail)
    assert title in delegate.page(one, detail)

    # A document uploaded to server 1 downloads from server 2: MEDIA_ROOT (or the bucket) is shared.
    status, headers, body = delegate.submit(
        one, (one, detail), {"title": "Annual report"}, action=f"{detail}documents/", files={"file": ("report.pdf", "application/pdf", PDF)}
    )
    assert (status, location(headers)) == (302, detail), body.decode()[-2000:]
    download = re.search(rf'href="({re.escape(detail)}documents/\d+/)"', delegate.page(two, detail)).group(1)
    status, headers, body = delegate.get(two, download)
    assert (status, body) == (200, PDF)
    assert headers["Content-Disposition"] == 'attachment; filename="Annual-report.pdf"'

    # Submitted through server 2 (the form read from server 1): it waits in the review queue.
    status, headers, _body = delegate.submit(two, (one, detail), {}, action=f"{detail}submit/")
    assert (status, location(headers)) == (302, detail)
    in_review = re.search(r'<section aria-labelledby="group-review">.*?</section>', delegate.page(one, "/en/workspace/KE/practices/"), re.S)
    assert title in in_review.group(0)

    # The moderator gives the password to server 2 and the authenticator code to server 1: the
    # half-done sign-in is kept in the session, so either server may take the second step.
    moderator, eavesdropper = Browser(), Browser()
    for browser in (moderator, eavesdropper):
        status, headers, _body = browser.sign_in(two, MODERATOR)
        assert (status, location(headers)) == (302, "/en/accounts/2fa/authenticate/")
    wait_for_a_fresh_totp_window(needed_seconds=8)
    code = current_totp_code()
    status, headers, body = moderator.submit(one, (one, "/en/accounts/2fa/authenticate/"), {"code": code})
    assert status == 302, unescape(body.decode())[-2000:]
    # The same code, replayed through server 2 within its window, is refused: the record of used
    # codes is in the shared cache, not in the memory of the server that took it.
    status, _headers, body = eavesdropper.submit(two, (two, "/en/accounts/2fa/authenticate/"), {"code": code})
    assert code == current_totp_code(), "the code's window closed during the test: it proves nothing"
    assert status == 200 and "Incorrect code" in unescape(body.decode())
    assert location(eavesdropper.get(one, "/en/staff/reviews/")[1]) == "/en/accounts/login/"
    queue = unescape(moderator.page(one, "/en/staff/reviews/"))
    review = re.search(rf'href="(/en/staff/reviews/\d+/)">{re.escape(title)}<', queue).group(1)

    # Published on server 1, public at once on server 2: neither its pages nor its document may be
    # kept from before by the server that did not publish it. Until then, the document is not public.
    visitor = Browser()
    public_document = download.replace("/workspace/KE/", "/")
    assert visitor.get(two, public_document)[0] == 404
    assert title not in unescape(visitor.page(two, "/en/practices/"))
    status, headers, _body = moderator.submit(one, (one, review), {"evidence_label": "", "note": ""}, action=f"{review}publish/")
    assert (status, location(headers)) == (302, "/en/staff/reviews/")
    assert title in unescape(visitor.page(two, "/en/practices/"))
    status, _headers, body = visitor.get(two, public_document)
    assert (status, body) == (200, PDF)

    # Failed sign-ins count across servers: three on server 1 and two on server 2 make the five the
    # limit allows for one address, so the right password is then refused by server 1, where only
    # three failures happened.
    guesser = Browser()
    for port in (one, one, one, two, two):
        status, _headers, body = guesser.sign_in(port, FOCAL_POINT, password="wrong-password-guess")
        page = unescape(body.decode())
        assert status == 200 and TOO_MANY_ATTEMPTS not in page and "not correct" in page
    status, _headers, body = guesser.sign_in(one, FOCAL_POINT)
    assert status == 200 and TOO_MANY_ATTEMPTS in unescape(body.decode())
    assert location(guesser.get(two, "/en/workspace/")[1]) == "/en/accounts/login/"

    # The e-mail the submission queued on server 2 is sent by a separate worker process.
    sent = run([PYTHON, "manage.py", "db_worker", "--batch", "--no-startup-delay"], env)
    assert f"New practice to review: {title}" in sent and f"To: {MODERATOR}" in sent


# --- Where uploaded files are kept is chosen by environment, and checked at start ---

STORAGE_OF = (
    "import sys, json; sys.modules.update(json.loads(sys.argv[1]));"
    "import django; django.setup(); from django.conf import settings;"
    "print(json.dumps(settings.STORAGES['default']))"
)


def default_storage_with(env, tmp_path, *, installed=True):
    """STORAGES["default"] as a fresh interpreter reads it from `env`, with django-storages installed or not."""
    # Settings only look for the package: an empty one stands in for django-storages.
    (tmp_path / "storages").mkdir(exist_ok=True)
    (tmp_path / "storages" / "__init__.py").touch()
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "smeplatform.settings",
        "PYTHONPATH": str(tmp_path),
        **env,
    }
    hidden = {} if installed else {"storages": None}
    result = subprocess.run(
        [sys.executable, "-c", STORAGE_OF, json.dumps(hidden)], cwd=BASE_DIR, env=clean, capture_output=True, text=True
    )
    return (json.loads(result.stdout) if result.returncode == 0 else None), result.stderr


def test_uploaded_files_stay_on_the_file_system_unless_told_otherwise(tmp_path):
    storage, errors = default_storage_with({}, tmp_path)
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}, errors


def test_s3_storage_is_a_private_bucket_read_only_through_our_views(tmp_path):
    env = {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": "sme-documents",
        "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
        "AWS_S3_REGION_NAME": "eu-west-1",
    }
    storage, errors = default_storage_with(env, tmp_path)
    assert storage is not None, errors
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "sme-documents",
        "endpoint_url": "https://objects.example.net",
        "region_name": "eu-west-1",
        "location": "",
        "default_acl": "private",
        # No signed links that would bypass the views that check who may read a document.
        "querystring_auth": False,
        "file_overwrite": False,
    }


@pytest.mark.parametrize(
    ("env", "installed", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, True, "STORAGE_BACKEND must be filesystem or s3, not 'ftp'"),
        ({"STORAGE_BACKEND": "s3"}, True, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME"),
        ({"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "sme-documents"}, False, "needs django-storages"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start_with_a_clear_message(tmp_path, env, installed, message):
    storage, errors = default_storage_with(env, tmp_path, installed=installed)
    assert storage is None and "ImproperlyConfigured" in errors and message in errors


# --- Cron on every machine: the daily summary goes out once ---


def test_two_digest_runs_at_once_send_each_moderator_one_summary(
    country_a, contributor_a, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    daily = make_user("digest@itc.example", is_staff=True, review_emails=ReviewEmails.DAILY)
    daily.groups.add(*moderator.groups.all())
    content = {
        "title": "Credit guarantee",
        "summary": "Half of each loan.",
        "description": "Banks lend against it.",
        "level": Level.NATIONAL,
        "themes": ["access-to-finance"],
    }
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=content)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_revision(revision, by=contributor_a)
    mail.outbox.clear()
    # The second run read the moderators before the first one marked them sent: what two machines'
    # cron (or two task workers) starting the same minute do.
    read_before = list(tasks.moderators().filter(review_emails=ReviewEmails.DAILY))
    call_command("send_review_digests", stdout=io.StringIO())

    class ReadBefore:
        def filter(self, **lookups):
            return read_before

    monkeypatch.setattr(tasks, "moderators", ReadBefore)
    call_command("send_review_digests", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [[daily.email]]


@needs_postgresql
def test_production_serves_static_files_under_hashed_names_for_a_year(platform):
    """What a repeat visit relies on (tests/browser/test_page_weight.py): the style sheet and the map
    outlines come under hashed names that browsers keep for a year without asking again."""
    _env, _facts, (one, _two) = platform
    page = Browser().page(one, "/en/regions/")
    assets = set(re.findall(r'(?:href|src)="(/static/[^"#]+)', page))
    assert any(re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", asset) for asset in assets), assets
    assert any(re.search(r"/static/countries/world-map\.[0-9a-f]{12}\.svg$", asset) for asset in assets), assets
    for asset in assets:
        status, headers, _body = Browser().get(one, asset)
        assert status == 200, asset
        assert "immutable" in headers["Cache-Control"], (asset, headers["Cache-Control"])
        assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600
