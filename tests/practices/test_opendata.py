"""Open data: the CSV and JSON exports, the Atom feeds, the read-only API, the page that documents
them and the citation of a practice. None of them gives anything that is not published."""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import openpyxl
import pytest
from django.utils import translation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import escape

from countries.models import Region
from practices import feeds, opendata, openapi, services
from practices.filters import PracticeFilter
from practices.models import Practice

from tests.factories import publish_practice

from .test_browse import catalogue  # noqa: F401 (a fixture)

BROWSE = "/en/practices/"
CSV_URL = "/en/practices/export.csv"
JSON_URL = "/en/practices/export.json"
XLSX_URL = "/en/practices/export.xlsx"
API = "/api/practices/"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED = ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales", "Online business registry"]


# --- Reading what the channels give ---


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def workbook_cells(raw):
    """The cells of an exported workbook's only sheet, row by row, as openpyxl reads them."""
    workbook = openpyxl.load_workbook(io.BytesIO(raw))
    [sheet] = workbook.worksheets
    return [list(row) for row in sheet.iter_rows()]


def workbook_rows(response):
    """The workbook's rows like csv_rows(): a dict per practice, an empty cell as ""."""
    header, *rows = [[cell.value for cell in row] for row in workbook_cells(body(response))]
    return [{column: value or "" for column, value in zip(header, row, strict=True)} for row in rows]


def json_export(response):
    return json.loads(body(response))


def feed_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def entry_titles(response):
    return [entry.findtext(f"{ATOM}title") for entry in feed_entries(response)[1]]


def browse_titles(client, query):
    return [practice.title for practice in client.get(BROWSE, query).context["practices"]]


