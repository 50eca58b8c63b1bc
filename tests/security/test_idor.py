"""Another country's objects do not exist for a country's members (insecure direct object references).

A member of country A (its focal point, and its contributor) asks for country B's objects
through every URL pattern that names them, and nothing changes in the database. Each
workspace URL is tried three ways:

- B's object in B's workspace, and A's own object in B's workspace: 404 for every method
  (the workspace does not exist for A's members);
- B's object in A's own workspace (and, for URLs naming two objects, A's practice with B's
  document): the answer is exactly the one for an id that does not exist. A POST is 404: the
  lookup starts from the workspace's country. Before the lookup, the answer cannot depend on
  the object: 405 for a method the view never takes (a GET of a POST-only action), 403 for a
  contributor on a page for focal points, whatever the id. The same holds for ITC moderators,
  who open every workspace but find an object only in its own country's.

The other URL patterns that take an id or a code are sorted into tables too: workspace pages
naming no country's object (B's workspace is not found), public pages (a published object is
everyone's, an unpublished one no one's), staff pages (every delegate gets the same 403 for
B's object as for an id that does not exist), and a short list of exemptions saying why.
test_every_url_pattern_with_a_kwarg_has_an_idor_decision fails when a new URL pattern with a
kwarg is in none of them.

Controls keep the tables honest: B's focal point reaches the same URLs in B's own workspace
and their POST changes the database, so a 404 here is a refusal, not a mistyped URL.

The world of objects is built once for the module; each test runs in a savepoint inside it.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Callable

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from countries import services as country_services
from countries.models import MODERATORS_GROUP, AuditEvent, Country, Membership, Region
from meetings import services as meeting_services
from meetings.models import CallToAction, Deliverable, Mandate, RecordEvent
from meetings.views import current_call
from practices import imports
from practices import services as practice_services
from practices.models import InstrumentType, ReviewEvent, TargetGroup, Theme
from tests.conftest import TOTP_SECRET, edit_base, make_member, make_user
from tests.security.test_permission_matrix import all_url_patterns

# The methods the views take. The access rule must not depend on the method: the other methods
# are asked too, in fewer combinations (test_other_methods_find_nothing_either).
METHODS = ("get", "head", "post")
OTHER_METHODS = ("put", "patch", "delete", "options")
# An id no row has: staff pages must answer it exactly as they answer an existing one.
MISSING_ID = 2**31 - 1

PRACTICE = {
    "summary": "Register a company online in one day.",
    "description": "A single online window replaced seven offices.",
    "level": "national",
    "themes": ["business-environment"],
}


def pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


# --- The URL patterns that take an object of a country (with the country's code) ---


@dataclass(frozen=True)
class ObjectRoute:
    ids: Callable  # a country's objects -> the URL's kwargs besides iso2
    data: Callable = dict  # the POST the owner would send (built afresh: an upload is read once)
    changes: bool = True  # whether the owner's POST changes the database (False: a page that only reads)
    mixed: Callable | None = None  # (own objects, other's objects) -> kwargs mixing the two, for URLs with two ids


def _edit_practice():
    return {"title": "Renamed by someone", "original_language": "en", "save": ""}


def _add_document():
    return {"title": "Smuggled", "file": pdf("smuggled.pdf")}


WORKSPACE_OBJECTS = {
    # Members of the team (the contributor's membership) and invitations
    "countries:change_role": ObjectRoute(lambda t: {"member_id": t.membership.pk}, lambda: {"role": "focal_point"}),
    "countries:remove_member": ObjectRoute(lambda t: {"member_id": t.membership.pk}),
    "countries:hand_over": ObjectRoute(lambda t: {"member_id": t.membership.pk}),
    "countries:revoke_invitation": ObjectRoute(lambda t: {"invitation_id": t.invitation.pk}),
    "countries:resend_invitation": ObjectRoute(lambda t: {"invitation_id": t.invitation.pk}),
    # Practices: a draft (with a document), a published one shared with Senegal, an archived one
    "practices:workspace_detail": ObjectRoute(lambda t: {"pk": t.draft.pk}, changes=False),
    "practices:practice_edit": ObjectRoute(lambda t: {"pk": t.draft.pk}, _edit_practice),
    "practices:practice_submit": ObjectRoute(lambda t: {"pk": t.draft.pk}),
    "practices:practice_discard": ObjectRoute(lambda t: {"pk": t.draft.pk}),
    "practices:practice_revise": ObjectRoute(lambda t: {"pk": t.published.pk}),
    "practices:practice_archive": ObjectRoute(lambda t: {"pk": t.published.pk}),
    "practices:practice_restore": ObjectRoute(lambda t: {"pk": t.archived.pk}),
    "practices:version_compare": ObjectRoute(lambda t: {"pk": t.published.pk}, changes=False),
    "practices:saved_text": ObjectRoute(
        lambda t: {"pk": t.draft.pk, "save_id": t.draft_save.pk},
        changes=False,
        mixed=lambda own, other: {"pk": own.draft.pk, "save_id": other.draft_save.pk},
    ),
    "practices:attachment_add": ObjectRoute(lambda t: {"pk": t.draft.pk}, _add_document),
    # Sharing: the practice in review proposed to Senegal; Senegal's practices proposed to, and shared with, the team
    "practices:share_propose": ObjectRoute(lambda t: {"pk": t.draft.pk}, lambda: {"country": "SN"}),
    "practices:share_withdraw": ObjectRoute(
        lambda t: {"pk": t.in_review.pk, "share_id": t.proposal_to_senegal.pk},
        mixed=lambda own, other: {"pk": own.in_review.pk, "share_id": other.proposal_to_senegal.pk},
    ),
    "practices:co_owner_remove": ObjectRoute(lambda t: {"pk": t.published.pk, "co_owner": "SN"}),
    "practices:co_owner_leave": ObjectRoute(lambda t: {"pk": t.shared_by_senegal.pk}),
    "practices:share_accept": ObjectRoute(lambda t: {"share_id": t.proposal_from_senegal.pk}),
    "practices:share_decline": ObjectRoute(lambda t: {"share_id": t.proposal_from_senegal.pk}),
    "practices:attachment_download": ObjectRoute(
        lambda t: {"pk": t.draft.pk, "attachment_id": t.draft_attachment.pk},
        changes=False,
        mixed=lambda own, other: {"pk": own.draft.pk, "attachment_id": other.draft_attachment.pk},
    ),
    "practices:attachment_remove": ObjectRoute(
        lambda t: {"pk": t.draft.pk, "attachment_id": t.draft_attachment.pk},
        mixed=lambda own, other: {"pk": own.draft.pk, "attachment_id": other.draft_attachment.pk},
    ),
    # Translations: the team's French draft of its published practice
    "practices:translation_edit": ObjectRoute(lambda t: {"pk": t.translation.pk}, lambda: {"title": "Traduit par quelqu'un", "save": ""}),
    "practices:translation_discard": ObjectRoute(lambda t: {"pk": t.translation.pk}),
    # Uptake stories of the Call to Action
    "meetings:cta_story_workspace": ObjectRoute(lambda t: {"pk": t.story.pk}, changes=False),
    "meetings:cta_story_edit": ObjectRoute(lambda t: {"pk": t.story.pk}, lambda: {"title": "Renamed by someone", "save": ""}),
    "meetings:cta_story_submit": ObjectRoute(lambda t: {"pk": t.story.pk}),
}


# --- Workspace pages that name no object of a country (or only ITC's meeting): B's workspace is not found ---


@dataclass(frozen=True)
class WorkspacePage:
    ids: Callable = lambda world: {}  # world -> the URL's kwargs besides iso2 (a meeting, ITC's)
    data: Callable = dict
    changes: bool = True


WORKSPACE_PAGES = {
    "countries:workspace": WorkspacePage(changes=False),
    "countries:team": WorkspacePage(changes=False),
    "countries:history": WorkspacePage(changes=False),
    "countries:profile_edit": WorkspacePage(
        data=lambda: {
            "responsible_institution": "Someone else's ministry", "policy_overview": "", "website": "",
            "public_contact_name": "", "public_contact_email": "",
        }
    ),
    "countries:invite_member": WorkspacePage(data=lambda: {"email": "intruder@example.org", "role": "focal_point"}),
    "practices:workspace_list": WorkspacePage(changes=False),
    "practices:translation_list": WorkspacePage(changes=False),
    "practices:practice_create": WorkspacePage(data=lambda: {"title": "Planted", "original_language": "en"}),
    "meetings:workspace_meeting_list": WorkspacePage(changes=False),
    "meetings:workspace_participation": WorkspacePage(lambda w: {"pk": w.meeting.pk}, lambda: {"delegates": "40"}),
    "meetings:workspace_presentation": WorkspacePage(lambda w: {"pk": w.meeting.pk}, lambda: {"title": "Planted"}),
    "meetings:cta_workspace": WorkspacePage(changes=False),
    "meetings:cta_declare_endorsement": WorkspacePage(data=lambda: {"endorsed_on": "2025-07-01"}),
    "meetings:cta_story_create": WorkspacePage(data=lambda: {"title": "Planted", "save": ""}),
}


# --- Public pages: a published object is everyone's (200); an unpublished one is no one's (404) ---

PUBLISHED_ONLY = {
    "practices:practice_detail": [
        (lambda w: {"pk": w.b.published.pk}, 200),
        (lambda w: {"pk": w.b.draft.pk}, 404),
        (lambda w: {"pk": w.b.in_review.pk}, 404),
    ],
    "practices:practice_changes": [
        # A single published version: nothing to compare, said on the page.
        (lambda w: {"pk": w.b.published.pk}, 200),
        (lambda w: {"pk": w.b.draft.pk}, 404),
        (lambda w: {"pk": w.b.in_review.pk}, 404),
    ],
    "api:practice_detail": [
        (lambda w: {"pk": w.b.published.pk}, 200),
        (lambda w: {"pk": w.b.draft.pk}, 404),
        (lambda w: {"pk": w.b.in_review.pk}, 404),
    ],
    "practices:public_attachment": [
        (lambda w: {"pk": w.b.published.pk, "attachment_id": w.b.published_attachment.pk}, 200),
        # A draft's document; a draft's document under a published practice; B's document under A's practice.
        (lambda w: {"pk": w.b.draft.pk, "attachment_id": w.b.draft_attachment.pk}, 404),
        (lambda w: {"pk": w.b.published.pk, "attachment_id": w.b.draft_attachment.pk}, 404),
        (lambda w: {"pk": w.a.published.pk, "attachment_id": w.b.published_attachment.pk}, 404),
    ],
    "meetings:cta_story": [
        (lambda w: {"pk": w.b.published_story.pk}, 200),
        (lambda w: {"pk": w.b.story.pk}, 404),
        (lambda w: {"pk": w.b.submitted_story.pk}, 404),
    ],
    # Meetings are ITC's, not a country's: public once published, and a document belongs to its meeting.
    "meetings:meeting_detail": [
        (lambda w: {"slug": w.meeting.slug}, 200),
        (lambda w: {"slug": w.unpublished_meeting.slug}, 404),
    ],
    "meetings:meeting_calendar": [
        (lambda w: {"slug": w.meeting.slug}, 200),
        (lambda w: {"slug": w.unpublished_meeting.slug}, 404),
    ],
    "meetings:meeting_document": [
        (lambda w: {"slug": w.meeting.slug, "document_id": w.document.pk}, 200),
        (lambda w: {"slug": w.unpublished_meeting.slug, "document_id": w.unpublished_document.pk}, 404),
        (lambda w: {"slug": w.meeting.slug, "document_id": w.unpublished_document.pk}, 404),
    ],
}


# --- Staff pages: every delegate gets the same 403 before any lookup, whatever the id ---

STAFF_ONLY = {
    "practices:review": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:review_claim": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:review_publish": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:review_tags": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:review_request_changes": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:review_reject": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:revision_restore": lambda w: {"pk": w.b.in_review_revision.pk},
    "practices:translation_review": lambda w: {"pk": w.b.in_review_translation.pk},
    "practices:translation_publish": lambda w: {"pk": w.b.in_review_translation.pk},
    "practices:translation_request_changes": lambda w: {"pk": w.b.in_review_translation.pk},
    "practices:translation_reject": lambda w: {"pk": w.b.in_review_translation.pk},
    "practices:import_preview": lambda w: {"pk": w.import_batch.pk},
    "practices:import_confirm": lambda w: {"pk": w.import_batch.pk},
    "meetings:staff_participation_confirm": lambda w: {"pk": w.b.participation.pk},
    "meetings:staff_participation_decline": lambda w: {"pk": w.b.participation.pk},
    "meetings:staff_presentation_confirm": lambda w: {"pk": w.b.presentation.pk},
    "meetings:staff_presentation_decline": lambda w: {"pk": w.b.presentation.pk},
    "meetings:cta_confirm_endorsement": lambda w: {"pk": w.b.endorsement.pk},
    "meetings:cta_decline_endorsement": lambda w: {"pk": w.b.endorsement.pk},
    "meetings:cta_story_review": lambda w: {"pk": w.b.submitted_story.pk},
    "meetings:cta_story_publish": lambda w: {"pk": w.b.submitted_story.pk},
    "meetings:cta_story_request_changes": lambda w: {"pk": w.b.submitted_story.pk},
    "meetings:cta_story_reject": lambda w: {"pk": w.b.submitted_story.pk},
    # ITC's own records: no country's, refused all the same.
    "meetings:staff_meeting": lambda w: {"pk": w.unpublished_meeting.pk},
    "meetings:staff_meeting_edit": lambda w: {"pk": w.unpublished_meeting.pk},
    "meetings:staff_meeting_publish": lambda w: {"pk": w.unpublished_meeting.pk},
    "meetings:staff_meeting_unpublish": lambda w: {"pk": w.meeting.pk},
    "meetings:staff_agenda_add": lambda w: {"pk": w.meeting.pk},
    "meetings:staff_agenda_edit": lambda w: {"pk": w.meeting.pk, "item_id": w.agenda_item.pk},
    "meetings:staff_agenda_remove": lambda w: {"pk": w.meeting.pk, "item_id": w.agenda_item.pk},
    "meetings:staff_agenda_move": lambda w: {"pk": w.meeting.pk, "item_id": w.agenda_item.pk},
    "meetings:staff_document_add": lambda w: {"pk": w.meeting.pk},
    "meetings:staff_document_download": lambda w: {"pk": w.unpublished_meeting.pk, "document_id": w.unpublished_document.pk},
    "meetings:staff_document_remove": lambda w: {"pk": w.meeting.pk, "document_id": w.document.pk},
    "meetings:cta_deliverable": lambda w: {"pk": w.deliverable.pk},
    "meetings:cta_deliverable_update": lambda w: {"pk": w.deliverable.pk},
    "meetings:cta_deliverable_event": lambda w: {"pk": w.deliverable.pk},
}


# --- URL patterns whose kwargs name no country's object ---

EXEMPT = {
    "practices:dataset_file": "a file of the public open dataset, by its name; an unknown name is not found (tests/practices/test_dataset.py)",
    "countries:country_detail": "a country's public page: its code is public, and it lists published objects only",
    "practices:feed_country": "a country's public feed of published practices",
    "countries:region_detail": "a public UN M49 region",
    "practices:feed_region": "a public UN M49 region",
    "practices:feed_theme": "a public theme of the taxonomy",
    "countries:invitation_accept": "the token is the secret itself (tests/countries/test_invitations.py)",
    "practices:translation_start": (
        "any delegate may volunteer to translate a published practice of any country; an unpublished one is not found "
        "(test_starting_a_translation_finds_only_published_practices)"
    ),
    "practices:translation_ask": (
        "any signed-in reader may ask for a published practice of any country in another language; an unpublished one "
        "is not found (test_asking_for_a_translation_finds_only_published_practices)"
    ),
    "practices:translation_ask_withdraw": (
        "a reader withdraws their own request, found from the signed-in person; an unpublished practice is not found "
        "(test_asking_for_a_translation_finds_only_published_practices)"
    ),
    "account_confirm_email": "allauth's e-mail confirmation key, not a country's object",
    "account_reset_password_from_key": "allauth's password-reset key, not a country's object",
}


def is_admin(key):
    # The Django admin is closed to delegates: test_permission_matrix.py pins its answers.
    return key.startswith("admin:") or key.startswith("admin/")


def kwargs_of(route):
    return {name or group for name, group in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)}


def test_every_url_pattern_with_a_kwarg_has_an_idor_decision():
    decided = set(WORKSPACE_OBJECTS) | set(WORKSPACE_PAGES) | set(PUBLISHED_ONLY) | set(STAFF_ONLY) | set(EXEMPT)
    missing = [
        f"{key}  ({route})" for key, route in all_url_patterns() if kwargs_of(route) and not is_admin(key) and key not in decided
    ]
    assert not missing, "URL patterns taking an id or a code with no IDOR decision:\n" + "\n".join(missing)


def test_idor_tables_name_no_url_pattern_that_is_gone_and_no_pattern_twice():
    tables = [WORKSPACE_OBJECTS, WORKSPACE_PAGES, PUBLISHED_ONLY, STAFF_ONLY, EXEMPT]
    keys = [key for table in tables for key in table]
    assert len(keys) == len(set(keys))
    routes = dict(all_url_patterns())
    assert set(keys) - set(routes) == set()
    # The workspace tables hold exactly the patterns under a country's workspace.
    workspace = {key for key, route in routes.items() if "workspace/<str:iso2>/" in route}
    assert workspace == set(WORKSPACE_OBJECTS) | set(WORKSPACE_PAGES)


# --- The world: the same objects for country A (Kenya) and country B (Colombia), built once ---


def build_team(country, *, focal, contributor, moderator, meeting, call, deliverable):
    """One of each object a country owns, each in a state where its team could act on it."""
    draft, draft_revision = practice_services.create_practice(
        country, by=contributor, content={**PRACTICE, "title": f"Unpublished draft of {country.iso2}"}
    )
    draft_attachment = practice_services.add_attachment(draft_revision, by=contributor, upload=pdf("draft.pdf"), title="Draft report")
    published, first = practice_services.create_practice(
        country, by=contributor, content={**PRACTICE, "title": f"Public practice of {country.iso2}"}
    )
    published_attachment = practice_services.add_attachment(first, by=contributor, upload=pdf("public.pdf"), title="Public report")
    practice_services.submit_revision(first, by=contributor)
    practice_services.publish_revision(first, by=moderator)
    senegal = Country.objects.get(iso2="SN")
    # Senegal has no focal point yet: ITC accepts on its behalf.
    practice_services.accept_co_owner_proposal(
        practice_services.propose_co_owner(published, by=focal, country=senegal), by=moderator
    )
    in_review, in_review_revision = practice_services.create_practice(
        country, by=contributor, content={**PRACTICE, "title": f"Practice of {country.iso2} in review"}
    )
    practice_services.submit_revision(in_review_revision, by=contributor)
    proposal_to_senegal = practice_services.propose_co_owner(in_review, by=focal, country=senegal)
    archived, archived_revision = practice_services.create_practice(
        country, by=contributor, content={**PRACTICE, "title": f"Archived practice of {country.iso2}"}
    )
    practice_services.submit_revision(archived_revision, by=contributor)
    practice_services.publish_revision(archived_revision, by=moderator)
    # Translations: a French draft of the published practice; a Spanish one of the archived practice, in review.
    translation = practice_services.start_translation(published, by=contributor, language="fr")
    practice_services.save_translation(translation, by=contributor, text={"title": f"Traduction non publiée de {country.iso2}"})
    in_review_translation = practice_services.start_translation(archived, by=contributor, language="es")
    practice_services.save_translation(
        in_review_translation,
        by=contributor,
        text={"title": f"Traducción en revisión de {country.iso2}", "summary": "Resumen.", "description": "Descripción."},
    )
    practice_services.submit_translation(in_review_translation, by=contributor)
    practice_services.archive_practice(archived, by=focal)
    # Senegal's practices: one it asks the team to co-own, one the team co-owns.
    proposed_by_senegal, _revision = practice_services.create_practice(
        senegal, by=moderator, content={**PRACTICE, "title": f"Senegal's practice proposed to {country.iso2}"}
    )
    proposal_from_senegal = practice_services.propose_co_owner(proposed_by_senegal, by=moderator, country=country)
    shared_by_senegal, _revision = practice_services.create_practice(
        senegal, by=moderator, content={**PRACTICE, "title": f"Senegal's practice shared with {country.iso2}"}
    )
    practice_services.add_co_owner(shared_by_senegal, by=moderator, country=country)

    def story(title):
        content = {"title": title, "story": "How it was used.", "used_deliverable": deliverable}
        return meeting_services.create_uptake_story(country, by=contributor, content=content)

    draft_story = story(f"Unpublished story of {country.iso2}")
    submitted_story = story(f"Story of {country.iso2} in review")
    meeting_services.submit_uptake_story(submitted_story, by=contributor)
    published_story = story(f"Public story of {country.iso2}")
    meeting_services.submit_uptake_story(published_story, by=contributor)
    meeting_services.publish_uptake_story(published_story, by=moderator)
    invitee = f"invitee.{country.iso2.lower()}@example.org"
    return SimpleNamespace(
        country=country,
        focal=focal,
        contributor=contributor,
        membership=Membership.objects.get(user=contributor),
        invitation=country_services.invite_delegate(country=country, email=invitee, role="contributor", by=focal),
        draft=draft,
        draft_attachment=draft_attachment,
        draft_save=draft_revision.saves.latest("pk"),
        published=published,
        published_attachment=published_attachment,
        in_review=in_review,
        in_review_revision=in_review_revision,
        archived=archived,
        translation=translation,
        in_review_translation=in_review_translation,
        proposal_to_senegal=proposal_to_senegal,
        proposal_from_senegal=proposal_from_senegal,
        shared_by_senegal=shared_by_senegal,
        story=draft_story,
        submitted_story=submitted_story,
        published_story=published_story,
        participation=meeting_services.declare_participation(meeting, by=focal, country=country, delegates=3),
        presentation=meeting_services.declare_presentation(meeting, by=focal, country=country, title=f"Presentation of {country.iso2}"),
        endorsement=meeting_services.declare_endorsement(call, country=country, by=focal),
        # What no page may show to another country's member.
        secrets=[
            draft.title, in_review.title, draft_story.title, submitted_story.title, invitee,
            f"Traduction non publiée de {country.iso2}", f"Traducción en revisión de {country.iso2}",
        ],
    )


def make_meeting(moderator, title, *, public):
    starts_at = timezone.now() + timedelta(days=30)
    data = {
        "title": title, "kind": "technical", "format": "hybrid", "time_zone": "Africa/Nairobi",
        "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=8),
    }
    meeting = meeting_services.create_meeting(by=moderator, data=data)
    if public:
        meeting = meeting_services.publish_meeting(meeting, by=moderator)
    document = meeting_services.add_document(meeting, by=moderator, upload=pdf("agenda.pdf"), title=f"Agenda of {title}", kind="agenda")
    return meeting, document


def build_world(media_root):
    kenya, colombia, senegal = (Country.objects.get(iso2=iso2) for iso2 in ("KE", "CO", "SN"))
    Country.objects.filter(pk=senegal.pk).update(account_opened_at=timezone.now())  # a country a practice can be shared with
    moderator = make_user("moderator@itc.example", full_name="Maria Moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    TOTP.activate(moderator, TOTP_SECRET)
    people = {
        iso2: (
            make_member(country, f"focal.{iso2.lower()}@example.org", Membership.Role.FOCAL_POINT),
            make_member(country, f"contributor.{iso2.lower()}@example.org", Membership.Role.CONTRIBUTOR),
        )
        for iso2, country in (("KE", kenya), ("CO", colombia))
    }
    meeting, document = make_meeting(moderator, "Technical meeting", public=True)
    unpublished_meeting, unpublished_document = make_meeting(moderator, "Meeting in preparation", public=False)
    call = CallToAction.objects.create(slug="call-to-action", title="Call to Action", text="The text.", adopted_on="2024-06-27")
    # The pages show the first call adopted; the teams' endorsements are of a later one, so the current
    # call is still open to their declaration (the control of cta_declare_endorsement).
    later_call = CallToAction.objects.create(slug="later-call", title="A later call", text="The text.", adopted_on="2025-01-01")
    mandate = Mandate.objects.create(call=call, kind=Mandate.Kind.EXPERTISE, title="Expertise")
    deliverable = Deliverable.objects.create(mandate=mandate, title="NDC guideline")
    spreadsheet = SimpleUploadedFile("practices.csv", b"country,title\nCO,Export desk\n")
    import_batch = practice_services.start_import(
        by=moderator, file_name="practices.csv", file_sha256=imports.file_digest(spreadsheet), rows=imports.read_spreadsheet(spreadsheet)
    )
    shared = dict(moderator=moderator, meeting=meeting, call=later_call, deliverable=deliverable)
    return SimpleNamespace(
        a=build_team(kenya, focal=people["KE"][0], contributor=people["KE"][1], **shared),
        b=build_team(colombia, focal=people["CO"][0], contributor=people["CO"][1], **shared),
        moderator=moderator,
        meeting=meeting,
        document=document,
        agenda_item=meeting_services.add_agenda_item(meeting, by=moderator, title="Opening"),
        unpublished_meeting=unpublished_meeting,
        unpublished_document=unpublished_document,
        deliverable=deliverable,
        import_batch=import_batch,
        media_root=media_root,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, in a transaction rolled back at its end.

    Each test runs in its own savepoint inside it (pytest-django's `db`), so what a test
    changes (the controls do) is gone for the next one.
    """
    media_root = tmp_path_factory.mktemp("idor-media")
    quick = override_settings(
        MEDIA_ROOT=media_root,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        PAGE_CACHE=False,
    )
    with django_db_blocker.unblock(), quick, transaction.atomic():
        translation.activate("en")
        yield build_world(media_root)
        transaction.set_rollback(True)


