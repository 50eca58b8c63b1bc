"""Browse and search the published practices: every filter, facet counts, full-text search, bad input."""

import re

import pytest
from django.urls import reverse

from countries.models import Country, Region
from practices import services
from practices.models import Practice
from tests.factories import publish_practice

URL = "/en/practices/"


@pytest.fixture
def catalogue(country_a, country_b, focal_a, focal_b, contributor_a, moderator):
    """Published practices in Kenya (Africa) and Colombia (Americas), and some that are not public."""
    practices = {
        "guarantee": publish_practice(
            country_a, by=focal_a, moderator=moderator, title="Credit guarantee for small firms", summary="The state guarantees bank loans.",
            themes=["access-to-finance"], instruments=["guarantee-credit-line"], target_groups=["small-enterprises"],
            implementation_status="ongoing", start_year=2015, end_year=None, evidence_label="monitored",
        ),
        "registry": publish_practice(
            country_a, by=focal_a, moderator=moderator, title="Online business registry", summary="Register a company online.",
            description="Firms register in one day. Access to finance improves once registered.",
            themes=["business-environment", "digital-transformation"], instruments=["digital-platform"],
            implementation_status="completed", start_year=2010, end_year=2014, level="regional",
        ),
        "fondo": publish_practice(
            country_b, by=focal_b, moderator=moderator, title="Fondo para pequeñas empresas rurales",
            summary="Créditos para las pequeñas empresas del campo.", description="El fondo financia a los productores.",
            themes=["access-to-finance", "green-transition"], target_groups=["rural-smallholders"], original_language="es",
            start_year=2020,
        ),
    }
    # Not public: a draft, a practice in review, an archived one, and an unreviewed edit of a published one.
    services.create_practice(country_a, by=contributor_a, content={"title": "Secret draft on access to finance", "themes": ["access-to-finance"]})
    _p, in_review = services.create_practice(
        country_b, by=focal_b, content={"title": "Pending guarantee", "summary": "s", "description": "d", "level": "national", "themes": ["access-to-finance"]}
    )
    services.submit_revision(in_review, by=focal_b)
    archived = publish_practice(country_a, by=focal_a, moderator=moderator, title="Archived finance scheme", themes=["access-to-finance"])
    services.archive_practice(archived, by=focal_a)
    edit = services.start_revision(practices["registry"], by=focal_a)
    services.save_revision(edit, by=focal_a, changes={**edit.content, "title": "Unreviewed registry title"})
    return practices


def titles(response):
    return [practice.title for practice in response.context["practices"]]


def counts(response, facet):
    for item in response.context["facets"]:
        if item["name"] == facet:
            return {option["value"]: option["count"] for option in item["options"]}
    return {}


def test_only_published_practices_are_listed_and_counted(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales", "Online business registry"]
    page = response.content.decode()
    for hidden in ("Secret draft", "Pending guarantee", "Archived finance scheme", "Unreviewed registry title"):
        assert hidden not in page
    assert counts(response, "theme")["access-to-finance"] == 2
    assert counts(response, "country") == {"KE": 2, "CO": 1}
    assert "3 practices" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"theme": "access-to-finance"}, ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales"]),
        ({"theme": ["green-transition", "digital-transformation"]}, ["Fondo para pequeñas empresas rurales", "Online business registry"]),
        ({"instrument": "digital-platform"}, ["Online business registry"]),
        ({"target": "rural-smallholders"}, ["Fondo para pequeñas empresas rurales"]),
        ({"level": "regional"}, ["Online business registry"]),
        ({"status": "ongoing"}, ["Credit guarantee for small firms"]),
        ({"evidence": "monitored"}, ["Credit guarantee for small firms"]),
        ({"language": "es"}, ["Fondo para pequeñas empresas rurales"]),
        ({"country": "CO"}, ["Fondo para pequeñas empresas rurales"]),
        ({"year_from": "2016"}, ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales"]),
        ({"year_to": "2012"}, ["Online business registry"]),
        ({"year_from": "2012", "year_to": "2016"}, ["Credit guarantee for small firms", "Online business registry"]),
        ({"theme": "access-to-finance", "country": "KE"}, ["Credit guarantee for small firms"]),
    ],
)
def test_each_filter_narrows_the_results(client, catalogue, query, expected):
    response = client.get(URL, {**query, "sort": "title"})
    assert titles(response) == expected