def api_titles(client, query):
    response = client.get(API, {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    return [record["title"] for record in response.json()["results"]]


# --- Practices to give, and what must never be given ---


@pytest.fixture
def detailed(catalogue, country_a, country_b, focal_a, moderator, settings, tmp_path):  # noqa: F811
    """A published practice with every field filled, a document, a co-owner and a contact person."""
    settings.MEDIA_ROOT = tmp_path
    archived = Practice.objects.get(title="Archived finance scheme")
    content = {
        "title": "Export desk",
        "summary": "=HYPERLINK(\"https://evil.example\", \"click\")",
        "description": "- advice\n- **finance**",
        "problem": "+ few exporters",
        "objectives": "@ more exporters",
        "implementation": "\tMinistry of Trade",
        "results": "1,200 firms advised.",
        "indicators": [{"name": "Firms advised", "value": "1,200", "year": 2024}, {"name": "New exporters", "value": "85", "year": None}],
        "challenges": "Staff turnover.",
        "transferability": "Needs a trade ministry.",
        "level": "national",
        "implementation_status": "ongoing",
        "start_year": 2019,
        "end_year": None,
        "responsible_institution": "Ministry of Trade",
        "links": ["https://example.org/desk", "https://example.org/report"],
        "original_language": "en",
        "contact_name": "Carla Contact",
        "contact_email": "carla.contact@example.org",
        "themes": ["internationalisation-trade", "access-to-finance"],
        "instruments": ["digital-platform"],
        "target_groups": ["small-enterprises"],
        # An archived practice among the sources is not given.
        "adapted_from": [catalogue["fondo"].pk, archived.pk],
    }
    practice, revision = services.create_practice(country_a, by=focal_a, content=content)
    attachment = services.add_attachment(
        revision, by=focal_a, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"), title="Annual report"
    )
    services.submit_revision(revision, by=focal_a)
    services.publish_revision(revision, by=moderator, evidence_label="monitored")
    services.add_co_owner(practice, by=moderator, country=country_b)
    practice.refresh_from_db()
    practice.document = attachment
    return practice


@pytest.fixture
def hidden(catalogue, detailed, focal_a, moderator, settings, tmp_path):  # noqa: F811
    """What is not public, beside the catalogue's draft, practice in review, archived practice and unreviewed title."""
    settings.MEDIA_ROOT = tmp_path
    guarantee = catalogue["guarantee"]
    edit = services.start_revision(guarantee, by=focal_a)
    services.save_revision(
        edit, by=focal_a, changes={**edit.content, "summary": "Unreviewed summary wording", "description": "Unreviewed description wording"}
    )
    services.submit_revision(edit, by=focal_a)
    # A document added to the registry's unreviewed version.
    registry_edit = catalogue["registry"].revisions.get(status="draft")
    services.add_attachment(registry_edit, by=focal_a, upload=SimpleUploadedFile("annex.pdf", b"%PDF-1.4\n%%EOF\n"), title="Unreviewed annex")
    texts = [
        "Secret draft",
        "Pending guarantee",
        "Archived finance scheme",
        "Unreviewed registry title",
        "Unreviewed summary wording",
        "Unreviewed description wording",
        "Unreviewed annex",
        # The contact person of a published practice.
        "Carla Contact",
        "carla.contact",
    ]
    unpublished = list(Practice.objects.exclude(status=Practice.Status.PUBLISHED).values_list("pk", flat=True))
    assert len(unpublished) == 3
    return {"texts": texts, "ids": unpublished}


def record_of(records, title):
    return next(record for record in records if record["title"] == title)


# --- The record of a practice ---


def test_a_record_holds_the_public_fields_and_never_the_contact_person(client, detailed, catalogue):  # noqa: F811
    record = client.get(f"{API}{detailed.pk}/").json()
    assert list(record) == [field.name for field in opendata.FIELDS]
    assert record["url"] == f"http://testserver/practices/{detailed.pk}/"
    assert record["description"] == "- advice\n- **finance**"  # the Markdown source
    assert record["indicators"] == [
        {"name": "Firms advised", "value": "1,200", "year": 2024},
        {"name": "New exporters", "value": "85", "year": None},
    ]
    assert [term["slug"] for term in record["themes"]] == ["access-to-finance", "internationalisation-trade"]
    assert {"slug": "access-to-finance", "name": "Access to finance"} in record["themes"]
    assert record["country"] == {"iso2": "KE", "name": "Kenya"}
    assert record["co_owners"] == [{"iso2": "CO", "name": "Colombia"}]
    assert record["adapted_from"] == [catalogue["fondo"].pk]
    assert record["documents"] == [
        {"title": "Annual report", "url": f"http://testserver/practices/{detailed.pk}/documents/{detailed.document.pk}/"}
    ]
    assert record["evidence_label"] == "monitored"
    assert record["published_at"] == detailed.published_at.isoformat()
    assert "contact" not in json.dumps(record).lower()


def test_the_stable_address_opens_the_practice_in_the_readers_language(client, detailed):
    response = client.get(f"/practices/{detailed.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == f"/fr/practices/{detailed.pk}/"
    document = client.get(f"/practices/{detailed.pk}/documents/{detailed.document.pk}/", follow=True)
    assert document.status_code == 200 and document["Content-Disposition"].startswith("attachment")


def test_serialising_an_unpublished_practice_is_refused(hidden):
    draft = Practice.objects.exclude(status=Practice.Status.PUBLISHED).first()
    with pytest.raises(ValueError):
        opendata.practice_record(draft, base_url="http://testserver")


# --- Exports ---


def test_the_csv_export_is_utf8_with_a_bom_and_one_column_per_documented_value(client, detailed, catalogue):  # noqa: F811
    response = client.get(CSV_URL)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="sme-policy-practices-{timezone.localdate():%Y-%m-%d}.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == opendata.CSV_COLUMNS
    assert sorted(row["title"] for row in rows) == sorted([*PUBLISHED, "Export desk"])
    row = next(row for row in rows if row["title"] == "Export desk")
    assert row["id"] == str(detailed.pk)
    assert row["url"] == f"http://testserver/practices/{detailed.pk}/"
    assert row["themes"] == "Access to finance; Internationalisation and trade"
    assert row["theme_slugs"] == "access-to-finance; internationalisation-trade"
    assert row["instruments"] == "Digital platform or e-service" and row["instrument_slugs"] == "digital-platform"
    assert row["country"] == "Kenya" and row["country_iso2"] == "KE"
    assert row["co_owners"] == "Colombia" and row["co_owners_iso2"] == "CO"
    assert row["indicators"] == "Firms advised: 1,200 (2024); New exporters: 85"
    assert row["links"] == "https://example.org/desk; https://example.org/report"
    assert row["adapted_from"] == str(catalogue["fondo"].pk)
    assert row["documents"] == f"Annual report <http://testserver/practices/{detailed.pk}/documents/{detailed.document.pk}/>"
    assert row["start_year"] == "2019" and row["end_year"] == ""
    # Accents survive the round trip.
    assert any(row["title"] == "Fondo para pequeñas empresas rurales" for row in rows)


def test_csv_cells_that_would_run_as_formulas_are_prefixed_with_an_apostrophe(client, detailed):
    row = next(row for row in csv_rows(client.get(CSV_URL)) if row["title"] == "Export desk")
    assert row["summary"] == "'=HYPERLINK(\"https://evil.example\", \"click\")"
    # A line break may start a row for a spreadsheet that split the line elsewhere: guarded too.
    assert row["description"] == "'- advice\n'- **finance**"
    assert row["problem"] == "'+ few exporters"
    assert row["objectives"] == "'@ more exporters"
    assert row["implementation"] == "'\tMinistry of Trade"
    assert row["results"] == "1,200 firms advised."
    # The JSON keeps the text as written.
    assert record_of(json_export(client.get(JSON_URL))["results"], "Export desk")["summary"].startswith("=HYPERLINK")


def test_a_carriage_return_at_the_start_of_a_cell_is_guarded_too():
    assert opendata._guarded("\r=1+1") == "'\r'=1+1"
    assert opendata._guarded("Plain text") == "Plain text"
    assert opendata._guarded(2019) == 2019


def test_the_json_export_gives_the_records_of_the_api(client, detailed):
    response = client.get(JSON_URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="sme-policy-practices-{timezone.localdate():%Y-%m-%d}.json"'
    exported = json_export(response)
    assert exported["count"] == 4 and len(exported["results"]) == 4
    assert exported["licence"]["name"] == "CC BY 4.0"
    assert record_of(exported["results"], "Export desk") == client.get(f"{API}{detailed.pk}/").json()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "title"},
        {"theme": "access-to-finance", "sort": "title"},
        {"country": "ke"},
        {"q": "guarantee OR fondo OR registry"},
        {"q": "finance", "sort": "newest"},
        {"language": "es"},
        {"year_from": "2012", "year_to": "2016", "page": "1"},
        # A bad value is left out, with a message on the page, and the other filters apply.
        {"theme": "space-travel", "country": "KE"},
    ],
)
def test_exports_give_what_the_browse_page_shows_in_its_order(client, catalogue, query):  # noqa: F811
    shown = browse_titles(client, query)
    assert shown, "the query shows practices"
    assert [row["title"] for row in csv_rows(client.get(CSV_URL, query))] == shown
    assert [record["title"] for record in json_export(client.get(JSON_URL, query))["results"]] == shown


WHOLE_DATASET = "http://testserver/open-data/#dataset"


def test_exports_stop_at_their_limit_and_say_so_pointing_to_the_whole_dataset(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(opendata, "EXPORT_LIMIT", 2)
    response = client.get(CSV_URL, {"sort": "title"})
    *rows, note = csv_rows(response)
    assert [row["title"] for row in rows] == PUBLISHED[:2]
    # The last line is a comment: one cell (no comma), read as such by CSV on the Web and pandas (comment="#").
    assert list(note.values())[1:] == [None] * (len(opendata.CSV_COLUMNS) - 1)
    assert note["id"] == f"# This file holds the first 2 of the 3 practices selected: a file holds at most 2. Every published practice is in the whole dataset: {WHOLE_DATASET}"
    assert response["X-Total-Count"] == "3" and response["Link"] == f'<{WHOLE_DATASET}>; rel="related"'
    response = client.get(JSON_URL, {"sort": "title"})
    exported = json_export(response)
    assert [record["title"] for record in exported["results"]] == PUBLISHED[:2]
    assert (exported["count"], exported["total"], exported["complete"], exported["whole_dataset"]) == (2, 3, False, WHOLE_DATASET)
    assert exported["note"] == note["id"].removeprefix("# ")
    assert response["X-Total-Count"] == "3" and response["Link"] == f'<{WHOLE_DATASET}>; rel="related"'


def test_an_export_within_the_limit_is_complete_and_says_nothing_more(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(opendata, "EXPORT_LIMIT", 3)
    response = client.get(CSV_URL, {"sort": "title"})
    assert [row["title"] for row in csv_rows(response)] == PUBLISHED
    assert response["X-Total-Count"] == "3" and "Link" not in response
    exported = json_export(client.get(JSON_URL, {"sort": "title"}))
    assert (exported["count"], exported["total"], exported["complete"]) == (3, 3, True) and "note" not in exported


def test_exports_read_in_batches(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(opendata, "BATCH_SIZE", 2)
    assert [row["title"] for row in csv_rows(client.get(CSV_URL, {"sort": "title"}))] == PUBLISHED


def _query_count(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
        assert response.status_code == 200
        body(response)  # a streamed export reads the database while it is sent
    return len(queries.captured_queries)


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_exports_and_the_api_keep_a_constant_number_of_queries(
    client, detailed, country_a, country_b, focal_a, focal_b, moderator, django_assert_max_num_queries
):
    channels = [
        (CSV_URL, {}),
        (JSON_URL, {"theme": "access-to-finance"}),
        (XLSX_URL, {"theme": "access-to-finance"}),
        (API, {"page_size": 100}),
        (API, {"q": "finance", "page_size": 100}),
    ]
    few = {url + str(query): _query_count(client, url, query) for url, query in channels}
    for number in range(30):
        practice = publish_practice(
            country_a if number % 2 else country_b,
            by=focal_a if number % 2 else focal_b,
            moderator=moderator,
            title=f"Finance practice {number}",
            themes=["access-to-finance", "green-transition"],
            instruments=["digital-platform"],
            adapted_from=[detailed.pk],
        )
        if number % 3 == 0:
            services.add_co_owner(practice, by=moderator, country=country_b if number % 2 else country_a)
    for url, query in channels:
        # Vocabulary (5), the ids or count and the page (2), the relations of one batch (6).
        with django_assert_max_num_queries(few[url + str(query)]):
            response = client.get(url, query)
            content = body(response)
        assert few[url + str(query)] <= 13
        if url == XLSX_URL:
            content = str([[cell.value for cell in row] for row in workbook_cells(content)]).encode()
        assert b"Finance practice 29" in content


# --- Feeds ---


def test_the_latest_feed_is_valid_atom_with_the_practices_latest_first(client, detailed, catalogue):  # noqa: F811
    root, entries = feed_entries(client.get("/en/feeds/practices/"))
    assert root.findtext(f"{ATOM}title") == "Latest practices · SME Policy Platform"
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/feeds/practices/"
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [practice.title for practice in Practice.objects.published().order_by("-published_at", "-pk")]
    entry = entries[titles.index("Export desk")]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/en/practices/{detailed.pk}/"
    assert entry.findtext(f"{ATOM}id") == f"http://testserver/practices/{detailed.pk}/"
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == ["Access to finance", "Internationalisation and trade"]
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Kenya"


def test_feed_titles_follow_the_language(client, catalogue):  # noqa: F811
    root, entries = feed_entries(client.get("/es/feeds/countries/CO/"))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://testserver/es/practices/{catalogue['fondo'].pk}/"


def test_a_summary_reaches_feed_readers_as_text_never_as_markup(client, catalogue, country_a, focal_a, moderator):  # noqa: F811
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Tricky <b>title</b>", summary="<script>alert(1)</script> & <b>bold</b>")
    _root, entries = feed_entries(client.get("/en/feeds/practices/"))
    entry = entries[0]
    # The summary is HTML; its text once unescaped by the reader is the escaped summary: shown, not run.
    assert entry.findtext(f"{ATOM}summary") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    # The title is plain text.
    assert entry.findtext(f"{ATOM}title") == "Tricky <b>title</b>"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/en/feeds/regions/{africa}/", ["Online business registry", "Credit guarantee for small firms"]),
        ("/en/feeds/regions/{south_america}/", ["Fondo para pequeñas empresas rurales"]),
        ("/en/feeds/countries/CO/", ["Fondo para pequeñas empresas rurales"]),
        ("/en/feeds/countries/ke/", ["Online business registry", "Credit guarantee for small firms"]),
        ("/en/feeds/themes/green-transition/", ["Fondo para pequeñas empresas rurales"]),
        ("/en/feeds/search/?theme=access-to-finance&sort=title&page=3", ["Fondo para pequeñas empresas rurales", "Credit guarantee for small firms"]),
        ("/en/feeds/search/?q=registry", ["Online business registry"]),
    ],
)
def test_each_feed_gives_its_selection_latest_first(client, catalogue, path, expected):  # noqa: F811
    slugs = {"africa": Region.objects.get(code="002").slug, "south_america": Region.objects.get(code="005").slug}
    assert entry_titles(client.get(path.format(**slugs))) == expected


def test_the_feed_of_a_search_matches_the_browse_page(client, catalogue):  # noqa: F811
    query = {"theme": "access-to-finance", "country": "KE"}
    response = client.get("/en/feeds/search/", query)
    assert entry_titles(response) == browse_titles(client, {**query, "sort": "newest"})
    root, _entries = feed_entries(response)
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/en/practices/?theme=access-to-finance&country=KE"


def test_feeds_hold_the_most_recent_only(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(feeds, "FEED_LENGTH", 2)
    assert len(entry_titles(client.get("/en/feeds/practices/"))) == 2


@pytest.mark.parametrize("path", ["/en/feeds/regions/atlantis/", "/en/feeds/countries/ZZ/", "/en/feeds/countries/KEN/", "/en/feeds/themes/space-travel/"])
def test_a_feed_of_an_unknown_place_or_theme_is_not_found(client, catalogue, path):  # noqa: F811
    assert client.get(path).status_code == 404


# --- The API ---


def test_the_api_pages_through_the_published_practices(client, catalogue):  # noqa: F811
    response = client.get(API, {"page_size": 2, "sort": "title"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    first = response.json()
    assert first["count"] == 3 and first["previous"] is None
    assert [record["title"] for record in first["results"]] == PUBLISHED[:2]
    assert first["next"] == "http://testserver/api/practices/?page_size=2&sort=title&page=2"
    second = client.get(first["next"]).json()
    assert [record["title"] for record in second["results"]] == PUBLISHED[2:]
    assert second["next"] is None and second["previous"] == "http://testserver/api/practices/?page_size=2&sort=title&page=1"
    default = client.get(API).json()
    assert default["count"] == 3 and len(default["results"]) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"theme": "access-to-finance", "sort": "title"},
        {"theme": ["green-transition", "digital-transformation"], "sort": "title"},
        {"instrument": "digital-platform"},
        {"target": "rural-smallholders"},
        {"level": "regional"},
        {"status": "ongoing"},
        {"evidence": "monitored"},
        {"language": "es"},
        {"country": "co"},
        {"year_from": "2012", "year_to": "2016", "sort": "title"},
        {"q": "guarantee OR fondo"},
        {"q": "pequenas"},
    ],
)
def test_the_api_filters_like_the_browse_page(client, catalogue, query):  # noqa: F811
    assert api_titles(client, query) == browse_titles(client, query)


def test_the_api_filters_by_region_at_every_level(client, catalogue):  # noqa: F811
    africa, south_america = (Region.objects.get(code=code).slug for code in ("002", "005"))
    assert len(api_titles(client, {"region": africa})) == 2
    assert api_titles(client, {"subregion": south_america}) == ["Fondo para pequeñas empresas rurales"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"theme": "space-travel"}, "theme"),
        ({"country": "ZZ"}, "country"),
        ({"level": "federal"}, "level"),
        ({"year_from": "soon"}, "year_from"),
        ({"year_to": "3000"}, "year_to"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 201}, "q"),
        ({"themes": "access-to-finance"}, "themes"),
    ],
)
def test_the_api_answers_bad_parameters_with_400_and_the_reasons(client, catalogue, query, parameter):  # noqa: F811
    response = client.get(API, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert list(errors) == [parameter] and all(isinstance(message, str) and message for message in errors[parameter])


def test_the_api_answers_in_english_whatever_the_readers_language(client, catalogue):  # noqa: F811
    response = client.get(API, {"year_from": "soon"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["errors"]["year_from"] == ["Write a year, such as 2020."]
    record = client.get(API, {"theme": "green-transition"}, HTTP_ACCEPT_LANGUAGE="es").json()["results"][0]
    assert {"slug": "green-transition", "name": "Green transition"} in record["themes"]


@pytest.mark.parametrize("page", ["2", "99", str(10**30)])
def test_a_page_past_the_last_is_a_json_404_that_says_so(client, catalogue, page):  # noqa: F811
    response = client.get(API, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"errors": {"page": [f"There is no page {page}: the last page is 1."]}}


def test_a_page_of_nothing_is_empty_not_an_error(client, catalogue):  # noqa: F811
    response = client.get(API, {"q": "nothing-matches-this"})
    assert response.status_code == 200 and response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_api_gives_a_published_practice_and_a_json_404_for_any_other(client, catalogue, hidden):  # noqa: F811
    response = client.get(f"{API}{catalogue['fondo'].pk}/")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["title"] == "Fondo para pequeñas empresas rurales"
    for pk in [*hidden["ids"], 999_999, 10**30]:
        missing = client.get(f"{API}{pk}/")
        assert missing.status_code == 404
        assert missing.json() == {"errors": {"id": ["No published practice has this id."]}}


def test_the_api_is_read_only(client, catalogue):  # noqa: F811
    assert client.post(API).status_code == 405
    assert client.head(API).status_code == 200


def test_the_taxonomies_are_named_in_three_languages(client, catalogue):  # noqa: F811
    response = client.get("/api/taxonomies/")
    assert response["Access-Control-Allow-Origin"] == "*"
    taxonomies = response.json()
    finance = next(term for term in taxonomies["themes"] if term["slug"] == "access-to-finance")
    assert set(finance["name"]) == {"en", "fr", "es"} and finance["name"]["en"] == "Access to finance"
    assert taxonomies["instruments"] and taxonomies["target_groups"]
    africa = next(region for region in taxonomies["regions"] if region["code"] == "002")
    assert africa["level"] == "region" and africa["parent"] is None and africa["name"]["fr"] == "Afrique"
    sub_saharan_africa = next(region for region in taxonomies["regions"] if region["code"] == "202")
    assert sub_saharan_africa["level"] == "subregion" and sub_saharan_africa["parent"] == africa["slug"]


# --- The OpenAPI description, checked against the code ---


def _resolve_ref(document, schema):
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = {**document["components"]["schemas"][name], **{key: value for key, value in schema.items() if key != "$ref"}}
    return schema


TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}


def conforms(document, schema, value, where="$"):
    """The problems of value against the schema: types, required properties, enums, items (what the API relies on)."""
    schema = _resolve_ref(document, schema)
    problems = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(isinstance(value, TYPES[name]) and not (name == "integer" and isinstance(value, bool)) for name in types):
            return [f"{where}: {value!r} is not {schema['type']}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        problems += [f"{where}: {name} is missing" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in schema.get("properties", {}):
                problems += conforms(document, schema["properties"][name], item, f"{where}.{name}")
            elif "additionalProperties" in schema:
                problems += conforms(document, schema["additionalProperties"], item, f"{where}.{name}")
            else:
                problems.append(f"{where}: {name} is not documented")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += conforms(document, schema["items"], item, f"{where}[{index}]")
    return problems


@pytest.fixture
def described(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_every_documented_path_resolves_to_the_api(described):
    assert described["openapi"] == "3.1.0"
    assert described["servers"] == [{"url": "http://testserver/api"}]
    assert described["externalDocs"]["url"] == "http://testserver/open-data/"
    for path in described["paths"]:
        try:
            match = resolve("/api" + path.replace("{id}", "1"))
        except Resolver404:
            pytest.fail(f"{path} is documented but does not resolve")
        assert match.namespace == "api" and match.url_name != "not_found", path


def test_every_api_url_is_documented(described):
    from practices import api_urls

    documented = {resolve("/api" + path.replace("{id}", "1")).url_name for path in described["paths"]}
    # Besides the operations, only the JSON 404 of every other address under /api/.
    assert documented | {"not_found"} == {pattern.name for pattern in api_urls.urlpatterns}


def test_the_documented_parameters_are_the_browse_page_filters_and_the_pagination(described):
    documented = [parameter["name"] for parameter in described["paths"]["/practices/"]["get"]["parameters"]]
    assert len(documented) == len(set(documented))
    assert set(documented) == set(PracticeFilter.base_filters) | {"page", "page_size", "lang"}


def test_the_documented_choices_are_those_the_filters_take(described):
    parameters = {parameter["name"]: parameter["schema"] for parameter in described["paths"]["/practices/"]["get"]["parameters"]}
    for name in ("level", "status", "evidence", "language"):
        # The empty value first: it is left out, like the browse page's blank option.
        assert parameters[name]["items"]["enum"] == ["", *(value for value, _label in PracticeFilter.base_filters[name].extra["choices"])], name
    assert parameters["sort"]["enum"] == [value for value, _label in PracticeFilter.base_filters["sort"].extra["choices"]]
    assert parameters["page_size"]["maximum"] == openapi.MAX_PAGE_SIZE


def test_the_practice_schema_documents_exactly_the_fields_of_a_record(described):
    schema = described["components"]["schemas"]["Practice"]
    assert list(schema["properties"]) == [field.name for field in opendata.FIELDS]
    assert schema["required"] == list(schema["properties"])


def test_api_answers_conform_to_their_documented_schemas(client, detailed, described):
    operations = [
        ("/practices/", {"page_size": 2}, "200"),
        ("/practices/", {"page_size": 500}, "400"),
        ("/practices/", {"page": 7}, "404"),
        (f"/practices/{detailed.pk}/", {}, "200"),
        ("/practices/999999/", {}, "404"),
        ("/taxonomies/", {}, "200"),
    ]
    for path, query, status in operations:
        response = client.get("/api" + path, query)
        assert str(response.status_code) == status, path
        template = "/practices/{id}/" if path.startswith("/practices/") and path != "/practices/" else path
        schema = described["paths"][template]["get"]["responses"][status]["content"]["application/json"]["schema"]
        problems = conforms(described, schema, response.json())
        assert not problems, f"{path} {status}:\n" + "\n".join(problems)


# --- The documentation page and the citation ---


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_open_data_page_documents_every_field_and_links_to_every_channel(client, catalogue, language):  # noqa: F811
    response = client.get(f"/{language}/open-data/")
    assert response.status_code == 200
    page = response.content.decode()
    for field in opendata.FIELDS:
        assert f"<code>{field.name}</code>" in page, field.name
        for column in field.column_names:
            assert f"<code>{column}</code>" in page, column
    assert "national" in page and "independently_evaluated" in page
    for link in [
        f"/{language}/practices/export.csv",
        f"/{language}/practices/export.json",
        f"/{language}/practices/export.xlsx",
        f"/{language}/feeds/practices/",
        f"/{language}/feeds/countries/",
        f"/{language}/feeds/themes/",
        f"/{language}/feeds/regions/",
        "/api/practices/",
        "/api/taxonomies/",
        'href="/api/openapi.json"',
        'href="https://creativecommons.org/licenses/by/4.0/"',
    ]:
        assert link in page, link
    assert "CC BY 4.0" in page


def test_every_page_links_to_the_open_data_page_from_its_footer(client, db):
    page = client.get("/fr/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/fr/open-data/"' in footer


def test_a_practice_page_says_how_to_cite_it(client, catalogue):  # noqa: F811
    fondo = catalogue["fondo"]
    expected = opendata.citation(
        country="Colombia", title=fondo.title, year=fondo.first_published_at.year, url=f"http://testserver/practices/{fondo.pk}/"
    )
    assert expected == (
        f"Colombia. Fondo para pequeñas empresas rurales. SME Policy Knowledge Sharing Platform, International Trade Centre, "
        f"{fondo.first_published_at.year}. http://testserver/practices/{fondo.pk}/"
    )
    page = client.get(f"/en/practices/{fondo.pk}/").content.decode()
    assert f'<p class="citation">{escape(expected)}</p>' in page
    # In Spanish, the same sentence in Spanish: the page and citation() share the message.
    with translation.override("es"):
        expected_es = opendata.citation(
            country="Colombia", title=fondo.title, year=fondo.first_published_at.year, url=f"http://testserver/practices/{fondo.pk}/"
        )
    assert expected_es != expected and "Centro de Comercio Internacional" in expected_es
    page = client.get(f"/es/practices/{fondo.pk}/").content.decode()
    assert f'<p class="citation">{escape(expected_es)}</p>' in page


def test_a_citation_keeps_the_year_of_first_publication(client, catalogue):  # noqa: F811
    registry = catalogue["registry"]
    Practice.objects.filter(pk=registry.pk).update(first_published_at=registry.first_published_at.replace(year=2021))
    page = client.get(f"/en/practices/{registry.pk}/").content.decode()
    assert f"International Trade Centre, 2021. http://testserver/practices/{registry.pk}/" in page


def test_the_browse_page_links_to_the_exports_and_feed_of_its_query(client, catalogue):  # noqa: F811
    page = client.get(BROWSE, {"theme": "access-to-finance", "sort": "title", "page": "1"}).content.decode()
    query = "?theme=access-to-finance&amp;sort=title"
    assert f'href="/en/practices/export.csv{query}"' in page
    assert f'href="/en/practices/export.json{query}"' in page
    assert f'href="/en/practices/export.xlsx{query}"' in page
    assert f'href="/en/feeds/search/{query}"' in page
    head = page[: page.index("</head>")]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert f'href="/en/feeds/search/{query}"' in head and 'href="/en/feeds/practices/"' in head


# --- Nothing unpublished, through any channel ---


def leak_channels(hidden):
    africa = Region.objects.get(code="002").slug
    americas = Region.objects.get(code="019").slug
    channels = [
        (CSV_URL, {}),
        (CSV_URL, {"q": "secret OR pending OR archived OR unreviewed"}),
        (JSON_URL, {}),
        (JSON_URL, {"theme": "access-to-finance"}),
        (API, {"page_size": 100}),
        (API, {"q": "unreviewed"}),
        ("/en/feeds/practices/", {}),
        (f"/en/feeds/regions/{africa}/", {}),
        (f"/en/feeds/regions/{americas}/", {}),
        ("/en/feeds/countries/KE/", {}),
        ("/en/feeds/countries/CO/", {}),
        ("/en/feeds/themes/access-to-finance/", {}),
        ("/en/feeds/search/", {"q": "secret OR pending OR archived OR unreviewed"}),
        ("/en/feeds/search/", {"theme": "access-to-finance"}),
        ("/api/taxonomies/", {}),
    ]
    channels += [(f"{API}{pk}/", {}) for pk in Practice.objects.values_list("pk", flat=True)]
    return channels


def test_no_channel_gives_anything_unpublished(client, hidden):
    for url, query in leak_channels(hidden):
        response = client.get(url, query)
        assert response.status_code in (200, 404), url
        text = body(response).decode("utf-8-sig")
        for secret in hidden["texts"]:
            assert secret.lower() not in text.lower(), f"{url} {query} gives {secret!r}"
        for pk in hidden["ids"]:
            assert f"/practices/{pk}/" not in text, f"{url} {query} names unpublished practice {pk}"
    # Searching for the unpublished words finds nothing anywhere.
    words = {"q": "secret OR pending OR archived OR unreviewed"}
    assert csv_rows(client.get(CSV_URL, words)) == []
    assert json_export(client.get(JSON_URL, words))["results"] == []
    assert client.get(API, words).json()["count"] == 0
    assert entry_titles(client.get("/en/feeds/search/", words)) == []


def test_the_published_version_is_given_while_a_new_one_is_in_review(client, catalogue, hidden):  # noqa: F811
    guarantee = client.get(f"{API}{catalogue['guarantee'].pk}/").json()
    assert guarantee["summary"] == "The state guarantees bank loans."
    registry = client.get(f"{API}{catalogue['registry'].pk}/").json()
    assert registry["title"] == "Online business registry" and registry["documents"] == []


def test_an_archived_practice_leaves_every_channel(client, detailed, focal_a):
    services.archive_practice(detailed, by=focal_a)
    assert client.get(f"{API}{detailed.pk}/").status_code == 404
    assert "Export desk" not in [row["title"] for row in csv_rows(client.get(CSV_URL))]
    assert "Export desk" not in entry_titles(client.get("/en/feeds/countries/KE/"))
    assert "Export desk" not in [record["title"] for record in client.get(API).json()["results"]]
