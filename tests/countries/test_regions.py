"""The world map and the region pages: what they count, what they list, what they draw."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from countries import views
from countries.management.commands.build_world_map import OUTPUT
from countries.models import Country
from practices import services
from tests.factories import PracticeFactory, publish_practice

MAP_URL = "/en/regions/"


def region_url(slug):
    return reverse("countries:region_detail", kwargs={"slug": slug})


def country(iso2):
    return Country.objects.get(iso2=iso2)


def open_account(*countries):
    Country.objects.filter(pk__in=[country.pk for country in countries]).update(account_opened_at=timezone.now())


def counts_in(response):
    """{ISO code: published practices} from the context of the map or a region page."""
    if "regions" in response.context:
        return {country.iso2: country.practice_count for branch in response.context["regions"] for country in branch["countries"]}
    return {country.iso2: country.practice_count for country in response.context["countries"]}


def svg_of(response):
    return re.search(r"<svg viewBox=.*?</svg>", response.content.decode(), re.S).group(0)


@pytest.fixture
def hidden_practices(country_a, moderator):
    """Practices of Kenya the public never sees: a draft, one in review, an archived one."""
    PracticeFactory(owner=country_a, by=moderator, title="Secret draft")
    in_review = PracticeFactory(owner=country_a, by=moderator, title="Pending review").revisions.get()
    services.submit_revision(in_review, by=moderator)
    archived = publish_practice(country_a, by=moderator, moderator=moderator, title="Archived scheme")
    services.archive_practice(archived, by=moderator)


# --- Counting ---


def test_only_published_practices_are_counted_and_listed(client, country_a, moderator, hidden_practices):
    open_account(country_a)
    publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk")
    published = publish_practice(country_a, by=moderator, moderator=moderator, title="Credit guarantee")
    # An edit of a published practice waiting for review: the published version still counts.
    edit = services.start_revision(published, by=moderator)
    services.save_revision(edit, by=moderator, changes={**edit.content, "title": "Unreviewed title"})

    assert counts_in(client.get(MAP_URL))["KE"] == 2
    response = client.get(region_url("eastern-africa"))
    assert counts_in(response)["KE"] == 2
    assert response.context["figures"]["practices"] == 2
    page = response.content.decode()
    assert "Export desk" in page and "Credit guarantee" in page
    for hidden in ("Secret draft", "Pending review", "Archived scheme", "Unreviewed title"):
        assert hidden not in page
    africa = client.get(region_url("africa"))
    assert {child.slug: child.figures["practices"] for child in africa.context["children"]} == {
        "northern-africa": 0,
        "sub-saharan-africa": 2,
    }


def test_a_shared_practice_counts_for_each_of_its_countries(client, country_a, country_b, moderator):
    publish_practice(country_a, by=moderator, moderator=moderator, title="Regional trade window", co_owners=[country("UG"), country_b])
    publish_practice(country("UG"), by=moderator, moderator=moderator, title="Ugandan incubator")

    world = client.get(MAP_URL)
    counts = counts_in(world)
    assert (counts["KE"], counts["UG"], counts["CO"], counts["PE"]) == (1, 2, 1, 0)
    figures = {branch["region"].slug: branch["figures"]["practices"] for branch in world.context["regions"]}
    assert figures == {"africa": 2, "americas": 1, "asia": 0, "europe": 0, "oceania": 0}
    # A region counts each practice once, however many of its countries share it.
    eastern_africa = client.get(region_url("eastern-africa"))
    assert eastern_africa.context["figures"]["practices"] == 2
    assert counts_in(eastern_africa)["UG"] == 2
    # The co-owner's region lists the practice too.
    americas = client.get(region_url("americas"))
    assert americas.context["figures"]["practices"] == 1
    assert "Regional trade window" in americas.content.decode()
    assert "Regional trade window" not in client.get(region_url("europe")).content.decode()


# --- Region pages ---


def test_region_page_lists_its_sub_regions_and_countries(client, country_a, moderator):
    open_account(country_a)
    publish_practice(country_a, by=moderator, moderator=moderator, title="Export desk")
    response = client.get(region_url("africa"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{region_url("northern-africa")}"' in page
    assert f'href="{region_url("sub-saharan-africa")}"' in page
    countries = response.context["countries"]
    assert len(countries) == 60
    assert {"KE", "EG", "ZA"} <= {country.iso2 for country in countries}
    assert f'href="{reverse("countries:country_detail", args=["KE"])}"' in page
    # Sub-Saharan Africa: 1 participating of 53 countries and areas, with Kenya's practice.
    sub_saharan = next(child for child in response.context["children"] if child.slug == "sub-saharan-africa")
    assert sub_saharan.figures == {"countries": 53, "participating": 1, "practices": 1}


def test_americas_show_latin_america_and_the_caribbean_and_northern_america(client, db):
    response = client.get(region_url("americas"))
    assert [child.name for child in response.context["children"]] == ["Latin America and the Caribbean", "Northern America"]
    assert len(response.context["countries"]) == 57
    latin_america = client.get(region_url("latin-america-and-the-caribbean"))
    assert [child.name for child in latin_america.context["children"]] == ["Caribbean", "Central America", "South America"]


def test_intermediate_region_page_shows_its_parents_in_the_breadcrumb(client, db):
    response = client.get(region_url("caribbean"))
    assert response.status_code == 200
    assert [parent.slug for parent in response.context["parents"]] == ["americas", "latin-america-and-the-caribbean"]
    assert response.context["children"] == []
    breadcrumb = re.search(r'<p class="breadcrumbs">.*?</p>', response.content.decode(), re.S).group(0)
    assert region_url("americas") in breadcrumb and region_url("latin-america-and-the-caribbean") in breadcrumb
    assert "KN" in {country.iso2 for country in response.context["countries"]}


def test_region_page_shows_the_latest_practices_a_page_at_a_time(client, country_a, moderator, monkeypatch):
    monkeypatch.setattr(views, "REGION_PRACTICES_PER_PAGE", 2)
    for title in ("First", "Second", "Third"):
        publish_practice(country_a, by=moderator, moderator=moderator, title=f"{title} practice")
    response = client.get(region_url("africa"))
    assert [practice.title for practice in response.context["page"]] == ["Third practice", "Second practice"]
    assert 'href="?page=2"' in response.content.decode()
    assert [practice.title for practice in client.get(region_url("africa") + "?page=2").context["page"]] == ["First practice"]


def test_unknown_region_is_not_found(client, db):
    assert client.get(region_url("atlantis")).status_code == 404


# --- The map ---


def test_countries_are_shaded_by_their_number_of_published_practices(client, country_a, country_b, moderator):
    open_account(country_a, country_b)
    for number in range(3):
        publish_practice(country_a, by=moderator, moderator=moderator, title=f"Kenyan practice {number}")
    svg = svg_of(client.get(MAP_URL))
    kenya = re.search(r'<a href="/en/countries/KE/" class="([\w-]+)" aria-label="([^"]+)">', svg)
    assert kenya.groups() == ("map-shade-2", "Kenya: 3 published practices")
    # Participating without a published practice yet.
    assert '<a href="/en/countries/CO/" class="map-shade-0" aria-label="Colombia: 0 published practices">' in svg
    # Without an account or a practice: drawn, but no link.
    assert "/en/countries/PE/" not in svg
    assert '<g class="map-shade-none"><title>Peru</title><use href="/static/countries/world-map.svg#m604"/>' in svg


def test_every_country_and_area_is_on_the_map_and_in_the_table(client, db):
    response = client.get(MAP_URL)
    svg = svg_of(response)
    assert svg.count("<title>") == Country.objects.count()
    page = response.content.decode()
    assert page.count('<th scope="row">') == Country.objects.count()
    # No inline style or script: the CSP forbids them.
    assert "style=" not in page and "<script" not in page


@pytest.mark.parametrize("iso2", ["TV", "KN", "NR", "MV", "SG"])
def test_small_island_states_are_on_the_map_as_a_dot(client, db, iso2):
    small_state = country(iso2)
    open_account(small_state)
    svg = svg_of(client.get(MAP_URL))
    link = re.search(rf'<a href="/en/countries/{iso2}/"[^>]*>.*?</a>', svg).group(0)
    assert re.search(r'<circle cx="\d+" cy="\d+" r="7"/>', link), link
    assert small_state.name in link


def test_map_and_region_pages_make_the_same_few_queries_whatever_the_data(
    client, country_a, country_b, moderator, django_assert_max_num_queries
):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    urls = [MAP_URL, region_url("africa"), region_url("eastern-africa")]
    # One practice to start with: with none, the page of practices is not even asked for.
    publish_practice(country_a, by=moderator, moderator=moderator, title="The first practice")
    before = [queries(url) for url in urls]
    open_account(country_a, country_b, country("UG"), country("SN"))
    for owner, partners in [(country_a, [country("UG")]), (country_b, [country_a, country("SN")]), (country("UG"), [])]:
        for number in range(3):
            publish_practice(owner, by=moderator, moderator=moderator, title=f"Practice {owner.iso2} {number}", co_owners=partners)
    assert [queries(url) for url in urls] == before
    # The map: countries, published practices, regions. A region page: the region, its
    # countries, published practices, its sub-regions, and a page of its practices with their count.
    for url, most in [(MAP_URL, 3), (region_url("africa"), 6), (region_url("eastern-africa"), 6)]:
        with django_assert_max_num_queries(most):
            client.get(url)


# --- The data the map is drawn from ---


def test_build_command_reproduces_the_committed_map_exactly(tmp_path):
    rebuilt = tmp_path / "world_map.json"
    call_command("build_world_map", output=rebuilt, stdout=io.StringIO())
    assert rebuilt.read_bytes() == OUTPUT.read_bytes()


def test_map_data_has_every_m49_country_and_area(db):
    shapes = views.world_map()["countries"]
    codes = set(Country.objects.values_list("m49_code", flat=True))
    assert set(shapes) == codes
    assert all("d" in shape or "point" in shape for shape in shapes.values())


def test_the_map_is_linked_from_the_navigation_and_the_list_of_countries(client, db):
    page = client.get(reverse("countries:country_list")).content.decode()
    assert page.count(f'href="{MAP_URL}"') == 2
    navigation = re.search(r'<nav class="main-nav".*?</nav>', client.get(MAP_URL).content.decode(), re.S).group(0)
    assert f'<a href="{MAP_URL}" aria-current="page">' in navigation


def test_the_static_file_of_outlines_holds_every_outline_of_the_map_data():
    """Pages `<use>` the outlines from static/countries/world-map.svg: both come from build_world_map."""
    import importlib
    import json

    from django.conf import settings

    command = importlib.import_module("countries.management.commands.build_world_map")
    data = json.loads(command.OUTPUT.read_text(encoding="utf-8"))
    on_disk = (settings.BASE_DIR / "static" / "countries" / "world-map.svg").read_text(encoding="utf-8")
    assert on_disk == command.render_svg(data)
    assert on_disk.count("<path id=") == sum(1 for entry in data["countries"].values() if "d" in entry) > 150
