"""The interface speaks English, French and Spanish: every string is translated and compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALES = ["fr", "es"]
CATALOGUES = Path(settings.BASE_DIR) / "locale"


def catalogue(language):
    return polib.pofile(str(CATALOGUES / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LOCALES)
def test_every_string_is_translated(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LOCALES)
def test_compiled_catalogue_matches_its_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(CATALOGUES / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural) for entry in mo}
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid)) != (entry.msgstr, entry.msgstr_plural)
    ]
    assert not stale, f"{language}: django.mo is older than django.po; run bin/messages. {stale[:5]}"


def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the project finds no string that the catalogues lack."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed to check the catalogues: apt-get install gettext")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "staticfiles", "test-artifacts", "tests", "media", "*.sqlite3")
    shutil.copytree(root, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--add-location", "file",
         "--ignore", "staticfiles/*", "--ignore", "bench/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "smeplatform.settings"},
    )
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue("fr") if not entry.obsolete}
    missing = [entry.msgid for entry in fresh if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known]
    assert not missing, f"Strings not in the catalogues (run bin/messages and translate): {missing[:10]}"