def snapshot(world):
    """The rows a delegate's request could change (the three apps but their reference data), the files, the e-mails."""
    rows = {}
    for label in ("countries", "practices", "meetings"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model in REFERENCE_DATA:
                continue
            # Signing in sets last_login: not a change made by the request.
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    files = sorted(str(path.relative_to(world.media_root)) for path in world.media_root.rglob("*"))
    return rows, files, len(mail.outbox)


# Loaded by migrations and changed only in the admin.
REFERENCE_DATA = {Region, Theme, InstrumentType, TargetGroup}


def changed_tables(before, after):
    changed = [table for table in before[0] if before[0][table] != after[0][table]]
    return changed + (["files"] if before[1] != after[1] else []) + (["e-mails"] if before[2] != after[2] else [])


class Nobody:
    """The objects of no country: each has an id no row has."""

    def __getattr__(self, name):
        return SimpleNamespace(pk=MISSING_ID)


NOBODY = Nobody()
NOT_FOUND = dict.fromkeys(METHODS, 404)
OTHER_NOT_FOUND = dict.fromkeys(OTHER_METHODS, 404)


def url(name, iso2=None, **kwargs):
    return reverse(name, kwargs={"iso2": iso2, **kwargs} if iso2 else kwargs)


def ask(client, method, path, data):
    if method == "post":
        return client.post(path, data())
    return getattr(client, method)(path)


def statuses(client, user, path, data, methods=METHODS):
    client.force_login(user)
    return {method: ask(client, method, path, data).status_code for method in methods}


def audit_rows():
    """Every change a service makes writes an audit row: counted after each request, to name the one that changed something.

    (Each test also compares a whole snapshot at its end, for a change no audit row records.)
    """
    return AuditEvent.objects.count(), ReviewEvent.objects.count(), RecordEvent.objects.count(), len(mail.outbox)


def mistakes(client, world, user, path, data, expected):
    """What differs from `expected` ({method: status}) when `user` asks `path`: statuses, leaked titles, audited changes."""
    client.force_login(user)
    found = []
    for method in expected:
        before = audit_rows()
        response = ask(client, method, path, data)
        if response.status_code != expected[method]:
            found.append(f"{user.email} {method.upper()} {path}: {response.status_code}, expected {expected[method]}")
        if leaked := [secret for secret in world.b.secrets if secret.encode() in response.getvalue()]:
            found.append(f"{user.email} {method.upper()} {path} shows {leaked}")
        if audit_rows() != before:
            found.append(f"{user.email} {method.upper()} {path} changed something (audit rows {before} -> {audit_rows()})")
    return found


# --- A's members (and staff, where workspace and object do not match) ask for B's objects ---


@pytest.mark.parametrize("name", sorted(WORKSPACE_OBJECTS))
def test_another_countrys_object_is_not_found_through_any_workspace_url(client, db, world, name):
    """In B's workspace, A's members find nothing, with any method.

    In A's own workspace, B's object is answered exactly as an id that does not exist: 404
    once the request reaches the lookup; before it, the same 405 (a method the view never
    takes) or 403 (a contributor on a page for focal points) as for any id, so the answer
    tells nothing. Staff, who open both workspaces, find an object only in its country's.
    """
    route = WORKSPACE_OBJECTS[name]
    a, b, ke, co = world.a, world.b, world.a.country.iso2, world.b.country.iso2
    before = snapshot(world)
    failures = []
    for user in (a.focal, a.contributor):
        for path in (url(name, co, **route.ids(b)), url(name, co, **route.ids(a))):
            failures += mistakes(client, world, user, path, route.data, NOT_FOUND)
    # (B's object in A's workspace, the same URL naming an object that does not exist)
    in_a = [(url(name, ke, **route.ids(b)), url(name, ke, **route.ids(NOBODY)))]
    if route.mixed:
        in_a.append((url(name, ke, **route.mixed(a, b)), url(name, ke, **route.mixed(a, NOBODY))))
    in_b = (url(name, co, **route.ids(a)), url(name, co, **route.ids(NOBODY)))
    mismatched = [(user, *pair) for user in (a.focal, a.contributor, world.moderator) for pair in in_a]
    mismatched.append((world.moderator, *in_b))
    for user, path, missing in mismatched:
        expected = statuses(client, user, missing, route.data)
        assert set(expected.values()) <= {403, 404, 405}, f"{user.email} on {missing}: {expected}"
        assert expected["post"] == 404 or (user == a.contributor and expected["post"] == 403), f"{user.email} POST {missing}"
        failures += mistakes(client, world, user, path, route.data, expected)
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []


def test_other_methods_find_nothing_either(client, db, world):
    """PUT, PATCH, DELETE and OPTIONS: B's object in A's workspace, and B's workspace, as for an id that does not exist."""
    a, b = world.a, world.b
    failures = []
    before = snapshot(world)
    for name, route in WORKSPACE_OBJECTS.items():
        expected = statuses(client, a.focal, url(name, a.country.iso2, **route.ids(NOBODY)), route.data, OTHER_METHODS)
        if set(expected.values()) - {404, 405}:
            failures.append(f"{name}: {expected} for an id that does not exist")
        failures += mistakes(client, world, a.focal, url(name, a.country.iso2, **route.ids(b)), route.data, expected)
        failures += mistakes(client, world, a.focal, url(name, b.country.iso2, **route.ids(b)), route.data, OTHER_NOT_FOUND)
    for name, page in WORKSPACE_PAGES.items():
        failures += mistakes(client, world, a.focal, url(name, b.country.iso2, **page.ids(world)), page.data, OTHER_NOT_FOUND)
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []


@pytest.mark.parametrize("name", sorted(WORKSPACE_OBJECTS))
def test_the_owner_reaches_the_same_workspace_urls(client, db, world, name):
    """The control: B's focal point is not refused the URLs built above, and their POST changes what it should."""
    route = WORKSPACE_OBJECTS[name]
    path = url(name, world.b.country.iso2, **route.ids(world.b))
    client.force_login(world.b.focal)
    page = client.get(path)
    assert page.status_code in (200, 405), path
    data = route.data()
    if not page.streaming and (base := re.search(r'name="base" value="(\d+)"', page.content.decode())):
        data["base"] = base.group(1)  # the save an edit form starts from, sent back as a browser does
    before = snapshot(world)
    response = client.post(path, data)
    assert response.status_code in (200, 302), f"POST {path}: {response.status_code}"
    assert bool(changed_tables(before, snapshot(world))) == route.changes, path


@pytest.mark.parametrize("name", sorted(WORKSPACE_PAGES))
def test_another_countrys_workspace_pages_are_not_found(client, db, world, name):
    page = WORKSPACE_PAGES[name]
    path = url(name, world.b.country.iso2, **page.ids(world))
    before = snapshot(world)
    failures = []
    for user in (world.a.focal, world.a.contributor):
        failures += mistakes(client, world, user, path, page.data, NOT_FOUND)
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []


@pytest.mark.parametrize("name", sorted(WORKSPACE_PAGES))
def test_the_owner_reaches_the_same_workspace_pages(client, db, world, name):
    page = WORKSPACE_PAGES[name]
    path = url(name, world.b.country.iso2, **page.ids(world))
    client.force_login(world.b.focal)
    assert client.get(path).status_code in (200, 405), path
    before = snapshot(world)
    response = client.post(path, page.data())
    assert response.status_code in (200, 302), f"POST {path}: {response.status_code}"
    assert bool(changed_tables(before, snapshot(world))) == page.changes, path


@pytest.mark.parametrize("name", sorted(PUBLISHED_ONLY))
def test_public_pages_show_another_countrys_objects_only_once_published(client, db, world, name):
    failures = []
    before = snapshot(world)
    for user in (world.a.focal, world.a.contributor):
        client.force_login(user)
        for kwargs, expected in PUBLISHED_ONLY[name]:
            path = url(name, **kwargs(world))
            for method in ("get", "head"):
                response = ask(client, method, path, dict)
                if response.status_code != expected:
                    failures.append(f"{user.email} {method.upper()} {path}: {response.status_code}, expected {expected}")
                if leaked := [secret for secret in world.b.secrets if secret.encode() in response.getvalue()]:
                    failures.append(f"{user.email} {method.upper()} {path} shows {leaked}")
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []


@pytest.mark.parametrize("name", sorted(STAFF_ONLY))
def test_staff_pages_refuse_delegates_alike_for_any_id(client, db, world, name):
    """403 for B's object, exactly as for an id that does not exist: the answer tells nothing."""
    kwargs = STAFF_ONLY[name](world)
    paths = [url(name, **kwargs), url(name, **dict.fromkeys(kwargs, MISSING_ID))]
    before = snapshot(world)
    failures = []
    for user in (world.a.focal, world.a.contributor):
        for path in paths:
            failures += mistakes(client, world, user, path, dict, dict.fromkeys(METHODS, 403))
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []


def test_starting_a_translation_finds_only_published_practices(client, db, world):
    """Any delegate may volunteer to translate B's published practice; B's unpublished or archived ones do not exist for them."""
    def start(practice):
        return url("practices:translation_start", pk=practice.pk)

    expected = {"get": 405, "head": 405, "post": 404}
    before = snapshot(world)
    failures = []
    for user in (world.a.focal, world.a.contributor):
        assert statuses(client, user, start(SimpleNamespace(pk=MISSING_ID)), lambda: {"language": "es"}) == expected
        for practice in (world.b.draft, world.b.in_review, world.b.archived):
            failures += mistakes(client, world, user, start(practice), lambda: {"language": "es"}, expected)
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []
    # The control: B's published practice is everyone's to translate; A's focal point volunteers, credited to A.
    client.force_login(world.a.focal)
    assert client.post(start(world.b.published), {"language": "es"}).status_code == 302
    assert world.b.published.translations.get(language="es").volunteer_country == world.a.country


def test_asking_for_a_translation_finds_only_published_practices(client, db, world):
    """Any signed-in reader may ask for B's published practice in another language; B's unpublished or archived ones
    do not exist for them, and a request is only ever the asker's own."""
    expected = {"get": 405, "head": 405, "post": 404}
    before = snapshot(world)
    failures = []
    for name in ("practices:translation_ask", "practices:translation_ask_withdraw"):
        for user in (world.a.focal, world.a.contributor):
            assert statuses(client, user, url(name, pk=MISSING_ID), lambda: {"language": "fr"}) == expected
            for practice in (world.b.draft, world.b.in_review, world.b.archived):
                failures += mistakes(client, world, user, url(name, pk=practice.pk), lambda: {"language": "fr"}, expected)
    assert not failures, "\n".join(failures)
    assert changed_tables(before, snapshot(world)) == []
    # The control: A's focal point asks for B's published practice; B's focal point's withdrawal is no withdrawal of it.
    client.force_login(world.a.focal)
    assert client.post(url("practices:translation_ask", pk=world.b.published.pk), {"language": "fr"}).status_code == 302
    client.force_login(world.b.focal)
    assert client.post(url("practices:translation_ask_withdraw", pk=world.b.published.pk), {"language": "fr"}).status_code == 302
    request = world.b.published.translation_requests.get()
    assert request.requested_by == world.a.focal and request.is_open


# --- Ids in a form's data: what A may not link is refused like what does not exist ---


@dataclass(frozen=True)
class FormCase:
    url: Callable  # world -> a page of A's workspace
    foreign: Callable  # world -> a POST naming an object of B that A may not link
    allowed: Callable  # world -> the same POST naming what A may link (the control)


FOREIGN_IDS_IN_FORMS = {
    "A's draft adapted from B's unpublished practice": FormCase(
        lambda w: url("practices:practice_edit", "KE", pk=w.a.draft.pk),
        lambda w: {**_edit_practice(), "base": edit_base(w.a.draft), "adapted_from": [w.b.in_review.pk]},
        lambda w: {**_edit_practice(), "base": edit_base(w.a.draft), "adapted_from": [w.b.published.pk]},
    ),
    "A's new practice adapted from B's unpublished practice": FormCase(
        lambda w: url("practices:practice_create", "KE"),
        lambda w: {"title": "New", "original_language": "en", "adapted_from": [w.b.draft.pk]},
        lambda w: {"title": "New", "original_language": "en", "adapted_from": [w.b.published.pk]},
    ),
    "A's presentation of B's practice": FormCase(
        lambda w: url("meetings:workspace_presentation", "KE", pk=w.meeting.pk),
        lambda w: {"title": "Our practice", "practices": [w.b.published.pk]},
        lambda w: {"title": "Our practice", "practices": [w.a.published.pk]},
    ),
    "A's new story of B's unpublished practice": FormCase(
        lambda w: url("meetings:cta_story_create", "KE"),
        lambda w: {"title": "Used it", "used_practice": w.b.in_review.pk, "save": ""},
        lambda w: {"title": "Used it", "used_practice": w.b.published.pk, "save": ""},
    ),
    "A's story of B's unpublished practice": FormCase(
        lambda w: url("meetings:cta_story_edit", "KE", pk=w.a.story.pk),
        lambda w: {"title": "Used it", "used_practice": w.b.draft.pk, "save": ""},
        lambda w: {"title": "Used it", "used_practice": w.b.published.pk, "save": ""},
    ),
}


@pytest.mark.parametrize("case", sorted(FOREIGN_IDS_IN_FORMS))
def test_forms_refuse_another_countrys_objects_they_may_not_link(client, db, world, case):
    form = FOREIGN_IDS_IN_FORMS[case]
    client.force_login(world.a.focal)
    before = snapshot(world)
    response = client.post(form.url(world), form.foreign(world))
    assert response.status_code == 200  # the form again, with its error
    assert changed_tables(before, snapshot(world)) == []
    assert not [secret for secret in world.b.secrets if secret.encode() in response.getvalue()]
    # The control: the same form naming what A may link is saved.
    assert client.post(form.url(world), form.allowed(world)).status_code == 302
    assert changed_tables(before, snapshot(world))


def test_a_countrys_endorsement_names_only_a_public_meeting(client, db, world):
    """A meeting in preparation does not exist for delegates: not offered, and refused if named anyway."""
    client.force_login(world.a.focal)
    page = client.get(url("meetings:cta_workspace", "KE"))
    assert world.meeting.title in page.content.decode() and world.unpublished_meeting.title not in page.content.decode()
    client.post(url("meetings:cta_declare_endorsement", "KE"), {"meeting": world.unpublished_meeting.slug})
    assert not world.a.country.endorsements.filter(meeting=world.unpublished_meeting).exists()
    with pytest.raises(PermissionDenied):
        meeting_services.declare_endorsement(current_call(), country=world.a.country, by=world.a.focal, meeting=world.unpublished_meeting)
    # The control: at a public meeting, the declaration is recorded.
    client.post(url("meetings:cta_declare_endorsement", "KE"), {"meeting": world.meeting.slug})
    assert world.a.country.endorsements.filter(meeting=world.meeting).exists()
