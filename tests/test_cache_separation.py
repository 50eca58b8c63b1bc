"""Security state lives in a cache no visitor can fill (settings.CACHES, countries/pagecache.py).

Past MAX_ENTRIES a database cache culls the alphabetically first third of its keys on each write:
allauth's sign-in counters ("allauth:rl:…") and used two-factor codes ("allauth.mfa.totp.used…")
come first, the content generation next. Every browse query a visitor makes up adds a shared memo;
if those rows shared a table with the security state, browsing would wipe the counters out.
"""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from countries import pagecache
from tests.security.test_asvs_accounts import TOO_MANY_ATTEMPTS, freeze_totp_clock, is_signed_in, sign_in, totp_code

# Every cache is capped this low here: whichever one the visitors' memos go to, they fill it past its cap.
SMALL_CAP = 10
BROWSE = "/en/practices/"


@pytest.fixture(autouse=True)
def small_caches_switched_on(settings, db):
    settings.PAGE_CACHE = True
    settings.DATA_CACHE = True
    settings.CACHES = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "MAX_ENTRIES": SMALL_CAP}}
        for alias, config in django_settings.CACHES.items()
    }
    pagecache.clear_worker_caches()
    yield
    pagecache.clear_worker_caches()


def fill_public_cache_as_a_visitor():
    visitor = Client()
    for number in range(3 * SMALL_CAP):
        assert visitor.get(BROWSE, {"q": f"word{number}"}).status_code == 200


def cache_keys(alias):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(caches[alias]._table)}")
        return [row[0] for row in cursor.fetchall()]


def test_browsing_fills_only_the_public_cache_which_culls_its_own_rows():
    fill_public_cache_as_a_visitor()
    public = cache_keys(pagecache.PUBLIC_CACHE)
    assert public and all(":memo:" in key for key in public)
    assert len(public) <= SMALL_CAP + 1  # culled: three times as many distinct queries were counted
    assert not any(":memo:" in key for key in cache_keys("default"))


def test_sixth_failed_sign_in_is_still_refused_after_visitors_fill_the_public_cache(client, contributor_a):
    for _attempt in range(5):
        assert TOO_MANY_ATTEMPTS not in sign_in(client, contributor_a.email, "wrong-password").content.decode()
    generation = pagecache.generation()

    fill_public_cache_as_a_visitor()

    assert TOO_MANY_ATTEMPTS in sign_in(client, contributor_a.email).content.decode()
    assert not is_signed_in(client)
    assert any(":login_failed:" in key for key in cache_keys("default"))
    # The content generation is kept too: the pages of every worker stay valid.
    assert cache.get(pagecache.GENERATION_KEY) == generation


def test_used_two_factor_code_is_still_refused_after_visitors_fill_the_public_cache(client, monkeypatch, moderator):
    now = freeze_totp_clock(monkeypatch)
    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert is_signed_in(client)
    client.post(reverse("account_logout"))

    fill_public_cache_as_a_visitor()

    sign_in(client, moderator.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(now)})
    assert not is_signed_in(client)
    assert any(key.startswith(":1:allauth.mfa.totp.used?") for key in cache_keys("default"))
