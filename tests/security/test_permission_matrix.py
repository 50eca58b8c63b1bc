"""Every URL pattern against every role.

The table below names each URL pattern of the project (ours, allauth's and the admin's)
with the response each role gets. A new URL pattern missing from the table fails
test_every_url_pattern_is_in_the_matrix, so no page ships without an access decision.

Expected values: a status code; LOGIN (a redirect to the sign-in page); or REDIRECT
(a redirect elsewhere, e.g. an admin page to the admin sign-in, or a signed-in user away
from the sign-in form).
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tasks_db.models import DBTaskResult

from countries import pagecache, services
from countries.models import MODERATORS_GROUP, AuditEvent, Country, Invitation, Membership, Region
from practices.tasks import send_review_digests
from tests.conftest import edit_base
from tests.factories import publish_practice

LOGIN = "login"
REDIRECT = "redirect"
ROLES = ["anonymous", "contributor_a", "focal_a", "contributor_b", "moderator"]


@dataclass
class Case:
    url: Callable  # world -> path
    expected: dict  # role -> expectation
    method: str = "get"
    data: dict = field(default_factory=dict)


def each(value):
    return dict.fromkeys(ROLES, value)


def public(status=200):
    return each(status)


def signed_in(status=200, anonymous=LOGIN):
    return {**each(status), "anonymous": anonymous}


WORKSPACE_READ = {"anonymous": LOGIN, "contributor_a": 200, "focal_a": 200, "contributor_b": 404, "moderator": 200}
WORKSPACE_MANAGE = {"anonymous": LOGIN, "contributor_a": 403, "focal_a": 200, "contributor_b": 404, "moderator": 200}
# A POST-only action: GET is refused once access is settled; POST by an allowed role redirects.
ACTION_GET = {"anonymous": LOGIN, "contributor_a": 403, "focal_a": 405, "contributor_b": 404, "moderator": 405}
ACTION_POST = {"anonymous": LOGIN, "contributor_a": 403, "focal_a": REDIRECT, "contributor_b": 404, "moderator": REDIRECT}
# The same, for actions every member of the team may take.
TEAM_ACTION_GET = {**ACTION_GET, "contributor_a": 405}
TEAM_ACTION_POST = {**ACTION_POST, "contributor_a": REDIRECT}
STAFF = {"anonymous": LOGIN, "contributor_a": 403, "focal_a": 403, "contributor_b": 403, "moderator": 200}
# Admin views: the sign-in is allauth's; delegates are sent to the admin sign-in, which refuses them.
ADMIN_ANONYMOUS_AND_DELEGATES = {"anonymous": REDIRECT, "contributor_a": REDIRECT, "focal_a": REDIRECT, "contributor_b": REDIRECT}


def admin(moderator):
    return {**ADMIN_ANONYMOUS_AND_DELEGATES, "moderator": moderator}


def a(name, **kwargs):
    return lambda world: reverse(name, kwargs={key: (value(world) if callable(value) else value) for key, value in kwargs.items()})


MATRIX = {
    # --- The project ---
    "healthz": Case(a("healthz"), public()),
    # For search engines, outside the language prefixes.
    "robots_txt": Case(a("robots_txt"), public()),
    "favicon": Case(a("favicon"), each(REDIRECT)),
    "sitemap": Case(a("sitemap"), public()),
    "home": Case(a("home"), public()),
    # The footer's pages.
    "about": Case(a("about"), public()),
    "accessibility": Case(a("accessibility"), public()),
    "privacy": Case(a("privacy"), public()),
    "terms": Case(a("terms"), public()),
    "contact": Case(a("contact"), public()),
    "countries:country_list": Case(a("countries:country_list"), public()),
    "countries:country_detail": Case(a("countries:country_detail", iso2="KE"), public()),
    "countries:region_map": Case(a("countries:region_map"), public()),
    "countries:region_detail": Case(a("countries:region_detail", slug="sub-saharan-africa"), public()),
    "countries:invitation_accept": Case(
        a("countries:invitation_accept", token=lambda w: w["token"]),
        # Signed in as someone else than the invited address: refused.
        {**each(403), "anonymous": 200},
    ),
    "countries:workspace_home": Case(
        a("countries:workspace_home"), {**each(REDIRECT), "anonymous": LOGIN}
    ),
    "countries:workspace": Case(a("countries:workspace", iso2="KE"), WORKSPACE_READ),
    "countries:profile_edit": Case(a("countries:profile_edit", iso2="KE"), WORKSPACE_MANAGE),
    "countries:team": Case(a("countries:team", iso2="KE"), WORKSPACE_READ),
    "countries:invite_member": Case(a("countries:invite_member", iso2="KE"), WORKSPACE_MANAGE),
    "countries:change_role": Case(
        a("countries:change_role", iso2="KE", member_id=lambda w: w["member_a"].pk), ACTION_GET
    ),
    "countries:remove_member": Case(
        a("countries:remove_member", iso2="KE", member_id=lambda w: w["member_a"].pk), ACTION_GET
    ),
    "countries:hand_over": Case(
        a("countries:hand_over", iso2="KE", member_id=lambda w: w["member_a"].pk), ACTION_GET
    ),
    "countries:revoke_invitation": Case(
        a("countries:revoke_invitation", iso2="KE", invitation_id=lambda w: w["invitation"].pk), ACTION_GET
    ),
    "countries:resend_invitation": Case(
        a("countries:resend_invitation", iso2="KE", invitation_id=lambda w: w["invitation"].pk), ACTION_GET
    ),
    "countries:history": Case(a("countries:history", iso2="KE"), WORKSPACE_MANAGE),
    "countries:staff_dashboard": Case(a("countries:staff_dashboard"), STAFF),
    # --- Practices in a country's workspace (the practice is a draft of country A) ---
    "practices:workspace_list": Case(a("practices:workspace_list", iso2="KE"), WORKSPACE_READ),
    "practices:practice_create": Case(a("practices:practice_create", iso2="KE"), WORKSPACE_READ),
    "practices:workspace_detail": Case(a("practices:workspace_detail", iso2="KE", pk=lambda w: w["practice"].pk), WORKSPACE_READ),
    "practices:practice_edit": Case(a("practices:practice_edit", iso2="KE", pk=lambda w: w["practice"].pk), WORKSPACE_READ),
    "practices:practice_submit": Case(a("practices:practice_submit", iso2="KE", pk=lambda w: w["practice"].pk), TEAM_ACTION_GET),
    "practices:practice_discard": Case(a("practices:practice_discard", iso2="KE", pk=lambda w: w["practice"].pk), TEAM_ACTION_GET),
    "practices:practice_revise": Case(a("practices:practice_revise", iso2="KE", pk=lambda w: w["practice"].pk), TEAM_ACTION_GET),
    "practices:practice_archive": Case(a("practices:practice_archive", iso2="KE", pk=lambda w: w["practice"].pk), ACTION_GET),
    "practices:practice_restore": Case(a("practices:practice_restore", iso2="KE", pk=lambda w: w["practice"].pk), ACTION_GET),
    "practices:attachment_add": Case(a("practices:attachment_add", iso2="KE", pk=lambda w: w["practice"].pk), TEAM_ACTION_GET),
    "practices:attachment_download": Case(
        a("practices:attachment_download", iso2="KE", pk=lambda w: w["practice"].pk, attachment_id=lambda w: w["attachment"].pk),
        WORKSPACE_READ,
    ),
    "practices:attachment_remove": Case(
        a("practices:attachment_remove", iso2="KE", pk=lambda w: w["practice"].pk, attachment_id=lambda w: w["attachment"].pk),
        TEAM_ACTION_GET,
    ),
    # Sharing: the world's practice is proposed to Senegal; Colombia proposes a practice to Kenya, and shares another with it.
    "practices:share_propose": Case(a("practices:share_propose", iso2="KE", pk=lambda w: w["practice"].pk), ACTION_GET),
    "practices:share_withdraw": Case(
        a("practices:share_withdraw", iso2="KE", pk=lambda w: w["practice"].pk, share_id=lambda w: w["proposal_to_senegal"].pk), ACTION_GET
    ),
    "practices:co_owner_remove": Case(
        a("practices:co_owner_remove", iso2="KE", pk=lambda w: w["practice"].pk, co_owner="CO"), ACTION_GET
    ),
    "practices:co_owner_leave": Case(a("practices:co_owner_leave", iso2="KE", pk=lambda w: w["shared_with_kenya"].pk), ACTION_GET),
    "practices:share_accept": Case(a("practices:share_accept", iso2="KE", share_id=lambda w: w["proposal_to_kenya"].pk), ACTION_GET),
    "practices:share_decline": Case(a("practices:share_decline", iso2="KE", share_id=lambda w: w["proposal_to_kenya"].pk), ACTION_GET),
    # The practice has a single version: the page says there is nothing to compare yet.
    "practices:version_compare": Case(a("practices:version_compare", iso2="KE", pk=lambda w: w["practice"].pk), WORKSPACE_READ),
    "practices:saved_text": Case(
        a("practices:saved_text", iso2="KE", pk=lambda w: w["practice"].pk, save_id=lambda w: edit_base(w["practice"])), WORKSPACE_READ
    ),
    # --- ITC moderation (the version is still a draft: decisions on it are refused with a message) ---
    "practices:review_queue": Case(a("practices:review_queue"), STAFF),
    "practices:notification_settings": Case(a("practices:notification_settings"), STAFF),
    "practices:revision_restore": Case(a("practices:revision_restore", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}),
    "practices:review": Case(a("practices:review", pk=lambda w: w["revision"].pk), STAFF),
    "practices:review_claim": Case(a("practices:review_claim", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}),
    "practices:review_publish": Case(a("practices:review_publish", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}),
    "practices:review_request_changes": Case(
        a("practices:review_request_changes", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}
    ),
    "practices:review_reject": Case(a("practices:review_reject", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}),
    # --- Translations: the world's translation is a French draft of Kenya's published practice, by its focal point ---
    "practices:translation_list": Case(a("practices:translation_list", iso2="KE"), WORKSPACE_READ),
    "practices:translation_edit": Case(a("practices:translation_edit", iso2="KE", pk=lambda w: w["translation"].pk), WORKSPACE_READ),
    "practices:translation_discard": Case(
        a("practices:translation_discard", iso2="KE", pk=lambda w: w["translation"].pk), TEAM_ACTION_GET
    ),
    # Any signed-in delegate may start one (the service refuses a person with no country: tests/practices/test_translations.py).
    "practices:translation_start": Case(a("practices:translation_start", pk=lambda w: w["published"].pk), signed_in(405)),
    # Any signed-in reader asks for a published practice in another language, and may withdraw the request.
    "practices:translation_ask": Case(a("practices:translation_ask", pk=lambda w: w["published"].pk), signed_in(405)),
    "practices:translation_ask_withdraw": Case(a("practices:translation_ask_withdraw", pk=lambda w: w["published"].pk), signed_in(405)),
    "practices:translation_queue": Case(a("practices:translation_queue"), STAFF),
    "practices:translation_coverage": Case(a("practices:translation_coverage"), STAFF),
    "practices:translation_review": Case(a("practices:translation_review", pk=lambda w: w["translation"].pk), STAFF),
    "practices:translation_publish": Case(
        a("practices:translation_publish", pk=lambda w: w["translation"].pk), {**STAFF, "moderator": 405}
    ),
    "practices:translation_request_changes": Case(
        a("practices:translation_request_changes", pk=lambda w: w["translation"].pk), {**STAFF, "moderator": 405}
    ),
    "practices:translation_reject": Case(a("practices:translation_reject", pk=lambda w: w["translation"].pk), {**STAFF, "moderator": 405}),
    # --- Import from a spreadsheet (the upload holds one row that can be imported) ---
    "practices:import_start": Case(a("practices:import_start"), STAFF),
    "practices:import_template_csv": Case(a("practices:import_template_csv"), STAFF),
    "practices:import_template_xlsx": Case(a("practices:import_template_xlsx"), STAFF),
    "practices:import_preview": Case(a("practices:import_preview", pk=lambda w: w["import_batch"].pk), STAFF),
    "practices:import_confirm": Case(a("practices:import_confirm", pk=lambda w: w["import_batch"].pk), {**STAFF, "moderator": 405}),
    "practices:review_tags": Case(a("practices:review_tags", pk=lambda w: w["revision"].pk), {**STAFF, "moderator": 405}),
    # --- Public: an unpublished practice does not exist for anyone, staff included ---
    "practices:browse": Case(a("practices:browse"), public()),
    # The world's practice is a draft: it is left out, and the page explains how to choose practices.
    "practices:compare": Case(lambda w: f"{reverse('practices:compare')}?p={w['practice'].pk}", public()),
    "practices:practice_detail": Case(a("practices:practice_detail", pk=lambda w: w["practice"].pk), public(404)),
    "practices:practice_changes": Case(a("practices:practice_changes", pk=lambda w: w["practice"].pk), public(404)),
    "practices:public_attachment": Case(
        a("practices:public_attachment", pk=lambda w: w["practice"].pk, attachment_id=lambda w: w["attachment"].pk), public(404)
    ),
    # --- Open data: published practices only, the same for everyone ---
    "practices:export_csv": Case(a("practices:export_csv"), public()),
    "practices:export_json": Case(a("practices:export_json"), public()),
    "practices:export_xlsx": Case(a("practices:export_xlsx"), public()),
    "practices:feed_latest": Case(a("practices:feed_latest"), public()),
    "practices:feed_region": Case(a("practices:feed_region", slug=lambda w: w["region"].slug), public()),
    "practices:feed_country": Case(a("practices:feed_country", iso2="KE"), public()),
    "practices:feed_theme": Case(a("practices:feed_theme", slug=lambda w: w["theme"].slug), public()),
    "practices:feed_search": Case(lambda w: f"{reverse('practices:feed_search')}?country=KE", public()),
    "practices:open_data": Case(a("practices:open_data"), public()),
    # No dataset is written in this world (tests/practices/test_dataset.py serves one to everyone, signed in or not).
    "practices:dataset_file": Case(lambda w: reverse("practices:dataset_file", args=["sme-policy-practices.json.gz"]), public(404)),
    # The JSON API, outside the language prefixes like healthz; the world's practice is a draft: not found.
    "api:practice_list": Case(a("api:practice_list"), public()),
    "api:practice_detail": Case(a("api:practice_detail", pk=lambda w: w["practice"].pk), public(404)),
    "api:taxonomies": Case(a("api:taxonomies"), public()),
    "api:openapi": Case(a("api:openapi"), public()),
    # Any other address under /api/: a JSON 404, whoever asks.
    "api:not_found": Case(lambda world: "/api/no-such-address/", public(404)),
    "countries:staff_invite": Case(a("countries:staff_invite"), STAFF),
    # --- Meetings: public pages (the world's meeting is public), Kenya's declarations, ITC staff ---
    "meetings:meeting_list": Case(a("meetings:meeting_list"), public()),
    "meetings:meeting_calendar_feed": Case(a("meetings:meeting_calendar_feed"), public()),
    "meetings:meeting_detail": Case(a("meetings:meeting_detail", slug=lambda w: w["meeting"].slug), public()),
    "meetings:meeting_calendar": Case(a("meetings:meeting_calendar", slug=lambda w: w["meeting"].slug), public()),
    "meetings:meeting_document": Case(
        a("meetings:meeting_document", slug=lambda w: w["meeting"].slug, document_id=lambda w: w["meeting_document"].pk), public()
    ),
    "meetings:workspace_meeting_list": Case(a("meetings:workspace_meeting_list", iso2="KE"), WORKSPACE_READ),
    "meetings:workspace_participation": Case(
        a("meetings:workspace_participation", iso2="KE", pk=lambda w: w["meeting"].pk), WORKSPACE_MANAGE
    ),
    "meetings:workspace_presentation": Case(
        a("meetings:workspace_presentation", iso2="KE", pk=lambda w: w["meeting"].pk), WORKSPACE_MANAGE
    ),
    "meetings:staff_meeting_list": Case(a("meetings:staff_meeting_list"), STAFF),
    "meetings:staff_meeting_create": Case(a("meetings:staff_meeting_create"), STAFF),
    "meetings:staff_meeting": Case(a("meetings:staff_meeting", pk=lambda w: w["meeting"].pk), STAFF),
    "meetings:staff_meeting_edit": Case(a("meetings:staff_meeting_edit", pk=lambda w: w["meeting"].pk), STAFF),
    "meetings:staff_meeting_publish": Case(a("meetings:staff_meeting_publish", pk=lambda w: w["meeting"].pk), {**STAFF, "moderator": 405}),
    "meetings:staff_meeting_unpublish": Case(
        a("meetings:staff_meeting_unpublish", pk=lambda w: w["meeting"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_agenda_add": Case(a("meetings:staff_agenda_add", pk=lambda w: w["meeting"].pk), {**STAFF, "moderator": 405}),
    "meetings:staff_agenda_edit": Case(
        a("meetings:staff_agenda_edit", pk=lambda w: w["meeting"].pk, item_id=lambda w: w["agenda_item"].pk), STAFF
    ),
    "meetings:staff_agenda_remove": Case(
        a("meetings:staff_agenda_remove", pk=lambda w: w["meeting"].pk, item_id=lambda w: w["agenda_item"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_agenda_move": Case(
        a("meetings:staff_agenda_move", pk=lambda w: w["meeting"].pk, item_id=lambda w: w["agenda_item"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_document_add": Case(a("meetings:staff_document_add", pk=lambda w: w["meeting"].pk), {**STAFF, "moderator": 405}),
    "meetings:staff_document_download": Case(
        a("meetings:staff_document_download", pk=lambda w: w["meeting"].pk, document_id=lambda w: w["meeting_document"].pk), STAFF
    ),
    "meetings:staff_document_remove": Case(
        a("meetings:staff_document_remove", pk=lambda w: w["meeting"].pk, document_id=lambda w: w["meeting_document"].pk),
        {**STAFF, "moderator": 405},
    ),
    "meetings:staff_participation_confirm": Case(
        a("meetings:staff_participation_confirm", pk=lambda w: w["participation"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_participation_decline": Case(
        a("meetings:staff_participation_decline", pk=lambda w: w["participation"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_presentation_confirm": Case(
        a("meetings:staff_presentation_confirm", pk=lambda w: w["presentation"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:staff_presentation_decline": Case(
        a("meetings:staff_presentation_decline", pk=lambda w: w["presentation"].pk), {**STAFF, "moderator": 405}
    ),
    # --- The Call to Action: public pages (the world's story is published), Kenya's workspace, ITC staff ---
    "meetings:call_to_action": Case(a("meetings:call_to_action"), public()),
    "meetings:cta_story": Case(a("meetings:cta_story", pk=lambda w: w["published_story"].pk), public()),
    "meetings:cta_workspace": Case(a("meetings:cta_workspace", iso2="KE"), WORKSPACE_READ),
    "meetings:cta_declare_endorsement": Case(a("meetings:cta_declare_endorsement", iso2="KE"), ACTION_GET),
    "meetings:cta_story_create": Case(a("meetings:cta_story_create", iso2="KE"), WORKSPACE_READ),
    "meetings:cta_story_workspace": Case(a("meetings:cta_story_workspace", iso2="KE", pk=lambda w: w["story"].pk), WORKSPACE_READ),
    "meetings:cta_story_edit": Case(a("meetings:cta_story_edit", iso2="KE", pk=lambda w: w["story"].pk), WORKSPACE_READ),
    "meetings:cta_story_submit": Case(a("meetings:cta_story_submit", iso2="KE", pk=lambda w: w["story"].pk), TEAM_ACTION_GET),
    "meetings:cta_staff": Case(a("meetings:cta_staff"), STAFF),
    "meetings:cta_record_endorsement": Case(a("meetings:cta_record_endorsement"), STAFF),
    "meetings:cta_confirm_endorsement": Case(
        a("meetings:cta_confirm_endorsement", pk=lambda w: w["endorsement"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:cta_decline_endorsement": Case(
        a("meetings:cta_decline_endorsement", pk=lambda w: w["endorsement"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:cta_deliverable": Case(a("meetings:cta_deliverable", pk=lambda w: w["deliverable"].pk), STAFF),
    "meetings:cta_deliverable_update": Case(
        a("meetings:cta_deliverable_update", pk=lambda w: w["deliverable"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:cta_deliverable_event": Case(
        a("meetings:cta_deliverable_event", pk=lambda w: w["deliverable"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:cta_story_queue": Case(a("meetings:cta_story_queue"), STAFF),
    # The world's story is a draft: decisions on it are refused with a message.
    "meetings:cta_story_review": Case(a("meetings:cta_story_review", pk=lambda w: w["story"].pk), STAFF),
    "meetings:cta_story_publish": Case(a("meetings:cta_story_publish", pk=lambda w: w["story"].pk), {**STAFF, "moderator": 405}),
    "meetings:cta_story_request_changes": Case(
        a("meetings:cta_story_request_changes", pk=lambda w: w["story"].pk), {**STAFF, "moderator": 405}
    ),
    "meetings:cta_story_reject": Case(a("meetings:cta_story_reject", pk=lambda w: w["story"].pk), {**STAFF, "moderator": 405}),
    # --- Sign-in and account pages (allauth) ---
    "account_login": Case(a("account_login"), {**each(REDIRECT), "anonymous": 200}),
    "account_logout": Case(a("account_logout"), {**each(200), "anonymous": REDIRECT}),
    "account_inactive": Case(a("account_inactive"), public()),
    # Sign-up is closed: the page explains invitations.
    "account_signup": Case(a("account_signup"), {**each(REDIRECT), "anonymous": 200}),
    "account_reauthenticate": Case(a("account_reauthenticate"), signed_in()),
    # Confirming a code with no code pending sends the visitor back to where codes are asked for.
    "account_request_reauthentication_code": Case(a("account_request_reauthentication_code"), signed_in()),
    "account_confirm_reauthentication_code": Case(a("account_confirm_reauthentication_code"), {**each(REDIRECT), "anonymous": LOGIN}),
    "account_confirm_login_code": Case(a("account_confirm_login_code"), public(REDIRECT)),
    "account_email": Case(a("account_email"), signed_in()),
    "account_email_verification_sent": Case(a("account_email_verification_sent"), public()),
    "account_change_password": Case(a("account_change_password"), signed_in()),
    # Everyone here has a password: the "set password" page sends them to "change password".
    "account_set_password": Case(a("account_set_password"), signed_in(REDIRECT)),
    "account_reset_password": Case(a("account_reset_password"), public()),
    "account_reset_password_done": Case(a("account_reset_password_done"), public()),
    "account_confirm_email": Case(a("account_confirm_email", key="not-a-real-key"), public()),
    "account_reset_password_from_key": Case(
        a("account_reset_password_from_key", uidb36="zz", key="not-a-real-key"), public()
    ),
    "account_reset_password_from_key_done": Case(a("account_reset_password_from_key_done"), public()),
    # --- Two-factor authentication (allauth.mfa); the moderator has an authenticator app ---
    # Changing an authenticator asks for the password again first (REDIRECT to reauthenticate):
    # the test client's force_login leaves no record of a recent sign-in.
    "mfa_index": Case(a("mfa_index"), signed_in()),
    "mfa_authenticate": Case(a("mfa_authenticate"), {**each(REDIRECT), "anonymous": LOGIN}),
    "mfa_reauthenticate": Case(a("mfa_reauthenticate"), {**each(REDIRECT), "anonymous": LOGIN, "moderator": 200}),
    "mfa_activate_totp": Case(a("mfa_activate_totp"), signed_in(REDIRECT)),
    "mfa_deactivate_totp": Case(a("mfa_deactivate_totp"), {**each(404), "anonymous": LOGIN, "moderator": REDIRECT}),
    "mfa_view_recovery_codes": Case(a("mfa_view_recovery_codes"), {**each(404), "anonymous": LOGIN}),
    "mfa_generate_recovery_codes": Case(a("mfa_generate_recovery_codes"), signed_in(REDIRECT)),
    "mfa_download_recovery_codes": Case(a("mfa_download_recovery_codes"), {**each(404), "anonymous": LOGIN}),
    # --- Django admin: moderators see what their group allows ---
    "admin:index": Case(a("admin:index"), admin(200)),
    "admin:login": Case(a("admin:login"), {"anonymous": LOGIN, "contributor_a": 403, "focal_a": 403, "contributor_b": 403, "moderator": REDIRECT}),
    "admin:logout": Case(a("admin:logout"), admin(405)),
    "admin:password_change": Case(a("admin:password_change"), admin(200)),
    "admin:password_change_done": Case(a("admin:password_change_done"), admin(200)),
    "admin:autocomplete": Case(a("admin:autocomplete"), admin(403)),
    "admin:jsi18n": Case(a("admin:jsi18n"), admin(200)),
    "admin:view_on_site": Case(
        a("admin:view_on_site", content_type_id=lambda w: w["user_content_type"], object_id=lambda w: w["member_a"].user_id),
        admin(404),
    ),
    "admin:app_list": Case(a("admin:app_list", app_label="countries"), admin(200)),
    "admin/(?P<url>.*)$": Case(lambda w: "/admin/no-such-page/", admin(404)),
}


def _admin_model(app_model, object_key, *, view, add=False, change=False, delete=False):
    """The six admin URLs of one model, with the moderator's response to each."""
    app, model = app_model.rsplit("_", 1)
    obj = lambda w: w[object_key].pk  # noqa: E731
    yes, no = 200, 403
    MATRIX.update(
        {
            f"admin:{app_model}_changelist": Case(a(f"admin:{app_model}_changelist"), admin(yes if view else no)),
            f"admin:{app_model}_add": Case(a(f"admin:{app_model}_add"), admin(yes if add else no)),
            f"admin:{app_model}_change": Case(a(f"admin:{app_model}_change", object_id=obj), admin(yes if view or change else no)),
            f"admin:{app_model}_delete": Case(a(f"admin:{app_model}_delete", object_id=obj), admin(yes if delete else no)),
            f"admin:{app_model}_history": Case(a(f"admin:{app_model}_history", object_id=obj), admin(yes if view else no)),
            # The bare object URL redirects to the change page, whoever asks.
            f"admin/{app}/{model}/<path:object_id>/": Case(
                lambda w: f"/admin/{app}/{model}/{w[object_key].pk}/", admin(REDIRECT)
            ),
        }
    )


