"""Comparing published practices side by side, on the public site, through HTTP."""

import re

import pytest
from django.urls import reverse

from countries.models import Country
from practices import services
from tests.factories import PracticeFactory, publish_practice

LEFT_OUT_ONE = "1 practice asked for is not published or does not exist: it has been left out."
HOW_TO_CHOOSE = "Choose 2 to 4 published practices to see them side by side"


def country(iso2):
    return Country.objects.get(iso2=iso2)


def compare(client, *ids):
    return client.get(reverse("practices:compare"), {"p": [str(pk) for pk in ids]})


def cells_of(page, label):
    """The cells of the row headed `label`, their text without tags."""
    match = re.search(r'<th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", page, re.S)
    assert match, f"no row {label!r}"
    return [re.sub(r"<[^>]+>|\s+", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def guarantee(country_a, moderator):
    return publish_practice(
        country_a,
        by=moderator,
        moderator=moderator,
        title="Kenyan credit guarantee",
        level="national",
        implementation_status="ongoing",
        start_year=2019,
        end_year=2024,
        responsible_institution="Ministry of Trade",
        instruments=["guarantee-credit-line"],
        problem="Banks would not lend to small firms.",
        results="Lending rose by a third.",
        indicators=[{"name": "Loans guaranteed", "value": "1 200", "year": 2023}],
    )


@pytest.fixture
def desk(country_b, moderator):
    return publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian export desk", level="regional", original_language="es", themes=["internationalisation-trade"])


@pytest.fixture
def registry(moderator):
    return publish_practice(country("SN"), by=moderator, moderator=moderator, title="Senegalese digital registry", themes=["digital-transformation"])


def test_published_practices_are_shown_side_by_side_in_the_order_asked(client, guarantee, desk, registry):
    response = compare(client, desk.pk, guarantee.pk, registry.pk)
    assert response.status_code == 200
    assert response.context["practices"] == [desk, guarantee, registry]
    page = response.content.decode()
    # Each column is headed by the practice's title, linking to its page, in the language it is written in.
    assert f'<a href="{reverse("practices:practice_detail", kwargs={"pk": desk.pk})}" lang="es">Colombian export desk</a>' in page
    assert f'<a href="{reverse("practices:practice_detail", kwargs={"pk": guarantee.pk})}" lang="en">Kenyan credit guarantee</a>' in page
    assert cells_of(page, "Country") == [["Colombia"], ["Kenya"], ["Senegal"]]
    assert cells_of(page, "Level") == [["Regional"], ["National"], ["National"]]
    assert cells_of(page, "Years") == [["—", "Not", "given"], ["2019–2024"], ["—", "Not", "given"]]
    assert cells_of(page, "Key indicators")[1] == ["Loans", "guaranteed:", "1", "200", "(2023)"]
    assert cells_of(page, "Problem addressed")[1] == "Banks would not lend to small firms.".split()


def test_the_rows_follow_the_public_page_and_skip_fields_none_of_them_fills(client, guarantee, desk):
    page = compare(client, guarantee.pk, desk.pk).content.decode()
    labels = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert labels == [
        "Country",
        "Level",
        "Themes",
        "Instrument types",
        "Implementation status",
        "Years",
        "Responsible institution",
        "Summary",
        "Problem addressed",
        "Results and evidence",
        "Key indicators",
    ]


def test_every_field_of_the_comparison_has_its_row(client, country_a, moderator, guarantee):
    source = publish_practice(country("GH"), by=moderator, moderator=moderator, title="Ghanaian guarantee")
    full = publish_practice(
        country_a,
        by=moderator,
        moderator=moderator,
        title="Full practice",
        target_groups=["women-led"],
        objectives="More loans.",
        implementation="With banks.",
        challenges="Slow start.",
        transferability="Needs a credit bureau.",
        adapted_from=[source.pk],
        evidence_label="monitored",
    )
    page = compare(client, full.pk, guarantee.pk).content.decode()
    labels = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert labels == [
        "Country",
        "Level",
        "Themes",
        "Instrument types",
        "Target groups",
        "Implementation status",
        "Years",
        "Responsible institution",
        "Evidence label",
        "Summary",
        "Problem addressed",
        "Objectives",
        "Implementation",
        "Results and evidence",
        "Key indicators",
        "Challenges and lessons learned",
        "Conditions for transfer to other countries",
        "Adapted from",
    ]
    assert cells_of(page, "Adapted from")[0] == ["Ghanaian", "guarantee", "(Ghana)"]


def test_each_column_links_to_the_comparison_without_it(client, guarantee, desk, registry):
    page = compare(client, guarantee.pk, desk.pk, registry.pk).content.decode()
    url = reverse("practices:compare")
    assert f'<a class="remove-link" href="{url}?p={desk.pk}&amp;p={registry.pk}">Remove from the comparison<span class="visually-hidden">: Kenyan credit guarantee</span></a>' in page
    assert f'href="{url}?p={guarantee.pk}&amp;p={registry.pk}"' in page
    assert f'href="{url}?p={guarantee.pk}&amp;p={desk.pk}"' in page


def test_the_table_scrolls_in_a_focusable_region_named_by_the_heading(client, guarantee, desk):
    page = compare(client, guarantee.pk, desk.pk).content.decode()
    assert '<h1 id="compare-title">Compare practices</h1>' in page
    assert '<div class="table-scroll" tabindex="0" role="group" aria-labelledby="compare-title">' in page


@pytest.fixture
def not_public(country_a, country_b, moderator):
    """A draft, a practice in review and an archived one: none is public."""
    draft = PracticeFactory(owner=country_a, by=moderator, title="Secret draft")
    in_review = PracticeFactory(owner=country_b, by=moderator, title="Secret in review")
    services.submit_revision(in_review.revisions.get(), by=moderator)
    archived = publish_practice(country("SN"), by=moderator, moderator=moderator, title="Secret archived")
    services.archive_practice(archived, by=moderator)
    return {"draft": draft, "in_review": in_review, "archived": archived}


@pytest.mark.parametrize("state", ["draft", "in_review", "archived"])
def test_an_unpublished_practice_is_left_out_with_a_message(client, guarantee, desk, not_public, state):
    hidden = not_public[state]
    response = compare(client, guarantee.pk, hidden.pk, desk.pk)
    assert response.status_code == 200
    assert response.context["practices"] == [guarantee, desk]
    page = response.content.decode()
    assert LEFT_OUT_ONE in page
    assert "Secret" not in page


def test_an_unknown_practice_gets_the_same_message_as_an_unpublished_one(client, guarantee, desk, not_public):
    unknown = compare(client, guarantee.pk, desk.pk, 999_999_999)
    draft = compare(client, guarantee.pk, desk.pk, not_public["draft"].pk)
    assert unknown.context["problems"] == draft.context["problems"] == [LEFT_OUT_ONE]
    # Nothing else tells them apart: the same content, only the links to this address differ.
    def content(response):
        return response.content.decode().split("<main", 1)[1].split('class="print-only', 1)[0]

    assert content(unknown) == content(draft)


def test_a_published_practice_shows_its_published_version_not_the_one_being_written(client, guarantee, desk, moderator):
    revision = services.start_revision(guarantee, by=moderator)
    services.save_revision(
        revision, by=moderator, changes={**revision.content, "title": "Unpublished title", "problem": "Unpublished problem."}
    )
    services.submit_revision(revision, by=moderator)
    page = compare(client, guarantee.pk, desk.pk).content.decode()
    assert "Kenyan credit guarantee" in page and "Banks would not lend" in page
    assert "Unpublished" not in page


def test_a_practice_adapted_from_an_unpublished_one_does_not_name_it(client, country_a, guarantee, moderator, not_public):
    adapted = publish_practice(country_a, by=moderator, moderator=moderator, title="Adapted practice", adapted_from=[not_public["archived"].pk])
    page = compare(client, adapted.pk, guarantee.pk).content.decode()
    assert "Secret archived" not in page
    assert "Adapted from" not in page


@pytest.mark.parametrize("query", [[], ["{guarantee}"], ["{guarantee}", "{guarantee}"], ["{guarantee}", "{draft}"]])
def test_fewer_than_two_practices_explains_how_to_choose_them(client, guarantee, not_public, query):
    ids = [value.format(guarantee=guarantee.pk, draft=not_public["draft"].pk) for value in query]
    response = compare(client, *ids)
    assert response.status_code == 200
    page = response.content.decode()
    assert HOW_TO_CHOOSE in page
    assert f'<a class="button" href="{reverse("practices:browse")}">Go to the list of practices</a>' in page
    assert "<table" not in page
    if ids:
        # What was chosen so far is listed.
        assert "Chosen so far:" in page and "Kenyan credit guarantee" in page


def test_a_value_that_is_not_a_number_is_left_out_with_a_message(client, guarantee, desk):
    response = compare(client, guarantee.pk, "abc", desk.pk, "1.5", "<script>")
    assert response.status_code == 200
    assert response.context["practices"] == [guarantee, desk]
    page = response.content.decode()
    assert "Practices are chosen by their number: what was not a number has been left out." in page
    assert "<script>" not in page


@pytest.mark.parametrize("value", ["99999999999999999999999", "-3", "0"])
def test_a_number_no_practice_can_have_is_not_found(client, guarantee, desk, value):
    response = compare(client, guarantee.pk, desk.pk, value)
    assert response.status_code == 200
    assert LEFT_OUT_ONE in response.content.decode()


def test_more_than_four_practices_shows_the_first_four_with_a_message(client, country_a, moderator):
    practices = [publish_practice(country_a, by=moderator, moderator=moderator, title=f"Practice {number}") for number in range(5)]
    response = compare(client, *(practice.pk for practice in practices))
    assert response.status_code == 200
    assert response.context["practices"] == practices[:4]
    page = response.content.decode()
    assert "Up to 4 practices can be compared at a time: the first 4 are shown." in page
    assert "Practice 4" not in page


def test_the_page_describes_the_comparison_and_asks_not_to_be_indexed(client, guarantee, desk):
    page = compare(client, guarantee.pk, desk.pk).content.decode()
    assert '<meta name="description" content="SME policy practices side by side: Kenyan credit guarantee; Colombian export desk.">' in page
    assert '<meta name="robots" content="noindex, follow">' in page


# Practices, with their co-owners, themes, instruments, target groups and published sources.
COMPARE_QUERIES = 6


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_the_comparison_reads_a_constant_number_of_queries(client, country_a, country_b, moderator, django_assert_max_num_queries):
    def rich(owner, title):
        practice = publish_practice(
            owner,
            by=moderator,
            moderator=moderator,
            title=title,
            themes=["access-to-finance", "green-transition"],
            instruments=["guarantee-credit-line"],
            target_groups=["women-led"],
            adapted_from=[source.pk],
        )
        services.add_co_owner(practice, by=moderator, country=country("SN"))
        return practice

    source = publish_practice(country("GH"), by=moderator, moderator=moderator, title="Source")
    two = [rich(country_a, "One"), rich(country_b, "Two")]
    with django_assert_max_num_queries(COMPARE_QUERIES):
        assert len(compare(client, *(p.pk for p in two)).context["rows"]) > 0
    four = [*two, rich(country_a, "Three"), rich(country_b, "Four")]
    with django_assert_max_num_queries(COMPARE_QUERIES):
        response = compare(client, *(p.pk for p in four), 999_999_999, "x")
    assert response.context["practices"] == four
