"""The whole dataset (practices/dataset.py): every published practice, its published translations and the
vocabularies as a CSV data package, JSON and an Excel workbook; described by a datapackage.json the
Frictionless framework validates; written again by the task worker a few minutes after public changes,
once however many come; served with its date and size; never holding anything that is not public."""

import csv
import gzip
import io
import json
import re
import zipfile
from datetime import timedelta

import frictionless
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.tasks import default_task_backend
from django.utils import timezone, translation
from django.utils.html import escape

from countries.models import Country
from practices import dataset, opendata, services
from practices.models import Practice, Theme
from practices.workbook import TextWorkbook
from tests.factories import publish_practice

from .test_browse import catalogue  # noqa: F401 (a fixture)
from .test_opendata import CSV_URL, body, csv_rows, detailed, hidden  # noqa: F401 (fixtures)
from .test_translation_reading import publish_translation

SITE = "http://testserver"
FRENCH = {
    "title": "Guichet export",
    "summary": "Conseils aux exportateurs.",
    "description": "Le guichet conseille les entreprises.",
    # A formula in a translation: guarded in the CSV like any text.
    "problem": "=peu d'exportateurs",
}
# Texts of translations that are not public: never in any file.
UNPUBLISHED_TRANSLATIONS = ["Borrador secreto de la ventanilla", "Traduction d'une pratique archivée"]


@pytest.fixture
def everything(hidden, detailed, catalogue, country_b, focal_b, moderator):  # noqa: F811 (fixtures)
    """The catalogue and the detailed practice, what `hidden` keeps from the public, and translations:
    the detailed practice's French one (published), a Spanish draft, and the French one of a practice since archived."""
    published = publish_translation(detailed, by=focal_b, moderator=moderator, language="fr", text=FRENCH)
    draft = services.start_translation(detailed, by=focal_b, language="es")
    services.save_translation(draft, by=focal_b, text={"title": UNPUBLISHED_TRANSLATIONS[0], "summary": "s", "description": "d"})
    archived = publish_practice(country_b, by=focal_b, moderator=moderator, title="Soon archived scheme", themes=["access-to-finance"])
    publish_translation(archived, by=focal_b, moderator=moderator, language="fr", text={"title": UNPUBLISHED_TRANSLATIONS[1], "summary": "s", "description": "d"})
    services.archive_practice(archived, by=focal_b)
    return {
        "translation": published,
        "secrets": [*hidden["texts"], *UNPUBLISHED_TRANSLATIONS, "Soon archived scheme"],
        "hidden_ids": [*hidden["ids"], archived.pk],
    }


def stored(manifest, key):
    with default_storage.open(manifest["files"][key]["path"], "rb") as handle:
        return handle.read()


