"""Documents: checked by content, stored under generated names, served only to who may see them."""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices import attachments, services
from practices.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONTENT = {"title": "Export desk", "summary": "Advice.", "description": "A desk.", "level": "national", "themes": ["internationalisation-trade"]}


def office(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def pdf_with_stream(body):
    stream = zlib.compress(body)
    return PDF[:-6] + b"2 0 obj << /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- The content checks ---


@pytest.mark.parametrize(
    "name, data, kind",
    [
        ("report.pdf", PDF, "pdf"),
        ("note.docx", DOCX, "docx"),
        ("sheet.xlsx", office({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}), "xlsx"),
        ("text.odt", office({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}), "odt"),
        # The name does not matter, the content does.
        ("misnamed.txt", PDF, "pdf"),
    ],
)
def test_documents_are_recognised_by_their_content(name, data, kind):
    assert attachments.check_document(upload(name, data)).extension == kind


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "Only PDF and Office documents"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "Only PDF and Office documents"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "Only PDF and Office documents"),
        ("locked.pdf", PDF.replace(b"trailer <<", b"trailer << /Encrypt 5 0 R"), "encrypted"),
        ("script.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "/JavaScript"),
        ("hidden.pdf", pdf_with_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "/JavaScript"),
        ("escaped.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /AA << /O << /S /J#61vaScript >> >>"), "/JavaScript"),
        ("launch.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"), "/Launch"),
        ("macro.docm", office({"[Content_Types].xml": "<Types/>", "word/document.xml": "<d/>", "word/vbaProject.bin": "x"}), "macros"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Older Office files"),
        ("plain.zip", office({"readme.txt": "hello"}), "Only PDF and Office documents"),
        ("broken.docx", b"PK\x03\x04garbage", "damaged"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_disguised_or_dangerous_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(Exception) as error:
        attachments.check_document(upload(name, data))
    assert message in " ".join(error.value.messages)


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_UNCOMPRESSED", 10_000)
    bomb = office({"[Content_Types].xml": "<Types/>", "word/document.xml": "0" * 50_000})
    assert len(bomb) < 10_000
    with pytest.raises(Exception, match="expands"):
        attachments.check_document(upload("bomb.docx", bomb))


def test_the_size_limit_holds_to_the_byte(settings):
    settings.SME_MAX_ATTACHMENT_SIZE = 1000
    exactly = PDF + b"%" * (1000 - len(PDF))
    assert attachments.check_document(upload("ok.pdf", exactly)).extension == "pdf"
    with pytest.raises(Exception, match="limit"):
        attachments.check_document(upload("big.pdf", exactly + b"%"))


# --- Through the workspace and the public pages ---


@pytest.fixture
def draft(country_a, contributor_a):
    _practice, revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    return revision


def add_url(revision):
    return reverse("practices:attachment_add", kwargs={"iso2": "KE", "pk": revision.practice_id})


def test_contributor_adds_a_document_stored_under_a_generated_name(client, contributor_a, draft):
    client.force_login(contributor_a)
    response = client.post(add_url(draft), {"title": "Annual report 2024", "file": upload("../../etc/passwd.pdf", PDF)})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("attachments/") and "passwd" not in attachment.file.name
    draft.refresh_from_db()
    assert draft.content["attachments"] == [attachment.pk]
    download = client.get(
        reverse("practices:attachment_download", kwargs={"iso2": "KE", "pk": draft.practice_id, "attachment_id": attachment.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Annual-report-2024.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content) == PDF


def test_a_refused_file_shows_its_reason_next_to_the_field_and_saves_nothing(client, contributor_a, draft):
    client.force_login(contributor_a)
    response = client.post(add_url(draft), {"title": "Tool", "file": upload("tool.pdf", b"MZ\x90\x00" + b"\x00" * 64)})
    assert response.status_code == 200
    assert "file" in response.context["attachment_form"].errors
    assert not Attachment.objects.exists()


def test_other_countries_and_the_public_cannot_reach_an_unpublished_document(client, contributor_a, focal_b, draft):
    attachment = services.add_attachment(draft, by=contributor_a, upload=upload("r.pdf", PDF), title="Report")
    workspace = {"pk": draft.practice_id, "attachment_id": attachment.pk}
    client.force_login(focal_b)
    assert client.get(reverse("practices:attachment_download", kwargs={"iso2": "KE", **workspace})).status_code == 404
    assert client.get(reverse("practices:attachment_download", kwargs={"iso2": "CO", **workspace})).status_code == 404
    assert client.get(reverse("practices:public_attachment", kwargs=workspace)).status_code == 404
    client.logout()
    assert client.get(reverse("practices:public_attachment", kwargs=workspace)).status_code == 404


def test_a_document_becomes_public_with_its_version_only(client, contributor_a, moderator, draft):
    first = services.add_attachment(draft, by=contributor_a, upload=upload("r.pdf", PDF), title="Report")
    services.submit_revision(draft, by=contributor_a)
    services.publish_revision(draft, by=moderator)
    public = lambda attachment: reverse("practices:public_attachment", kwargs={"pk": draft.practice_id, "attachment_id": attachment.pk})  # noqa: E731
    assert client.get(public(first)).status_code == 200
    assert "Report" in client.get(reverse("practices:practice_detail", kwargs={"pk": draft.practice_id})).content.decode()
    second_version = services.start_revision(draft.practice, by=contributor_a)
    second = services.add_attachment(second_version, by=contributor_a, upload=upload("d.docx", DOCX), title="Decree")
    services.remove_attachment(second_version, by=contributor_a, attachment=first)
    # Until the new version is approved, the public keeps the published documents.
    assert client.get(public(second)).status_code == 404
    assert client.get(public(first)).status_code == 200
    services.submit_revision(second_version, by=contributor_a)
    services.publish_revision(second_version, by=moderator)
    assert client.get(public(second)).status_code == 200
    assert client.get(public(first)).status_code == 404
    # Nothing is deleted: the first file is still there for the record.
    assert Attachment.objects.count() == 2


def test_documents_cannot_be_added_to_a_version_in_review(contributor_a, draft):
    services.submit_revision(draft, by=contributor_a)
    with pytest.raises(Exception, match="in review"):
        services.add_attachment(draft, by=contributor_a, upload=upload("r.pdf", PDF), title="Late")
    assert not Attachment.objects.exists()


def test_a_missing_file_is_not_found_rather_than_an_error(client, contributor_a, draft):
    attachment = services.add_attachment(draft, by=contributor_a, upload=upload("r.pdf", PDF), title="Report")
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(contributor_a)
    url = reverse("practices:attachment_download", kwargs={"iso2": "KE", "pk": draft.practice_id, "attachment_id": attachment.pk})
    assert client.get(url).status_code == 404
