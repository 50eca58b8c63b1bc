"""The home page: what the platform is, the community in figures, the latest published practices."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countries.models import Country
from practices import services
from practices.models import Practice
from tests.factories import PracticeFactory, publish_practice


def country(iso2):
    return Country.objects.get(iso2=iso2)


def published_days_ago(practice, days):
    Practice.objects.filter(pk=practice.pk).update(published_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def practices_in_every_state(country_a, country_b, moderator):
    """Published: Kenya's, shared with Colombia, and one of Kenya whose next version is in review.
    Not public: a draft (Senegal), one in review (Peru) and an archived one (France)."""
    shared = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan guarantee", co_owners=[country_b])
    revised = publish_practice(country_a, by=moderator, moderator=moderator, title="Kenyan export desk")
    revision = services.start_revision(revised, by=moderator)
    services.save_revision(revision, by=moderator, changes={**revision.content, "title": "Secret new title"})
    services.submit_revision(revision, by=moderator)
    PracticeFactory(owner=country("SN"), by=moderator, title="Senegalese draft")
    in_review = PracticeFactory(owner=country("PE"), by=moderator, title="Peruvian practice in review").revisions.get()
    services.submit_revision(in_review, by=moderator)
    archived = publish_practice(country("FR"), by=moderator, moderator=moderator, title="French archived practice")
    services.archive_practice(archived, by=moderator)
    return {"shared": shared, "revised": revised}


def test_home_says_what_the_platform_is_and_who_runs_it(client, db):
    page = client.get(reverse("home")).content.decode()
    assert "<h1>SME Policy Knowledge Sharing Platform</h1>" in page
    assert "SME Ministerial community" in page
    assert "International Trade Centre (ITC)" in page
    assert "Call to Action endorsed at the first Global SME Ministerial Meeting in Johannesburg, in July 2025" in page


def test_figures_count_only_published_practices_and_their_countries(client, focal_a, focal_b, practices_in_every_state):
    response = client.get(reverse("home"))
    context = response.context
    # Kenya and Colombia hold accounts; the other countries of the fixture do not.
    assert context["participating_count"] == 2
    assert context["published_count"] == 2
    # Kenya (owner) and Colombia (co-owner), in Africa and the Americas: not Senegal, Peru or France.
    assert (context["countries_covered"], context["regions_covered"]) == (2, 2)
    page = response.content.decode()
    assert "<div><dt>Published practices</dt><dd>2</dd></div>" in page
    assert "<div><dt>Countries with a published practice</dt><dd>2</dd></div>" in page
    assert "<div><dt>Regions with a published practice</dt><dd>2</dd></div>" in page


def test_a_country_counts_once_however_many_practices_it_shares(client, country_a, country_b, moderator):
    publish_practice(country_a, by=moderator, moderator=moderator, title="First")
    publish_practice(country_b, by=moderator, moderator=moderator, title="Second", co_owners=[country_a])
    publish_practice(country("UG"), by=moderator, moderator=moderator, title="Third", co_owners=[country_a, country_b])
    context = client.get(reverse("home")).context
    # Kenya, Colombia and Uganda; Africa and the Americas.
    assert (context["published_count"], context["countries_covered"], context["regions_covered"]) == (3, 3, 2)


def test_the_latest_list_shows_only_published_content(client, practices_in_every_state):
    response = client.get(reverse("home"))
    assert {practice.title for practice in response.context["latest"]} == {"Kenyan guarantee", "Kenyan export desk"}
    page = response.content.decode()
    for hidden in ("Senegalese draft", "Peruvian practice in review", "French archived practice", "Secret new title"):
        assert hidden not in page


def test_the_latest_six_are_listed_newest_first_with_summary_country_and_themes(client, country_a, country_b, moderator):
    practices = [publish_practice(country_a, by=moderator, moderator=moderator, title=f"Practice {number}", themes=["green-transition"]) for number in range(7)]
    for days, practice in enumerate(reversed(practices)):
        published_days_ago(practice, days)
    publish_practice(country_b, by=moderator, moderator=moderator, title="Colombian digital desk", themes=["digital-transformation"], co_owners=[country_a])
    response = client.get(reverse("home"))
    assert [practice.title for practice in response.context["latest"]] == [
        "Colombian digital desk", "Practice 6", "Practice 5", "Practice 4", "Practice 3", "Practice 2"
    ]
    page = response.content.decode()
    assert "Practice 1" not in page
    newest = response.context["latest"][0]
    assert f'<a href="{reverse("practices:practice_detail", kwargs={"pk": newest.pk})}">Colombian digital desk</a>' in page
    assert '<p class="small">Colombia, Kenya</p>' in page
    assert '<p lang="en">Summary of Colombian digital desk.</p>' in page
    assert '<span class="visually-hidden">Themes: </span>Digital transformation</p>' in page


def test_home_links_to_the_practices_countries_and_regions(client, db):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("practices:browse")}"' in page
    assert f'href="{reverse("countries:country_list")}"' in page
    assert f'<a class="button button-secondary" href="{reverse("countries:region_map")}">Regions</a>' in page


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_home_is_served_in_each_language(client, db, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


# Three counts, the latest practices, their co-owners and their themes, the next meeting, the Call to Action.
HOME_QUERIES = 8


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_home_reads_a_constant_number_of_queries(client, country_a, country_b, moderator, django_assert_max_num_queries):
    publish_practice(country_a, by=moderator, moderator=moderator, title="Only one")
    with django_assert_max_num_queries(HOME_QUERIES):
        client.get(reverse("home"))
    for number in range(8):
        publish_practice(country_b, by=moderator, moderator=moderator, title=f"Colombian practice {number}", themes=["green-transition", "digital-transformation"], co_owners=[country_a])
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert len(response.context["latest"]) == 6


def test_home_shows_the_next_public_meeting_and_the_call_to_action_endorsements(client, db):
    from django.core.management import call_command

    call_command("load_demo", allow_production=True)
    page = client.get("/en/").content.decode()
    # The next public meeting: the April technical meeting of the demo, marked as a date to be confirmed.
    assert "Technical meeting of officials, April" in page and "Date to be confirmed" in page
    assert "Countries that endorsed the Call to Action" in page and "<dd>60</dd>" in page
    assert "4 endorsing countries are listed on the platform so far." in page
