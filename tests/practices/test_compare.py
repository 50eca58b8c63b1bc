"""Comparing any two versions of a practice in the country's workspace, through HTTP."""

import re

import pytest
from django.urls import reverse

from practices import services
from tests.factories import publish_practice

CONTENT = {
    "title": "Credit guarantee for women-led SMEs",
    "summary": "A public guarantee covers half of each loan.",
    "description": "Banks lend with a guarantee.",
    "level": "national",
    "themes": ["access-to-finance"],
    "instruments": ["guarantee-credit-line"],
}


def url(pk, iso2="KE", **query):
    return reverse("practices:version_compare", kwargs={"iso2": iso2, "pk": pk}), query


def removed(text):
    return re.compile(r'<del><span class="visually-hidden">removed: </span>[^<]*' + re.escape(text) + r"[^<]*</del>")


def added(text):
    return re.compile(r'<ins><span class="visually-hidden">added: </span>[^<]*' + re.escape(text) + r"[^<]*</ins>")


def new_version(practice, by, **changes):
    revision = services.start_revision(practice, by=by)
    return services.save_revision(revision, by=by, changes={**revision.content, **changes})


@pytest.fixture
def three_versions(country_a, contributor_a, moderator):
    """A practice published twice, with a third version being written."""
    practice = publish_practice(country_a, by=contributor_a, moderator=moderator, **CONTENT)
    second = new_version(practice, contributor_a, summary="A public guarantee covers 60 % of each loan.")
    services.submit_revision(second, by=contributor_a)
    services.publish_revision(second, by=moderator)
    new_version(practice, contributor_a, themes=["green-transition", "access-to-finance"], instruments=[])
    return practice


def test_by_default_the_latest_version_is_compared_with_the_one_before(client, contributor_a, three_versions):
    client.force_login(contributor_a)
    response = client.get(*url(three_versions.pk))
    assert response.status_code == 200
    assert (response.context["older"].number, response.context["newer"].number) == (2, 3)
    page = response.content.decode()
    assert "Changes from version 2 to version 3" in page
    # The lists show every version by number, status and date, the compared pair chosen.
    assert '<option value="2" selected>Version 2 · Published · ' in page
    assert '<option value="3" selected>Version 3 · Draft · ' in page
    assert '<option value="1">Version 1 · Published · ' in page


def test_a_changed_field_shows_its_removed_and_added_words(client, focal_a, three_versions):
    client.force_login(focal_a)
    response = client.get(*url(three_versions.pk, **{"from": "1", "to": "2"}))
    assert [change["field"] for change in response.context["changes"]] == ["summary"]
    page = response.content.decode()
    assert removed("half").search(page) and added("60 %").search(page)
    assert "covers" in page and not removed("covers").search(page)


def test_taxonomy_changes_read_as_names(client, contributor_a, three_versions):
    client.force_login(contributor_a)
    page = client.get(*url(three_versions.pk, **{"from": "2", "to": "3"})).content.decode()
    assert added("Green transition").search(page)
    assert removed("Guarantee or credit line").search(page)
    assert "green-transition" not in page and "guarantee-credit-line" not in page
    # Compared term by term: a kept theme is neither struck through nor underlined, not even in part.
    assert "Access to finance" in page
    assert not removed("Access").search(page) and not added("Access").search(page)


def test_versions_asked_in_either_order_compare_older_with_newer(client, moderator, three_versions):
    client.force_login(moderator)
    response = client.get(*url(three_versions.pk, **{"from": "3", "to": "1"}))
    assert response.status_code == 200
    assert (response.context["older"].number, response.context["newer"].number) == (1, 3)
    assert {change["field"] for change in response.context["changes"]} == {"summary", "themes", "instruments"}


def test_identical_versions_say_so(client, contributor_a, country_a, moderator):
    practice = publish_practice(country_a, by=contributor_a, moderator=moderator, **CONTENT)
    new_version(practice, contributor_a)
    client.force_login(contributor_a)
    response = client.get(*url(practice.pk))
    assert response.context["changes"] == []
    assert "The two versions have the same text." in response.content.decode()


def test_another_country_gets_not_found(client, contributor_b, three_versions):
    client.force_login(contributor_b)
    assert client.get(*url(three_versions.pk)).status_code == 404
    # Through its own workspace too.
    assert client.get(*url(three_versions.pk, iso2="CO")).status_code == 404


def test_a_co_owner_country_compares_versions_from_its_workspace(client, contributor_b, country_b, three_versions):
    three_versions.co_owners.add(country_b)
    client.force_login(contributor_b)
    assert client.get(*url(three_versions.pk, iso2="CO")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, three_versions):
    response = client.get(*url(three_versions.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"from": "one", "to": "3"}, 200, "Versions are named by their number"),
        ({"from": "1", "to": "3.0"}, 200, "Versions are named by their number"),
        ({"from": "1" * 5000}, 200, "Versions are named by their number"),
        ({"from": "2", "to": "2"}, 200, "Choose two different versions to compare."),
        ({"from": "9", "to": "3"}, 404, "This practice has no version 9."),
        ({"from": "-1"}, 404, "This practice has no version -1."),
        ({"to": "99999999999999999999999"}, 404, "This practice has no version 99999999999999999999999."),
    ],
)
def test_bad_choices_get_a_message_not_an_error(client, contributor_a, three_versions, query, status, message):
    client.force_login(contributor_a)
    response = client.get(*url(three_versions.pk, **query))
    assert response.status_code == status
    page = response.content.decode()
    assert message in page
    assert response.context["changes"] is None and "Changes from version" not in page
    # The lists are offered again, with the latest two chosen.
    assert '<option value="2" selected>' in page and '<option value="3" selected>' in page


def test_a_practice_with_a_single_version_has_nothing_to_compare(client, contributor_a, country_a):
    practice, _revision = services.create_practice(country_a, by=contributor_a, content=CONTENT)
    client.force_login(contributor_a)
    response = client.get(*url(practice.pk, **{"from": "1", "to": "2"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This practice has a single version so far: there is nothing to compare yet." in page
    assert "<select" not in page
    # Nor does the practice's page offer a comparison.
    detail = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk})).content.decode()
    assert url(practice.pk)[0] not in detail


def test_the_history_links_to_the_comparison(client, contributor_a, three_versions):
    client.force_login(contributor_a)
    detail = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": three_versions.pk})).content.decode()
    assert f'<a href="{url(three_versions.pk)[0]}">Compare versions</a>' in detail
