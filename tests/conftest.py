"""The cast of test users, and the test-only settings.

Country A is Kenya, country B is Colombia: both hold accounts. Every test that needs
a person asks for them by role.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.signals import request_started
from django.db import connections
from django.utils import timezone, translation

from countries import pagecache
from countries.models import MODERATORS_GROUP, Country, Membership, User
from practices.models import RevisionSave
from smeplatform import settings as project_settings
from smeplatform.warm import warm_after_a_public_change

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def pytest_configure(config):
    config.addinivalue_line("markers", "caches_off(reason): renders afresh, with PAGE_CACHE and DATA_CACHE off")


WARMING = "sme_warm_public_memos"  # smeplatform.apps


def _changes_committed(**kwargs):
    """A test's changes are in before its next request, as every change is committed in production.

    The test's transaction never commits, so the content generation would never move (countries/pagecache.py).
    The counting that follows a change is the task worker's (smeplatform.warm), not this request's: left out.
    """
    bumps = [
        (callback, robust)
        for connection in connections.all(initialized_only=True)
        for _savepoints, callback, robust in connection.run_on_commit
        if isinstance(callback, pagecache.BumpOnCommit) and not callback.batch["done"]
    ]
    if not bumps:
        return
    # The bump is the commit's work, not this request's: its queries are left out of the request's count.
    logged = {connection: len(connection.queries_log) for connection in connections.all(initialized_only=True)}
    pagecache.content_changed.disconnect(dispatch_uid=WARMING)
    try:
        for callback, robust in bumps:
            try:
                callback()  # once per batch: at the real commit (captured callbacks), it does nothing
            except Exception:
                if not robust:  # as at a real commit: a robust callback's failure is not the change's
                    raise
    finally:
        pagecache.content_changed.connect(warm_after_a_public_change, dispatch_uid=WARMING)
        for connection, before in logged.items():
            while len(connection.queries_log) > before:
                connection.queries_log.pop()


@pytest.fixture(autouse=True)
def _test_settings(settings, request, django_db_blocker, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored files (documents, the open dataset that load_demo writes) go to a folder of the test's own,
    # never to the checkout's media/; unless a module's shared world set its own folder (test_idor).
    if str(settings.MEDIA_ROOT) == str(project_settings.MEDIA_ROOT):
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    # Pages and memos are kept, as in production, and forgotten between tests; a test that must render
    # afresh says so with @pytest.mark.caches_off("why").
    settings.PAGE_CACHE = settings.DATA_CACHE = request.node.get_closest_marker("caches_off") is None
    pagecache.clear_worker_caches()
    if settings.PAGE_CACHE:
        request_started.connect(_changes_committed, dispatch_uid="tests-changes-committed")
    # Tasks (e-mail) run at once, in the test's process; tests of the worker switch to the database queue.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # reverse() outside a request uses the thread's language, which a previous request may have changed.
    translation.activate("en")
    yield
    request_started.disconnect(dispatch_uid="tests-changes-committed")
    pagecache.clear_worker_caches()
    # The cache tables' rows go with the test's transaction, except after a test that commits (transactional_db).
    if "django_db_setup" in request.fixturenames:
        with django_db_blocker.unblock():
            for alias in django_settings.CACHES:
                caches[alias].clear()


def make_user(email, *, full_name="", password=PASSWORD, **extra):
    user = User.objects.create_user(email=email, password=password, full_name=full_name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_member(country, email, role, full_name=""):
    user = make_user(email, full_name=full_name)
    Membership.objects.create(user=user, country=country, role=role)
    if country.account_opened_at is None:
        country.account_opened_at = timezone.now()
        country.save(update_fields=["account_opened_at"])
    return user


@pytest.fixture
def country_a(db):
    return Country.objects.get(iso2="KE")


@pytest.fixture
def country_b(db):
    return Country.objects.get(iso2="CO")


@pytest.fixture
def focal_a(country_a):
    # Focal point of country A: manages its profile and team.
    return make_member(country_a, "focal.a@example.org", Membership.Role.FOCAL_POINT, "Fatuma Focal")


@pytest.fixture
def contributor_a(country_a, focal_a):
    # Contributor of country A: drafts and submits practices, cannot manage the team.
    return make_member(country_a, "contributor.a@example.org", Membership.Role.CONTRIBUTOR, "Collins Contributor")


@pytest.fixture
def focal_b(country_b):
    # Focal point of country B.
    return make_member(country_b, "focal.b@example.org", Membership.Role.FOCAL_POINT, "Beatriz Focal")


@pytest.fixture
def contributor_b(country_b, focal_b):
    # Contributor of country B: a stranger to everything of country A.
    return make_member(country_b, "contributor.b@example.org", Membership.Role.CONTRIBUTOR, "Camilo Contributor")


@pytest.fixture
def moderator(db):
    # ITC moderator with two-factor authentication enrolled: acts on every country.
    user = make_user("moderator@itc.example", full_name="Maria Moderator", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def moderator_without_two_factor(db):
    # ITC moderator who has not enrolled an authenticator app yet.
    user = make_user("new.moderator@itc.example", full_name="Nico Newcomer", is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


@pytest.fixture
def outsider(db):
    # Signed-in user with no country team (removed, or never joined).
    return make_user("outsider@example.org", full_name="Olga Outsider")


@pytest.fixture
def cast(contributor_a, focal_a, contributor_b, moderator):
    """Every role by name, anonymous as None."""
    return {
        "anonymous": None,
        "contributor_a": contributor_a,
        "focal_a": focal_a,
        "contributor_b": contributor_b,
        "moderator": moderator,
    }


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def edit_base(practice):
    """The `base` an edit form of the practice's open version carries: the save it was opened from."""
    return RevisionSave.objects.filter(revision__practice=practice).order_by("-id").values_list("pk", flat=True).first()
