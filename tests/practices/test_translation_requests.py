"""Readers asking for a practice in their language, and what ITC sees of the languages practices are read in.

A signed-in reader asks from the practice page (a plain form): once per practice and language, and may
withdraw. The practice's team and ITC see how many ask, never who (ITC finds who in the audit record);
the public sees neither. The demand ranks ITC's translation queue. ITC's coverage page counts the
published practices readable in each language, in all and per country, in two queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries import pagecache
from countries.models import Country
from practices import services
from practices.models import ReviewEvent, TranslationRequest
from practices.translation_views import coverage
from tests.conftest import make_member, make_user
from tests.factories import publish_practice
from tests.practices.test_translations import assert_valid_page

pytestmark = pytest.mark.django_db

Action = ReviewEvent.Action


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    # Kenya's practice, written in English and published.
    return publish_practice(country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", summary="Guarantees.")


def ask_url(practice):
    return reverse("practices:translation_ask", kwargs={"pk": practice.pk})


def withdraw_url(practice):
    return reverse("practices:translation_ask_withdraw", kwargs={"pk": practice.pk})


def page_url(practice):
    return reverse("practices:practice_detail", kwargs={"pk": practice.pk})


def readers(country, number):
    """`number` signed-in readers: contributors of `country`."""
    return [make_member(country, f"reader{index}.{country.iso2.lower()}@example.org", "contributor", f"Reader {index}") for index in range(number)]


def publish_translation(practice, *, by, moderator, language="fr", title="Fonds de garantie"):
    translation = services.start_translation(practice, by=by, language=language)
    services.save_translation(translation, by=by, text={"title": title, "summary": "Résumé.", "description": "Texte."})
    services.submit_translation(translation, by=by)
    return services.publish_translation(translation, by=moderator)


# --- Asking, once, and withdrawing ---


def test_a_reader_asks_once_from_the_practice_page_and_may_withdraw(client, practice, contributor_b):
    client.force_login(contributor_b)
    page = client.get(page_url(practice)).content.decode()
    assert f'action="{ask_url(practice)}"' in page and "Ask for it in French" in page and "Ask for it in Spanish" in page
    assert "Ask for it in English" not in page  # the practice is written in English

    response = client.post(ask_url(practice), {"language": "fr"})
    assert response.status_code == 302 and response["Location"] == page_url(practice) + "#ask-translation-title"
    # Asking again (a second click, another tab) changes nothing and records nothing.
    client.post(ask_url(practice), {"language": "fr"})
    request = TranslationRequest.objects.get()
    assert (request.practice, request.language, request.requested_by, request.is_open) == (practice, "fr", contributor_b, True)
    asked = practice.events.filter(action=Action.TRANSLATION_REQUESTED)
    assert [(event.actor, event.to_status) for event in asked] == [(contributor_b, "fr")]
    response = client.get(page_url(practice))
    assert_valid_page(response)
    page = response.content.decode()
    assert "You asked for this practice in French." in page and f'action="{withdraw_url(practice)}"' in page

    client.post(withdraw_url(practice), {"language": "fr"})
    client.post(withdraw_url(practice), {"language": "fr"})  # withdrawn already: nothing more
    assert not TranslationRequest.objects.get().is_open
    assert practice.events.filter(action=Action.TRANSLATION_REQUEST_WITHDRAWN, actor=contributor_b).count() == 1
    assert "Ask for it in French" in client.get(page_url(practice)).content.decode()
    # Asking after withdrawing asks again, on the same row.
    client.post(ask_url(practice), {"language": "fr"})
    assert TranslationRequest.objects.get().is_open and practice.events.filter(action=Action.TRANSLATION_REQUESTED).count() == 2


def test_a_reader_without_a_team_may_ask_too(client, practice, outsider):
    client.force_login(outsider)
    assert client.post(ask_url(practice), {"language": "es"}).status_code == 302
    assert TranslationRequest.objects.get().requested_by == outsider


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The practice is written in this language"),
        ("fr", "The practice can already be read in this language"),
        ("other", "Choose English, French or Spanish."),
        ("xx", "Choose English, French or Spanish."),
        ("", "Choose English, French or Spanish."),
    ],
)
def test_a_language_it_can_be_read_in_is_refused_with_a_message(client, practice, focal_b, moderator, contributor_b, language, message):
    publish_translation(practice, by=focal_b, moderator=moderator)
    client.force_login(contributor_b)
    response = client.post(ask_url(practice), {"language": language}, follow=True)
    assert message in response.content.decode()
    assert not TranslationRequest.objects.exists()
    assert not practice.events.filter(action=Action.TRANSLATION_REQUESTED).exists()


def test_an_unpublished_practice_cannot_be_asked_for(client, country_a, contributor_a, contributor_b, practice, focal_a):
    draft = services.create_practice(country_a, by=contributor_a, content={"title": "Draft"})[0]
    services.archive_practice(practice, by=focal_a)
    client.force_login(contributor_b)
    for unpublished in (draft, practice):
        assert client.post(ask_url(unpublished), {"language": "fr"}).status_code == 404
        assert client.post(withdraw_url(unpublished), {"language": "fr"}).status_code == 404
    assert not TranslationRequest.objects.exists()


def test_visitors_are_sent_to_sign_in_and_get_no_form(client, practice):
    page = client.get(page_url(practice)).content.decode()
    assert ask_url(practice) not in page and "Ask for a translation" not in page
    response = client.post(ask_url(practice), {"language": "fr"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not TranslationRequest.objects.exists()


# --- Who sees the demand ---


def test_the_team_sees_how_many_ask_never_who(client, practice, country_b, contributor_a, contributor_b, focal_b):
    for reader in readers(country_b, 3):
        services.ask_for_translation(practice, by=reader, language="fr")
    services.ask_for_translation(practice, by=contributor_b, language="es")
    client.force_login(contributor_a)
    listing = client.get(reverse("practices:translation_list", kwargs={"iso2": "KE"}))
    assert_valid_page(listing)
    assert [(row["language"], row["requests"]) for row in listing.context["asked_for"]] == [("fr", 3), ("es", 1)]
    workspace = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk})).content.decode()
    assert "French (3 readers)" in workspace and "Spanish (1 reader)" in workspace
    for html in (listing.content.decode(), workspace):
        assert "Reader 0" not in html and "reader0.co@example.org" not in html and contributor_b.full_name not in html
    # The team's history of the practice leaves the requests out; ITC's review of it has them, with who asked.
    assert "Translation asked for by a reader" not in workspace


def test_the_public_and_other_readers_see_no_count(client, practice, country_b, contributor_a):
    for reader in readers(country_b, 2):
        services.ask_for_translation(practice, by=reader, language="fr")
    for user in (None, contributor_a):
        if user:
            client.force_login(user)
        html = client.get(page_url(practice)).content.decode()
        assert "2 readers" not in html and "Readers asking" not in html and "Reader 0" not in html
    api = client.get(reverse("api:practice_detail", kwargs={"pk": practice.pk})).content.decode()
    assert "request" not in api.lower()


def test_a_published_translation_meets_the_demand(practice, country_b, focal_b, moderator):
    for reader in readers(country_b, 2):
        services.ask_for_translation(practice, by=reader, language="fr")
        services.ask_for_translation(practice, by=reader, language="es")
    publish_translation(practice, by=focal_b, moderator=moderator)
    assert [(row["language"], row["requests"]) for row in TranslationRequest.objects.demand()] == [("es", 2)]


def test_the_queue_ranks_the_most_asked_for_first(client, country_a, contributor_a, focal_b, country_b, moderator):
    older = publish_practice(country_a, by=contributor_a, moderator=moderator, title="Export desk")
    wanted = publish_practice(country_a, by=contributor_a, moderator=moderator, title="Credit guarantee")
    asked_only = publish_practice(country_a, by=contributor_a, moderator=moderator, title="Women's fund")
    for practice in (older, wanted):  # the older one is submitted first
        translation = services.start_translation(practice, by=focal_b, language="fr")
        services.save_translation(translation, by=focal_b, text={"title": f"FR {practice.title}", "summary": "R.", "description": "T."})
        services.submit_translation(translation, by=focal_b)
    for reader in readers(country_b, 2):
        services.ask_for_translation(wanted, by=reader, language="fr")
        services.ask_for_translation(asked_only, by=reader, language="es")
    services.ask_for_translation(asked_only, by=focal_b, language="es")
    client.force_login(moderator)
    queue = client.get(reverse("practices:translation_queue"))
    assert_valid_page(queue)
    assert [(translation.practice, translation.readers_waiting) for translation in queue.context["translations"]] == [(wanted, 2), (older, 0)]
    rows = [(row["practice"], row["language"], row["requests"], row["open_translation"]) for row in queue.context["asked_for"]]
    assert rows == [(asked_only, "es", 3, None), (wanted, "fr", 2, wanted.translations.get())]
    html = queue.content.decode()
    assert html.index("FR Credit guarantee") < html.index("FR Export desk")
    assert focal_b.full_name not in html.split('id="asked-title"')[1]  # counts, not who asked


def test_an_archived_practice_leaves_the_demand(practice, country_b, focal_a):
    services.ask_for_translation(practice, by=readers(country_b, 1)[0], language="fr")
    services.archive_practice(practice, by=focal_a)
    assert list(TranslationRequest.objects.demand()) == []


def test_asking_and_withdrawing_keep_the_visitors_pages(practice, contributor_b, django_capture_on_commit_callbacks):
    """A request shows on no public page: it does not renew the pages kept for visitors (countries/pagecache.py)."""
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.ask_for_translation(practice, by=contributor_b, language="fr")
        services.withdraw_translation_request(practice, by=contributor_b, language="fr")
    assert not [callback for callback in callbacks if isinstance(callback, pagecache.BumpOnCommit)]
    assert pagecache.generation() == generation


# --- Coverage, for ITC ---


def test_coverage_counts_what_can_be_read_in_each_language(client, country_a, country_b, contributor_a, focal_b, moderator):
    english = publish_practice(country_a, by=contributor_a, moderator=moderator, title="Credit guarantee")
    publish_translation(english, by=focal_b, moderator=moderator, language="fr")
    publish_practice(country_a, by=contributor_a, moderator=moderator, title="Guichet unique", original_language="fr")
    spanish = publish_practice(country_b, by=focal_b, moderator=moderator, title="Fondo pyme", original_language="es")
    # An English translation waiting for review is not readable yet; a draft practice does not count.
    in_review = services.start_translation(spanish, by=contributor_a, language="en")
    services.save_translation(in_review, by=contributor_a, text={"title": "SME fund", "summary": "S.", "description": "D."})
    services.submit_translation(in_review, by=contributor_a)
    services.create_practice(country_a, by=contributor_a, content={"title": "Not published"})
    # Shared with Colombia: it counts for both countries.
    services.add_co_owner(english, by=moderator, country=country_b)

    figures = coverage()
    assert figures["practices"] == 3
    assert [(row["code"], row["original"], row["translated"], row["readable"], row["share"]) for row in figures["languages"]] == [
        ("en", 1, 0, 1, 33), ("fr", 1, 1, 2, 67), ("es", 1, 0, 1, 33),
    ]
    assert [(row["iso2"], row["practices"], row["readable"]) for row in figures["countries"]] == [
        ("CO", 2, [1, 1, 1]), ("KE", 2, [1, 2, 0]),
    ]
    client.force_login(moderator)
    page = client.get(reverse("practices:translation_coverage"))
    assert_valid_page(page)
    assert "Can be read in French" in page.content.decode()


def test_coverage_and_queue_read_the_same_number_of_queries_however_many_practices(client, country_a, country_b, contributor_a, focal_b, moderator):
    def queries(path):
        client.get(path)  # the session and the moderator's checks warm up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    def more(number, country, by):
        for index in range(number):
            practice = publish_practice(country, by=by, moderator=moderator, title=f"Practice {country.iso2} {index}")
            translation = services.start_translation(practice, by=focal_b if country == country_a else contributor_a, language="fr")
            services.save_translation(translation, by=translation.translated_by, text={"title": "T", "summary": "S", "description": "D"})
            services.submit_translation(translation, by=translation.translated_by)
            services.ask_for_translation(practice, by=moderator, language="es")

    client.force_login(moderator)
    more(1, country_a, contributor_a)
    paths = [reverse("practices:translation_coverage"), reverse("practices:translation_queue")]
    before = [queries(path) for path in paths]
    more(3, country_a, contributor_a)
    more(2, country_b, focal_b)
    senegal = Country.objects.get(iso2="SN")
    more(2, senegal, make_member(senegal, "focal.sn@example.org", "focal_point"))
    assert [queries(path) for path in paths] == before
    assert len(coverage()["countries"]) == 3


def test_the_coverage_page_is_itcs(client, focal_a):
    client.force_login(focal_a)
    assert client.get(reverse("practices:translation_coverage")).status_code == 403
    client.force_login(make_user("nobody@example.org"))
    assert client.get(reverse("practices:translation_coverage")).status_code == 403
