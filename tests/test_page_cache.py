"""Anonymous pages from memory (countries/pagecache.py): served again, and never stale or shared wrongly."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.cache.backends import locmem
from django.core.cache.utils import make_template_fragment_key

from countries import pagecache
from countries import services as country_services
from countries.models import MODERATORS_GROUP, Membership
from meetings import services as meeting_services
from meetings.models import Meeting
from practices import services
from practices.models import Theme
from tests.factories import publish_practice
from tests.test_query_counts import pages as public_pages
from tests.test_query_counts import record  # noqa: F401 (a fixture)

BROWSE = "/en/practices/"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE = True
    settings.DATA_CACHE = True
    pagecache.clear_worker_caches()
    yield
    pagecache.clear_worker_caches()


@pytest.fixture
def published(country_a, focal_a, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return publish_practice(country_a, by=focal_a, moderator=moderator, title="Credit guarantee for small firms", themes=["access-to-finance"])


def test_a_visitor_gets_the_page_from_memory_the_second_time_with_one_query(client, published, django_assert_num_queries):
    first = client.get(BROWSE)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content generation
        second = client.get(BROWSE)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Language"] == "en"
    # The headers of the outer middleware are applied to the page from memory too.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_a_published_practice_appears_at_once(client, published, country_b, focal_b, moderator, django_capture_on_commit_callbacks):
    client.get(BROWSE)
    assert client.get(BROWSE)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish_practice(country_b, by=focal_b, moderator=moderator, title="Fondo para pequeñas empresas", themes=["access-to-finance"])
    response = client.get(BROWSE)
    assert response["X-Page-Cache"] == "miss"
    assert "Fondo para pequeñas empresas" in response.content.decode()


def test_a_change_made_by_another_worker_is_seen(client, published):
    """Workers share nothing but the generation in the database cache: another one changing it is enough."""
    client.get("/en/")
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    cache.set(pagecache.GENERATION_KEY, "set-by-another-worker", None)
    assert client.get("/en/")["X-Page-Cache"] == "miss"


def test_nothing_is_bumped_until_the_change_commits(client, published, country_b, focal_b, moderator, django_capture_on_commit_callbacks):
    client.get(BROWSE)
    before = cache.get(pagecache.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_practice(country_b, by=focal_b, moderator=moderator, title="Not yet committed", themes=["access-to-finance"])
    assert any(isinstance(callback, pagecache.BumpOnCommit) for callback in callbacks), "a new generation once committed"
    assert cache.get(pagecache.GENERATION_KEY) == before


def test_a_renamed_theme_is_shown_at_once_in_the_filters(client, published, django_capture_on_commit_callbacks):
    assert "Access to finance" in client.get(BROWSE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        theme = Theme.objects.get(slug="access-to-finance")
        theme.name_en = "Finance for small firms"
        theme.save()
    page = client.get(BROWSE).content.decode()
    assert "Finance for small firms" in page


def test_signed_in_users_are_neither_served_nor_stored(client, published, focal_a):
    client.force_login(focal_a)
    response = client.get(BROWSE)
    assert "X-Page-Cache" not in response
    # Their page (with their name and the sign-out form) never reaches a visitor.
    client.logout()
    visitor = client.get(BROWSE)
    assert visitor["X-Page-Cache"] == "miss"
    assert focal_a.email not in visitor.content.decode()
    assert 'name="csrfmiddlewaretoken"' not in visitor.content.decode()


def test_pages_that_set_a_cookie_or_use_a_csrf_token_are_not_stored(client, db):
    # The sign-in form carries a CSRF token.
    client.get("/en/accounts/login/")
    assert "X-Page-Cache" not in client.get("/en/accounts/login/")


def test_a_page_that_is_not_found_is_not_stored(client, db):
    assert client.get("/en/practices/999999/").status_code == 404
    response = client.get("/en/practices/999999/")
    assert response.status_code == 404
    assert "X-Page-Cache" not in response


def test_htmx_fragments_and_full_pages_are_kept_apart(client, published):
    full = client.get(BROWSE)
    fragment = client.get(BROWSE, headers={"HX-Request": "true"})
    assert fragment["X-Page-Cache"] == "miss"
    assert client.get(BROWSE, headers={"HX-Request": "true"}).content == fragment.content
    assert client.get(BROWSE).content == full.content
    assert b"<html" in full.content and b"<html" not in fragment.content


def test_each_language_and_query_is_its_own_page(client, published):
    english = client.get(BROWSE)
    french = client.get("/fr/practices/")
    assert french["X-Page-Cache"] == "miss"
    assert french["Content-Language"] == "fr"
    filtered = client.get(BROWSE + "?theme=green-transition")
    assert filtered["X-Page-Cache"] == "miss"
    assert filtered.content != english.content


def test_pages_expire_for_what_changes_with_time_alone(client, published, settings, monkeypatch):
    client.get("/en/meetings/")
    assert client.get("/en/meetings/")["X-Page-Cache"] == "hit"
    later = locmem.time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))  # the worker's cache's clock
    assert client.get("/en/meetings/")["X-Page-Cache"] == "miss"


def test_the_cache_can_be_turned_off(client, published, settings):
    settings.PAGE_CACHE = False
    client.get(BROWSE)
    assert "X-Page-Cache" not in client.get(BROWSE)


def test_the_worker_keeps_a_bounded_number_of_pages(settings):
    pages = settings.CACHES[pagecache.PAGE_CACHE]
    assert pages["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert pages["OPTIONS"]["MAX_ENTRIES"] == pages["OPTIONS"]["CULL_FREQUENCY"]  # a full cache drops one page
    settings.CACHES = {**settings.CACHES, pagecache.PAGE_CACHE: {**pages, "OPTIONS": {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 2}}}
    store = caches[pagecache.PAGE_CACHE]
    store.clear()
    store.set("a", 1)
    store.set("b", 2)
    store.get("a")
    store.set("c", 3)
    assert (store.get("a"), store.get("b"), store.get("c")) == (1, None, 3)


def test_a_request_for_another_host_is_refused_as_before(client, db):
    response = client.get(BROWSE, headers={"host": "evil.example"})
    assert response.status_code == 400


# --- Precise invalidation: only what visitors can see renews the pages ---


def fresh_pages(client, paths, settings):
    """Every public page as rendered now, with nothing kept from before."""
    settings.PAGE_CACHE = settings.DATA_CACHE = False
    pagecache.clear_worker_caches()
    rendered = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        rendered[path] = response.content
    settings.PAGE_CACHE = settings.DATA_CACHE = True
    return rendered


def test_work_visitors_do_not_see_keeps_their_pages_and_changes_none(
    client, record, country_a, focal_a, contributor_a, moderator, settings, django_capture_on_commit_callbacks
):
    """Drafts, reviews, declarations waiting for ITC, invitations and the audit trail: no public page
    shows them, so they do not renew the visitors' pages; rendered afresh, every public page is the same."""
    paths = public_pages(record)
    before = fresh_pages(client, paths, settings)
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        practice, draft = services.create_practice(country_a, by=contributor_a, content={"title": "A new draft", "themes": ["access-to-finance"]})
        services.save_revision(draft, by=contributor_a, changes={**draft.content, "title": "A new draft, renamed", "summary": "s", "description": "d", "level": "national"})
        services.submit_revision(draft, by=contributor_a)
        services.claim_review(draft, by=moderator)
        services.request_changes(draft, by=moderator, comment="Say more about the results.")
        edit = services.start_revision(record[0], by=focal_a)  # a published practice's next version
        services.save_revision(edit, by=focal_a, changes={**edit.content, "title": "Not reviewed yet"})
        services.submit_revision(edit, by=focal_a)
        services.reject_revision(edit, by=moderator, reason="Not this time.")
        meeting = Meeting.objects.public().order_by("starts_at").first()
        participation = meeting_services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3)
        meeting_services.decline_declaration(participation, by=moderator, note="Not on the list.")
        country_services.invite_delegate(country=country_a, by=focal_a, email="new.delegate@example.org", role=Membership.Role.CONTRIBUTOR)
        moderators = Group.objects.get(name=MODERATORS_GROUP)
        contributor_a.groups.add(moderators)
        moderators.user_set.remove(contributor_a)
    assert not [callback for callback in callbacks if isinstance(callback, pagecache.BumpOnCommit)]
    assert pagecache.generation() == generation
    assert fresh_pages(client, paths, settings) == before


