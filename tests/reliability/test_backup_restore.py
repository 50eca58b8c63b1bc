"""bin/backup and bin/restore, for real: what is restored is what was saved, and the platform runs on it.

Against the PostgreSQL server of DATABASE_URL, in scratch databases of their own (smeplatform_bk_<random>):
one is migrated and given a little data (a published practice with its document, a draft, a meeting with
its document: the audit rows that writes, and two stored files); bin/backup
saves it; bin/restore puts it into a second, new database and a new media folder, and runs its smoke
checks. Both databases are dropped at the end. See docs/operations/backup.md.
"""

import hashlib
import html
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="bin/backup and bin/restore work with PostgreSQL and DATABASE_URL names another database (CI uses PostgreSQL)",
)

# A little of everything, through the services: a country team, a published practice with its document,
# a draft, a public meeting with its agenda document; and the audit rows all that writes.
SEED = """
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

call_command("migrate", verbosity=0)

from countries import services as country_services
from countries.models import MODERATORS_GROUP, Country, User
from meetings import services as meeting_services
from practices import services as practice_services

PDF = b"%PDF-1.4\\n%%EOF\\n"
moderator = User.objects.create_user(email="moderator@itc.example", is_staff=True)
moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
kenya = Country.objects.get(iso2="KE")
invitation = country_services.invite_delegate(country=kenya, email="focal.ke@example.org", role="focal_point", by=moderator)
focal = country_services.accept_invitation(invitation, full_name="Amina Focal", password="a-long-demo-password-42")
practice, revision = practice_services.create_practice(kenya, by=focal, content={
    "title": "Credit guarantees for small firms", "summary": "The state shares the risk of lending.",
    "description": "Banks lend to firms that never borrowed.", "level": "national", "themes": ["access-to-finance"],
})
practice_services.add_attachment(revision, by=focal, upload=SimpleUploadedFile("report.pdf", PDF + b"1"), title="Evaluation")
practice_services.submit_revision(revision, by=focal)
practice_services.publish_revision(revision, by=moderator)
practice_services.create_practice(kenya, by=focal, content={"title": "Export desk"})
starts = timezone.now() + timedelta(days=20)
meeting = meeting_services.create_meeting(by=moderator, data={
    "title": "Technical meeting", "kind": "technical", "format": "virtual", "starts_at": starts, "ends_at": starts + timedelta(hours=3),
})
meeting_services.publish_meeting(meeting, by=moderator)
meeting_services.add_document(meeting, by=moderator, upload=SimpleUploadedFile("agenda.pdf", PDF + b"2"), title="Agenda", kind="agenda")
"""

# Rendered by the restored copy, in a process of its own.
HOME_PAGE = """
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
response = Client().get("/en/")
print(response.status_code)
print(response.content.decode())
"""


def url_of(database):
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl()


def run(command, env, *, check=True):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    if check:
        assert result.returncode == 0, f"{command[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def sql(database, query, *args):
    with psycopg.connect(url_of(database), autocommit=True) as connection:
        cursor = connection.execute(query, args)
        return cursor.fetchall() if cursor.description else None


