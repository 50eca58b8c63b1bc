"""Sharing a practice with another country is a proposal that country answers; archiving and
restoring are the owner's. Through HTTP, as the focal points and ITC use it.

Kenya (country A) owns the practice; Colombia (country B) is asked to co-own it.
"""

import importlib
import json

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from countries import pagecache
from countries.models import Country, Membership
from countries.views import PracticeCounts
from practices import services
from practices.models import CoOwnership, Practice, ReviewEvent
from tests.conftest import make_member
from tests.factories import publish_practice

TITLE = "Credit guarantee for women-led firms"
COMPLETE = {
    "title": TITLE,
    "summary": "A public guarantee covers half of each loan.",
    "description": "Banks lend against the guarantee.",
    "level": "national",
    "themes": ["access-to-finance"],
}
Action = ReviewEvent.Action


@pytest.fixture
def practice(country_a, contributor_a, moderator):
    """Kenya's published practice."""
    return publish_practice(country_a, by=contributor_a, moderator=moderator, **COMPLETE)


@pytest.fixture
def focal_sn(db):
    # Focal point of Senegal, a third country.
    return make_member(Country.objects.get(iso2="SN"), "focal.sn@example.org", Membership.Role.FOCAL_POINT, "Sokhna Focal")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as `user` to a practices URL, in their language; the e-mails queued when the request commits are sent."""

    def post(user, name, data=None, **kwargs):
        client.force_login(user)
        with translation.override(user.language):
            path = reverse(f"practices:{name}", kwargs=kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {})

    return post


def proposal_of(practice, iso2="CO"):
    return practice.co_ownerships.get(country__iso2=iso2)


def shows_for_colombia(client, title=TITLE):
    """Whether the practice appears anywhere Colombia's practices are listed or counted, for a visitor."""
    client.logout()
    colombia = Country.objects.get(iso2="CO")
    places = {
        "public page": title in client.get(reverse("countries:country_detail", kwargs={"iso2": "CO"})).content.decode(),
        "browse": title in client.get(reverse("practices:browse"), {"country": "CO"}).content.decode(),
        "api": json.loads(client.get(reverse("api:practice_list"), {"country": "CO"}).content)["count"] > 0,
        "export": title in b"".join(client.get(reverse("practices:export_csv"), {"country": "CO"}).streaming_content).decode(),
        "feed": title in client.get(reverse("practices:feed_country", kwargs={"iso2": "CO"})).content.decode(),
        "count": PracticeCounts().per_country.get(colombia.pk, 0) > 0,
    }
    assert len(set(places.values())) == 1, places  # everywhere or nowhere
    return places["public page"]


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


# --- A proposal, accepted ---


def test_a_proposed_practice_shows_nowhere_for_colombia_until_its_focal_point_accepts(
    client, post, practice, focal_a, focal_b, contributor_b
):
    response = post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    assert response.status_code == 302
    proposal = proposal_of(practice)
    assert (proposal.status, proposal.proposed_by) == ("proposed", focal_a)
    assert not shows_for_colombia(client)
    assert list(practice.co_owners.all()) == [] and list(practice.countries.values_list("iso2", flat=True)) == ["KE"]
    # Colombia's team does not have the practice in its workspace...
    client.force_login(contributor_b)
    assert client.get(reverse("practices:workspace_detail", kwargs={"iso2": "CO", "pk": practice.pk})).status_code == 404
    listing = client.get(reverse("practices:workspace_list", kwargs={"iso2": "CO"}))
    assert all(not group["practices"] for group in listing.context["groups"])
    # ...but its focal point has the proposal to answer, with the title and the owner.
    client.force_login(focal_b)
    listing = client.get(reverse("practices:workspace_list", kwargs={"iso2": "CO"}))
    assert listing.context["proposals"] == [proposal] and listing.context["may_answer_share"]
    page = listing.content.decode()
    assert TITLE in page and "Kenya" in page and reverse("practices:share_accept", kwargs={"iso2": "CO", "share_id": proposal.pk}) in page

    response = post(focal_b, "share_accept", iso2="CO", share_id=proposal.pk)
    assert response["Location"] == reverse("practices:workspace_detail", kwargs={"iso2": "CO", "pk": practice.pk})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("accepted", focal_b)
    assert list(practice.co_owners.values_list("iso2", flat=True)) == ["CO"]
    assert sorted(practice.countries.values_list("iso2", flat=True)) == ["CO", "KE"]
    assert shows_for_colombia(client)
    client.force_login(contributor_b)
    assert client.get(reverse("practices:workspace_detail", kwargs={"iso2": "CO", "pk": practice.pk})).status_code == 200


