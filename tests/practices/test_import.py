"""Staff import practices from a spreadsheet: every row checked and shown before anything is saved;
imported practices are drafts of their country, entered by ITC; the same file twice creates nothing twice."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices import imports, services
from practices.models import ImportBatch, Practice, PracticeRevision, Theme

HEADER = ["country", "title", "summary", "level", "themes", "indicators", "links", "start_year", "end_year"]
GOOD_ROWS = [
    ["KE", "Export desk", "Advice for first-time exporters.", "national", "internationalisation-trade; Access to finance",
     "Firms advised | 1,200 | 2024; New exporters | 85", "https://example.org/desk https://example.org/report", "2019", ""],
    ["Colombie", "Garantía pyme", "Half of each SME loan guaranteed.", "Régional", "access-to-finance", "", "", "2015", "2020"],
]


def csv_file(rows, *, header=HEADER, name="practices.csv", delimiter=",", bom=False):
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows([header, *rows])
    data = output.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_bytes(rows, *, header=HEADER, sheet_title="Sheet1"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_file(rows, **kwargs):
    return SimpleUploadedFile("practices.xlsx", xlsx_bytes(rows, **kwargs), content_type=imports.XLSX_CONTENT_TYPE)


@pytest.fixture
def staff(client, moderator, focal_a, focal_b):
    """The moderator signed in; Kenya and Colombia hold accounts."""
    client.force_login(moderator)
    return client


def upload(client, upload_file):
    return client.post(reverse("practices:import_start"), {"file": upload_file})


def upload_and_preview(client, upload_file):
    response = upload(client, upload_file)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == reverse("practices:import_preview", kwargs={"pk": batch.pk})
    return batch, client.get(response["Location"])


def confirm(client, batch):
    return client.post(reverse("practices:import_confirm", kwargs={"pk": batch.pk}), follow=True)


def outcomes(batch):
    return [(row["number"], row["outcome"]) for row in imports.current_rows(ImportBatch.objects.get(pk=batch.pk).rows)]


# --- Good files ---


def test_good_csv_file_is_previewed_then_imported_as_drafts_of_each_country(staff, country_a, country_b, focal_a):
    batch, preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert [row["outcome"] for row in preview.context["rows"]] == ["create", "create"]
    assert page.count("<td>\n          Will be created") == 2 and "Create 2 draft practices" in page
    # Nothing is saved before the confirmation.
    assert not Practice.objects.exists()

    response = confirm(staff, batch)
    assert "2 practices created as drafts of their countries." in response.content.decode()
    desk = Practice.objects.get(title="Export desk")
    assert desk.owner == country_a and desk.entered_by_itc and desk.status == Practice.Status.UNPUBLISHED
    assert desk.import_key == imports.import_key("KE", "Export desk")
    revision = desk.revisions.get()
    assert revision.status == PracticeRevision.Status.DRAFT
    assert revision.content["themes"] == ["access-to-finance", "internationalisation-trade"]
    assert revision.content["indicators"] == [
        {"name": "Firms advised", "value": "1,200", "year": 2024},
        {"name": "New exporters", "value": "85", "year": None},
    ]
    assert revision.content["links"] == ["https://example.org/desk", "https://example.org/report"]
    assert revision.content["start_year"] == 2019 and revision.content["end_year"] is None
    assert desk.events.get().note == "Imported from practices.csv, row 2."
    garantia = Practice.objects.get(title="Garantía pyme")
    assert garantia.owner == country_b and garantia.revisions.get().content["level"] == "regional"

    # The preview now links each created practice to its workspace page.
    page = response.content.decode()
    assert reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": desk.pk}) in page
    assert reverse("practices:workspace_detail", kwargs={"iso2": "CO", "pk": garantia.pk}) in page
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.created_count == 2

    # The country's team finds the draft in its workspace; the public does not see it.
    staff.force_login(focal_a)
    assert "Export desk" in staff.get(reverse("practices:workspace_list", kwargs={"iso2": "KE"})).content.decode()
    assert staff.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": desk.pk})).status_code == 200
    staff.logout()
    assert staff.get(reverse("practices:practice_detail", kwargs={"pk": desk.pk})).status_code == 404
    assert desk not in Practice.objects.published()


def test_imported_draft_can_be_submitted_by_the_country_team(staff, focal_a):
    row = ["KE", "Export desk", "Advice.", "national", "internationalisation-trade", "", "", "", ""]
    batch, _preview = upload_and_preview(staff, csv_file([row]))
    confirm(staff, batch)
    revision = PracticeRevision.objects.get()
    services.save_revision(revision, by=focal_a, changes={**revision.content, "description": "A desk."})
    assert services.submit_revision(revision, by=focal_a).status == PracticeRevision.Status.SUBMITTED


def test_good_xlsx_file_with_numbers_and_loose_column_names_is_imported(staff, country_a):
    header = ["Country", " TITLE ", "Start Year", "End-Year", "Target groups", "Implementation status", "Original language", "Contact e-mail"]
    rows = [
        ["KEN", "Women in export", 2018, 2022.0, "Women-led businesses; exporters", "En cours", "Français", "desk@example.org"],
        ["kenya", "Youth start-up fund", None, None, None, "completed", None, None],
    ]
    batch, _preview = upload_and_preview(staff, xlsx_file(rows, header=header))
    assert outcomes(batch) == [(2, "create"), (3, "create")]
    confirm(staff, batch)
    content = Practice.objects.get(title="Women in export").revisions.get().content
    assert content["start_year"] == 2018 and content["end_year"] == 2022
    assert content["target_groups"] == ["exporters", "women-led"]
    assert content["implementation_status"] == "ongoing" and content["original_language"] == "fr"
    assert content["contact_email"] == "desk@example.org"
    assert Practice.objects.get(title="Youth start-up fund").revisions.get().content["original_language"] == "en"


def test_csv_with_semicolons_and_a_byte_order_mark_is_read(staff):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS, delimiter=";", bom=True))
    assert outcomes(batch) == [(2, "create"), (3, "create")]


def test_each_row_becomes_content_as_a_revision_holds_it(focal_a, focal_b):
    rows = imports.read_spreadsheet(csv_file(GOOD_ROWS))
    for row in rows:
        assert services.normalise_content(row["content"]) == row["content"]


# --- Bad rows ---

BAD_ROWS = [
    # (row, column named in the error, words of the message)
    (["KE", "", "", "", "", "", "", "", ""], "title", "Give the practice a title"),
    (["Atlantis", "Lost desk", "", "", "", "", "", "", ""], "country", "“Atlantis” is not a country we know"),
    (["SN", "Senegal desk", "", "", "", "", "", "", ""], "country", "has no account on the platform yet"),
    (["", "Nowhere desk", "", "", "", "", "", "", ""], "country", "Give the owner country"),
    (["KE", "Federal desk", "", "federal", "", "", "", "", ""], "level", "federal is not one of the available choices"),
    (["KE", "Space desk", "", "", "space-travel; access-to-finance", "", "", "", ""], "themes", "space-travel is not one of the available choices"),
    (["KE", "Indicator desk", "", "", "", "just a sentence", "", "", ""], "indicators", "write name | value | year"),
    (["KE", "Indicator year desk", "", "", "", "Firms | 10 | 1800", "", "", ""], "indicators", "Line 1: the year must be between 1950 and 2100"),
    (["KE", "Link desk", "", "", "", "", "ftp://example.org/file", "", ""], "links", "“ftp://example.org/file” is not a web address"),
    (["KE", "Old desk", "", "", "", "", "", "1900", ""], "start_year", "greater than or equal to 1950"),
    (["KE", "Backwards desk", "", "", "", "", "", "2020", "2010"], "end_year", "The end year comes before the start year"),
    (["KE", "T" * 201, "", "", "", "", "", "", ""], "title", "at most 200 characters (it has 201)"),
    (["KE", "Long summary desk", "S" * 501, "", "", "", "", "", ""], "summary", "at most 500 characters (it has 501)"),
]


def test_bad_rows_show_each_error_on_its_row_and_nothing_is_created(staff):
    good = GOOD_ROWS[0]
    batch, preview = upload_and_preview(staff, csv_file([good] + [row for row, _column, _message in BAD_ROWS]))
    assert preview.status_code == 200
    rows = {row["number"]: row for row in preview.context["rows"]}
    assert rows[2]["outcome"] == "create"
    page = preview.content.decode()
    for number, (_row, column, message) in enumerate(BAD_ROWS, start=3):
        assert rows[number]["outcome"] == "error", number
        assert {"column": column} in [{"column": error["column"]} for error in rows[number]["errors"]], (number, rows[number]["errors"])
        assert any(message in error["message"] for error in rows[number]["errors"]), (number, rows[number]["errors"])
        assert f"<strong>{column}</strong>: " in page
    assert "space-travel is not one of the available choices" in page
    assert preview.context["counts"] == {"total": 14, "create": 1, "created": 0, "skipped": 0, "errors": 13}
    assert not Practice.objects.exists()

    # Confirming imports the good row only.
    confirm(staff, batch)
    assert list(Practice.objects.values_list("title", flat=True)) == ["Export desk"]


def test_a_row_is_refused_in_the_words_of_the_practice_form(staff, contributor_a):
    """The spreadsheet's rows are checked by the form of the web page: what one refuses, the other refuses alike."""
    bad = {"summary": "S" * 501, "start_year": "1900", "end_year": "20x0", "indicators": "Firms | 10 | 2200", "links": "ftp://example.org/file"}
    staff.force_login(contributor_a)
    form_errors = staff.post(reverse("practices:practice_create", kwargs={"iso2": "KE"}), {"title": "Desk", "original_language": "en", **bad, "save": ""}).context["form"].errors
    header = ["country", "title", *bad]
    rows = imports.read_spreadsheet(csv_file([["KE", "Desk", *bad.values()]], header=header))
    row_errors = {error["column"]: error["message"] for error in rows[0]["errors"]}
    assert row_errors == {field: form_errors[field][0] for field in bad}