def table_counts(database):
    tables = [row[0] for row in sql(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {table: sql(database, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


def files_in(folder):
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    """A demo database, backed up, and restored into a new one: their names, folders and the scripts' output."""
    tag = secrets.token_hex(4)
    source, copy = f"smeplatform_bk_{tag}", f"smeplatform_bk_{tag}_restored"
    folder = tmp_path_factory.mktemp("backup")
    media, restored_media, backups = folder / "media", folder / "restored-media", folder / "backups"
    # Two older backups and a folder of notes: --keep 2 deletes the oldest backup only.
    for old in ("sme-20000101T000000Z", "sme-20000102T000000Z"):
        (backups / old).mkdir(parents=True)
        (backups / old / "SHA256SUMS").write_text("")
    (backups / "notes").mkdir()
    env = {**os.environ, "DATABASE_URL": url_of(source), "MEDIA_ROOT": str(media), "DATABASE_POOL": "false", "DEBUG": "true"}
    sql("postgres", f'CREATE DATABASE "{source}"')
    try:
        run([sys.executable, "manage.py", "shell", "-c", SEED], env)
        backup = run([str(ROOT / "bin/backup"), "--keep", "2", str(backups)], env)
        path = Path(backup.stdout.strip().splitlines()[-1])
        restore = run([str(ROOT / "bin/restore"), "--media-dir", str(restored_media), str(path), copy], env, check=False)
        yield {
            "source": source, "copy": copy, "env": env, "backup": path, "backups": backups, "media": media,
            "restored_media": restored_media, "restore": restore,
        }
    finally:
        for database in (copy, source):
            sql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_restore_passes_its_smoke_checks(restored):
    restore = restored["restore"]
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "home_page=200" in restore.stdout
    assert "Restored and checked" in restore.stderr


def test_the_restored_database_holds_the_same_rows(restored):
    source, copy = table_counts(restored["source"]), table_counts(restored["copy"])
    # The caches' rows are left out of backups on purpose (the smoke check's page view fills them again).
    for table in ("sme_cache", "sme_public_cache"):
        del source[table], copy[table]
    assert copy == source
    assert (source["practices_practice"], source["practices_practicerevision"]) == (2, 2)
    assert source["countries_auditevent"] and source["practices_reviewevent"] and source["meetings_recordevent"]
    assert (source["practices_attachment"], source["meetings_meetingdocument"]) == (1, 1)
    # Row for row, the versions' text and the three audit trails.
    for query in (
        "SELECT id, status, content::text FROM practices_practicerevision ORDER BY id",
        "SELECT id, action, actor_id, subject, created_at FROM countries_auditevent ORDER BY id",
        "SELECT id, action, actor_id, practice_id, revision_id, created_at FROM practices_reviewevent ORDER BY id",
        "SELECT id, action, actor_id, meeting_id, story_id, created_at FROM meetings_recordevent ORDER BY id",
    ):
        assert sql(restored["copy"], query) == sql(restored["source"], query)


def test_the_restored_files_are_the_same_and_every_stored_file_is_there(restored):
    saved = files_in(restored["media"])
    assert len(saved) == 2
    assert files_in(restored["restored_media"]) == saved
    names = sql(restored["copy"], "SELECT file FROM practices_attachment UNION ALL SELECT file FROM meetings_meetingdocument")
    assert all((restored["restored_media"] / name).is_file() for (name,) in names)


def test_the_home_page_renders_from_the_restored_database(restored):
    env = {**restored["env"], "DATABASE_URL": url_of(restored["copy"]), "MEDIA_ROOT": str(restored["restored_media"])}
    page = run([sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", HOME_PAGE], env).stdout
    status, _, page_html = page.partition("\n")
    (published,) = sql(restored["copy"], "SELECT title FROM practices_practice WHERE status = 'published'")
    assert status == "200" and html.escape(published[0]) in page_html


def test_the_backup_is_complete_and_old_backups_beyond_the_kept_number_are_deleted(restored):
    backup = restored["backup"]
    assert sorted(path.name for path in backup.iterdir()) == ["MANIFEST", "SHA256SUMS", "database.dump", "media.tar"]
    manifest = (backup / "MANIFEST").read_text()
    (practices,) = sql(restored["source"], "SELECT count(*) FROM practices_practice")
    assert f"practices={practices[0]}" in manifest and "media_files=2" in manifest
    assert "password" not in manifest and "@" not in manifest.split("database=")[1].splitlines()[0]
    assert sorted(path.name for path in restored["backups"].iterdir()) == sorted(["sme-20000102T000000Z", backup.name, "notes"])


def test_restore_refuses_an_existing_database_and_a_damaged_backup(restored, tmp_path):
    before = table_counts(restored["source"])
    refused = run([str(ROOT / "bin/restore"), "--media-dir", str(tmp_path / "a"), str(restored["backup"]), restored["source"]], restored["env"], check=False)
    assert refused.returncode != 0 and "exists already" in refused.stderr
    assert table_counts(restored["source"]) == before

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for file in restored["backup"].iterdir():
        (damaged / file.name).write_bytes(file.read_bytes())
    dump = bytearray((damaged / "database.dump").read_bytes())
    dump[len(dump) // 2] ^= 0xFF
    (damaged / "database.dump").write_bytes(bytes(dump))
    name = f"{restored['copy']}_damaged"
    refused = run([str(ROOT / "bin/restore"), "--media-dir", str(tmp_path / "b"), str(damaged), name], restored["env"], check=False)
    assert refused.returncode != 0 and "damaged" in refused.stderr
    assert sql("postgres", "SELECT count(*) FROM pg_database WHERE datname = %s", name) == [(0,)]