def package_of(manifest):
    """{file name: bytes} of the zipped data package."""
    with zipfile.ZipFile(io.BytesIO(stored(manifest, "csv"))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def table(files, name):
    raw = files[f"{name}.csv"]
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, as the exports"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def every_text(manifest):
    """Everything the three files hold, as text."""
    texts = [content.decode("utf-8-sig") for content in package_of(manifest).values()]
    # The JSON as text without escapes, so that a secret with an accent would show.
    texts.append(json.dumps(json.loads(gzip.decompress(stored(manifest, "json"))), ensure_ascii=False))
    with zipfile.ZipFile(io.BytesIO(stored(manifest, "xlsx"))) as archive:
        texts += [archive.read(name).decode() for name in archive.namelist()]
    return "\n".join(texts)


# --- What the files hold ---


def test_the_files_hold_every_published_practice_and_translation_and_nothing_else(everything):
    manifest = dataset.generate(site_url=SITE)
    published = set(Practice.objects.published().values_list("pk", flat=True))
    files = package_of(manifest)
    assert {int(row["id"]) for row in table(files, "practices")} == published
    document = json.loads(gzip.decompress(stored(manifest, "json")))
    assert {record["id"] for record in document["practices"]} == published
    sheets = workbook_sheets(stored(manifest, "xlsx"))
    assert {int(row["id"]) for row in sheets["practices"]} == published
    # The one published translation, in each file.
    translation = everything["translation"]
    [row] = table(files, "translations")
    assert (row["practice_id"], row["language"], row["title"], row["outdated"]) == (str(translation.practice_id), "fr", FRENCH["title"], "false")
    # Colombia shares the practice: its focal point translated it as one of its team, not as a volunteer.
    assert row["translator"] == translation.translated_by.full_name and row["volunteer_country_iso2"] == ""
    assert [(item["practice_id"], item["language"], item["title"]) for item in document["translations"]] == [(translation.practice_id, "fr", FRENCH["title"])]
    assert [item["title"] for item in sheets["translations"]] == [FRENCH["title"]]
    # Nothing else, in any file: drafts, versions in review, archived practices and their translations, contact persons.
    text = every_text(manifest).lower()
    for secret in everything["secrets"]:
        assert secret.lower() not in text, secret
    for pk in everything["hidden_ids"]:
        assert f"/practices/{pk}/" not in text and f'"id": {pk},' not in text, pk
    assert manifest["counts"]["practices"] == len(published) and manifest["counts"]["translations"] == 1


def workbook_sheets(raw):
    """{sheet: [{column: text}]}, as openpyxl reads the workbook; every cell is text."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(raw))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows()]
        for cell in (cell for row in rows for cell in row if cell.value is not None):
            assert (cell.data_type, cell.number_format) == ("s", "@"), (sheet.title, cell.coordinate)
        if sheet.title != "about":
            header, *rows = [[cell.value for cell in row] for row in rows]
            sheets[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows]
    return sheets


def test_the_practices_are_the_exports_rows_and_records_as_written(client, everything):
    """The same columns, values and CSV-injection guard as an export; the JSON's records are the API's."""
    manifest = dataset.generate(site_url=SITE)
    rows = table(package_of(manifest), "practices")
    # In English, the export gives every practice as written: none is translated into English.
    assert sorted(rows, key=lambda row: int(row["id"])) == sorted(csv_rows(client.get(CSV_URL)), key=lambda row: int(row["id"]))
    detailed_row = next(row for row in rows if row["title"] == "Export desk")
    assert detailed_row["summary"].startswith("'=HYPERLINK") and detailed_row["languages"] == "en; fr"
    records = {record["id"]: record for record in json.loads(gzip.decompress(stored(manifest, "json")))["practices"]}
    detail = client.get(f"/api/practices/{everything['translation'].practice_id}/").json()
    assert records[detail["id"]] == detail
    assert records[detail["id"]]["summary"].startswith("=HYPERLINK")  # the JSON keeps the text as written
    translated = table(package_of(manifest), "translations")[0]
    assert translated["problem"] == "'=peu d'exportateurs"
    assert json.loads(gzip.decompress(stored(manifest, "json")))["translations"][0]["problem"] == FRENCH["problem"]
    # The workbook: the texts unguarded, as text cells.
    sheet = workbook_sheets(stored(manifest, "xlsx"))["practices"]
    assert next(row for row in sheet if row["title"] == "Export desk")["summary"].startswith("=HYPERLINK")


def test_the_vocabularies_are_named_in_three_languages(everything):
    files = package_of(dataset.generate(site_url=SITE))
    themes = {row["slug"]: row for row in table(files, "themes")}
    assert set(themes) == set(Theme.objects.values_list("slug", flat=True))
    finance = Theme.objects.get(slug="access-to-finance")
    assert (themes[finance.slug]["name_fr"], themes[finance.slug]["name_es"]) == (finance.name_fr, finance.name_es)
    kenya = next(row for row in table(files, "countries") if row["iso2"] == "KE")
    assert (kenya["name_fr"], kenya["region_code"]) == (Country.objects.get(iso2="KE").name_fr, "002")
    assert {row["code"] for row in table(files, "regions")} >= {"002", "019"}


# --- The description: a Frictionless Data Package ---


def test_the_package_validates_with_frictionless_and_says_its_licence_sources_and_version(everything, tmp_path):
    manifest = dataset.generate(site_url=SITE)
    path = tmp_path / "package.zip"
    path.write_bytes(stored(manifest, "csv"))
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(package_of(manifest)["datapackage.json"])
    assert descriptor["version"] == manifest["version"] and descriptor["version"].startswith(dataset.SCHEMA_VERSION + ".")
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "title": "CC BY 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert descriptor["sources"][0]["path"] == f"{SITE}/practices/" and "International Trade Centre" in descriptor["citation"]
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert list(resources) == [table.name for table in dataset.TABLES]
    fields = {field["name"]: field for field in resources["practices"]["schema"]["fields"]}
    # Every CSV column of the exports, described from opendata.FIELDS.
    assert list(fields) == opendata.CSV_COLUMNS
    assert fields["summary"]["description"] == str(next(item.description for item in opendata.FIELDS if item.name == "summary"))
    assert fields["id"]["type"] == "integer" and fields["published_at"]["type"] == "datetime"
    assert fields["level"]["constraints"]["enum"] == ["national", "regional", "continental", "global"]
    assert re.fullmatch(fields["theme_slugs"]["constraints"]["pattern"], "access-to-finance; green-transition")
    assert not re.fullmatch(fields["theme_slugs"]["constraints"]["pattern"], "access-to-finance; space-travel")
    assert "KE" in fields["country_iso2"]["constraints"]["enum"]
    assert resources["translations"]["schema"]["primaryKey"] == ["practice_id", "language"]


def test_frictionless_finds_a_value_the_description_does_not_allow(everything, tmp_path):
    """The validation above can fail: a theme no vocabulary holds, and a translation of no practice, are found."""
    files = package_of(dataset.generate(site_url=SITE))
    practices = files["practices.csv"].decode("utf-8-sig").replace('"access-to-finance', '"space-travel', 1)
    translations = files["translations.csv"].decode("utf-8-sig").replace(f'\r\n"{Practice.objects.published().first().pk}"', '\r\n"999999"', 1)
    practices_changed = practices != files["practices.csv"].decode("utf-8-sig")
    path = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in {**files, "practices.csv": ("\ufeff" + practices).encode(), "translations.csv": ("\ufeff" + translations).encode()}.items():
            archive.writestr(name, content)
    report = frictionless.validate(str(path))
    assert practices_changed and not report.valid
    assert "constraint-error" in {error[0] for error in report.flatten(["type"])}


# --- Served with its date and size ---


def test_every_reader_downloads_the_current_files_under_a_name_with_their_date(client, everything, contributor_a):
    assert client.get("/en/open-data/dataset/sme-policy-practices.json.gz").status_code == 404  # none written yet
    manifest = dataset.generate(site_url=SITE)
    date = manifest["created_at"].strftime("%Y-%m-%d")
    for reader in (None, contributor_a):
        if reader:
            client.force_login(reader)
        for item in dataset.FILES:
            response = client.get(f"/en/open-data/dataset/{item.name}")
            assert response.status_code == 200, item.name
            assert response["Content-Type"] == item.media_type
            assert response["Content-Disposition"] == f'attachment; filename="{item.name.replace("sme-policy-practices", "sme-policy-practices-" + date)}"'
            assert body(response) == stored(manifest, item.key)
            assert response["Last-Modified"] and "public" in response["Cache-Control"]
    assert client.get("/en/open-data/dataset/datapackage.json").status_code == 404
    assert client.get("/en/open-data/dataset/..%2Fsettings.py").status_code == 404


def test_the_open_data_page_gives_each_files_date_and_size_licence_and_citation(client, everything):
    page = client.get("/en/open-data/")
    assert "The files are being written" in page.content.decode() and page["Cache-Control"] == "no-cache"
    manifest = dataset.generate(site_url=SITE)
    page = client.get("/fr/open-data/")
    html = page.content.decode()
    assert 'id="dataset"' in html and "X-Total-Count" in html
    for item in dataset.FILES:
        assert f'href="/fr/open-data/dataset/{item.name}"' in html
    assert f'<time datetime="{manifest["created"]}">' in html and manifest["version"] in html
    with translation.override("fr"):
        cited = dataset.dataset_citation(year=manifest["created_at"].year, version=manifest["version"], url=f"{SITE}/open-data/")
    assert f'<p class="citation">{escape(cited)}</p>' in html and 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    # The page is rendered afresh: the task worker renews the files without a public change.
    assert "X-Page-Cache" not in client.get("/fr/open-data/")
    for table in dataset.TABLES[1:]:
        assert f'id="table-{table.name}"' in html


def test_past_the_limit_the_browse_page_points_to_the_whole_dataset(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(opendata, "EXPORT_LIMIT", 2)
    page = client.get("/en/practices/").content.decode()
    assert "A download holds the first 2 of these results and says so." in page and 'href="/en/open-data/#dataset"' in page
    monkeypatch.setattr(opendata, "EXPORT_LIMIT", 3)
    assert "A download holds the first" not in client.get("/en/practices/?sort=title").content.decode()


# --- Runs: the latest read is served, runs at once do not mix, old ones go ---


def test_a_run_whose_data_was_read_earlier_never_replaces_a_later_one(everything, monkeypatch):
    first = dataset.generate(site_url=SITE)
    later = dataset.generate(site_url=SITE)
    assert dataset.latest()["run"] == later["run"]
    # A run that read the data before `later` but finished after it (two workers at once): `later` stays served.
    monkeypatch.setattr(dataset.timezone, "now", lambda: dataset._moment_of(first["run"]) + timedelta(microseconds=1))
    slow = dataset.generate(site_url=SITE)
    monkeypatch.undo()
    assert slow["run"] < later["run"] and dataset.latest()["run"] == later["run"]
    # Two runs are kept (a download of the one before may be under way); the oldest is gone, manifest and files.
    _folders, names = default_storage.listdir(dataset.FOLDER)
    assert not [name for name in names if name.startswith(first["run"])]
    assert sorted(name for name in names if name.endswith(".json")) == sorted([f"{slow['run']}.json", f"{later['run']}.json"])


def test_a_run_without_its_manifest_is_never_served_and_goes_once_it_failed(everything):
    served = dataset.generate(site_url=SITE)
    failed = dataset._run_name(timezone.now() - dataset.FAILED_AFTER - timedelta(minutes=1))
    under_way = dataset._run_name(timezone.now())
    for run in (failed, under_way):
        default_storage.save(f"{dataset.FOLDER}/{run}.sme-policy-practices.json.gz", io.BytesIO(b"half written"))
    assert dataset.latest()["run"] == served["run"]
    dataset._delete_old_runs()
    _folders, names = default_storage.listdir(dataset.FOLDER)
    assert not [name for name in names if name.startswith(failed)] and [name for name in names if name.startswith(under_way)]


# --- After public changes: one regeneration, a few minutes later ---


@pytest.fixture
def deferring_queue(db, settings, tmp_path):
    """A task queue that keeps the tasks, with their time to run, as the database queue does."""
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = SITE
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    cache.delete(dataset.PENDING_KEY)
    yield default_task_backend
    default_task_backend.clear()


def regenerations(queue):
    return [result for result in queue.results if result.task.func == dataset.regenerate_open_data.func]


def test_many_public_changes_queue_one_regeneration_a_few_minutes_later(
    deferring_queue, country_a, focal_a, moderator, django_capture_on_commit_callbacks
):
    before = timezone.now()
    for number in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            publish_practice(country_a, by=focal_a, moderator=moderator, title=f"Practice {number}", themes=["access-to-finance"])
    [queued] = regenerations(deferring_queue)
    assert before + dataset.INTERVAL <= queued.task.run_after <= timezone.now() + dataset.INTERVAL
    # Once it has run, the next change queues the next one.
    dataset.regenerate_open_data.call(*queued.args, **queued.kwargs)
    deferring_queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_practice(country_a, by=focal_a, moderator=moderator, title="Practice 3", themes=["access-to-finance"])
    assert len(regenerations(deferring_queue)) == 1


def test_work_the_public_cannot_see_queues_nothing(deferring_queue, country_a, contributor_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_practice(country_a, by=contributor_a, content={"title": "A draft", "themes": ["access-to-finance"]})
    assert regenerations(deferring_queue) == []


def test_the_regeneration_removes_its_mark_before_reading_and_writes_the_files(
    deferring_queue, everything, django_capture_on_commit_callbacks, country_a, focal_a, moderator
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_practice(country_a, by=focal_a, moderator=moderator, title="Newly published", themes=["access-to-finance"])
    [queued] = regenerations(deferring_queue)
    assert cache.get(dataset.PENDING_KEY)
    run = dataset.regenerate_open_data.call(*queued.args, **queued.kwargs)
    assert cache.get(dataset.PENDING_KEY) is None and dataset.latest()["run"] == run
    assert "Newly published" in every_text(dataset.latest())
    # Asked for before the data of the current files were read (with a margin for clocks): nothing more to do.
    asked = (dataset.latest()["read_at"] - dataset.CLOCK_MARGIN - timedelta(seconds=1)).isoformat()
    assert dataset.regenerate_open_data.call(requested_at=asked) == run
    assert dataset.regenerate_open_data.call(requested_at=timezone.now().isoformat()) != run


def test_without_a_queue_that_defers_nothing_is_written_at_the_change(
    country_a, focal_a, moderator, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The immediate backend would write the files inside the request that made the change: it does not."""
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        publish_practice(country_a, by=focal_a, moderator=moderator, title="Published", themes=["access-to-finance"])
    assert dataset.latest() is None and cache.get(dataset.PENDING_KEY) is None


# --- The fast writers write what the standard library's would ---

# Text full of what CSV, the guard and XML care about.
CELL_TEXT = st.text(alphabet=st.sampled_from(list('ab =+-@"\' ,;\t\r\n\x0béà€')), max_size=12)
CELLS = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=10**6), CELL_TEXT), max_size=6)