def test_a_term_no_longer_offered_is_refused(staff, country_a):
    Theme.objects.filter(slug="access-to-finance").update(is_active=False)
    finance = Theme.objects.get(slug="access-to-finance")
    rows = imports.read_spreadsheet(csv_file([["KE", "Desk", "", "", finance.name_en, "", "", "", ""]]))
    assert rows[0]["outcome"] == "error"
    assert rows[0]["errors"] == [{"column": "themes", "message": f"Select a valid choice. {finance.name_en} is not one of the available choices."}]


def test_a_file_of_bad_rows_only_offers_no_import_and_refuses_one(staff):
    batch, preview = upload_and_preview(staff, csv_file([row for row, _column, _message in BAD_ROWS[:3]]))
    assert preview.context["can_import"] is False
    assert reverse("practices:import_confirm", kwargs={"pk": batch.pk}) not in preview.content.decode()
    response = confirm(staff, batch)
    assert "No row of this file can be imported." in response.content.decode()
    assert not Practice.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING


def test_cells_beyond_the_named_columns_are_an_error(staff):
    batch, _preview = upload_and_preview(staff, csv_file([GOOD_ROWS[0] + ["stray"]]))
    assert outcomes(batch) == [(2, "error")]


# --- The same file twice ---


def test_the_same_file_twice_creates_nothing_twice(staff):
    first, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    confirm(staff, first)
    assert Practice.objects.count() == 2

    second, preview = upload_and_preview(staff, xlsx_file(GOOD_ROWS))
    page = preview.content.decode()
    assert page.count("Already on the platform, skipped") == 2
    assert preview.context["can_import"] is False
    response = confirm(staff, second)
    assert "No row of this file can be imported." in response.content.decode()
    assert Practice.objects.count() == 2


