"""Found by search engines: descriptions, language alternates, the sitemap and robots.txt."""

import re
from datetime import datetime, timezone

import pytest
from django.urls import reverse

from countries.models import Country, Region
from practices import services
from practices.models import Practice, PracticeTranslation
from tests.factories import PracticeFactory, publish_practice

SITE = "http://testserver"


def country(iso2):
    return Country.objects.get(iso2=iso2)


def meta_description(page):
    match = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert match, "no meta description"
    return match.group(1)


def alternates(page):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


# --- In the head of every page ---


def test_a_public_page_names_itself_in_every_language_with_absolute_addresses(client, db):
    page = client.get("/fr/countries/KE/").content.decode()
    assert alternates(page) == {
        "en": f"{SITE}/en/countries/KE/",
        "fr": f"{SITE}/fr/countries/KE/",
        "es": f"{SITE}/es/countries/KE/",
        "x-default": f"{SITE}/countries/KE/",
    }
    assert f'<link rel="canonical" href="{SITE}/fr/countries/KE/">' in page


def test_the_language_neutral_address_sends_the_visitor_to_a_language(client, db):
    response = client.get("/countries/KE/", headers={"accept-language": "es"})
    assert response.status_code == 302
    assert response["Location"] == "/es/countries/KE/"


def test_the_alternates_of_a_page_keep_its_query(client, db):
    page = client.get("/en/practices/compare/?p=1&p=2").content.decode()
    assert alternates(page)["es"] == f"{SITE}/es/practices/compare/?p=1&amp;p=2"


@pytest.mark.parametrize("path", ["/nope/", "/no/such/page/", "/en/nope/"])
def test_an_error_page_at_an_address_without_language_versions_names_none(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert '<link rel="canonical"' in page  # the site's error page, with its head
    assert alternates(page) == {}
    assert 'rel="alternate"' not in page


def test_a_missing_record_at_a_page_address_still_names_its_language_versions(client, db):
    response = client.get("/es/countries/ZZ/")
    assert response.status_code == 404
    assert alternates(response.content.decode()) == {
        "en": f"{SITE}/en/countries/ZZ/",
        "fr": f"{SITE}/fr/countries/ZZ/",
        "es": f"{SITE}/es/countries/ZZ/",
        "x-default": f"{SITE}/countries/ZZ/",
    }


def test_the_home_page_describes_the_platform(client, db):
    page = client.get(reverse("home")).content.decode()
    assert meta_description(page).startswith("Best practices in SME policy and regulation shared by the governments of the SME Ministerial community")


def test_a_page_without_its_own_description_describes_the_platform(client, db):
    page = client.get(reverse("countries:country_list")).content.decode()
    assert "International Trade Centre" in meta_description(page)


def test_a_practice_is_described_by_its_summary(client, country_a, moderator):
    practice = publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk", summary="Advice for first-time exporters.")
    page = client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk})).content.decode()
    assert meta_description(page) == "Advice for first-time exporters."


@pytest.mark.caches_off("changes the country with QuerySet.update(), which sends no signal to renew the pages")
def test_a_country_is_described_by_its_policy_overview_or_by_what_it_shares(client, country_a, focal_a):
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert meta_description(page) == (
        "Kenya on the SME Policy Knowledge Sharing Platform: its SME policy profile and its best practices in SME policy and regulation."
    )
    Country.objects.filter(pk=country_a.pk).update(policy_overview="Kenya's MSME policy of 2020 sets the course.")
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert meta_description(page) == "Kenya&#x27;s MSME policy of 2020 sets the course."
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "SN"})).content.decode()
    assert meta_description(page) == "Senegal on the SME Policy Knowledge Sharing Platform of the SME Ministerial community."


def test_the_comparison_is_described_by_the_practices_compared(client, country_a, country_b, moderator):
    one = publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk")
    two = publish_practice(country_b, by=moderator, moderator=moderator, title="Credit line")
    page = client.get(reverse("practices:compare"), {"p": [one.pk, two.pk]}).content.decode()
    assert meta_description(page) == "SME policy practices side by side: Export desk; Credit line."


# --- The sitemap ---


@pytest.fixture
def public_and_hidden(country_a, country_b, focal_a, focal_b, moderator):
    """Kenya and Colombia hold accounts. Published: Kenya's guarantee, and Colombia's desk whose next
    version is in review. Not public: a draft, one in review, an archived one."""
    guarantee = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan guarantee")
    desk = publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian desk")
    Practice.objects.filter(pk=desk.pk).update(published_at=datetime(2025, 7, 14, 10, tzinfo=timezone.utc))
    revision = services.start_revision(desk, by=moderator)
    services.save_revision(revision, by=moderator, changes={**revision.content, "title": "New title"})
    services.submit_revision(revision, by=moderator)
    draft = PracticeFactory(owner=country_a, by=moderator, title="Draft")
    in_review = PracticeFactory(owner=country("SN"), by=moderator, title="In review")
    services.submit_revision(in_review.revisions.get(), by=moderator)
    archived = publish_practice(country("PE"), by=moderator, moderator=moderator, title="Archived")
    services.archive_practice(archived, by=moderator)
    return {"guarantee": guarantee, "desk": desk, "hidden": [draft, in_review, archived]}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    xml = response.content.decode()
    return {loc: body for loc, body in re.findall(r"<url><loc>([^<]+)</loc>(.*?)</url>", xml)}