@hypothesis_settings(max_examples=300, derandomize=True, deadline=None)
@given(CELLS)
def test_a_csv_line_is_what_csv_writer_writes_of_the_guarded_cells(cells):
    line = io.StringIO()
    csv.writer(line, quoting=csv.QUOTE_ALL).writerow([opendata._guarded("" if cell is None else cell) for cell in cells])
    assert opendata.csv_line(cells) == line.getvalue()


@hypothesis_settings(max_examples=300, derandomize=True, deadline=None)
@given(CELL_TEXT)
def test_the_quick_look_for_a_formula_finds_what_the_guard_would_change(text):
    assert opendata._may_start_a_formula("\x00" + text) == (opendata._guarded(text) != text)


def test_a_comment_line_is_one_line_guarded_and_without_quotes():
    assert opendata.csv_comment('Note: "a"\nb, =1') == "# Note: 'a' b, '=1\r\n"


@hypothesis_settings(max_examples=40, derandomize=True, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), CELL_TEXT), min_size=1, max_size=4), max_size=4))
def test_a_text_workbook_reads_back_as_text_cells_as_written(rows):
    raw = io.BytesIO()
    with TextWorkbook(raw) as book, book.sheet("a & <b>") as sheet:
        for row in rows:
            sheet.append(opendata.workbook_cells(row))
    import openpyxl

    [read] = openpyxl.load_workbook(io.BytesIO(raw.getvalue())).worksheets
    assert read.title == "a & <b>"
    got = [[cell.value for cell in line] for line in read.iter_rows()]
    expected = [opendata.workbook_cells(row) for row in rows]
    # openpyxl reads a row to its last cell given, and no row after the last one with a cell.
    while expected and not any(expected[-1]):
        expected.pop()
    assert [line + [None] * (max(map(len, expected), default=0) - len(line)) for line in got] == [
        row + [None] * (max(map(len, expected), default=0) - len(row)) for row in expected
    ]