_admin_model("auth_group", "group", view=False)
_admin_model("countries_user", "user", view=True)
_admin_model("countries_region", "region", view=True)
_admin_model("countries_country", "country_a", view=True, change=True)
_admin_model("countries_membership", "member_a", view=True, delete=True)
_admin_model("countries_invitation", "invitation", view=True)
_admin_model("countries_auditevent", "event", view=True)
_admin_model("account_emailaddress", "email_address", view=False)
_admin_model("mfa_authenticator", "authenticator", view=False)
# Taxonomies are managed by staff; practices change only through the review workflow.
_admin_model("practices_theme", "theme", view=True, add=True, change=True)
_admin_model("practices_instrumenttype", "instrument", view=True, add=True, change=True)
_admin_model("practices_targetgroup", "target_group", view=True, add=True, change=True)
_admin_model("practices_practice", "practice", view=True)
_admin_model("practices_practicerevision", "revision", view=True)
_admin_model("practices_reviewevent", "review_event", view=True)
# The Call to Action's own record: staff keep it in the admin (no deletion).
_admin_model("meetings_calltoaction", "call", view=True, add=True, change=True)
_admin_model("meetings_mandate", "mandate", view=True, add=True, change=True)
# The e-mail queue is for the technical administrators (superusers).
_admin_model("django_tasks_database_dbtaskresult", "task_result", view=False)
MATRIX["admin:auth_user_password_change"] = Case(
    lambda w: reverse("admin:auth_user_password_change", args=[w["user"].pk]), admin(403)
)