def test_a_declined_proposal_shows_nowhere_and_the_owner_is_told(client, post, practice, focal_a, focal_b):
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    proposal = proposal_of(practice)
    response = post(focal_b, "share_decline", iso2="CO", share_id=proposal.pk)
    assert response["Location"] == reverse("practices:workspace_list", kwargs={"iso2": "CO"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("declined", focal_b)
    assert not shows_for_colombia(client) and not practice.co_owners.exists()
    [told] = sent_to(focal_a)
    assert "Colombia declined" in told.subject
    # Answered: no longer on Colombia's list, and a late click on "accept" changes nothing.
    client.force_login(focal_b)
    assert client.get(reverse("practices:workspace_list", kwargs={"iso2": "CO"})).context["proposals"] == []
    post(focal_b, "share_accept", iso2="CO", share_id=proposal.pk)
    assert CoOwnership.objects.get().status == "declined" and not practice.co_owners.exists()
    # The owner's page shows how the proposal ended, and Colombia may be asked again.
    client.force_login(focal_a)
    page = client.get(reverse("practices:workspace_detail", kwargs={"iso2": "KE", "pk": practice.pk})).content.decode()
    assert "Declined" in page
    assert post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk).status_code == 302
    assert practice.co_ownerships.filter(status="proposed").count() == 1


def test_the_owner_withdraws_a_proposal_before_it_is_answered(client, post, practice, focal_a, focal_b):
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    proposal = proposal_of(practice)
    mail.outbox.clear()
    post(focal_a, "share_withdraw", iso2="KE", pk=practice.pk, share_id=proposal.pk)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("withdrawn", focal_a)
    [told] = sent_to(focal_b)
    assert "withdrawn" in told.subject
    post(focal_b, "share_accept", iso2="CO", share_id=proposal.pk)
    assert not practice.co_owners.exists() and not shows_for_colombia(client)


# --- Who may take each step ---


def test_contributors_of_either_side_can_neither_propose_nor_answer(client, post, practice, contributor_a, focal_a, contributor_b):
    assert post(contributor_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk).status_code == 403
    with pytest.raises(PermissionDenied):
        services.propose_co_owner(practice, by=contributor_a, country=Country.objects.get(iso2="CO"))
    assert not CoOwnership.objects.exists()
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    proposal = proposal_of(practice)
    for name in ("share_accept", "share_decline"):
        assert post(contributor_b, name, iso2="CO", share_id=proposal.pk).status_code == 403
    assert post(contributor_a, "share_withdraw", iso2="KE", pk=practice.pk, share_id=proposal.pk).status_code == 403
    for answer in (services.accept_co_owner_proposal, services.decline_co_owner_proposal):
        with pytest.raises(PermissionDenied):
            answer(proposal, by=contributor_b)
    # The owner's focal point cannot answer for Colombia either: not found from Kenya's workspace, refused by the service.
    assert post(focal_a, "share_accept", iso2="KE", share_id=proposal.pk).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_co_owner_proposal(proposal, by=focal_a)
    proposal.refresh_from_db()
    assert proposal.status == "proposed" and not practice.co_owners.exists()
    client.force_login(contributor_b)
    listing = client.get(reverse("practices:workspace_list", kwargs={"iso2": "CO"}))
    assert not listing.context["may_answer_share"] and "share_accept" not in listing.content.decode()


def test_another_countrys_focal_point_cannot_answer_for_colombia(post, practice, focal_a, focal_b, focal_sn):
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    proposal = proposal_of(practice)
    assert post(focal_sn, "share_accept", iso2="SN", share_id=proposal.pk).status_code == 404
    assert post(focal_sn, "share_accept", iso2="CO", share_id=proposal.pk).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_co_owner_proposal(proposal, by=focal_sn)
    assert CoOwnership.objects.get().status == "proposed"


def test_itc_proposes_and_answers_on_a_countrys_behalf(client, post, practice, moderator, focal_a, focal_b):
    post(moderator, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    proposal = proposal_of(practice)
    assert [message.to for message in mail.outbox] == [[focal_b.email]]
    post(moderator, "share_accept", iso2="CO", share_id=proposal.pk)
    assert proposal_of(practice).decided_by == moderator and shows_for_colombia(client)
    assert [message.to for message in mail.outbox[1:]] == [[focal_a.email]]


def test_a_proposal_is_refused_to_the_owner_an_existing_co_owner_or_twice(client, post, practice, focal_a, focal_b, moderator, country_a, country_b):
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    # Asked already: not offered again, and refused with a message next to the field.
    response = post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    assert response.status_code == 200 and "country" in response.context["co_owner_form"].errors
    with pytest.raises(ValidationError, match="already been asked"):
        services.propose_co_owner(practice, by=focal_a, country=country_b)
    with pytest.raises(ValidationError, match="its own practice"):
        services.propose_co_owner(practice, by=focal_a, country=country_a)
    services.accept_co_owner_proposal(proposal_of(practice), by=focal_b)
    with pytest.raises(ValidationError, match="already a co-owner"):
        services.propose_co_owner(practice, by=moderator, country=country_b)
    # Two open sharings of one practice with one country: the database refuses the second too.
    with pytest.raises(IntegrityError), transaction.atomic():
        CoOwnership.objects.create(practice=practice, country=country_b)
    assert practice.co_ownerships.count() == 1 and practice.events.filter(action=Action.CO_OWNER_PROPOSED).count() == 1


# --- Leaving, removing ---


@pytest.fixture
def shared(post, practice, focal_a, focal_b):
    """Kenya's practice, co-owned by Colombia (its focal point accepted)."""
    post(focal_a, "share_propose", {"country": "CO"}, iso2="KE", pk=practice.pk)
    post(focal_b, "share_accept", iso2="CO", share_id=proposal_of(practice).pk)
    mail.outbox.clear()
    return practice


def test_a_co_owner_leaves_and_the_practice_leaves_its_page_and_workspace(client, post, shared, focal_a, focal_b, contributor_b):
    colombia = {"iso2": "CO", "pk": shared.pk}
    assert post(contributor_b, "co_owner_leave", **colombia).status_code == 403
    client.force_login(focal_b)
    page = client.get(reverse("practices:workspace_detail", kwargs=colombia)).content.decode()
    assert reverse("practices:co_owner_leave", kwargs=colombia) in page
    # The owner's focal point leaves nothing: Kenya does not co-own its own practice.
    assert post(focal_a, "co_owner_leave", iso2="KE", pk=shared.pk).status_code == 404
    response = post(focal_b, "co_owner_leave", **colombia)
    assert response["Location"] == reverse("practices:workspace_list", kwargs={"iso2": "CO"})
    sharing = proposal_of(shared)
    assert (sharing.status, sharing.ended_by) == ("left", focal_b)
    assert not shared.co_owners.exists() and not shows_for_colombia(client)
    client.force_login(contributor_b)
    assert client.get(reverse("practices:workspace_detail", kwargs=colombia)).status_code == 404
    [told] = sent_to(focal_a)
    assert "Colombia no longer shares" in told.subject


def test_only_the_owners_side_removes_a_co_owner(client, post, shared, focal_a, focal_b):
    assert post(focal_b, "co_owner_remove", iso2="CO", pk=shared.pk, co_owner="CO").status_code == 403
    with pytest.raises(PermissionDenied):
        services.remove_co_owner(shared, by=focal_b, country=Country.objects.get(iso2="CO"))
    assert shows_for_colombia(client)
    post(focal_a, "co_owner_remove", iso2="KE", pk=shared.pk, co_owner="CO")
    assert proposal_of(shared).status == "removed" and not shows_for_colombia(client)
    [told] = sent_to(focal_b)
    assert "no longer shares a practice with you" in told.subject


# --- Archiving and restoring: the owner's focal point and ITC only ---


def test_a_co_owners_focal_point_can_neither_archive_nor_restore_the_owners_practice(client, post, shared, focal_a, focal_b, contributor_b):
    colombia = {"iso2": "CO", "pk": shared.pk}
    client.force_login(focal_b)
    page = client.get(reverse("practices:workspace_detail", kwargs=colombia))
    assert not page.context["may_archive"] and reverse("practices:practice_archive", kwargs=colombia) not in page.content.decode()
    assert post(focal_b, "practice_archive", **colombia).status_code == 403
    assert post(contributor_b, "practice_archive", **colombia).status_code == 403
    for user in (focal_b, contributor_b):
        with pytest.raises(PermissionDenied):
            services.archive_practice(shared, by=user)
    assert Practice.objects.get(pk=shared.pk).status == "published"
    services.archive_practice(shared, by=focal_a)
    page = client.get(reverse("practices:workspace_detail", kwargs=colombia))
    assert not page.context["may_restore"] and reverse("practices:practice_restore", kwargs=colombia) not in page.content.decode()
    assert post(focal_b, "practice_restore", **colombia).status_code == 403
    with pytest.raises(PermissionDenied):
        services.restore_practice(shared, by=focal_b)
    assert Practice.objects.get(pk=shared.pk).status == "archived"


@pytest.mark.parametrize("role", ["focal_a", "moderator"])
def test_the_owners_focal_point_and_itc_archive_and_restore_from_the_workspace(client, post, practice, role, request):
    user = request.getfixturevalue(role)
    kenya = {"iso2": "KE", "pk": practice.pk}
    public = reverse("practices:practice_detail", kwargs={"pk": practice.pk})
    client.force_login(user)
    assert reverse("practices:practice_archive", kwargs=kenya) in client.get(reverse("practices:workspace_detail", kwargs=kenya)).content.decode()
    post(user, "practice_archive", {"note": "Programme ended."}, **kenya)
    client.logout()
    assert client.get(public).status_code == 404
    client.force_login(user)
    assert reverse("practices:practice_restore", kwargs=kenya) in client.get(reverse("practices:workspace_detail", kwargs=kenya)).content.decode()
    response = post(user, "practice_restore", {"note": "Running again."}, **kenya)
    assert response["Location"] == reverse("practices:workspace_detail", kwargs=kenya)
    client.logout()
    assert client.get(public).status_code == 200
    assert list(practice.events.filter(action__in=[Action.ARCHIVED, Action.RESTORED]).values_list("action", "actor", "note")) == [
        (Action.RESTORED, user.pk, "Running again."),
        (Action.ARCHIVED, user.pk, "Programme ended."),
    ]


def test_the_owners_contributor_can_neither_archive_nor_restore(post, practice, contributor_a, focal_a):
    kenya = {"iso2": "KE", "pk": practice.pk}
    assert post(contributor_a, "practice_archive", **kenya).status_code == 403
    with pytest.raises(PermissionDenied):
        services.archive_practice(practice, by=contributor_a)
    services.archive_practice(practice, by=focal_a)
    assert post(contributor_a, "practice_restore", **kenya).status_code == 403
    with pytest.raises(PermissionDenied):
        services.restore_practice(practice, by=contributor_a)
    assert Practice.objects.get(pk=practice.pk).status == "archived"


# --- Every step recorded once, and told to the other side in their language ---


def test_each_step_is_one_history_entry_and_one_email_to_the_other_sides_focal_points(post, practice, focal_a, focal_b, contributor_a, contributor_b):
    focal_a.language, focal_b.language = "fr", "es"
    focal_a.save(update_fields=["language"])
    focal_b.save(update_fields=["language"])
    steps = [
        (focal_a, "share_propose", {"iso2": "KE", "pk": practice.pk}, {"country": "CO"}, Action.CO_OWNER_PROPOSED, focal_b),
        (focal_b, "share_accept", {"iso2": "CO"}, None, Action.CO_OWNER_ACCEPTED, focal_a),
        (focal_b, "co_owner_leave", {"iso2": "CO", "pk": practice.pk}, None, Action.CO_OWNER_LEFT, focal_a),
    ]
    for actor, name, kwargs, data, action, told in steps:
        if name == "share_accept":
            kwargs["share_id"] = proposal_of(practice).pk
        before, sent = practice.events.count(), len(mail.outbox)
        post(actor, name, data, **kwargs)
        assert practice.events.count() == before + 1
        event = practice.events.first()
        assert (event.action, event.actor, event.note, event.co_ownership) == (action, actor, "Colombia", proposal_of(practice))
        # One e-mail, to the other side's focal point only (not to contributors, not to whoever acted).
        assert [message.to for message in mail.outbox[sent:]] == [[told.email]]
        message = mail.outbox[-1]
        assert TITLE in message.subject and TITLE in message.body
        # In the reader's language: the link to their workspace and the countries' names.
        assert f"/{told.language}/workspace/{told.membership.country.iso2}/practices/" in message.body
    accepted, left = mail.outbox[1], mail.outbox[2]
    assert "Colombie" in accepted.subject and "Colombie" in left.subject  # Colombia, in French
    assert f"/fr/workspace/KE/practices/{practice.pk}/" in accepted.body
    assert "/es/workspace/CO/practices/" in mail.outbox[0].body


# --- The record of co-owners from before consent, and the visitors' pages ---


def test_co_owners_recorded_before_consent_stay_as_accepted_sharings(practice, focal_a, moderator, country_b):
    # A co-owner added the old way: the relation and its history entry, no sharing record.
    practice.co_owners.add(country_b)
    practice.countries.add(country_b)
    ReviewEvent.objects.create(practice=practice, actor=focal_a, action=Action.CO_OWNER_ADDED, note="Colombia")
    migration = importlib.import_module("practices.migrations.0012_co_ownerships")
    migration.record_existing_co_owners(apps, None)
    sharing = CoOwnership.objects.get()
    assert (sharing.practice, sharing.country, sharing.status, sharing.proposed_by, sharing.decided_by) == (
        practice, country_b, "accepted", focal_a, None,
    )
    # It is a co-ownership like any other: Colombia's focal point can leave it.
    colombia_focal = make_member(country_b, "focal.co@example.org", Membership.Role.FOCAL_POINT)
    services.leave_co_ownership(sharing, by=colombia_focal)
    assert not practice.co_owners.exists()


def test_only_an_accepted_sharing_renews_the_visitors_pages(practice, focal_a, focal_b, django_capture_on_commit_callbacks):
    generation = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.propose_co_owner(practice, by=focal_a, country=focal_b.membership.country)
        services.decline_co_owner_proposal(proposal, by=focal_b)
        proposal = services.propose_co_owner(practice, by=focal_a, country=focal_b.membership.country)
    assert pagecache.generation() == generation
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_co_owner_proposal(proposal, by=focal_b)
    assert pagecache.generation() != generation
