"""Pages, JSON and CSV travel compressed to browsers that accept it (GZipMiddleware), padded against BREACH."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import publish_practice

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    return publish_practice(country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", themes=["access-to-finance"])


@pytest.mark.parametrize(
    "path",
    [
        lambda p: reverse("countries:region_map"),
        lambda p: reverse("practices:browse"),
        lambda p: reverse("practices:practice_detail", kwargs={"pk": p.pk}),
        lambda p: reverse("practices:export_csv"),
        lambda p: reverse("api:practice_list"),
    ],
    ids=["regions", "browse", "practice", "csv", "api"],
)
def test_pages_and_data_are_compressed_for_browsers_that_accept_it(client, practice, path):
    url = path(practice)
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain.get("Vary", "")
    text = body(plain)
    # Twice compressed: from the view, then from the page cache; both the same text as the plain answer.
    for _time in range(2):
        compressed = client.get(url, **GZIP)
        assert compressed.status_code == 200
        assert compressed["Content-Encoding"] == "gzip"
        assert gzip.decompress(body(compressed)) == text


def test_the_regions_page_travels_at_a_fraction_of_its_size_and_differs_each_time(client, practice):
    url = reverse("countries:region_map")
    size = len(client.get(url).content)
    first, second = (client.get(url, **GZIP).content for _time in range(2))
    assert len(first) < size / 4, (len(first), size)
    # The same page, padded differently each time (Django's BREACH mitigation).
    assert first != second and gzip.decompress(first) == gzip.decompress(second)


def test_a_signed_in_page_is_compressed_too(client, focal_a):
    client.force_login(focal_a)
    response = client.get(reverse("countries:workspace", kwargs={"iso2": "KE"}), **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "<h1>Kenya workspace</h1>" in gzip.decompress(response.content).decode()


def test_documents_are_sent_as_they_are(client, practice, contributor_a, moderator, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from practices import services

    settings.MEDIA_ROOT = tmp_path
    revision = services.start_revision(practice, by=contributor_a)
    pdf = b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"
    attachment = services.add_attachment(revision, by=contributor_a, upload=SimpleUploadedFile("report.pdf", pdf), title="Report")
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)
    response = client.get(reverse("practices:public_attachment", kwargs={"pk": practice.pk, "attachment_id": attachment.pk}), **GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert body(response) == pdf