def test_regions_at_every_level_filter_by_owner_and_co_owner(client, catalogue, country_b, moderator):
    africa, americas, south_america = (Region.objects.get(code=code).slug for code in ("002", "019", "005"))
    assert len(titles(client.get(URL, {"region": africa}))) == 2
    assert titles(client.get(URL, {"subregion": south_america})) == ["Fondo para pequeñas empresas rurales"]
    # Shared with Colombia, Kenya's guarantee is found in the Americas too, and counted once per country.
    services.add_co_owner(catalogue["guarantee"], by=moderator, country=country_b)
    response = client.get(URL, {"region": americas, "sort": "title"})
    assert titles(response) == ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales"]
    all_counts = client.get(URL)
    assert counts(all_counts, "country") == {"KE": 2, "CO": 2}
    assert counts(all_counts, "region") == {africa: 2, americas: 2}


def test_facet_counts_are_taken_within_the_rest_of_the_selection(client, catalogue):
    response = client.get(URL, {"theme": "access-to-finance"})
    # Other filters count within the chosen theme ...
    assert counts(response, "country") == {"KE": 1, "CO": 1}
    assert counts(response, "language") == {"en": 1, "es": 1}
    # ... and the theme filter counts without itself, so another theme can be added.
    assert counts(response, "theme")["digital-transformation"] == 1
    theme_options = next(item for item in response.context["facets"] if item["name"] == "theme")["options"]
    assert [option["value"] for option in theme_options if option["checked"]] == ["access-to-finance"]


def reference_facet_counts(filterset):
    """The facet counts the slow, obvious way: for each value of each facet, the selection without that
    facet's filter, narrowed to the value, counted by the ORM."""
    counts = {}
    for facet in filterset.FACETS:
        values = filterset.vocabulary.names.get(facet) or dict(filterset.filters[facet].extra["choices"])
        without = filterset.without(facet)
        counts[facet] = {
            value: n for value in values if (n := filterset.filters[facet].filter(without, [value]).distinct().count())
        }
    return counts


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "finance"},
        {"q": "register", "theme": "digital-transformation"},
        {"q": "empresas", "country": "CO"},
        {"theme": ["access-to-finance", "digital-transformation"], "language": "en"},
        {"region": "africa", "status": "ongoing", "evidence": "monitored"},
        {"subregion": "eastern-africa", "level": ["national", "regional"], "year_from": "2012"},
        {"country": ["KE", "CO"], "instrument": "guarantee-credit-line", "target": "small-enterprises", "year_to": "2016"},
        {"region": ["africa", "americas"], "theme": "access-to-finance", "q": "credit"},
    ],
)
def test_facet_counts_in_one_query_are_those_of_counting_each_value(catalogue, country_b, moderator, query, django_assert_num_queries):
    """The one-query facet counts (selection read once, a flag per filter in force) agree with counting
    every value of every facet on its own, with a practice listed under two countries of one region."""
    from django.http import QueryDict

    from practices.filters import PracticeFilter, Vocabulary

    services.add_co_owner(catalogue["guarantee"], by=moderator, country=country_b)
    # Uganda is in Eastern Africa like Kenya: the guarantee counts once there, not twice.
    services.add_co_owner(catalogue["guarantee"], by=moderator, country=Country.objects.get(iso2="UG"))
    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    filterset = PracticeFilter(data, queryset=Practice.objects.published(), vocabulary=Vocabulary())
    assert not filterset.errors
    with django_assert_num_queries(1):
        counts, total = filterset._count_facets()
    assert counts == reference_facet_counts(filterset)
    assert total == filterset.qs.count()
    if "language" not in query:  # each practice has one language: the counts add up to the results
        assert sum(counts["language"].values()) == filterset.ordered().count() > 0


def test_each_filter_in_force_can_be_removed_on_its_own(client, catalogue):
    response = client.get(URL, {"theme": "access-to-finance", "country": "KE"})
    removal = {item["value"]: item["remove_url"] for item in response.context["selected"]}
    assert removal["Kenya"] == "?theme=access-to-finance"
    assert removal["Access to finance"] == "?country=KE"


# --- Words ---


