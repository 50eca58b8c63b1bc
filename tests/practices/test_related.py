"""Related practices in other countries, on the public page of a practice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries.models import Country
from practices import services
from tests.factories import PracticeFactory, publish_practice

# Kenya's practice that the tests open: two themes and one instrument type to share.
TAGS = {"themes": ["access-to-finance", "digital-transformation"], "instruments": ["guarantee-credit-line"]}


def country(iso2):
    return Country.objects.get(iso2=iso2)


def page_of(client, practice):
    return client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk}))


@pytest.fixture
def kenyan_practice(country_a, moderator):
    return publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan guarantee", **TAGS)


def test_related_practices_rank_by_shared_terms_then_by_most_recent_publication(client, kenyan_practice, moderator):
    one_shared_oldest = publish_practice(country("UG"), by=moderator, moderator=moderator, title="Ugandan finance desk", themes=["access-to-finance"])
    three_shared = publish_practice(country("SN"), by=moderator, moderator=moderator, title="Senegalese guarantee", **TAGS)
    instrument_only = publish_practice(country("GH"), by=moderator, moderator=moderator, title="Ghanaian credit line", themes=["green-transition"], instruments=["guarantee-credit-line"])
    two_shared = publish_practice(country("CO"), by=moderator, moderator=moderator, title="Colombian digital finance", themes=["access-to-finance", "digital-transformation"])
    one_shared_newest = publish_practice(country("TZ"), by=moderator, moderator=moderator, title="Tanzanian e-services", themes=["digital-transformation"], instruments=["tax-incentive"])
    publish_practice(country("PE"), by=moderator, moderator=moderator, title="Peruvian green tax", themes=["green-transition"], instruments=["tax-incentive"])

    response = page_of(client, kenyan_practice)

    assert [practice.title for practice in response.context["related"]] == [
        three_shared.title,
        two_shared.title,
        one_shared_newest.title,
        instrument_only.title,
    ]
    assert one_shared_oldest not in response.context["related"]
    page = response.content.decode()
    assert "Related practices in other countries" in page
    # Each names its country and links to its page.
    assert f'<a href="{reverse("practices:practice_detail", kwargs={"pk": three_shared.pk})}">Senegalese guarantee</a> <span class="small">Senegal</span>' in page
    assert "Peruvian green tax" not in page


def test_practices_of_the_owner_and_co_owners_are_not_related(client, country_a, country_b, moderator):
    shared = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan guarantee", **TAGS, co_owners=[country_b])
    publish_practice(country_a, by=moderator, moderator=moderator, title="Another Kenyan guarantee", **TAGS)
    publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian guarantee", **TAGS)
    # Co-owned by Kenya: it is Kenya's practice too.
    publish_practice(country("TZ"), by=moderator, moderator=moderator, title="Tanzanian guarantee with Kenya", **TAGS, co_owners=[country_a])
    senegalese = publish_practice(country("SN"), by=moderator, moderator=moderator, title="Senegalese guarantee", **TAGS)

    response = page_of(client, shared)

    assert response.context["related"] == [senegalese]


def test_unpublished_and_archived_practices_never_appear_as_related(client, kenyan_practice, country_b, moderator):
    PracticeFactory(owner=country_b, by=moderator, title="Colombian draft guarantee", **TAGS)
    in_review = PracticeFactory(owner=country("SN"), by=moderator, title="Senegalese guarantee in review", **TAGS).revisions.get()
    services.submit_revision(in_review, by=moderator)
    archived = publish_practice(country("UG"), by=moderator, moderator=moderator, title="Ugandan archived guarantee", **TAGS)
    services.archive_practice(archived, by=moderator, note="Programme ended.")

    response = page_of(client, kenyan_practice)

    assert response.context["related"] == []
    page = response.content.decode()
    assert "Related practices in other countries" not in page
    for title in ["Colombian draft guarantee", "Senegalese guarantee in review", "Ugandan archived guarantee"]:
        assert title not in page


def test_a_new_version_in_review_does_not_leak_into_related_practices(client, kenyan_practice, country_b, moderator):
    colombian = publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian guarantee", **TAGS)
    revision = services.start_revision(colombian, by=moderator)
    services.save_revision(revision, by=moderator, changes={**revision.content, "title": "Unreviewed new title"})

    page = page_of(client, kenyan_practice).content.decode()

    assert "Colombian guarantee" in page and "Unreviewed new title" not in page


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_related_practices_keep_the_number_of_queries_constant(client, country_a, country_b, moderator, django_assert_max_num_queries):
    alone = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan green label", themes=["green-transition"], instruments=["law-regulation"])
    with CaptureQueriesContext(connection) as without_related:
        assert page_of(client, alone).context["related"] == []

    kenyan = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan guarantee", **TAGS, co_owners=[country_b])
    for iso2 in ["SN", "UG", "GH", "TZ", "PE", "MX"]:
        publish_practice(country(iso2), by=moderator, moderator=moderator, title=f"Guarantee of {iso2}", **TAGS, co_owners=[country("BR")])
    with django_assert_max_num_queries(9):
        response = page_of(client, kenyan)
    assert len(response.context["related"]) == 4
    with CaptureQueriesContext(connection) as with_related:
        page_of(client, kenyan)
    assert len(with_related) == len(without_related)


def test_a_practice_without_instrument_types_finds_related_practices_by_theme(client, country_a, moderator):
    kenyan = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan finance week", themes=["access-to-finance"])
    senegalese = publish_practice(country("SN"), by=moderator, moderator=moderator, title="Senegalese guarantee", **TAGS)

    assert page_of(client, kenyan).context["related"] == [senegalese]
