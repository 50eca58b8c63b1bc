"""The shared memos in Redis (REDIS_URL): what one worker counted the others read, until the generation moves.

Runs against the Redis server at 127.0.0.1:6379 (on every developer's machine and in CI), in a
database of its own and under a key prefix of its own; it deletes only its own keys.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries import pagecache
from tests.factories import publish_practice

REDIS_URL = "redis://127.0.0.1:6379/13"
BROWSE = "/en/practices/"


@pytest.fixture
def redis_shared_cache(settings, db):
    """The "public" cache in Redis, as settings.py makes it with REDIS_URL, under a prefix of this test."""
    original = settings.CACHES
    prefix = f"sme-test-{uuid.uuid4().hex}"
    settings.PAGE_CACHE = False
    settings.DATA_CACHE = True
    settings.CACHES = {
        **original,
        pagecache.PUBLIC_CACHE: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
    }
    pagecache.clear_worker_caches()
    shared = caches[pagecache.PUBLIC_CACHE]
    yield shared, prefix
    client = shared._cache.get_client(write=True)
    for key in list(client.scan_iter(match=f"{prefix}:*")):
        client.delete(key)
    pagecache.clear_worker_caches()
    settings.CACHES = original  # before the suite's clean-up clears every cache: never FLUSHDB the server


def redis_keys(shared, prefix):
    return [key.decode() for key in shared._cache.get_client().scan_iter(match=f"{prefix}:*")]


def test_a_memo_counted_by_one_worker_is_read_by_another_from_redis(redis_shared_cache):
    shared, prefix = redis_shared_cache
    counted = []

    def count():
        counted.append(1)
        return {"practices": 42}

    assert pagecache.memoized("test-count", count, "en", shared=True) == {"practices": 42}
    assert [key for key in redis_keys(shared, prefix) if ":memo:" in key]
    pagecache.clear_worker_caches()  # another worker: nothing in its own memory
    assert pagecache.memoized("test-count", count, "en", shared=True) == {"practices": 42}
    assert counted == [1]


def test_a_public_change_makes_every_worker_count_again(redis_shared_cache):
    counted = []

    def count():
        counted.append(1)
        return len(counted)

    assert pagecache.memoized("test-count", count, shared=True) == 1
    generation = pagecache.generation()
    pagecache.bump()
    pagecache.clear_worker_caches()
    assert pagecache.generation() != generation
    # The memo of the old generation is still in Redis, but no worker reads it again.
    assert pagecache.memoized("test-count", count, shared=True) == 2
    # The generation stays in the default cache (the database), beside the security state.
    assert caches["default"].get(pagecache.GENERATION_KEY) == pagecache.generation()
    assert not [key for key in redis_keys(*redis_shared_cache) if pagecache.GENERATION_KEY in key]


def test_the_browse_counts_one_worker_made_spare_another_the_counting(client, redis_shared_cache, country_a, focal_a, moderator):
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee for small firms", themes=["access-to-finance"])
    first = client.get(BROWSE)
    assert first.status_code == 200
    pagecache.clear_worker_caches()  # another worker
    with CaptureQueriesContext(connection) as queries:
        again = client.get(BROWSE)
    assert again.content == first.content
    assert not [query["sql"] for query in queries if "sme_selection" in query["sql"]], "the facets counted again"


SETTINGS_CACHES = """
import json
from django.conf import settings
print("CACHES " + json.dumps({alias: config["BACKEND"].rsplit(".", 1)[1] for alias, config in settings.CACHES.items()}))
"""


def caches_configured(redis_url):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETTINGS_CACHES],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.rsplit("CACHES ", 1)[1])


def test_redis_url_moves_only_the_shared_memos_to_redis():
    with_redis = caches_configured(REDIS_URL)
    assert with_redis["public"] == "RedisCache"
    # Security state and the generation must not be evictable by visitors' entries: never in Redis.
    assert with_redis["default"] == "DatabaseCache"
    assert caches_configured("")["public"] == "DatabaseCache"