def test_search_matches_title_summary_description_and_results_ranked_by_where_the_words_are(client, catalogue):
    response = client.get(URL, {"q": "access finance"})
    # The title-less match (the registry mentions it in its description) ranks below none here:
    assert titles(response) == ["Online business registry"]
    response = client.get(URL, {"q": "guarantee"})
    assert titles(response) == ["Credit guarantee for small firms"]


def test_search_ignores_accents_and_knows_spanish_and_french_word_forms(client, catalogue):
    assert titles(client.get(URL, {"q": "pequenas"})) == ["Fondo para pequeñas empresas rurales"]
    assert titles(client.get("/es/practices/", {"q": "empresa rural"})) == ["Fondo para pequeñas empresas rurales"]
    assert titles(client.get(URL, {"q": "registered"})) == ["Online business registry"]  # english stemming: register


def test_title_matches_rank_above_description_matches(client, catalogue, country_a, focal_a, moderator):
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Export desk", description="Firms get a guarantee for export credit.")
    assert titles(client.get(URL, {"q": "guarantee"})) == ["Credit guarantee for small firms", "Export desk"]


def test_snippets_highlight_the_words_and_show_the_text_inert(client, catalogue, country_a, focal_a, moderator):
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Tricky", description="<script>alert(1)</script> The voucher scheme pays advisers.")
    page = client.get(URL, {"q": "voucher"}).content.decode()
    assert "<mark>voucher</mark>" in page
    # PostgreSQL's snippets leave tags out; whatever text comes back is escaped.
    assert "<script>alert" not in page


def test_search_never_reveals_unpublished_text(client, catalogue):
    for words in ("secret", "pending", "archived", "unreviewed"):
        response = client.get(URL, {"q": words})
        assert titles(response) == [], words


@pytest.mark.parametrize(
    "words",
    ['"credit guarantee"', "credit -registry", "credit OR fondo", "the and of", "中小企业", "!!! ((( ))) & | :*", "a" * 199, "' OR 1=1 --"],
)
def test_odd_searches_give_a_page_not_an_error(client, catalogue, words):
    assert client.get(URL, {"q": words}).status_code == 200


def test_an_operator_search_does_what_it_says(client, catalogue):
    assert titles(client.get(URL, {"q": "business -registry"})) == []
    assert sorted(titles(client.get(URL, {"q": "guarantee OR fondo"}))) == ["Credit guarantee for small firms", "Fondo para pequeñas empresas rurales"]


# --- Order, pages and bad input ---


@pytest.mark.caches_off("changes PracticeFilter.RANKED_MATCHES mid-test, which only a restart does")
def test_relevance_ranks_the_most_recent_matches_and_says_so(client, country_a, focal_a, moderator, monkeypatch):
    """A word found in nearly every practice would make every page rank them all: the browse page ranks the
    newest RANKED_MATCHES, says so, and offers newest first to go through every match."""
    from practices.filters import PracticeFilter

    publish_practice(country_a, by=focal_a, moderator=moderator, title="Microcredit for women entrepreneurs", summary="Microcredit.")
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Export help desk", description="Some firms used microcredit.")
    publish_practice(country_a, by=focal_a, moderator=moderator, title="Microcredit bureau", description="A bureau for lenders.")
    monkeypatch.setattr(PracticeFilter, "RANKED_MATCHES", 3)
    response = client.get(URL, {"q": "microcredit"})
    ranked = titles(response)
    # Every match ranked: the one with the word in its title and summary first, the description last.
    assert ranked[0] != "Export help desk" and ranked[-1] == "Export help desk" and len(ranked) == 3
    assert "most recent matches" not in response.content.decode()

    monkeypatch.setattr(PracticeFilter, "RANKED_MATCHES", 2)
    response = client.get(URL, {"q": "microcredit"})
    # The two most recent, in the same order; the oldest is not ranked.
    assert titles(response) == [title for title in ranked if title != "Microcredit for women entrepreneurs"]
    page = response.content.decode()
    assert "3 practices" in page
    assert "Sorted by relevance among the 2 most recent matches." in page
    assert 'href="/en/practices/?q=microcredit&amp;sort=newest"' in page
    assert titles(client.get(URL, {"q": "microcredit", "sort": "newest"})) == [
        "Microcredit bureau", "Export help desk", "Microcredit for women entrepreneurs"
    ]
    # The API and the exports rank every match.
    api = client.get("/api/practices/", {"q": "microcredit"}).json()
    assert [item["title"] for item in api["results"]] == ranked


