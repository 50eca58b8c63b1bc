"""The home page: what the platform is, the community in figures, the latest published practices."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from countries.models import Country
from meetings import services as meeting_services
from meetings.models import CallToAction, Meeting
from practices import services
from practices.models import Practice
from tests.factories import MeetingFactory, PracticeFactory, publish_practice


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
    assert "<div><dt>Countries with an account on the platform</dt><dd>2</dd></div>" in page
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


def test_home_shows_the_next_public_meeting_and_the_call_to_action_endorsements(client, db, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path  # the demo writes the open dataset's files
    call_command("load_demo", allow_production=True)
    page = client.get("/en/").content.decode()
    # The next public meeting: the demo's second Ministerial Meeting (its April technical meeting, of 2026,
    # is past), marked as sample data as the meetings list marks it, its kind not repeated after a title that says it.
    next_meeting = section(page, "next-meeting-title")
    assert "Second Global SME Ministerial Meeting" in next_meeting and "Sample data" in next_meeting
    assert next_meeting.count("Ministerial") == 1
    assert "Date to be confirmed" not in page
    assert "<div><dt>Countries that endorsed the Call to Action (official record)</dt><dd>60</dd></div>" in page
    assert f'60 countries endorsed the Call to Action, according to the official record; <a href="{reverse("meetings:call_to_action")}">16 are listed</a> on the platform so far, confirmed by ITC.' in page


def section(page, title_id):
    """The home page's section headed by the h2 of this id."""
    start = page.index(f'<section aria-labelledby="{title_id}">')
    return page[start : page.index("</section>", start)]


def test_the_figures_say_which_countries_they_count_and_why_they_differ(client, focal_a, focal_b, moderator):
    # Kenya and Colombia hold accounts; Uganda, which has none, endorsed the Call to Action.
    call = CallToAction.objects.create(slug="cta", title="Call to Action", text="The text.", adopted_on="2025-07-24", endorsements_recorded_elsewhere=60)
    meeting_services.record_endorsement(call, country=country("UG"), by=moderator)
    figures = section(client.get(reverse("home")).content.decode(), "figures-title")
    assert "<div><dt>Countries with an account on the platform</dt><dd>2</dd></div>" in figures
    assert "<div><dt>Countries that endorsed the Call to Action (official record)</dt><dd>60</dd></div>" in figures
    call_url = reverse("meetings:call_to_action")
    assert f'60 countries endorsed the Call to Action, according to the official record; <a href="{call_url}">1 is listed</a> on the platform so far, confirmed by ITC.' in figures
    assert "Endorsing the Call to Action and having an account on the platform are separate steps" in figures


def test_without_an_official_count_the_home_page_gives_the_listed_endorsements_alone(client, country_a, moderator):
    call = CallToAction.objects.create(slug="cta", title="Call to Action", text="The text.", adopted_on="2025-07-24")
    for iso2 in ("UG", "KE"):
        meeting_services.record_endorsement(call, country=country(iso2), by=moderator)
    figures = section(client.get(reverse("home")).content.decode(), "figures-title")
    assert "(official record)" not in figures
    assert f'<a href="{reverse("meetings:call_to_action")}">2 countries</a> that endorsed the Call to Action are listed on the platform so far, confirmed by ITC.' in figures


@pytest.mark.parametrize("is_sample", [True, False])
def test_the_next_meeting_gives_its_format_place_and_time_once(client, moderator, is_sample):
    meeting = MeetingFactory(by=moderator, published=True, title="Technical meeting of officials, April", kind=Meeting.Kind.TECHNICAL)
    Meeting.objects.filter(pk=meeting.pk).update(is_sample=is_sample)
    next_meeting = section(client.get(reverse("home")).content.decode(), "next-meeting-title")
    assert f'<a href="{reverse("meetings:meeting_detail", args=[meeting.slug])}">Technical meeting of officials, April</a>' in next_meeting
    assert next_meeting.count("Technical meeting of officials") == 1
    assert "Hybrid, Nairobi, KICC" in next_meeting
    assert next_meeting.count("<time ") == 2  # start and end, on the meeting's clock
    assert ("Sample data" in next_meeting) is is_sample
    assert "to be confirmed" not in next_meeting
