"""The demo data of the README's run command: every role, through the real flows, safe to load twice."""

from django.core.management import call_command

from countries.models import Country, Invitation, Membership, User
from practices.models import Practice, PracticeRevision, PracticeTranslation


def test_demo_data_loads_twice_without_duplicates(db, capsys):
    call_command("load_demo", allow_production=True)
    call_command("load_demo", allow_production=True)
    output = capsys.readouterr().out
    assert "moderator@itc.example" in output and "sme-demo-password" in output
    assert User.objects.filter(groups__name="ITC moderators").count() == 1
    assert Membership.objects.filter(role="focal_point").count() == 3
    assert Membership.objects.filter(role="contributor").count() == 2
    assert set(Country.objects.participating().values_list("iso2", flat=True)) == {"KE", "CO", "SN"}
    assert Invitation.objects.pending().filter(country__iso2="IQ").count() == 1
    assert Practice.objects.published().count() == 1
    # Kenya's published practice has a second published version, which outdates its French translation.
    assert sorted(PracticeRevision.objects.values_list("status", flat=True)) == [
        "approved", "approved", "changes_requested", "draft", "submitted"
    ]
    french, spanish = PracticeTranslation.objects.get(language="fr"), PracticeTranslation.objects.get(language="es")
    assert french.is_current and french.is_outdated and french.volunteer_country.iso2 == "SN"
    assert spanish.is_in_review and spanish.volunteer_country.iso2 == "CO"
    assert Country.objects.get(iso2="KE").profile_is_complete


def test_demo_tells_the_community_record_and_marks_what_is_sample(db, capsys):
    from meetings.models import CallToAction, Deliverable, Endorsement, Meeting, Presentation, UptakeStory

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
    assert Endorsement.objects.count() == 4 and not Endorsement.objects.filter(is_sample=False).exists()
    story = UptakeStory.objects.published().get()
    assert story.country.iso2 == "IQ" and story.used_deliverable.title.startswith("Guideline for Nationally Determined")
    assert Meeting.objects.filter(starts_at__year=2027).count() == 2