@pytest.mark.caches_off("reads the template context of a page asked twice, which a page from memory has none of")
def test_results_sort_by_title_newest_and_relevance(client, catalogue):
    assert titles(client.get(URL, {"sort": "title"})) == sorted(titles(client.get(URL, {"sort": "title"})))
    newest = titles(client.get(URL))
    assert newest[0] == "Fondo para pequeñas empresas rurales"
    # Relevance needs words: without them, the order falls back to newest first.
    assert titles(client.get(URL, {"sort": "relevance"})) == newest


@pytest.mark.parametrize(
    "query, message",
    [
        ({"theme": "no-such-theme"}, "Select a valid choice"),
        ({"year_from": "twenty"}, "Write a year, such as 2020."),
        ({"year_to": "3000"}, "2100"),
        ({"sort": "random"}, "Select a valid choice"),
        ({"q": "x" * 201}, "200"),
    ],
)
def test_bad_filter_values_are_left_out_with_a_message(client, catalogue, query, message):
    response = client.get(URL, {**query, "country": "KE"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "This filter is left out." in response.content.decode()
    assert len(titles(response)) == 2  # the valid filter still applies


def test_year_boxes_offer_the_years_a_practice_may_run_in(client, catalogue):
    page = client.get(URL).content.decode()
    assert page.count('min="1950" max="2100"') == 2


def test_a_page_number_past_the_end_shows_the_last_page(client, catalogue, country_a, focal_a, moderator):
    for number in range(20):
        publish_practice(country_a, by=focal_a, moderator=moderator, title=f"Practice {number:02}")
    response = client.get(URL, {"page": "99999999", "sort": "title"})
    assert response.status_code == 200 and response.context["page"].number == 2
    assert client.get(URL, {"page": "-1"}).status_code == 200
    assert client.get(URL, {"page": "abc"}).context["page"].number == 1


def test_pages_keep_the_query(client, catalogue, country_a, focal_a, moderator):
    for number in range(21):
        publish_practice(country_a, by=focal_a, moderator=moderator, title=f"Practice {number:02}", themes=["green-transition"])
    page = client.get(URL, {"theme": "green-transition", "sort": "title"}).content.decode()
    assert re.search(r'href="/en/practices/\?theme=green-transition&amp;sort=title&amp;page=2"', page)


def test_htmx_gets_the_filters_and_results_only(client, catalogue):
    response = client.get(URL, {"theme": "access-to-finance"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and "Credit guarantee for small firms" in page
    assert response["Vary"].count("HX-Request") == 1


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_browse_page_keeps_a_constant_number_of_queries(client, catalogue, country_a, focal_a, moderator, django_assert_max_num_queries):
    query = {"q": "finance", "level": ["national", "regional"], "region": Region.objects.get(code="002").slug}
    with django_assert_max_num_queries(40) as few:
        assert len(titles(client.get(URL, query))) == 1
    for number in range(15):
        publish_practice(country_a, by=focal_a, moderator=moderator, title=f"Finance practice {number}", themes=["access-to-finance", "green-transition"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, query)
    assert len(titles(response)) == 16


def test_a_country_code_in_lower_case_is_understood(client, catalogue):
    assert Country.objects.get(iso2="KE")
    assert len(titles(client.get(URL, {"country": "ke"}))) == 2


@pytest.mark.parametrize("language, shown", [("en", "98,990"), ("fr", "98\xa0990"), ("es", "98\xa0990")])
def test_counts_of_practices_are_grouped_by_thousands_in_the_readers_language(language, shown):
    from django.utils import translation

    from practices.templatetags.practices import grouped

    with translation.override(language):
        assert grouped(98990) == shown
        assert grouped(7) == "7"


def test_the_browse_page_groups_its_counts(client, catalogue, monkeypatch):
    monkeypatch.setattr("practices.filters.PracticeFilter.total", lambda self: 12345)
    page = client.get(URL).content.decode()
    assert "12,345 practices" in page and "Go to the 12,345 results" in page
    assert "12\xa0345 pratiques" in client.get("/fr/practices/").content.decode()
