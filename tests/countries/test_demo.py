"""The demo data of the README's run command: every role, through the real flows, safe to load twice."""

from django.core.files import File
from django.core.management import call_command

from countries.models import Country, Invitation, Membership, User
from practices.attachments import check_document
from practices.models import Attachment, Practice, PracticeRevision, PracticeTranslation, ReviewEvent
from smeplatform.demo_practices import FOCAL_POINTS, PRACTICES, SAMPLE_NOTE, is_marked_as_sample


def test_demo_data_loads_twice_without_duplicates(db, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo writes its documents and the open dataset's files
    call_command("load_demo", allow_production=True)
    call_command("load_demo", allow_production=True)
    output = capsys.readouterr().out
    assert "moderator@itc.example" in output and "sme-demo-password" in output
    assert User.objects.filter(groups__name="ITC moderators").count() == 1
    # Kenya, Colombia and Senegal as before, and a focal point for each other country with practices.
    assert Membership.objects.filter(role="focal_point").count() == 3 + len(FOCAL_POINTS)
    assert Membership.objects.filter(role="contributor").count() == 2
    assert set(Country.objects.participating().values_list("iso2", flat=True)) == {"KE", "CO", "SN", *FOCAL_POINTS}
    assert Invitation.objects.pending().filter(country__iso2="IQ").count() == 1
    assert Practice.objects.count() == len(PRACTICES) + 4
    assert Attachment.objects.count() == sum(1 for entry in PRACTICES if entry.get("document"))
    # Kenya's credit guarantee scheme has a second published version, which outdates its French translation.
    kenya = Practice.objects.published().get(title="Credit Guarantee Scheme for MSMEs")
    assert kenya.revisions.filter(status="approved").count() == 2
    french, spanish = PracticeTranslation.objects.get(language="fr"), PracticeTranslation.objects.get(language="es")
    assert french.practice == kenya and french.is_current and french.is_outdated and french.volunteer_country.iso2 == "SN"
    assert spanish.is_in_review and spanish.volunteer_country.iso2 == "CO"
    assert Country.objects.get(iso2="KE").profile_is_complete
    # Every demo account signs in with the one demo password.
    assert all(user.check_password("sme-demo-password") for user in User.objects.filter(email__endswith="@demo.example"))


def test_demo_is_a_community_a_newcomer_recognises(db, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", allow_production=True)
    published = Practice.objects.published()
    assert published.count() >= 40
    assert published.values("owner").distinct().count() >= 20
    assert set(published.values_list("owner__region__name_en", flat=True)) == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert {"TR", "KE", "CM", "AM"} <= set(published.values_list("owner__iso2", flat=True))
    # Written in the owner's language: francophone countries in French, Latin American ones in Spanish.
    assert set(published.values_list("original_language", flat=True)) == {"en", "fr", "es"}
    assert set(published.filter(owner__iso2__in=["CM", "SN", "MA", "CI"]).values_list("original_language", flat=True)) == {"fr"}
    assert set(published.filter(owner__iso2__in=["CO", "MX", "PE", "CL", "CR"]).values_list("original_language", flat=True)) == {"es"}
    for practice in published.exclude(title="Credit Guarantee Scheme for MSMEs"):
        assert practice.problem and practice.results and practice.indicators and practice.transferability, practice.title
        assert practice.themes.exists() and practice.instruments.exists() and practice.start_year, practice.title
    # Every stage of review is there, with the moderator's comment or reason where one is given.
    assert {"draft", "submitted", "changes_requested", "resubmitted", "rejected", "approved"} <= set(
        PracticeRevision.objects.values_list("status", flat=True)
    )
    assert Practice.objects.filter(status="archived").count() == 1
    assert ReviewEvent.objects.filter(action="changes_requested").exclude(note="").count() == 2
    assert ReviewEvent.objects.filter(action="rejected").exclude(note="").count() == 1
    # Generated documents pass the upload check that any document passes.
    documents = Attachment.objects.all()
    assert documents.count() >= 5
    for document in documents:
        with document.file.open("rb") as handle:
            assert check_document(File(handle, name=document.original_name)).content_type == "application/pdf"
    # Regional practices shared by two countries; practices adapted from others'.
    shared = published.filter(co_owners__isnull=False).distinct()
    assert shared.count() == 2 and set(shared.values_list("level", flat=True)) == {"regional"}
    assert published.filter(adapted_from__isnull=False).distinct().count() >= 3
    # Nothing sample unmarked: every practice of the demo is marked in its description, in its language.
    for practice in Practice.objects.all():
        content = practice.revisions.order_by("-number").first().content
        assert is_marked_as_sample(content["description"]), practice.title
        assert content["description"].rstrip().endswith(SAMPLE_NOTE[content["original_language"]]), practice.title


def test_demo_tells_the_community_record_and_marks_what_is_sample(db, capsys, settings, tmp_path):
    from meetings.models import CallToAction, Deliverable, Endorsement, Meeting, Participation, Presentation, UptakeStory

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", allow_production=True)
    call_command("load_demo", allow_production=True)
    johannesburg = Meeting.objects.get(slug="global-sme-ministerial-meeting-2025")
    assert (johannesburg.kind, johannesburg.place, johannesburg.is_sample) == ("ministerial", "Johannesburg, South Africa", False)
    assert johannesburg.starts_at.date().isoformat() == "2025-07-22"
    technical = Meeting.objects.get(slug="technical-meeting-2026-1")
    assert technical.format == "virtual" and technical.delegates_count == 120 and technical.is_sample
    presenters = set(Presentation.objects.filter(meeting=technical).values_list("country__iso2", flat=True))
    assert presenters == {"TR", "KE", "CM", "AM"}
    # What each presented is not in the record: every presentation is marked as a sample.
    assert not Presentation.objects.filter(is_sample=False).exists()
    call = CallToAction.objects.get()
    assert call.endorsements_recorded_elsewhere == 60
    assert sorted(call.pillars.values_list("slug", flat=True)) == ["access-to-finance", "digital-transformation", "green-transition"]
    assert set(call.mandates.values_list("kind", flat=True)) == {"expertise", "advocacy"}
    assert Deliverable.objects.count() == 3
    # Which 60 countries endorsed is not in the record: the few listed are samples.
    assert Endorsement.objects.count() == 16 and not Endorsement.objects.filter(is_sample=False).exists()
    # Iraq's uptake is in the record; the others are samples, one of a peer's practice.
    story = UptakeStory.objects.published().get(is_sample=False)
    assert story.country.iso2 == "IQ" and story.used_deliverable.title.startswith("Guideline for Nationally Determined")
    assert UptakeStory.objects.published().filter(is_sample=True, used_practice__owner__iso2="SN").count() == 1
    # The technical meeting the record calls "next, in April" follows February 2026's: April 2026.
    april = Meeting.objects.get(slug="technical-meeting-2026-04")
    assert (april.starts_at.year, april.starts_at.month, april.is_sample) == (2026, 4, True)
    assert Meeting.objects.filter(starts_at__year=2027).count() == 1
    assert Participation.objects.filter(meeting=april, status="confirmed").count() >= 10
    assert Participation.objects.filter(meeting=technical, status="confirmed").count() == 5
    assert set(Presentation.objects.filter(meeting=april).values_list("is_sample", flat=True)) == {True}


def test_the_demo_leaves_no_e_mail_for_the_worker_to_send(db, settings, capsys, tmp_path):
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path
    # As bin/run has it: a worker beside the server sends what is queued in the database.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_demo", allow_production=True)
    queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert not [path for path in queued if ".notify" in path or "mail" in path], queued