def test_what_visitors_see_renews_their_pages(client, record, country_a, focal_a, moderator, django_capture_on_commit_callbacks):
    def renews(change):
        client.get(BROWSE)
        before = pagecache.generation()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert pagecache.generation() != before
        assert client.get(BROWSE)["X-Page-Cache"] == "miss"

    edit = services.start_revision(record[0], by=focal_a)
    services.save_revision(edit, by=focal_a, changes={**edit.content, "title": "Credit guarantee, second version"})
    services.submit_revision(edit, by=focal_a)
    renews(lambda: services.publish_revision(edit, by=moderator))
    assert "Credit guarantee, second version" in client.get(BROWSE).content.decode()
    renews(lambda: services.archive_practice(record[1], by=focal_a))
    meeting = Meeting.objects.public().order_by("starts_at").first()
    participation = meeting_services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3)
    renews(lambda: meeting_services.confirm_declaration(participation, by=moderator))
    renews(lambda: meeting_services.unpublish_meeting(meeting, by=moderator))


def test_after_a_public_change_the_task_worker_counts_so_the_first_visitor_does_not(
    client, published, country_b, focal_b, moderator, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in the tests
        publish_practice(country_b, by=focal_b, moderator=moderator, title="Fondo para pequeñas empresas", themes=["access-to-finance"])
    pagecache.clear_worker_caches()  # a web worker that has kept nothing of the new generation
    # What each page would count over every practice: the facets, the places' counts, the home figures.
    costly = {BROWSE: "sme_selection", "/es/practices/": "sme_selection", "/en/regions/": "practices_practice_countries", "/en/": "COUNT(DISTINCT"}
    for path, marker in costly.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        assert not [query["sql"] for query in queries if marker in query["sql"]], path
    assert "Colombia" in client.get(BROWSE).content.decode()


def test_a_transaction_renews_the_generation_once_however_many_records_it_changes(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    bumps = []
    monkeypatch.setattr(pagecache, "bump", lambda: bumps.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            for number in range(3):
                Theme.objects.create(slug=f"theme-{number}", name_en=f"Theme {number}", position=100 + number)
    assert bumps == [1]
    with django_capture_on_commit_callbacks(execute=True):
        Theme.objects.filter(slug="theme-0").get().delete()
    assert bumps == [1, 1]


def test_fragments_are_kept_per_generation_and_language_and_not_with_the_data_cache_off(client, published, settings):
    """The templates' {% cache %} fragments go to the worker's memos, keyed by the content generation."""
    settings.PAGE_CACHE = False
    kept = caches[pagecache.MEMO_CACHE]

    def home_fragment(language):
        return kept.get(make_template_fragment_key("home", [pagecache.generation(), language]))

    page = client.get("/en/").content.decode()
    assert home_fragment("en") in page
    assert home_fragment("fr") is None
    pagecache.bump()
    assert home_fragment("en") is None  # a new generation: rendered again
    settings.DATA_CACHE = False
    client.get("/en/")
    assert home_fragment("en") is None
