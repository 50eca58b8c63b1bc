"""Reading a practice across languages (practices/reading.py): the page, browse and search, the other pages,
feeds, exports and the API give a practice in the reader's language once ITC has published a translation
into it, and say which languages each can be read in. Nothing that is not public shows anywhere: a draft,
a translation in review, or a translation of a practice that is no longer published.
"""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from countries import pagecache
from practices import services
from practices.models import PracticeTranslation
from tests.factories import publish_practice
from tests.test_query_counts import PUBLIC_MAX_QUERIES

pytestmark = pytest.mark.django_db

FRENCH = {
    "title": "Fonds de garantie de crédit aux PME",
    "summary": "Des garanties pour les prêts aux PME.",
    "description": "Le fonds garantit les crédits bancaires des petites entreprises.",
    "problem": "Les banques demandent trop de garanties.",
}
# Words found in no public text: they must never show, wherever one looks.
SECRET_SPANISH = {"title": "Fondo secreto de avales", "summary": "Borrador confidencial.", "description": "Texto confidencial en revisión."}
SECRET_FRENCH = {"title": "Registre clandestin des entreprises", "summary": "Brouillon clandestin.", "description": "Texte clandestin."}


def publish_translation(practice, *, by, moderator, language, text):
    started = services.start_translation(practice, by=by, language=language)
    services.save_translation(started, by=by, text=text)
    services.submit_translation(started, by=by)
    services.publish_translation(started, by=moderator)
    return PracticeTranslation.objects.get(pk=started.pk)


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    # Kenya's practice, written in English only.
    return publish_practice(
        country_a,
        by=contributor_a,
        moderator=moderator,
        title="SME credit guarantee fund",
        summary="Guarantees for SME loans.",
        description="The fund guarantees bank loans to small firms.",
        problem="Banks ask for too much collateral.",
        themes=["access-to-finance"],
    )


@pytest.fixture
def registry(country_a, contributor_a, moderator):
    # Another of Kenya's practices, in English, never translated.
    return publish_practice(
        country_a, by=contributor_a, moderator=moderator, title="Online business registry", summary="Register a company online.",
        themes=["business-environment"],
    )


@pytest.fixture
def fondo(country_b, focal_b, moderator):
    # Colombia's practice, written in Spanish.
    return publish_practice(
        country_b, by=focal_b, moderator=moderator, title="Fondo para pequeñas empresas rurales", summary="Créditos para el campo.",
        original_language="es", themes=["access-to-finance"],
    )


@pytest.fixture
def french(practice, focal_b, moderator):
    # Its French translation, by Colombia's focal point who volunteered, published by ITC.
    return publish_translation(practice, by=focal_b, moderator=moderator, language="fr", text=FRENCH)