def test_two_uploads_of_one_file_confirmed_one_after_the_other_create_once(staff):
    first, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    second, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    confirm(staff, first)
    # The second upload, checked before the first was imported, now shows its rows as skipped.
    assert outcomes(second) == [(2, "already"), (3, "already")]
    confirm(staff, second)
    assert Practice.objects.count() == 2


def test_confirming_twice_creates_nothing_twice(staff):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    confirm(staff, batch)
    response = confirm(staff, batch)
    assert "This file has already been imported." in response.content.decode()
    assert Practice.objects.count() == 2
    batch.refresh_from_db()
    assert batch.created_count == 2


def test_a_corrected_file_imports_only_what_is_new(staff):
    bad = ["KE", "Federal desk", "", "federal", "", "", "", "", ""]
    first, _preview = upload_and_preview(staff, csv_file([GOOD_ROWS[0], bad]))
    confirm(staff, first)
    second, _preview = upload_and_preview(staff, csv_file([GOOD_ROWS[0], ["KE", "Federal desk", "", "national", "", "", "", "", ""]]))
    assert outcomes(second) == [(2, "already"), (3, "create")]
    confirm(staff, second)
    assert sorted(Practice.objects.values_list("title", flat=True)) == ["Export desk", "Federal desk"]


def test_a_practice_the_team_entered_with_the_same_title_is_skipped(staff, country_a, focal_a):
    services.create_practice(country_a, by=focal_a, content={"title": "Export desk"})
    batch, _preview = upload_and_preview(staff, csv_file([["KE", "  export   DESK ", "", "", "", "", "", "", ""]]))
    assert outcomes(batch) == [(2, "already")]


