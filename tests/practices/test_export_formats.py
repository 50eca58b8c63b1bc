"""The CSV and Excel exports in a spreadsheet: every field stays one cell whatever separator the
spreadsheet reads (French and Spanish Excel read ";"), nothing runs as a formula, and the workbook
gives the CSV's selection, rows and columns as text cells."""

import csv
import io
import zipfile

import pytest
from django.utils import timezone

from practices import opendata

from tests.factories import publish_practice

from .test_browse import catalogue  # noqa: F401 (a fixture)
from .test_opendata import CSV_URL, XLSX_URL, body, csv_rows, detailed, hidden, workbook_cells, workbook_rows  # noqa: F401 (fixtures)

HOSTILE_TITLE = "Credit scheme;=1+1;end"
# Formulas behind every separator a spreadsheet might split on, and behind quotes and line breaks.
HOSTILE_SUMMARY = 'Totals, =SUM(A1:A9); -2+3\n@cmd|\'/C calc\'!A0\t+1;"=HYPERLINK(""https://evil.example"")"'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Texts openpyxl would store as a formula and as an error value if left to guess.
FORMULA = '=HYPERLINK("https://evil.example", "Click")'
ERROR_VALUE = "#N/A"


@pytest.fixture
def hostile(country_a, focal_a, moderator):
    return publish_practice(
        country_a, by=focal_a, moderator=moderator, title=HOSTILE_TITLE, summary=HOSTILE_SUMMARY, responsible_institution=FORMULA,
        problem=ERROR_VALUE, start_year=2021,
    )


def _starts_like_a_formula(cell):
    # A reader that drops quotes or spaces in front of a cell would still see the formula.
    return cell.lstrip('" ').startswith(FORMULA_STARTS)


# --- The CSV under either separator ---


def test_a_hostile_title_stays_one_field_of_a_quoted_csv(client, hostile):
    raw = body(client.get(CSV_URL)).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(row) == len(header) == len(opendata.CSV_COLUMNS)
    assert dict(zip(header, row, strict=True))["title"] == "Credit scheme;'=1+1;end"
    # Every field is quoted, the header's too: a ";" inside one cannot end it.
    assert raw.startswith('"id","url","title",')
    assert '"Credit scheme;\'=1+1;end"' in raw


def test_no_cell_starts_like_a_formula_whichever_separator_a_spreadsheet_reads(client, hostile):
    raw = body(client.get(CSV_URL)).decode("utf-8-sig")
    cells = {}
    for delimiter in (",", ";", "\t"):
        # A reader that respects quotes, told the wrong separator...
        cells[f"csv {delimiter!r}"] = [cell for row in csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter) for cell in row]
        # ...and one that splits each physical line on it and ignores quotes altogether.
        cells[f"split {delimiter!r}"] = [cell for line in raw.splitlines() for cell in line.split(delimiter)]
    for reader, found in cells.items():
        assert [cell for cell in found if _starts_like_a_formula(cell)] == [], reader
    # A ";" reader does split the hostile title, into pieces that stay text.
    assert "'=1+1" in cells["split ';'"]


def test_the_guard_only_adds_apostrophes(client, hostile):
    [row] = csv_rows(client.get(CSV_URL))
    assert row["summary"].replace("'", "") == HOSTILE_SUMMARY.replace("'", "")
    assert row["summary"] == 'Totals, \'=SUM(A1:A9); \'-2+3\n\'@cmd|\'/C calc\'!A0\t\'+1;"\'=HYPERLINK(""https://evil.example"")"'


# --- The Excel workbook ---


def test_the_workbook_holds_a_hostile_title_as_text_never_as_a_formula(client, hostile):
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == f'attachment; filename="sme-policy-practices-{timezone.localdate():%Y-%m-%d}.xlsx"'
    raw = body(response)
    header, row = workbook_cells(raw)
    assert [cell.value for cell in header] == opendata.CSV_COLUMNS
    cells = dict(zip(opendata.CSV_COLUMNS, row, strict=True))
    # The text as written, without the CSV's apostrophes: a text cell never runs.
    assert cells["title"].value == HOSTILE_TITLE and cells["summary"].value == HOSTILE_SUMMARY
    assert cells["responsible_institution"].value == FORMULA and cells["problem"].value == ERROR_VALUE
    for cell in [*header, *row]:
        if cell.value is not None:
            assert (cell.data_type, cell.number_format) == ("s", "@"), cell.coordinate
    assert cells["start_year"].value == "2021" and cells["id"].value == str(hostile.pk)
    # No cell of the sheet is stored as a formula.
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all(b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets)


@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "title"}, {"theme": "access-to-finance", "sort": "title"}, {"country": "ke"}, {"q": "finance", "sort": "newest"}],
)
def test_the_workbook_gives_the_csv_rows_for_the_same_query(client, catalogue, hostile, query):  # noqa: F811
    in_csv = csv_rows(client.get(CSV_URL, query))
    in_workbook = workbook_rows(client.get(XLSX_URL, query))
    assert in_csv, "the query selects practices"
    # The same rows, in the same order; the workbook's texts are the CSV's before its guard.
    assert [{column: opendata._guarded(text) for column, text in row.items()} for row in in_workbook] == in_csv


def test_the_workbook_stops_at_the_export_limit_and_says_so_in_its_last_row(client, catalogue, monkeypatch):  # noqa: F811
    monkeypatch.setattr(opendata, "EXPORT_LIMIT", 2)
    response = client.get(XLSX_URL, {"sort": "title"})
    *rows, note = workbook_rows(response)
    *in_csv, csv_note = csv_rows(client.get(CSV_URL, {"sort": "title"}))
    assert [row["title"] for row in rows] == [row["title"] for row in in_csv] and len(rows) == 2
    assert note["id"] == csv_note["id"] and note["id"].startswith("# This file holds the first 2 of the 3 practices")
    assert [value for value in note.values() if value] == [note["id"]]
    assert response["X-Total-Count"] == "3" and response["Link"] == '<http://testserver/open-data/#dataset>; rel="related"'


def test_the_workbook_gives_nothing_unpublished(client, hidden):
    for query in ({}, {"theme": "access-to-finance"}, {"q": "secret OR pending OR archived OR unreviewed"}):
        text = str(workbook_rows(client.get(XLSX_URL, query))).lower()
        for secret in hidden["texts"]:
            assert secret.lower() not in text, f"{query} gives {secret!r}"
        for pk in hidden["ids"]:
            assert f"/practices/{pk}/" not in text, f"{query} names unpublished practice {pk}"
    assert workbook_rows(client.get(XLSX_URL, {"q": "secret OR pending OR archived OR unreviewed"})) == []


def test_a_text_a_workbook_cannot_hold_is_marked_or_cut_never_an_error(client, country_a, focal_a, moderator):
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Bell\x07 and escape\x1b scheme", description="x" * 40_000)
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    [row] = workbook_rows(response)
    assert row["title"] == "Bell\ufffd and escape\ufffd scheme"
    assert row["description"] == "x" * opendata.EXCEL_CELL_LIMIT
