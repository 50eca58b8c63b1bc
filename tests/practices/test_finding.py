"""Finding practices from any page: "Practices" in the main menu, a search box in the header (a plain GET form),
a way back from a practice to the results it was found in, and /favicon.ico."""

import re

import pytest
from django.urls import reverse

from tests.factories import publish_practice

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    return publish_practice(country_a, by=contributor_a, moderator=moderator, title="SME credit guarantee fund", themes=["access-to-finance"])


@pytest.mark.parametrize("path", ["/en/", "/fr/regions/", "/es/meetings/"])
def test_every_page_has_practices_in_the_menu_and_a_search_box_that_searches_them(client, db, path):
    html = client.get(path).content.decode()
    menu = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    assert f'href="{path[:4]}practices/"' in menu
    search = re.search(r'<form class="header-search" method="get" action="([^"]+)" role="search">(.*?)</form>', html, re.S)
    assert search.group(1) == f"{path[:4]}practices/"
    assert re.search(r'<label for="header-q"[^>]*>[^<]+</label>', search.group(2))
    assert 'name="q"' in search.group(2)


def test_a_practice_found_in_a_search_leads_back_to_those_results(client, practice):
    results = client.get("/en/practices/", {"q": "credit", "theme": "access-to-finance", "sort": "relevance"}).content.decode()
    link = re.search(rf'href="(/en/practices/{practice.pk}/\?back=[^"]+)"', results).group(1)
    page = client.get(link.replace("&amp;", "&")).content.decode()
    crumbs = re.search(r'<p class="breadcrumbs">(.*?)</p>', page, re.S).group(1)
    back = re.search(r'<a href="([^"]+)">Search results</a>', crumbs).group(1).replace("&amp;", "&")
    assert back == "/en/practices/?q=credit&theme=access-to-finance&sort=relevance"
    assert 'href="/en/countries/KE/"' in crumbs
    # Search engines see one page, whatever results it was reached from.
    assert f'<link rel="canonical" href="http://testserver/en/practices/{practice.pk}/">' in page


def test_without_results_the_breadcrumb_leads_to_all_practices_and_a_hostile_back_stays_on_the_site(client, practice):
    page = client.get(f"/en/practices/{practice.pk}/").content.decode()
    assert '<p class="breadcrumbs"><a href="/en/practices/">Practices</a>' in page
    for hostile in ("//evil.example/x", "https://evil.example/?q=1", "q=<script>&x=\x00", "a" * 5000):
        page = client.get(f"/en/practices/{practice.pk}/", {"back": hostile})
        assert page.status_code == 200
        crumbs = re.search(r'<p class="breadcrumbs">(.*?)</p>', page.content.decode(), re.S).group(1)
        first = re.search(r'<a href="([^"]+)"', crumbs).group(1)
        assert first.startswith("/en/practices/") and "<script>" not in crumbs and "evil.example/x" not in first.split("?")[0]


def test_favicon_ico_leads_to_the_platforms_emblem(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(r"/static/img/favicon(\.[0-9a-f]+)?\.ico", response["Location"])
    assert client.get(reverse("favicon")).status_code == 302