def test_the_sitemap_lists_the_public_pages_in_every_language(client, public_and_hidden):
    guarantee, desk = public_and_hidden["guarantee"], public_and_hidden["desk"]
    paths = ["/", "/practices/", "/regions/", "/open-data/", "/meetings/", "/about/", "/accessibility/", "/privacy/", "/terms/", "/contact/", "/countries/CO/", "/countries/KE/", f"/practices/{guarantee.pk}/", f"/practices/{desk.pk}/"]
    paths += [f"/regions/{slug}/" for slug in Region.objects.values_list("slug", flat=True)]
    expected = {f"{SITE}/{language}{path}" for path in paths for language in ("en", "fr", "es")}
    assert set(sitemap_entries(client)) == expected


def test_the_sitemap_names_the_alternates_of_each_page(client, public_and_hidden):
    entries = sitemap_entries(client)
    assert dict(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entries[f"{SITE}/fr/countries/KE/"])) == {
        "en": f"{SITE}/en/countries/KE/",
        "fr": f"{SITE}/fr/countries/KE/",
        "es": f"{SITE}/es/countries/KE/",
        "x-default": f"{SITE}/countries/KE/",
    }


def test_the_sitemap_dates_a_practice_by_its_last_publication(client, public_and_hidden):
    entries = sitemap_entries(client)
    desk = public_and_hidden["desk"]
    # The version in review changes nothing until it is published.
    assert "<lastmod>2025-07-14</lastmod>" in entries[f"{SITE}/es/practices/{desk.pk}/"]


def test_the_sitemap_dates_a_practice_by_its_last_published_translation_too(client, public_and_hidden, focal_b, moderator):
    desk = public_and_hidden["desk"]
    translation = services.start_translation(desk, by=focal_b, language="fr")
    services.save_translation(translation, by=focal_b, text={"title": "Guichet colombien", "summary": "Un guichet.", "description": "Un guichet."})
    services.submit_translation(translation, by=focal_b)
    # In review: the practice's pages are unchanged.
    assert "<lastmod>2025-07-14</lastmod>" in sitemap_entries(client)[f"{SITE}/fr/practices/{desk.pk}/"]
    services.publish_translation(translation, by=moderator)
    PracticeTranslation.objects.filter(pk=translation.pk).update(decided_at=datetime(2025, 9, 2, 10, tzinfo=timezone.utc))
    assert "<lastmod>2025-09-02</lastmod>" in sitemap_entries(client)[f"{SITE}/fr/practices/{desk.pk}/"]


def test_the_sitemap_lists_nothing_unpublished(client, public_and_hidden):
    locations = set(sitemap_entries(client))
    for practice in public_and_hidden["hidden"]:
        assert not any(location.endswith(f"/practices/{practice.pk}/") for location in locations)
    # Countries without an account have no page worth listing yet.
    assert not any("/countries/SN/" in location or "/countries/PE/" in location for location in locations)


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_sitemap_reads_a_constant_number_of_queries(client, country_a, country_b, focal_a, focal_b, moderator, django_assert_max_num_queries):
    publish_practice(country_a, by=moderator, moderator=moderator, title="One")
    with django_assert_max_num_queries(6):
        client.get("/sitemap.xml")
    for number in range(10):
        publish_practice(country_b, by=moderator, moderator=moderator, title=f"Practice {number}")
    with django_assert_max_num_queries(6):
        assert len(sitemap_entries(client)) == 3 * (5 + 5 + Region.objects.count() + 2 + 11)


def test_the_sitemap_and_robots_have_one_address_whatever_the_language(client, db):
    assert client.get("/en/sitemap.xml").status_code == 404
    assert client.get("/en/robots.txt").status_code == 404


# --- robots.txt ---


def test_robots_txt_opens_the_public_pages_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /*/accounts/\n"
        "Disallow: /*/workspace/\n"
        "Disallow: /*/staff/\n"
        "Disallow: /*/invitations/\n"
        "Allow: /\n"
        "\n"
        f"Sitemap: {SITE}/sitemap.xml\n"
    )


def test_the_sitemap_lists_public_meetings_and_the_call_to_action_once_recorded(client, db):
    from django.core.management import call_command

    from meetings.models import Meeting

    assert "/en/call-to-action/" not in sitemap_entries(client)
    call_command("load_demo", allow_production=True)
    Meeting.objects.filter(slug="technical-meeting-2026-04").update(is_published=False)
    entries = sitemap_entries(client)
    assert f"{SITE}/en/call-to-action/" in entries
    assert f"{SITE}/fr/meetings/global-sme-ministerial-meeting-2025/" in entries
    assert f"{SITE}/en/meetings/technical-meeting-2026-04/" not in entries