# POST for every action that changes data: the allowed roles succeed, the others are refused.
POST_MATRIX = {
    "countries:change_role": Case(MATRIX["countries:change_role"].url, ACTION_POST, "post", {"role": "contributor"}),
    "countries:remove_member": Case(MATRIX["countries:remove_member"].url, ACTION_POST, "post"),
    "countries:revoke_invitation": Case(MATRIX["countries:revoke_invitation"].url, ACTION_POST, "post"),
    "countries:resend_invitation": Case(MATRIX["countries:resend_invitation"].url, ACTION_POST, "post"),
    # Handing over is the focal point's own act; staff are redirected with an explanation.
    "countries:hand_over": Case(MATRIX["countries:hand_over"].url, ACTION_POST, "post"),
    "countries:invite_member": Case(
        MATRIX["countries:invite_member"].url, ACTION_POST, "post", {"email": "new.colleague@example.org", "role": "contributor"}
    ),
    "countries:profile_edit": Case(
        MATRIX["countries:profile_edit"].url,
        ACTION_POST,
        "post",
        {"responsible_institution": "Ministry of Trade", "policy_overview": "Context.", "website": "", "public_contact_name": "", "public_contact_email": ""},
    ),
    "practices:practice_create": Case(
        MATRIX["practices:practice_create"].url, TEAM_ACTION_POST, "post", {"title": "Export desk", "original_language": "en"}
    ),
    "practices:practice_edit": Case(
        MATRIX["practices:practice_edit"].url, TEAM_ACTION_POST, "post", {"title": "Renamed", "original_language": "en", "base": lambda w: edit_base(w["practice"]), "save": ""}
    ),
    "practices:practice_submit": Case(MATRIX["practices:practice_submit"].url, TEAM_ACTION_POST, "post"),
    "practices:practice_discard": Case(MATRIX["practices:practice_discard"].url, TEAM_ACTION_POST, "post"),
    "practices:practice_revise": Case(MATRIX["practices:practice_revise"].url, TEAM_ACTION_POST, "post"),
    "practices:practice_archive": Case(MATRIX["practices:practice_archive"].url, ACTION_POST, "post"),
    # The world's practice is a draft: restoring it is refused with a message, back to its page.
    "practices:practice_restore": Case(MATRIX["practices:practice_restore"].url, ACTION_POST, "post"),
    # Without a file the form comes back with its error: the allowed roles get the page (200).
    "practices:attachment_add": Case(
        MATRIX["practices:attachment_add"].url, {**TEAM_ACTION_POST, "contributor_a": 200, "focal_a": 200, "moderator": 200}, "post"
    ),
    "practices:attachment_remove": Case(MATRIX["practices:attachment_remove"].url, TEAM_ACTION_POST, "post"),
    "practices:share_propose": Case(MATRIX["practices:share_propose"].url, ACTION_POST, "post", {"country": "CO"}),
    "practices:share_withdraw": Case(MATRIX["practices:share_withdraw"].url, ACTION_POST, "post"),
    "practices:co_owner_leave": Case(MATRIX["practices:co_owner_leave"].url, ACTION_POST, "post"),
    "practices:share_accept": Case(MATRIX["practices:share_accept"].url, ACTION_POST, "post"),
    "practices:share_decline": Case(MATRIX["practices:share_decline"].url, ACTION_POST, "post"),
    # Colombia is not a co-owner of the world's practice: the allowed roles find nothing to remove.
    "practices:co_owner_remove": Case(
        MATRIX["practices:co_owner_remove"].url, {**ACTION_POST, "focal_a": 404, "moderator": 404}, "post"
    ),
    "practices:translation_edit": Case(
        MATRIX["practices:translation_edit"].url, TEAM_ACTION_POST, "post", {"title": "Guichet unique", "save": ""}
    ),
    "practices:translation_discard": Case(MATRIX["practices:translation_discard"].url, TEAM_ACTION_POST, "post"),
    # Colombia's contributor volunteers too: each is taken to the Spanish translation in their workspace.
    "practices:translation_start": Case(MATRIX["practices:translation_start"].url, signed_in(REDIRECT), "post", {"language": "es"}),
    # Asking is any signed-in reader's, and so is withdrawing (a request not made: nothing to withdraw); back to the practice.
    "practices:translation_ask": Case(MATRIX["practices:translation_ask"].url, signed_in(REDIRECT), "post", {"language": "es"}),
    "practices:translation_ask_withdraw": Case(MATRIX["practices:translation_ask_withdraw"].url, signed_in(REDIRECT), "post", {"language": "es"}),
    # The world's translation is a draft: ITC's decisions on it are refused with a message, back to its review page.
    "practices:translation_publish": Case(MATRIX["practices:translation_publish"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "practices:translation_request_changes": Case(
        MATRIX["practices:translation_request_changes"].url, {**STAFF, "moderator": REDIRECT}, "post", {"comment": "Translate the summary."}
    ),
    "practices:translation_reject": Case(
        MATRIX["practices:translation_reject"].url, {**STAFF, "moderator": REDIRECT}, "post", {"reason": "Out of scope."}
    ),
    "practices:notification_settings": Case(
        MATRIX["practices:notification_settings"].url, {**STAFF, "moderator": REDIRECT}, "post", {"review_emails": "daily"}
    ),
    "practices:revision_restore": Case(MATRIX["practices:revision_restore"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "practices:review_claim": Case(MATRIX["practices:review_claim"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    # Without a file the upload form comes back with its error (200).
    "practices:import_start": Case(MATRIX["practices:import_start"].url, {**STAFF, "moderator": 200}, "post"),
    "practices:import_confirm": Case(MATRIX["practices:import_confirm"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "practices:review_tags": Case(
        MATRIX["practices:review_tags"].url, {**STAFF, "moderator": 200}, "post", {"themes": ["access-to-finance"]}
    ),
    "practices:review_publish": Case(MATRIX["practices:review_publish"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "practices:review_request_changes": Case(
        MATRIX["practices:review_request_changes"].url, {**STAFF, "moderator": REDIRECT}, "post", {"comment": "More detail."}
    ),
    "practices:review_reject": Case(
        MATRIX["practices:review_reject"].url, {**STAFF, "moderator": REDIRECT}, "post", {"reason": "Out of scope."}
    ),
    # Meetings: Kenya's declarations wait for ITC; the world's meeting is public, with one agenda item and one document.
    "meetings:workspace_participation": Case(MATRIX["meetings:workspace_participation"].url, ACTION_POST, "post", {"delegates": "2"}),
    "meetings:workspace_presentation": Case(
        MATRIX["meetings:workspace_presentation"].url, ACTION_POST, "post", {"title": "Kenya's one-stop shop"}
    ),
    "meetings:staff_meeting_create": Case(
        MATRIX["meetings:staff_meeting_create"].url,
        {**STAFF, "moderator": REDIRECT},
        "post",
        {"title": "Webinar", "kind": "workshop", "format": "virtual", "time_zone": "UTC", "starts_at": "2030-03-01T10:00", "ends_at": "2030-03-01T11:00"},
    ),
    "meetings:staff_meeting_edit": Case(
        MATRIX["meetings:staff_meeting_edit"].url,
        {**STAFF, "moderator": REDIRECT},
        "post",
        {"title": "Renamed", "kind": "technical", "format": "hybrid", "time_zone": "Africa/Nairobi", "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-01T17:00"},
    ),
    # Already public: refused with a message, back to the meeting's page.
    "meetings:staff_meeting_publish": Case(MATRIX["meetings:staff_meeting_publish"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:staff_meeting_unpublish": Case(MATRIX["meetings:staff_meeting_unpublish"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:staff_agenda_add": Case(
        MATRIX["meetings:staff_agenda_add"].url, {**STAFF, "moderator": REDIRECT}, "post", {"agenda-title": "Closing"}
    ),
    "meetings:staff_agenda_edit": Case(MATRIX["meetings:staff_agenda_edit"].url, {**STAFF, "moderator": REDIRECT}, "post", {"title": "Welcome"}),
    "meetings:staff_agenda_remove": Case(MATRIX["meetings:staff_agenda_remove"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:staff_agenda_move": Case(
        MATRIX["meetings:staff_agenda_move"].url, {**STAFF, "moderator": REDIRECT}, "post", {"direction": "down"}
    ),
    # Without a file the upload form comes back with its error (200).
    "meetings:staff_document_add": Case(MATRIX["meetings:staff_document_add"].url, {**STAFF, "moderator": 200}, "post"),
    "meetings:staff_document_remove": Case(MATRIX["meetings:staff_document_remove"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:staff_participation_confirm": Case(
        MATRIX["meetings:staff_participation_confirm"].url, {**STAFF, "moderator": REDIRECT}, "post"
    ),
    "meetings:staff_participation_decline": Case(
        MATRIX["meetings:staff_participation_decline"].url, {**STAFF, "moderator": REDIRECT}, "post"
    ),
    "meetings:staff_presentation_confirm": Case(
        MATRIX["meetings:staff_presentation_confirm"].url, {**STAFF, "moderator": REDIRECT}, "post"
    ),
    "meetings:staff_presentation_decline": Case(
        MATRIX["meetings:staff_presentation_decline"].url, {**STAFF, "moderator": REDIRECT}, "post"
    ),
    # The Call to Action: Kenya has not endorsed yet; Colombia's endorsement is declared; the story is a draft.
    "meetings:cta_declare_endorsement": Case(MATRIX["meetings:cta_declare_endorsement"].url, ACTION_POST, "post", {"endorsed_on": "2024-06-27"}),
    "meetings:cta_story_create": Case(
        MATRIX["meetings:cta_story_create"].url, TEAM_ACTION_POST, "post", {"title": "Used the NDC guideline", "save": ""}
    ),
    "meetings:cta_story_edit": Case(MATRIX["meetings:cta_story_edit"].url, TEAM_ACTION_POST, "post", {"title": "Renamed", "save": ""}),
    "meetings:cta_story_submit": Case(MATRIX["meetings:cta_story_submit"].url, TEAM_ACTION_POST, "post"),
    "meetings:cta_record_endorsement": Case(
        MATRIX["meetings:cta_record_endorsement"].url, {**STAFF, "moderator": REDIRECT}, "post", {"country": "SN"}
    ),
    "meetings:cta_confirm_endorsement": Case(MATRIX["meetings:cta_confirm_endorsement"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:cta_decline_endorsement": Case(MATRIX["meetings:cta_decline_endorsement"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:cta_deliverable_update": Case(
        MATRIX["meetings:cta_deliverable_update"].url, {**STAFF, "moderator": REDIRECT}, "post", {"status": "in_progress", "progress": 50}
    ),
    "meetings:cta_deliverable_event": Case(
        MATRIX["meetings:cta_deliverable_event"].url,
        {**STAFF, "moderator": REDIRECT},
        "post",
        {"happened_on": "2025-01-15", "title": "Presented at a workshop"},
    ),
    "meetings:cta_story_publish": Case(MATRIX["meetings:cta_story_publish"].url, {**STAFF, "moderator": REDIRECT}, "post"),
    "meetings:cta_story_request_changes": Case(
        MATRIX["meetings:cta_story_request_changes"].url, {**STAFF, "moderator": REDIRECT}, "post", {"comment": "More detail."}
    ),
    "meetings:cta_story_reject": Case(
        MATRIX["meetings:cta_story_reject"].url, {**STAFF, "moderator": REDIRECT}, "post", {"reason": "Out of scope."}
    ),
    "countries:staff_invite": Case(
        MATRIX["countries:staff_invite"].url,
        {**STAFF, "moderator": REDIRECT},
        "post",
        {"country": "SN", "email": "focal.sn@example.org", "role": "focal_point"},
    ),
}


def all_url_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) for every URL pattern: its name with namespace, or its route if unnamed."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from all_url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route.removeprefix("en/").removeprefix("^"), route


def test_every_url_pattern_is_in_the_matrix():
    missing = [f"{key}  ({route})" for key, route in all_url_patterns() if key not in MATRIX]
    assert not missing, "URL patterns with no access decision in the matrix:\n" + "\n".join(missing)


def test_matrix_names_no_url_pattern_that_is_gone():
    known = {key for key, _route in all_url_patterns()}
    assert set(MATRIX) - known == set()


@pytest.fixture
def world(cast, country_a, focal_a, contributor_a, moderator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invitation = services.invite_delegate(country=country_a, email="invitee@example.org", role="contributor", by=focal_a)
    # The raw token only exists in the e-mail; take a fresh one we know.
    token = "matrix-test-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=services.hash_token(token))
    from django.contrib.contenttypes.models import ContentType

    from practices import services as practice_services
    from practices.models import InstrumentType, TargetGroup, Theme

    practice, revision = practice_services.create_practice(country_a, by=focal_a, content={"title": "One-stop shop"})
    # Sharing: Kenya asks Senegal to co-own its practice; Colombia asks Kenya to co-own one, and shares another with it.
    colombia, senegal = Country.objects.get(iso2="CO"), Country.objects.get(iso2="SN")
    proposal_to_senegal = practice_services.propose_co_owner(practice, by=focal_a, country=senegal)
    colombian, _revision = practice_services.create_practice(colombia, by=moderator, content={"title": "Fondo pyme"})
    proposal_to_kenya = practice_services.propose_co_owner(colombian, by=moderator, country=country_a)
    shared_with_kenya, _revision = practice_services.create_practice(colombia, by=moderator, content={"title": "Ventanilla única"})
    practice_services.add_co_owner(shared_with_kenya, by=moderator, country=country_a)
    attachment = practice_services.add_attachment(
        revision, by=focal_a, upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"), title="Report"
    )
    # Kenya's published practice, and its French translation being written by the focal point.
    published = publish_practice(country_a, by=focal_a, moderator=moderator, title="One-stop shop for exporters")
    translation = practice_services.start_translation(published, by=focal_a, language="fr")
    from practices import imports

    spreadsheet = SimpleUploadedFile("practices.csv", b"country,title\nKE,Export desk\n")
    import_batch = practice_services.start_import(
        by=moderator, file_name="practices.csv", file_sha256=imports.file_digest(spreadsheet), rows=imports.read_spreadsheet(spreadsheet)
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_result = DBTaskResult.objects.get(pk=send_review_digests.enqueue().id)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from datetime import timedelta

    from django.utils import timezone

    from meetings import services as meeting_services

    # A public meeting with an agenda item and a document; Kenya's participation and presentation, declared.
    meeting = meeting_services.create_meeting(
        by=moderator,
        data={
            "title": "Technical meeting", "kind": "technical", "format": "hybrid", "time_zone": "Africa/Nairobi",
            "starts_at": timezone.now() + timedelta(days=30), "ends_at": timezone.now() + timedelta(days=30, hours=8),
        },
    )
    meeting = meeting_services.publish_meeting(meeting, by=moderator)
    agenda_item = meeting_services.add_agenda_item(meeting, by=moderator, title="Opening")
    meeting_services.add_agenda_item(meeting, by=moderator, title="Country experiences")
    meeting_document = meeting_services.add_document(
        meeting, by=moderator, upload=SimpleUploadedFile("agenda.pdf", b"%PDF-1.4\n%%EOF\n"), title="Agenda", kind="agenda"
    )
    participation = meeting_services.declare_participation(meeting, by=focal_a, country=country_a, delegates=3)
    presentation = meeting_services.declare_presentation(meeting, by=focal_a, country=country_a, title="One-stop shop")
    from meetings.models import CallToAction, Deliverable, Mandate

    # The Call to Action, a deliverable, Colombia's declared endorsement, and Kenya's stories: a draft and a published one.
    call = CallToAction.objects.create(slug="call-to-action", title="Call to Action", text="The text.", adopted_on="2024-06-27")
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Expertise")
    deliverable = Deliverable.objects.create(mandate=mandate, title="NDC guideline")
    endorsement = meeting_services.declare_endorsement(call, country=Country.objects.get(iso2="CO"), by=moderator)
    story_content = {"title": "Used the NDC guideline", "story": "How.", "used_deliverable": deliverable}
    story = meeting_services.create_uptake_story(country_a, by=contributor_a, content=story_content)
    published_story = meeting_services.create_uptake_story(country_a, by=contributor_a, content=story_content)
    meeting_services.submit_uptake_story(published_story, by=contributor_a)
    meeting_services.publish_uptake_story(published_story, by=moderator)
    return {
        "meeting": meeting,
        "agenda_item": agenda_item,
        "meeting_document": meeting_document,
        "participation": participation,
        "presentation": presentation,
        "deliverable": deliverable,
        "call": call,
        "mandate": mandate,
        "endorsement": endorsement,
        "story": story,
        "published_story": published_story,
        "import_batch": import_batch,
        "task_result": task_result,
        "attachment": attachment,
        "theme": Theme.objects.first(),
        "instrument": InstrumentType.objects.first(),
        "target_group": TargetGroup.objects.first(),
        "practice": practice,
        "published": published,
        "translation": translation,
        "proposal_to_senegal": proposal_to_senegal,
        "proposal_to_kenya": proposal_to_kenya,
        "shared_with_kenya": shared_with_kenya,
        "revision": revision,
        "review_event": practice.events.first(),
        "cast": cast,
        "country_a": country_a,
        "token": token,
        "invitation": invitation,
        "member_a": Membership.objects.get(user=contributor_a),
        "user": contributor_a,
        "region": Region.objects.get(code="002"),
        "event": AuditEvent.objects.first(),
        "group": Group.objects.get(name=MODERATORS_GROUP),
        "email_address": contributor_a.emailaddress_set.get(),
        "authenticator": Authenticator.objects.get(user=moderator),
        "user_content_type": ContentType.objects.get_for_model(contributor_a).pk,
    }


def check(client, world, case, role):
    user = world["cast"][role]
    if user is not None:
        client.force_login(user)
    path = case.url(world)
    # A value may depend on the world (the save an edit form starts from).
    data = {key: (value(world) if callable(value) else value) for key, value in case.data.items()}
    response = getattr(client, case.method)(path, data)
    expected = case.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {case.method.upper()} {path}: {response.status_code}"
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
    elif expected == REDIRECT:
        assert response.status_code == 302, f"{role} {case.method.upper()} {path}: {response.status_code}"
        assert not response["Location"].startswith(reverse("account_login") + "?"), response["Location"]
    else:
        assert response.status_code == expected, f"{role} {case.method.upper()} {path}: {response.status_code}"


# The GET cases, a few URL patterns per test: one world serves every role on each of them.
GET_GROUP_SIZE = 6
GET_GROUPS = [sorted(MATRIX)[start : start + GET_GROUP_SIZE] for start in range(0, len(MATRIX), GET_GROUP_SIZE)]


@pytest.mark.parametrize("keys", GET_GROUPS, ids=[group[0] for group in GET_GROUPS])
def test_get_matrix(client, world, keys):
    # Every role asks in turn, each request undone after it (a GET should change nothing; a session may).
    failures = []
    for key in keys:
        for role in ROLES:
            client.logout()
            try:
                with rolled_back(client):
                    check(client, world, MATRIX[key], role)
            except AssertionError as failure:
                failures.append(f"{key}: {failure}")
    assert not failures, "\n".join(failures)


@contextmanager
def rolled_back(client):
    """Whatever the requests inside change (rows, the worker's memos, the session, the cookies) is undone after."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        pagecache.clear_worker_caches()
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies[name] = value


@pytest.mark.parametrize("key", sorted(POST_MATRIX))
def test_post_matrix(client, world, key):
    # Every role posts in turn in one world, each post undone after it (five times fewer worlds to build).
    failures = []
    for role in ROLES:
        client.logout()
        try:
            with rolled_back(client):
                check(client, world, POST_MATRIX[key], role)
        except AssertionError as failure:
            failures.append(str(failure))
    assert not failures, "\n".join(failures)
