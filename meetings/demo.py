"""The community's record as far as it is known, for the demo.

What the record says is entered as fact: the first Global SME Ministerial Meeting (Johannesburg,
22-24 July 2025) where 60 countries endorsed the Call to Action; its mandates to ITC (expertise: an
access-to-finance strategy and a guideline for Nationally Determined Contributions; advocacy for the
SME sector, including the thematic dialogues on trade and climate that COP30 asked ITC, the WTO and
UNCTAD to inform); the first technical meeting of 2026 (virtual, more than 70 countries and 120
delegates, the launch of this platform, presentations by Türkiye, Kenya, Cameroon and Armenia, ITC's
strategy and guideline, Iraq's uptake); a technical meeting in April; the second Ministerial Meeting
in 2027.

What it does not say (exact dates of the later meetings, which 60 countries endorsed, what each
country presented, the Call to Action's own wording) is sample data: marked `is_sample`, and the
pages say so.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from countries.models import Country
from practices.models import Theme

from .models import (
    AgendaItem,
    CallToAction,
    Confirmation,
    Deliverable,
    DeliverableEvent,
    Endorsement,
    Mandate,
    Meeting,
    Participation,
    Presentation,
    UptakeStory,
)

JOHANNESBURG = ZoneInfo("Africa/Johannesburg")
GENEVA = ZoneInfo("Europe/Zurich")


def at(day, hour, zone, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _meeting(slug, **fields):
    meeting, _created = Meeting.objects.update_or_create(slug=slug, defaults={**fields, "is_published": True})
    return meeting


def load_community_record(*, by):
    ministerial = _meeting(
        "global-sme-ministerial-meeting-2025",
        title="First Global SME Ministerial Meeting",
        kind=Meeting.Kind.MINISTERIAL,
        format=Meeting.Format.IN_PERSON,
        starts_at=at(date(2025, 7, 22), 9, JOHANNESBURG),
        ends_at=at(date(2025, 7, 24), 17, JOHANNESBURG),
        time_zone="Africa/Johannesburg",
        place="Johannesburg, South Africa",
        description="The first meeting of the ministers responsible for SME policy, convened with the International Trade Centre.",
        outcome="60 countries endorsed the **Call to Action**, which mandates ITC to deliver expertise and advocacy for the SME sector.",
        is_sample=False,
        created_by=by,
    )
    technical = _meeting(
        "technical-meeting-2026-1",
        title="First technical meeting of officials, 2026",
        kind=Meeting.Kind.TECHNICAL,
        format=Meeting.Format.VIRTUAL,
        # The record does not give the day: the date shown is an example.
        starts_at=at(date(2026, 2, 10), 14, GENEVA),
        ends_at=at(date(2026, 2, 10), 17, GENEVA),
        time_zone="Europe/Zurich",
        description=(
            "Officials of more than 70 countries met online. ITC launched this platform and presented its "
            "access-to-finance strategy and its guideline for Nationally Determined Contributions (NDCs). "
            "Türkiye, Kenya, Cameroon and Armenia presented their work, and Iraq told how it used the NDC guideline.\n\n"
            "*The date shown is an example: the record does not give it.*"
        ),
        outcome="The SME Policy Knowledge Sharing Platform was launched.",
        delegates_count=120,
        is_sample=True,
        created_by=by,
    )
    if not technical.agenda.exists():
        for position, (hour, title) in enumerate(
            [(14, "Launch of the SME Policy Knowledge Sharing Platform"), (14, "ITC's access-to-finance strategy"),
             (15, "ITC's guideline for Nationally Determined Contributions"), (15, "Country presentations"), (16, "Uptake: Iraq")],
        ):
            AgendaItem.objects.create(meeting=technical, position=position, title=title, starts_at=at(date(2026, 2, 10), hour, GENEVA))
    april = _meeting(
        "technical-meeting-2027-04",
        title="Technical meeting of officials, April",
        kind=Meeting.Kind.TECHNICAL,
        format=Meeting.Format.VIRTUAL,
        starts_at=at(date(2027, 4, 13), 14, GENEVA),
        ends_at=at(date(2027, 4, 13), 17, GENEVA),
        time_zone="Europe/Zurich",
        description="The next technical meeting of officials.\n\n*The exact date and agenda are examples: to be confirmed by ITC.*",
        is_sample=True,
        created_by=by,
    )
    _meeting(
        "global-sme-ministerial-meeting-2027",
        title="Second Global SME Ministerial Meeting",
        kind=Meeting.Kind.MINISTERIAL,
        format=Meeting.Format.IN_PERSON,
        starts_at=at(date(2027, 10, 5), 9, GENEVA),
        ends_at=at(date(2027, 10, 6), 17, GENEVA),
        time_zone="Europe/Zurich",
        description="The second meeting of the ministers, in 2027.\n\n*Date and place are examples: to be announced by ITC.*",
        is_sample=True,
        created_by=by,
    )

    call, _created = CallToAction.objects.update_or_create(
        slug="johannesburg-2025",
        defaults={
            "title": "Call to Action of the Global SME Ministerial Meeting",
            "text": (
                "*A summary for the demo; the official text is ITC's.*\n\n"
                "The ministers call for stronger policies for small and medium-sized enterprises along three pillars: "
                "access to finance, digital transformation and the green transition. They mandate the International Trade "
                "Centre to provide **expertise** (an access-to-finance strategy; a guideline for Nationally Determined "
                "Contributions on carbon emissions) and **advocacy** to raise the political significance of the SME sector."
            ),
            "adopted_on": date(2025, 7, 24),
            "adopted_at": ministerial,
            "place": "Johannesburg, South Africa",
            "endorsements_recorded_elsewhere": 60,
        },
    )
    call.pillars.set(Theme.objects.filter(is_pillar=True))

    expertise, _ = Mandate.objects.update_or_create(
        call=call, kind=Mandate.Kind.EXPERTISE,
        defaults={"title": "Expertise", "position": 1, "description": "ITC provides expertise to the countries of the community."},
    )
    advocacy, _ = Mandate.objects.update_or_create(
        call=call, kind=Mandate.Kind.ADVOCACY,
        defaults={"title": "Advocacy", "position": 2, "description": "ITC raises the political significance of the SME sector."},
    )
    finance = Theme.objects.filter(slug="access-to-finance").first()
    green = Theme.objects.filter(slug="green-transition").first()
    strategy, _ = Deliverable.objects.update_or_create(
        mandate=expertise, title="Access-to-finance strategy",
        defaults={"pillar": finance, "status": Deliverable.Status.DELIVERED, "progress": 100, "position": 1},
    )
    guideline, _ = Deliverable.objects.update_or_create(
        mandate=expertise, title="Guideline for Nationally Determined Contributions on carbon emissions",
        defaults={"pillar": green, "status": Deliverable.Status.DELIVERED, "progress": 100, "position": 2},
    )
    dialogues, _ = Deliverable.objects.update_or_create(
        mandate=advocacy, title="Inform the thematic dialogues on trade and climate",
        defaults={
            "description": "COP30 asked ITC, the WTO and UNCTAD to inform the thematic dialogues on trade and climate.",
            "pillar": green, "status": Deliverable.Status.IN_PROGRESS, "progress": 25, "position": 1,
        },
    )
    for deliverable, title in ((strategy, "Presented to countries at the first technical meeting of 2026"),
                               (guideline, "Presented to countries at the first technical meeting of 2026")):
        DeliverableEvent.objects.get_or_create(
            deliverable=deliverable, title=title, defaults={"happened_on": technical.starts_at.date(), "meeting": technical, "recorded_by": by}
        )

    countries = {country.iso2: country for country in Country.objects.filter(iso2__in=["TR", "KE", "CM", "AM", "IQ", "CO", "SN", "ZA"])}
    for iso2 in ("TR", "KE", "CM", "AM", "IQ"):
        Participation.objects.get_or_create(
            meeting=technical, country=countries[iso2], defaults={"status": Confirmation.CONFIRMED, "recorded_by": by, "decided_by": by}
        )
    for iso2 in ("TR", "KE", "CM", "AM"):
        if not Presentation.objects.filter(meeting=technical, country=countries[iso2]).exists():
            Presentation.objects.create(
                meeting=technical, country=countries[iso2], title=f"Presentation by {countries[iso2].name_en}",
                summary="The record names the country among the presenters; what it presented is not given here (sample).",
                status=Confirmation.CONFIRMED, is_sample=True, recorded_by=by, decided_by=by,
            )
    # Which 60 countries endorsed is not in the record here: the demo lists a few, as samples.
    for iso2 in ("KE", "CO", "SN", "ZA"):
        Endorsement.objects.get_or_create(
            call=call, country=countries[iso2],
            defaults={"endorsed_on": date(2025, 7, 24), "meeting": ministerial, "status": Confirmation.CONFIRMED,
                      "is_sample": True, "recorded_by": by, "decided_by": by},
        )
    UptakeStory.objects.get_or_create(
        country=countries["IQ"], title="Iraq's NDC guidelines drew on ITC's guideline",
        defaults={
            "story": "Iraq's Ministry of Environment used ITC's guideline for Nationally Determined Contributions in preparing its NDC guidelines.",
            "institution": "Ministry of Environment",
            "used_deliverable": guideline,
            "status": UptakeStory.Status.PUBLISHED,
            "published_at": technical.ends_at,
            "created_by": by,
        },
    )
    return {"ministerial": ministerial, "technical": technical, "april": april, "call": call}
