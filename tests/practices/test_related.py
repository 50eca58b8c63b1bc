"""Related practices in other countries, on the public page of a practice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countries.models import Country
from practices import services

# Kenya's practice that the tests open: two themes and one instrument type to share.
TAGS = {"themes": ["access-to-finance", "digital-transformation"], "instruments": ["guarantee-credit-line"]}


def write(country, moderator, title, *, themes, instruments=(), co_owners=()):
    content = {
        "title": title,
        "summary": f"Summary of {title}.",
        "description": "What was done, by whom, for whom and since when.",
        "level": "national",
        "themes": list(themes),
        "instruments": list(instruments),
    }
    practice, revision = services.create_practice(country, by=moderator, content=content)
    for other in co_owners:
        services.add_co_owner(practice, by=moderator, country=other)
    return practice, revision


def publish(country, moderator, title, **tags):
    practice, revision = write(country, moderator, title, **tags)
    services.submit_revision(revision, by=moderator)
    services.publish_revision(revision, by=moderator)
    practice.refresh_from_db()
    return practice


def country(iso2):
    return Country.objects.get(iso2=iso2)


def page_of(client, practice):
    return client.get(reverse("practices:practice_detail", kwargs={"pk": practice.pk}))


@pytest.fixture
def kenyan_practice(country_a, moderator):
    return publish(country_a, moderator, "Kenyan guarantee", **TAGS)


def test_related_practices_rank_by_shared_terms_then_by_most_recent_publication(client, kenyan_practice, moderator):
    one_shared_oldest = publish(country("UG"), moderator, "Ugandan finance desk", themes=["access-to-finance"])
    three_shared = publish(country("SN"), moderator, "Senegalese guarantee", **TAGS)
    instrument_only = publish(country("GH"), moderator, "Ghanaian credit line", themes=["green-transition"], instruments=["guarantee-credit-line"])
    two_shared = publish(country("CO"), moderator, "Colombian digital finance", themes=["access-to-finance", "digital-transformation"])
    one_shared_newest = publish(country("TZ"), moderator, "Tanzanian e-services", themes=["digital-transformation"], instruments=["tax-incentive"])
    publish(country("PE"), moderator, "Peruvian green tax", themes=["green-transition"], instruments=["tax-incentive"])

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
    shared = publish(country_a, moderator, "Kenyan guarantee", **TAGS, co_owners=[country_b])
    publish(country_a, moderator, "Another Kenyan guarantee", **TAGS)
    publish(country_b, moderator, "Colombian guarantee", **TAGS)
    # Co-owned by Kenya: it is Kenya's practice too.
    publish(country("TZ"), moderator, "Tanzanian guarantee with Kenya", **TAGS, co_owners=[country_a])
    senegalese = publish(country("SN"), moderator, "Senegalese guarantee", **TAGS)

    response = page_of(client, shared)

    assert response.context["related"] == [senegalese]


def test_unpublished_and_archived_practices_never_appear_as_related(client, kenyan_practice, country_b, moderator):
    write(country_b, moderator, "Colombian draft guarantee", **TAGS)
    _practice, in_review = write(country("SN"), moderator, "Senegalese guarantee in review", **TAGS)
    services.submit_revision(in_review, by=moderator)
    archived = publish(country("UG"), moderator, "Ugandan archived guarantee", **TAGS)
    services.archive_practice(archived, by=moderator, note="Programme ended.")

    response = page_of(client, kenyan_practice)

    assert response.context["related"] == []
    page = response.content.decode()
    assert "Related practices in other countries" not in page
    for title in ["Colombian draft guarantee", "Senegalese guarantee in review", "Ugandan archived guarantee"]:
        assert title not in page


def test_a_new_version_in_review_does_not_leak_into_related_practices(client, kenyan_practice, country_b, moderator):
    colombian = publish(country_b, moderator, "Colombian guarantee", **TAGS)
    revision = services.start_revision(colombian, by=moderator)
    services.save_revision(revision, by=moderator, changes={**revision.content, "title": "Unreviewed new title"})

    page = page_of(client, kenyan_practice).content.decode()

    assert "Colombian guarantee" in page and "Unreviewed new title" not in page


def test_related_practices_keep_the_number_of_queries_constant(client, country_a, country_b, moderator, django_assert_max_num_queries):
    alone = publish(country_a, moderator, "Kenyan green label", themes=["green-transition"], instruments=["law-regulation"])
    with CaptureQueriesContext(connection) as without_related:
        assert page_of(client, alone).context["related"] == []

    kenyan = publish(country_a, moderator, "Kenyan guarantee", **TAGS, co_owners=[country_b])
    for iso2 in ["SN", "UG", "GH", "TZ", "PE", "MX"]:
        publish(country(iso2), moderator, f"Guarantee of {iso2}", **TAGS, co_owners=[country("BR")])
    with django_assert_max_num_queries(9):
        response = page_of(client, kenyan)
    assert len(response.context["related"]) == 4
    with CaptureQueriesContext(connection) as with_related:
        page_of(client, kenyan)
    assert len(with_related) == len(without_related)


def test_a_practice_without_instrument_types_finds_related_practices_by_theme(client, country_a, moderator):
    kenyan = publish(country_a, moderator, "Kenyan finance week", themes=["access-to-finance"])
    senegalese = publish(country("SN"), moderator, "Senegalese guarantee", **TAGS)

    assert page_of(client, kenyan).context["related"] == [senegalese]
