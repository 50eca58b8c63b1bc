"""`migrate` alone gives a working site: migration countries/0004 makes the cache tables.

The test database cannot show it (Django's test set-up runs `createcachetable` after migrating), so
a scratch database of the same engine is migrated in another process, with nothing else run, and
then serves pages with the page and data caches on.
"""

import json
import os
import subprocess
import sys
import uuid

from django.conf import settings

from tests.test_two_instances import admin_connection, server_url

MIGRATE_THEN_VISIT = """
import json
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

call_command("migrate", verbosity=0)
tables = connection.introspection.table_names()
setup_test_environment()  # only lets the test client's host in
visitor = Client()
print("FOUND " + json.dumps({
    "cache_tables": {alias: caches[alias]._table in tables for alias in settings.CACHES if isinstance(caches[alias], BaseDatabaseCache)},
    "pages": {path: visitor.get(path).status_code for path in ("/en/", "/en/practices/", "/en/countries/")},
}))
"""


def migrate_scratch_database_and_visit(tmp_path):
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    name = f"sme_migrate_only_{uuid.uuid4().hex[:12]}"
    url = server_url(name) if postgresql else f"sqlite:///{tmp_path / name}.sqlite3"
    env = {**os.environ, "DATABASE_URL": url, "PAGE_CACHE": "true", "DATA_CACHE": "true", "TASKS_BACKEND": "immediate"}
    if postgresql:
        with admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", MIGRATE_THEN_VISIT],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        if postgresql:
            with admin_connection() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.rsplit("FOUND ", 1)[1])


def test_migrate_alone_makes_every_cache_table_and_pages_answer(tmp_path):
    found = migrate_scratch_database_and_visit(tmp_path)
    assert found["cache_tables"] == {"default": True, "public": True}
    assert found["pages"] == {"/en/": 200, "/en/practices/": 200, "/en/countries/": 200}
