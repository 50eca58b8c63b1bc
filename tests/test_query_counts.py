"""Public pages read at most five queries once the data cache is warm, however much data there is.

The data cache (countries/pagecache.py: counts, vocabulary and page contexts kept per worker
until anything public changes) is what production runs with; the page cache for visitors is off
here, so every page is rendered. The counts without any cache are pinned by each app's own tests.
"""

import pytest

from countries import pagecache
from meetings.demo import load_community_record
from meetings.models import Meeting
from practices.models import Practice
from tests.factories import publish_practice

PUBLIC_MAX_QUERIES = 5
# A signed-in reader's session, user, moderator check and team: the same on every page.
SIGNED_IN_EXTRA = 4


@pytest.fixture(autouse=True)
def data_cache_on(settings):
    settings.DATA_CACHE = True
    settings.PAGE_CACHE = False
    pagecache.clear_worker_caches()
    yield
    pagecache.clear_worker_caches()


def scheme(number):
    """The content of a practice, tagged with one theme or two."""
    return {
        "title": f"Credit guarantee scheme {number}",
        "summary": "The state guarantees bank loans to small firms.",
        "description": "A fund shares the risk of loans.",
        "themes": ["access-to-finance", "green-transition"][: 1 + number % 2],
        "instruments": ["guarantee-credit-line"],
    }


@pytest.fixture
def record(country_a, country_b, focal_a, focal_b, moderator):
    load_community_record(by=moderator)
    practices = [publish_practice(country_a, by=focal_a, moderator=moderator, **scheme(number)) for number in range(3)]
    practices += [publish_practice(country_b, by=focal_b, moderator=moderator, **scheme(number)) for number in range(3, 5)]
    return practices


def pages(practices):
    first, second = practices[0], practices[-1]
    meeting = Meeting.objects.public().order_by("starts_at").first()
    return [
        "/en/",
        "/en/practices/",
        "/en/practices/?region=africa&theme=access-to-finance",
        "/en/practices/?q=guarantee",
        "/en/practices/?page=2",
        f"/en/practices/{first.pk}/",
        f"/en/practices/compare/?p={first.pk}&p={second.pk}",
        "/en/countries/",
        "/en/countries/KE/",
        "/en/regions/",
        "/en/regions/africa/",
        "/en/meetings/",
        f"/en/meetings/{meeting.slug}/",
        "/en/call-to-action/",
        "/en/open-data/",
        "/en/feeds/practices/",
        "/sitemap.xml",
        "/api/practices/",
        f"/api/practices/{first.pk}/",
    ]


def count_queries(client, django_assert_max_num_queries, practices, most=PUBLIC_MAX_QUERIES):
    counts = {}
    for path in pages(practices):
        assert client.get(path).status_code == 200, path  # warms the data cache
        with django_assert_max_num_queries(most, info=path) as captured:
            assert client.get(path).status_code == 200
        counts[path] = len(captured.captured_queries)
    return counts


def test_public_pages_read_at_most_five_queries(client, record, django_assert_max_num_queries):
    count_queries(client, django_assert_max_num_queries, record)


def test_signed_in_delegates_read_public_pages_as_cheaply(client, record, focal_b, django_assert_max_num_queries):
    client.force_login(focal_b)
    count_queries(client, django_assert_max_num_queries, record, most=PUBLIC_MAX_QUERIES + SIGNED_IN_EXTRA)


def test_more_data_does_not_mean_more_queries(
    client, record, country_a, focal_a, moderator, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    before = count_queries(client, django_assert_max_num_queries, record)
    with django_capture_on_commit_callbacks(execute=True):
        more = [publish_practice(country_a, by=focal_a, moderator=moderator, **scheme(number)) for number in range(5, 30)]
    # Same pages for the same objects (the compare and practice pages name the first and last).
    after = count_queries(client, django_assert_max_num_queries, [record[0], *more[:-1], record[-1]])
    assert after == before


@pytest.mark.parametrize("first_reader", ["moderator", "focal_a"])
def test_what_is_kept_for_one_reader_is_what_a_visitor_gets_afresh(client, record, first_reader, request):
    """Pages and fragments kept by the data cache are shared by every reader: what a moderator or a
    delegate caused to be kept shows a visitor exactly what rendering afresh would."""
    paths = pages(record)
    fresh = {}
    for path in paths:
        pagecache.clear_worker_caches()
        fresh[path] = client.get(path).content
    pagecache.clear_worker_caches()
    client.force_login(request.getfixturevalue(first_reader))
    for path in paths:
        assert client.get(path).status_code == 200
    client.logout()
    for path in paths:
        assert client.get(path).content == fresh[path], path


def test_a_kept_practice_page_shows_the_contact_to_delegates_only(client, record, focal_b):
    practice = record[0]
    Practice.objects.filter(pk=practice.pk).update(contact_name="Amina Contact", contact_email="amina@example.org")
    path = f"/en/practices/{practice.pk}/"
    for readers in (("visitor", "delegate"), ("delegate", "visitor")):
        pagecache.clear_worker_caches()
        for reader in readers:
            if reader == "delegate":
                client.force_login(focal_b)
            page = client.get(path).content.decode()
            assert ("amina@example.org" in page) == (reader == "delegate"), readers
            client.logout()


def test_each_page_of_a_kept_region_page_is_its_own(client, record, monkeypatch):
    monkeypatch.setattr("countries.views.REGION_PRACTICES_PER_PAGE", 2)
    first = client.get("/en/regions/africa/").content.decode()
    second = client.get("/en/regions/africa/?page=2").content.decode()
    titles = {practice.title for practice in record[:3]}  # Kenya's three
    assert {title for title in titles if title in first} | {title for title in titles if title in second} == titles
    assert not {title for title in titles if title in first} & {title for title in titles if title in second}