def test_a_row_repeated_in_the_file_is_skipped(staff):
    batch, preview = upload_and_preview(staff, csv_file([GOOD_ROWS[0], GOOD_ROWS[0]]))
    assert outcomes(batch) == [(2, "create"), (3, "repeated")]
    assert "Same country and title as row 2, skipped" in preview.content.decode()


def test_the_database_refuses_a_second_import_of_a_practice_the_check_missed(staff, moderator, country_a, monkeypatch):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    # Imported at the same moment from another upload, under another title since.
    services.create_practice(country_a, by=moderator, content={"title": "Renamed desk"})
    Practice.objects.filter(title="Renamed desk").update(import_key=imports.import_key("KE", "Export desk"))
    monkeypatch.setattr(services, "current_rows", lambda rows: rows)
    batch = services.import_batch(batch, by=moderator)
    assert [row["outcome"] for row in batch.rows] == ["already", "created"]
    assert batch.created_count == 1
    assert Practice.objects.filter(title="Export desk").count() == 0


# --- Templates ---


def test_csv_template_has_the_columns_and_an_example(staff):
    response = staff.get(reverse("practices:import_template_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, example = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == imports.COLUMN_NAMES
    assert example[1] == imports.EXAMPLE_TITLE


def test_filled_in_csv_template_is_imported_without_its_example(staff):
    template = staff.get(reverse("practices:import_template_csv")).content
    row = dict(imports.EXAMPLE_ROW, title="Green credit line", themes="Transition verte")
    filled = template + (",".join(f'"{row[name]}"' for name in imports.COLUMN_NAMES) + "\r\n").encode()
    batch, _preview = upload_and_preview(staff, SimpleUploadedFile("filled.csv", filled))
    assert outcomes(batch) == [(2, "example"), (3, "create")]
    confirm(staff, batch)
    assert Practice.objects.get().revisions.get().content["themes"] == ["green-transition"]


def test_filled_in_xlsx_template_is_imported_without_its_example(staff):
    response = staff.get(reverse("practices:import_template_xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == imports.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Practices", "Instructions"]
    sheet = workbook["Practices"]
    assert [cell.value for cell in sheet[1]] == imports.COLUMN_NAMES
    sheet.append([dict(imports.EXAMPLE_ROW, title="Digital one-stop shop")[name] for name in imports.COLUMN_NAMES])
    output = io.BytesIO()
    workbook.save(output)
    batch, _preview = upload_and_preview(staff, SimpleUploadedFile("filled.xlsx", output.getvalue()))
    assert outcomes(batch) == [(2, "example"), (3, "create")]


def test_template_cells_cannot_start_a_formula():
    assert imports._safe_cell("=HYPERLINK(\"https://evil.example\")") == "'=HYPERLINK(\"https://evil.example\")"
    assert imports._safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert imports._safe_cell("Export desk") == "Export desk"
    for row in imports.template_rows():
        assert not any(cell[:1] in "=+-@" and cell for cell in row)


# --- Files that are not the template ---


def docx_bytes():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.csv", b"", "The submitted file is empty."),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Upload the template filled in"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Older Excel files (.xls) are not accepted"),
        ("report.docx", docx_bytes(), "Upload the template filled in"),
        ("damaged.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        ("latin1.csv", "country,title\nKE,Développement\n".encode("latin-1"), "not a CSV file in UTF-8"),
        ("letter.csv", b"Dear ITC,\nplease find our practices attached.\n", "not in the template"),
        ("partial.csv", b"country,summary\nKE,Advice\n", "these are missing: title"),
        ("twice.csv", b"country,title,Title\nKE,Desk,Desk\n", "appears twice"),
        ("header-only.csv", b"country,title\n", "no practice below them"),
        ("blank.csv", b"\n\n,,\n", "This file is empty."),
    ],
)
def test_a_file_that_is_not_the_template_is_refused_next_to_the_field(staff, name, data, message):
    response = upload(staff, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors, errors
    assert 'class="error-summary"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_the_limits_is_refused(staff, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1)
    response = upload(staff, csv_file(GOOD_ROWS))
    assert "The file has 2 practices; 1 at most at a time." in response.context["form"].errors["file"][0]
    monkeypatch.setattr(imports, "MAX_FILE_SIZE", 100)
    response = upload(staff, csv_file(GOOD_ROWS))
    assert "the limit is 100" in response.context["form"].errors["file"][0]
    assert not ImportBatch.objects.exists()


# --- Who may import ---


def test_upload_page_lists_recent_uploads(staff):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    page = staff.get(reverse("practices:import_start")).content.decode()
    assert reverse("practices:import_preview", kwargs={"pk": batch.pk}) in page and "practices.csv" in page


def test_the_staff_dashboard_links_to_the_import(staff):
    assert reverse("practices:import_start") in staff.get(reverse("countries:staff_dashboard")).content.decode()


def test_country_members_cannot_import(client, staff, focal_a, contributor_a):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    for member in (focal_a, contributor_a):
        client.force_login(member)
        assert upload(client, csv_file(GOOD_ROWS)).status_code == 403
        assert client.post(reverse("practices:import_confirm", kwargs={"pk": batch.pk})).status_code == 403
        assert client.get(reverse("practices:import_template_xlsx")).status_code == 403
        with pytest.raises(PermissionDenied):
            services.import_batch(batch, by=member)
    assert ImportBatch.objects.count() == 1 and not Practice.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("practices:import_start"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_service_refuses_an_imported_batch(staff, moderator):
    batch, _preview = upload_and_preview(staff, csv_file(GOOD_ROWS))
    services.import_batch(batch, by=moderator)
    with pytest.raises(ValidationError):
        services.import_batch(batch, by=moderator)


def test_preview_of_a_large_file_takes_few_queries(staff, django_assert_max_num_queries):
    rows = [["KE", f"Practice {number}", "", "national", "access-to-finance", "", "", "", ""] for number in range(200)]
    batch, _preview = upload_and_preview(staff, csv_file(rows))
    with django_assert_max_num_queries(8):
        response = staff.get(reverse("practices:import_preview", kwargs={"pk": batch.pk}))
    assert response.context["counts"]["create"] == 200
