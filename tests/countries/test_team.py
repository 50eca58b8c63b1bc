"""Team management: roles, removal, handing over, the at-least-one-focal-point rule, the record."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from countries import services
from countries.models import AuditEvent, Country, Invitation, Membership
from tests.conftest import make_member


def url(name, member):
    return reverse(f"countries:{name}", kwargs={"iso2": member.country.iso2, "member_id": member.pk})


def test_focal_point_promotes_contributor(client, focal_a, contributor_a):
    client.force_login(focal_a)
    member = contributor_a.membership
    response = client.post(url("change_role", member), {"role": "focal_point"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "focal_point"
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_ROLE_CHANGED)
    assert (event.actor, event.subject, event.details) == (
        focal_a,
        contributor_a.email,
        {"before": "contributor", "after": "focal_point"},
    )


def test_last_focal_point_cannot_step_down(client, focal_a, contributor_a):
    client.force_login(focal_a)
    response = client.post(url("change_role", focal_a.membership), {"role": "contributor"}, follow=True)
    assert "must keep at least one focal point" in response.content.decode()
    focal_a.membership.refresh_from_db()
    assert focal_a.membership.role == "focal_point"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_ROLE_CHANGED).exists()


def test_last_focal_point_cannot_remove_themself(client, focal_a):
    client.force_login(focal_a)
    client.post(url("remove_member", focal_a.membership))
    assert Membership.objects.filter(user=focal_a).exists()


def test_staff_may_leave_a_country_without_focal_point(client, moderator, focal_a):
    client.force_login(moderator)
    client.post(url("change_role", focal_a.membership), {"role": "contributor"})
    focal_a.membership.refresh_from_db()
    assert focal_a.membership.role == "contributor"


def test_focal_point_hands_the_role_over(client, focal_a, contributor_a):
    client.force_login(focal_a)
    response = client.post(url("hand_over", contributor_a.membership))
    assert response.status_code == 302
    assert Membership.objects.get(user=contributor_a).role == "focal_point"
    assert Membership.objects.get(user=focal_a).role == "contributor"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FOCAL_POINT_HANDED_OVER, subject=contributor_a.email).exists()
    # The former focal point now has a contributor's rights.
    assert client.get(reverse("countries:profile_edit", kwargs={"iso2": "KE"})).status_code == 403


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    "member, role, said",
    [
        ("contributor_a", "focal_point", "Collins Contributor is now a focal point."),
        ("second_focal_a", "contributor", "Faith Second is now a contributor."),
    ],
)
def test_a_role_change_says_the_new_role(request, client, focal_a, member, role, said):
    member = request.getfixturevalue(member)
    client.force_login(focal_a)
    response = client.post(url("change_role", member.membership), {"role": role}, follow=True)
    assert messages_of(response) == [said]
    assert Membership.objects.get(user=member).role == role


def test_choosing_the_role_a_member_has_says_so_and_records_nothing(client, focal_a, contributor_a):
    client.force_login(focal_a)
    response = client.post(url("change_role", contributor_a.membership), {"role": "contributor"}, follow=True)
    assert messages_of(response) == ["Collins Contributor is already a contributor."]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_ROLE_CHANGED).exists()


@pytest.fixture
def second_focal_a(country_a, focal_a):
    # A second focal point of country A.
    return make_member(country_a, "second.focal.a@example.org", Membership.Role.FOCAL_POINT, "Faith Second")


def test_the_hand_over_is_offered_only_to_members_who_are_not_focal_points(client, focal_a, contributor_a, second_focal_a):
    client.force_login(focal_a)
    page = client.get(reverse("countries:team", kwargs={"iso2": "KE"})).content.decode()
    assert f'action="{url("hand_over", contributor_a.membership)}"' in page
    assert "Hand the focal-point role to Collins Contributor" in page
    for focal_point in (focal_a, second_focal_a):
        assert f'action="{url("hand_over", focal_point.membership)}"' not in page
    assert "Hand the focal-point role to Faith Second" not in page


def test_handing_the_role_to_a_focal_point_is_refused(client, focal_a, second_focal_a):
    client.force_login(focal_a)
    response = client.post(url("hand_over", second_focal_a.membership), follow=True)
    assert messages_of(response) == ["Faith Second is already a focal point."]
    # Nothing changed: the giver did not quietly step down.
    assert {m.user_id: m.role for m in Membership.objects.filter(country=focal_a.membership.country)} == {
        focal_a.pk: "focal_point", second_focal_a.pk: "focal_point"
    }
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FOCAL_POINT_HANDED_OVER).exists()


def test_removed_member_loses_access_on_next_request(client, focal_a, contributor_a):
    other = client.__class__()
    other.force_login(contributor_a)
    workspace = reverse("countries:workspace", kwargs={"iso2": "KE"})
    assert other.get(workspace).status_code == 200
    client.force_login(focal_a)
    client.post(url("remove_member", contributor_a.membership))
    assert not Membership.objects.filter(user=contributor_a).exists()
    assert other.get(workspace).status_code == 404
    assert other.get(reverse("countries:workspace_home")).status_code == 200  # "not in a team" page
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED)
    assert (event.actor, event.subject) == (focal_a, contributor_a.email)


def test_deactivated_user_is_signed_out_on_next_request(client, contributor_a):
    client.force_login(contributor_a)
    contributor_a.is_active = False
    contributor_a.save(update_fields=["is_active"])
    response = client.get(reverse("countries:workspace", kwargs={"iso2": "KE"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_of_country_b_cannot_touch_country_a_members(client, focal_b, contributor_a):
    client.force_login(focal_b)
    for name, data in [("change_role", {"role": "focal_point"}), ("remove_member", {}), ("hand_over", {})]:
        assert client.post(url(name, contributor_a.membership), data).status_code == 404
    assert Membership.objects.get(user=contributor_a).role == "contributor"


def test_member_id_of_another_country_is_not_found_through_own_workspace(client, focal_a, contributor_b):
    """Country A's focal point cannot reach a country B member by putting its id in A's URL."""
    client.force_login(focal_a)
    response = client.post(
        reverse("countries:remove_member", kwargs={"iso2": "KE", "member_id": contributor_b.membership.pk})
    )
    assert response.status_code == 404
    assert Membership.objects.filter(user=contributor_b).exists()


def test_invitation_id_of_another_country_is_not_found_through_own_workspace(client, focal_a, focal_b, country_b):
    invitation = services.invite_delegate(country=country_b, email="x@example.org", role="contributor", by=focal_b)
    client.force_login(focal_a)
    response = client.post(reverse("countries:revoke_invitation", kwargs={"iso2": "KE", "invitation_id": invitation.pk}))
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_invalid_role_is_refused(client, focal_a, contributor_a):
    client.force_login(focal_a)
    response = client.post(url("change_role", contributor_a.membership), {"role": "admin"}, follow=True)
    assert "Choose a role." in response.content.decode()
    assert Membership.objects.get(user=contributor_a).role == "contributor"


def test_service_refuses_handover_by_a_contributor(contributor_a, focal_a, country_a):
    with pytest.raises(ValidationError):
        services.hand_over_focal_point(country_a, to=focal_a.membership, by=contributor_a)
    assert Membership.objects.get(user=focal_a).role == "focal_point"


# --- The services refuse whoever may not manage the team, called from anywhere (not only through the views) ---

# A contributor of the team, and delegates of another country (its focal point too).
NOT_MANAGERS_OF_A = ["contributor_a", "focal_b", "contributor_b"]


@pytest.mark.parametrize("caller", NOT_MANAGERS_OF_A)
def test_role_change_service_refuses_who_may_not_manage_the_team(request, caller, contributor_a):
    by = request.getfixturevalue(caller)
    with pytest.raises(PermissionDenied):
        services.change_role(contributor_a.membership, role=Membership.Role.FOCAL_POINT, by=by)
    assert Membership.objects.get(user=contributor_a).role == "contributor"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_ROLE_CHANGED).exists()


@pytest.mark.parametrize("caller", NOT_MANAGERS_OF_A)
def test_removal_service_refuses_who_may_not_manage_the_team(request, caller, country_a, contributor_a):
    by = request.getfixturevalue(caller)
    member = make_member(country_a, "third@example.org", Membership.Role.CONTRIBUTOR).membership
    with pytest.raises(PermissionDenied):
        services.remove_member(member, by=by)
    assert Membership.objects.filter(pk=member.pk, role="contributor").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MEMBER_REMOVED).exists()


@pytest.mark.parametrize("caller", NOT_MANAGERS_OF_A)
def test_invitation_services_refuse_who_may_not_manage_the_team(request, caller, country_a, focal_a, contributor_a):
    by = request.getfixturevalue(caller)
    with pytest.raises(PermissionDenied):
        services.invite_delegate(country=country_a, email="newcomer@example.org", role="contributor", by=by)
    assert not Invitation.objects.filter(email="newcomer@example.org").exists()
    invitation = services.invite_delegate(country=country_a, email="invitee@example.org", role="contributor", by=focal_a)
    token_hash = invitation.token_hash
    with pytest.raises(PermissionDenied):
        services.resend_invitation(invitation, by=by)
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(invitation, by=by)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.token_hash) == ("pending", token_hash)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [AuditEvent.Action.INVITATION_SENT]


@pytest.mark.parametrize("caller", NOT_MANAGERS_OF_A)
def test_profile_service_refuses_who_may_not_manage_the_team(request, caller, country_a, contributor_a):
    by = request.getfixturevalue(caller)
    data = {name: "" for name in Country.PROFILE_FIELDS} | {"responsible_institution": "Ministry of Nothing"}
    with pytest.raises(PermissionDenied):
        services.update_profile(country_a, data=data, by=by)
    country_a.refresh_from_db()
    assert country_a.responsible_institution == "" and country_a.profile_updated_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PROFILE_UPDATED).exists()


# --- Country profile ---


def test_focal_point_completes_the_public_profile(client, focal_a, country_a):
    client.force_login(focal_a)
    data = {
        "responsible_institution": "Ministry of Co-operatives and MSMEs",
        "policy_overview": "MSMEs employ most of the workforce.",
        "website": "https://msme.example.org",
        "public_contact_name": "Desk",
        "public_contact_email": "desk@example.org",
    }
    response = client.post(reverse("countries:profile_edit", kwargs={"iso2": "KE"}), data)
    assert response.status_code == 302
    country_a.refresh_from_db()
    assert country_a.profile_is_complete
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert "Ministry of Co-operatives and MSMEs" in page and "desk@example.org" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROFILE_UPDATED)
    assert sorted(event.details["fields"]) == sorted(data)


def test_bad_profile_input_is_refused_next_to_the_field(client, focal_a, country_a):
    client.force_login(focal_a)
    response = client.post(
        reverse("countries:profile_edit", kwargs={"iso2": "KE"}),
        {"responsible_institution": "x" * 201, "policy_overview": "", "website": "javascript:alert(1)", "public_contact_email": "nope"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"responsible_institution", "website", "public_contact_email"}
    country_a.refresh_from_db()
    assert country_a.responsible_institution == ""


def test_profile_text_is_escaped_on_the_public_page(client, focal_a, country_a):
    client.force_login(focal_a)
    client.post(
        reverse("countries:profile_edit", kwargs={"iso2": "KE"}),
        {"responsible_institution": "<script>alert(1)</script>", "policy_overview": "<img src=x onerror=alert(1)>"},
    )
    page = client.get(reverse("countries:country_detail", kwargs={"iso2": "KE"})).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_history_lists_team_changes(client, focal_a, contributor_a):
    client.force_login(focal_a)
    client.post(url("change_role", contributor_a.membership), {"role": "focal_point"})
    page = client.get(reverse("countries:history", kwargs={"iso2": "KE"})).content.decode()
    assert "Role changed" in page and contributor_a.email in page


# --- Query counts: list pages stay constant as teams grow ---


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
@pytest.mark.parametrize("name", ["team", "workspace", "history"])
def test_workspace_pages_keep_a_constant_number_of_queries(client, focal_a, country_a, django_assert_max_num_queries, name):
    for number in range(15):
        make_member(country_a, f"member{number}@example.org", Membership.Role.CONTRIBUTOR)
        services.invite_delegate(country=country_a, email=f"invitee{number}@example.org", role="contributor", by=focal_a)
    client.force_login(focal_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(f"countries:{name}", kwargs={"iso2": "KE"}))
    assert response.status_code == 200


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_staff_dashboard_keeps_a_constant_number_of_queries(client, moderator, django_assert_max_num_queries):
    for country in Country.objects.filter(iso2__in=["SN", "GH", "PE", "IQ", "FR"]):
        make_member(country, f"focal@{country.iso2.lower()}.example", Membership.Role.FOCAL_POINT)
        services.invite_delegate(country=country, email=f"other@{country.iso2.lower()}.example", role="contributor", by=moderator)
    client.force_login(moderator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("countries:staff_dashboard"))
    assert response.status_code == 200
    assert len(response.context["participating"]) == 5


@pytest.mark.caches_off("counts the queries of a first render, which with the caches on also stores what it computed")
def test_public_country_list_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries, db):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("countries:country_list"))
    links = re.findall(r'href="/en/countries/([A-Z]{2})/"', response.content.decode())
    assert len(set(links)) == len(links) == 247


def test_removing_a_member_in_the_admin_is_recorded(client, moderator, contributor_a):
    client.force_login(moderator)
    membership = contributor_a.membership
    response = client.post(f"/admin/countries/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_REMOVED)
    assert (event.actor, event.subject) == (moderator, contributor_a.email)


def test_moderators_cannot_change_users_in_the_admin(client, moderator, focal_a):
    """Changing a user would let a moderator set a superuser's password."""
    client.force_login(moderator)
    response = client.post(f"/admin/countries/user/{focal_a.pk}/password/", {"password1": "x" * 20, "password2": "x" * 20})
    assert response.status_code == 403