def page_url(practice, language="fr", **query):
    path = f"/{language}/practices/{practice.pk}/"
    return path + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def notice_of(html):
    found = re.search(r'<div class="message translation-notice" role="note">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def body(response):
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def results(response):
    return [practice.reading.title for practice in response.context["practices"]]


def facet(response, name):
    for item in response.context["facets"]:
        if item["name"] == name:
            return {option["value"]: option["count"] for option in item["options"]}
    return {}


# --- The French reader's journey ---


def test_a_french_reader_finds_a_practice_written_in_english_reads_it_in_french_and_switches_to_the_original(
    client, practice, registry, focal_b, moderator
):
    # Before any translation, French words do not find the English text.
    assert client.get("/fr/practices/", {"q": "garantie de crédit"}).context["total"] == 0

    publish_translation(practice, by=focal_b, moderator=moderator, language="fr", text=FRENCH)

    # French stemming on the French translation: "garanties", "crédits" are found by "garantie de crédit".
    response = client.get("/fr/practices/", {"q": "garantie de crédit"})
    assert results(response) == [FRENCH["title"]]
    listed = response.content.decode()
    assert "SME credit guarantee fund" not in listed
    assert "<mark>" in listed  # the snippet shows the words found, in the French text

    html = client.get(page_url(practice)).content.decode()
    assert f'<h1 lang="fr">{FRENCH["title"]}</h1>' in html
    assert f'<p class="lead" lang="fr">{FRENCH["summary"]}</p>' in html
    assert '<div class="prose" lang="fr"><p>Le fonds garantit les crédits bancaires des petites entreprises.</p></div>' in html
    assert "The fund guarantees bank loans" not in html
    notice = notice_of(html)
    with translation.override("fr"):
        colombia = focal_b.membership.country.name
    assert "Beatriz Focal" in notice and colombia in notice
    assert 'href="?text=en"' in notice
    assert "translation-outdated" not in html

    # The original, within the French interface.
    original = client.get(page_url(practice, text="en")).content.decode()
    assert '<html lang="fr">' in original
    assert '<h1 lang="en">SME credit guarantee fund</h1>' in original
    assert '<div class="prose" lang="en"><p>The fund guarantees bank loans to small firms.</p></div>' in original
    assert notice_of(original) is None and FRENCH["title"] not in original.split("<main", 1)[-1]
    # Search engines are pointed at each language's own page, not at this version of the text.
    alternates = re.findall(r'<link rel="alternate" hreflang="(\w+(?:-\w+)?)" href="([^"]+)">', original)
    assert dict(alternates)["fr"] == f"http://testserver/fr/practices/{practice.pk}/"
    assert dict(alternates)["es"] == f"http://testserver/es/practices/{practice.pk}/"
    assert not any("text=" in href for _code, href in alternates)


def test_once_the_original_publishes_a_new_version_the_translation_says_it_is_outdated(client, practice, french, contributor_a, moderator):
    revision = services.start_revision(practice, by=contributor_a)
    services.save_revision(revision, by=contributor_a, changes={**revision.content, "summary": "Guarantees for SME loans, now up to 80%."})
    services.submit_revision(revision, by=contributor_a)
    services.publish_revision(revision, by=moderator)

    html = client.get(page_url(practice)).content.decode()
    # Readers still get the translation, told the original changed since, with a link to it.
    assert f'<h1 lang="fr">{FRENCH["title"]}</h1>' in html
    outdated = re.search(r'<p class="translation-outdated">(.*?)</p>', html, re.S).group(1)
    assert 'href="?text=en"' in outdated
    assert "now up to 80%" in client.get(page_url(practice, text="en")).content.decode()


def test_the_notice_says_by_whom_when_reviewed_and_that_the_original_prevails(client, practice, french):
    html = client.get(page_url(practice, "en", text="fr")).content.decode()
    reviewed = date_format(timezone.localtime(french.decided_at), "DATE_FORMAT")
    notice = " ".join(notice_of(html).split())
    assert f"This is a translation from English by Beatriz Focal, volunteer from Colombia, reviewed by ITC on {reviewed}." in notice
    assert "The original prevails." in notice
    assert '<a href="?text=en">Read the original in English</a>' in notice
    # The switch names each version in its own language, the one shown marked.
    switch = re.search(r'<nav class="text-versions"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert '<a href="?text=en" lang="en">English</a> (original)' in switch
    assert '<strong aria-current="true" lang="fr">Français</strong>' in switch


def test_a_version_asked_for_that_does_not_exist_gives_the_original(client, practice, french):
    for wanted in ("es", "de", "other", ""):
        html = client.get(page_url(practice, "es", text=wanted)).content.decode()
        assert '<h1 lang="en">SME credit guarantee fund</h1>' in html, wanted
        assert notice_of(html) is None


def test_a_practice_in_one_language_has_no_switch_and_no_notice(client, registry):
    html = client.get(page_url(registry)).content.decode()
    assert '<h1 lang="en">Online business registry</h1>' in html
    assert 'class="text-versions"' not in html and notice_of(html) is None


# --- Starting a translation from the public page ---


def test_a_delegate_is_offered_the_languages_it_cannot_be_read_in_yet(client, practice, french, focal_b):
    client.force_login(focal_b)
    html = client.get(page_url(practice, "en")).content.decode()
    section = re.search(r'<section aria-labelledby="translate-title".*?</section>', html, re.S).group(0)
    start = reverse("practices:translation_start", kwargs={"pk": practice.pk})
    assert re.findall(r'<form method="post" action="([^"]+)"', section) == [start]
    assert re.findall(r'name="language" value="(\w+)"', section) == ["es"]
    response = client.post(start, {"language": "es"})
    started = PracticeTranslation.objects.get(practice=practice, language="es")
    assert response.status_code == 302 and started.status == PracticeTranslation.Status.DRAFT


def test_visitors_and_team_less_accounts_are_not_offered_to_translate(client, practice, outsider):
    assert 'id="translate-title"' not in client.get(page_url(practice, "en")).content.decode()
    client.force_login(outsider)
    assert 'id="translate-title"' not in client.get(page_url(practice, "en")).content.decode()


# --- Browse and search ---


def test_results_are_in_the_readers_language_and_say_which_languages_each_is_in(client, practice, registry, fondo, french):
    response = client.get("/fr/practices/")
    assert sorted(results(response)) == sorted([FRENCH["title"], "Online business registry", "Fondo para pequeñas empresas rurales"])
    html = response.content.decode()
    # A title in the page's language needs no lang attribute; one in another language says which.
    assert f'">{FRENCH["title"]}</a></h3>' in html
    assert f'lang="en">Online business registry</a></h3>' in html
    english = client.get("/en/practices/").content.decode()
    guarantee = english[english.index("SME credit guarantee fund") :]
    assert "Available in: English, French" in guarantee[: guarantee.index("</li>")]
    spanish = english[english.index("Fondo para pequeñas") :]
    assert "Available in: Spanish" in spanish[: spanish.index("</li>")]


def test_the_available_in_filter_and_its_counts(client, practice, registry, fondo, french):
    def titles(query):
        return sorted(practice.title for practice in client.get("/en/practices/", query).context["practices"])

    assert titles({"available": "fr"}) == ["SME credit guarantee fund"]
    assert titles({"available": "es"}) == ["Fondo para pequeñas empresas rurales"]
    assert titles({"available": "en"}) == ["Online business registry", "SME credit guarantee fund"]
    assert titles({"available": ["fr", "es"]}) == ["Fondo para pequeñas empresas rurales", "SME credit guarantee fund"]
    assert facet(client.get("/en/practices/"), "available") == {"en": 2, "fr": 1, "es": 1}
    # Within another filter's selection, as every facet.
    assert facet(client.get("/en/practices/", {"theme": "access-to-finance"}), "available") == {"en": 1, "fr": 1, "es": 1}
    api = client.get("/api/practices/", {"available": "fr"}).json()
    assert [record["id"] for record in api["results"]] == [practice.pk]


def test_a_translation_ranks_its_practice_by_the_better_of_the_two_texts(client, practice, french, country_b, focal_b, moderator):
    # Written in French, the words only in its description: it ranks below the title of the French translation.
    publish_practice(
        country_b, by=focal_b, moderator=moderator, title="Appui aux petites entreprises", summary="Un appui.",
        description="Un fonds de garantie de crédit parmi d'autres mesures.", original_language="fr",
    )
    response = client.get("/fr/practices/", {"q": "garantie de crédit", "sort": "relevance"})
    assert results(response) == [FRENCH["title"], "Appui aux petites entreprises"]


# --- The other pages, feeds, exports and the API ---


def test_country_region_compare_and_feed_pages_give_titles_in_the_readers_language(client, practice, registry, french):
    pages = [
        "/fr/countries/KE/",
        "/fr/regions/africa/",
        f"/fr/practices/compare/?p={practice.pk}&p={registry.pk}",
        "/fr/feeds/practices/",
        "/fr/feeds/countries/KE/",
    ]
    for path in pages:
        html = body(client.get(path))
        assert FRENCH["title"] in html, path
        assert "SME credit guarantee fund" not in html, path
        assert "Online business registry" in html, path
        english = body(client.get(path.replace("/fr/", "/en/", 1)))
        assert "SME credit guarantee fund" in english and FRENCH["title"] not in english, path
    compare = client.get(f"/fr/practices/compare/?p={practice.pk}&p={registry.pk}").content.decode()
    assert re.search(r'<td lang="fr">\s*' + re.escape(FRENCH["summary"]), compare)


def test_exports_give_the_pages_language_and_every_language_each_practice_is_in(client, practice, registry, french):
    records = {record["id"]: record for record in json.loads(body(client.get("/fr/practices/export.json")))["results"]}
    assert records[practice.pk]["title"] == FRENCH["title"] and records[practice.pk]["summary"] == FRENCH["summary"]
    assert records[practice.pk]["languages"] == ["en", "fr"] and records[practice.pk]["text_language"] == "fr"
    # The rest of the record is the original's: it prevails.
    assert records[practice.pk]["description"] == "The fund guarantees bank loans to small firms."
    assert records[registry.pk]["languages"] == ["en"] and records[registry.pk]["text_language"] == "en"
    rows = list(csv.DictReader(io.StringIO(body(client.get("/fr/practices/export.csv")).lstrip("\ufeff"))))
    row = next(row for row in rows if row["id"] == str(practice.pk))
    assert row["title"] == FRENCH["title"] and row["languages"] == "en; fr"
    english = json.loads(body(client.get("/en/practices/export.json")))["results"]
    assert next(record for record in english if record["id"] == practice.pk)["title"] == "SME credit guarantee fund"


def test_the_api_gives_and_searches_the_language_asked_for(client, practice, registry, french):
    found = client.get("/api/practices/", {"lang": "fr", "q": "garantie de crédit"}).json()
    assert [(record["id"], record["title"], record["text_language"]) for record in found["results"]] == [(practice.pk, FRENCH["title"], "fr")]
    assert found["results"][0]["languages"] == ["en", "fr"]
    # Without a language: as written, searched in English.
    assert client.get("/api/practices/", {"q": "garantie de crédit"}).json()["count"] == 0
    as_written = client.get(f"/api/practices/{practice.pk}/").json()
    assert (as_written["title"], as_written["text_language"], as_written["languages"]) == ("SME credit guarantee fund", "en", ["en", "fr"])
    assert client.get(f"/api/practices/{practice.pk}/", {"lang": "fr"}).json()["title"] == FRENCH["title"]
    # A language the platform has no translation in gives the original.
    assert client.get(f"/api/practices/{practice.pk}/", {"lang": "es"}).json()["title"] == "SME credit guarantee fund"
    for path in ("/api/practices/", f"/api/practices/{practice.pk}/"):
        refused = client.get(path, {"lang": "de"})
        assert refused.status_code == 400 and list(refused.json()["errors"]) == ["lang"], path


# --- Nothing that is not public shows anywhere ---


def public_channels(practice, other, language):
    return [
        page_url(practice, language),
        page_url(practice, language, text=language),
        f"/{language}/practices/",
        f"/{language}/practices/?available={language}",
        f"/{language}/practices/compare/?p={practice.pk}&p={other.pk}",
        f"/{language}/countries/KE/",
        f"/{language}/regions/africa/",
        f"/{language}/feeds/practices/",
        f"/{language}/feeds/search/?q=fondo",
        f"/{language}/practices/export.json",
        f"/{language}/practices/export.csv",
        f"/api/practices/?lang={language}",
        f"/api/practices/{practice.pk}/?lang={language}",
        "/sitemap.xml",
    ]


def test_a_draft_or_a_translation_in_review_shows_nowhere(client, practice, registry, focal_b, contributor_a):
    in_review = services.start_translation(practice, by=focal_b, language="es")
    services.save_translation(in_review, by=focal_b, text=SECRET_SPANISH)
    services.submit_translation(in_review, by=focal_b)
    draft = services.start_translation(registry, by=contributor_a, language="fr")
    services.save_translation(draft, by=contributor_a, text=SECRET_FRENCH)
    for language, words in (("es", ("secreto", "confidencial")), ("fr", ("clandestin",))):
        for path in public_channels(practice, registry, language) + public_channels(registry, practice, language):
            response = client.get(path)
            assert response.status_code == 200, path
            content = body(response)
            for word in words:
                assert word not in content, (word, path)
    # Not found, not counted, not available in those languages.
    assert client.get("/es/practices/", {"q": "fondo secreto avales"}).context["total"] == 0
    assert client.get("/fr/practices/", {"q": "registre clandestin"}).context["total"] == 0
    assert client.get("/api/practices/", {"lang": "es", "q": "secreto"}).json()["count"] == 0
    assert facet(client.get("/en/practices/"), "available") == {"en": 2}
    assert client.get("/en/practices/", {"available": ["es", "fr"]}).context["total"] == 0


def test_the_translation_of_an_archived_practice_shows_nowhere(client, practice, registry, french, focal_a):
    services.archive_practice(practice, by=focal_a)
    assert client.get(page_url(practice)).status_code == 404
    assert client.get(page_url(practice, text="fr")).status_code == 404
    assert client.get(f"/api/practices/{practice.pk}/", {"lang": "fr"}).status_code == 404
    for path in public_channels(registry, practice, "fr")[2:]:
        response = client.get(path)
        assert response.status_code == 200, path
        content = body(response)
        assert FRENCH["title"] not in content and "garantit" not in content, path
    assert client.get("/fr/practices/", {"q": "garantie de crédit"}).context["total"] == 0
    assert client.get("/api/practices/", {"lang": "fr", "q": "garantie de crédit"}).json()["count"] == 0
    assert facet(client.get("/en/practices/"), "available") == {"en": 1}
    assert client.get("/en/practices/", {"available": "fr"}).context["total"] == 0


def test_an_earlier_translation_gives_way_to_the_one_published_after_it(client, practice, french, focal_b, moderator):
    publish_translation(practice, by=focal_b, moderator=moderator, language="fr", text={**FRENCH, "title": "Fonds de garantie des crédits aux PME"})
    html = client.get(page_url(practice)).content.decode()
    assert '<h1 lang="fr">Fonds de garantie des crédits aux PME</h1>' in html
    listed = client.get("/fr/practices/").content.decode()
    assert "Fonds de garantie des crédits aux PME" in listed and FRENCH["title"] not in listed


# --- The same few queries, with translations or without ---


def translated_catalogue(country, by, volunteer, moderator, numbers):
    practices = []
    for number in numbers:
        practice = publish_practice(
            country, by=by, moderator=moderator, title=f"Credit guarantee scheme {number}", summary="Guarantees for loans.",
            themes=["access-to-finance"], adapted_from=[practices[0].pk] if practices else [],
        )
        if number % 2 == 0:
            publish_translation(practice, by=volunteer, moderator=moderator, language="fr", text={**FRENCH, "title": f"Garantie de crédit {number}"})
        practices.append(practice)
    return practices


def reading_pages(first, second):
    return [
        "/fr/practices/",
        "/fr/practices/?q=garantie",
        "/fr/practices/?available=fr",
        page_url(first),
        page_url(first, text="en"),
        f"/fr/practices/compare/?p={first.pk}&p={second.pk}",
        "/fr/countries/KE/",
        "/fr/regions/africa/",
        "/fr/feeds/practices/",
        "/fr/practices/export.csv",
        "/api/practices/?lang=fr&q=garantie",
        f"/api/practices/{first.pk}/?lang=fr",
    ]


def queries_of(client, paths):
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            body(response)
        assert response.status_code == 200, path
        counts[path] = len(captured)
    return counts


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_more_translations_do_not_mean_more_queries(client, country_a, contributor_a, focal_b, moderator):
    practices = translated_catalogue(country_a, contributor_a, focal_b, moderator, range(4))
    paths = reading_pages(practices[0], practices[1])
    before = queries_of(client, paths)
    translated_catalogue(country_a, contributor_a, focal_b, moderator, range(4, 24))
    for practice in practices[1::2]:
        publish_translation(practice, by=focal_b, moderator=moderator, language="es", text={**FRENCH, "title": "Garantía de crédito"})
    assert queries_of(client, paths) == before


def test_translated_pages_read_at_most_five_queries_once_the_data_cache_is_warm(
    client, settings, country_a, contributor_a, focal_b, moderator, django_assert_max_num_queries
):
    settings.DATA_CACHE, settings.PAGE_CACHE = True, False
    practices = translated_catalogue(country_a, contributor_a, focal_b, moderator, range(4))
    pagecache.clear_worker_caches()
    for path in reading_pages(practices[0], practices[1]):
        if "export" in path:
            continue  # exports are read afresh each time (tests/practices/test_opendata.py pins them)
        assert client.get(path).status_code == 200, path  # warms the data cache
        with django_assert_max_num_queries(PUBLIC_MAX_QUERIES, info=path):
            assert client.get(path).status_code == 200


# --- What changed in the original, for the readers of an outdated translation ---


def publish_new_version(practice, *, by, moderator, **changes):
    revision = services.start_revision(practice, by=by)
    services.save_revision(revision, by=by, changes={**revision.content, **changes})
    services.submit_revision(revision, by=by)
    services.publish_revision(revision, by=moderator)
    return revision


def test_an_outdated_translation_links_to_what_changed_in_the_original_and_only_the_public_text_shows(
    client, practice, french, contributor_a, moderator
):
    publish_new_version(
        practice, by=contributor_a, moderator=moderator, summary="Guarantees for SME loans, now up to 80%.",
        contact_name="Wanjiru Private", contact_email="wanjiru.private@example.org",
    )
    # A third version, still a draft: never compared in public.
    draft = services.start_revision(practice, by=contributor_a)
    services.save_revision(draft, by=contributor_a, changes={**draft.content, "summary": "Draft words never published."})

    html = client.get(page_url(practice)).content.decode()
    outdated = re.search(r'<p class="translation-outdated">(.*?)</p>', html, re.S).group(1)
    link = re.search(r'href="([^"]*/changes/[^"]*)"', outdated).group(1)
    assert link == f"/fr/practices/{practice.pk}/changes/?since=1"

    page = client.get(link)
    assert page.status_code == 200
    changes = page.content.decode()
    assert "<ins><span" in changes and "80%" in changes.split("<ins>", 1)[1]
    assert '<p class="diff" lang="en">' in changes
    for private in ("Wanjiru", "wanjiru.private@example.org", "Draft words never published"):
        assert private not in changes
    # Only published versions can be chosen: version 3 is a draft.
    assert re.findall(r'<option value="(\d+)"', changes) == ["1"]
    assert client.get(f"/fr/practices/{practice.pk}/changes/", {"since": "3"}).status_code == 404
    assert client.get(f"/fr/practices/{practice.pk}/changes/", {"since": "2"}).status_code == 404  # the current one
    assert client.get(f"/fr/practices/{practice.pk}/changes/", {"since": "x\x00"}).status_code == 200


def test_a_practice_with_a_single_published_version_says_nothing_changed(client, registry, focal_a):
    page = client.get(f"/en/practices/{registry.pk}/changes/")
    assert page.status_code == 200
    assert "single published version" in page.content.decode()
    services.archive_practice(registry, by=focal_a, note="Closed")
    assert client.get(f"/en/practices/{registry.pk}/changes/").status_code == 404
