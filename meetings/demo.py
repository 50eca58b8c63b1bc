"""The community's record as far as it is known, for the demo.

What the record says is entered as fact: the first Global SME Ministerial Meeting (Johannesburg,
22-24 July 2025) where 60 countries endorsed the Call to Action; its mandates to ITC (expertise: an
access-to-finance strategy and a guideline for Nationally Determined Contributions; advocacy for the
SME sector, including the thematic dialogues on trade and climate that COP30 asked ITC, the WTO and
UNCTAD to inform); the first technical meeting of 2026 (virtual, more than 70 countries and 120
delegates, the launch of this platform, presentations by Türkiye, Kenya, Cameroon and Armenia, ITC's
strategy and guideline, Iraq's uptake); the next technical meeting, in April (2026); the second
Ministerial Meeting in 2027.

What it does not say (exact dates of the later meetings, which 60 countries endorsed, who took part
in April and what each country presented, the Call to Action's own wording, uptake beyond Iraq's) is
sample data: marked `is_sample`, and the pages say so.

The Call to Action and the meetings of 2025 and 2026 are given in English, French and Spanish; the
technical meeting of April is in English only, so that its pages show the "available in English
only" notice to French and Spanish readers.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from countries.models import Country
from practices.models import Practice, Theme

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
APRIL_SLUG = "technical-meeting-2026-04"

# Sample data, as the meetings mark it: the countries that took part in the April meeting and the two
# that presented there; a few of the 60 endorsing countries; uptake of a peer's practice and of ITC's strategy.
APRIL_PARTICIPANTS = ("TR", "KE", "CM", "AM", "SN", "CO", "GH", "MA", "PE", "EE", "FJ", "WS", "PH", "MX")
APRIL_PRESENTERS = {
    "CO": "Colombia's productivity extension programme, and how Peru adapted it",
    "FJ": "The Pacific tourism MSME resilience facility shared by Fiji and Samoa",
}
SAMPLE_ENDORSERS = ("KE", "CO", "SN", "ZA", "TR", "AM", "CM", "GH", "MA", "RW", "MX", "PE", "CR", "JO", "PH", "FJ")


def at(day, hour, zone, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _meeting(slug, **fields):
    meeting, _created = Meeting.objects.update_or_create(slug=slug, defaults={**fields, "is_published": True})
    return meeting


def load_community_record(*, by):
    ministerial = _meeting(
        "global-sme-ministerial-meeting-2025",
        title="First Global SME Ministerial Meeting",
        title_fr="Première Réunion ministérielle mondiale sur les PME",
        title_es="Primera Reunión Ministerial Mundial sobre las pymes",
        kind=Meeting.Kind.MINISTERIAL,
        format=Meeting.Format.IN_PERSON,
        starts_at=at(date(2025, 7, 22), 9, JOHANNESBURG),
        ends_at=at(date(2025, 7, 24), 17, JOHANNESBURG),
        time_zone="Africa/Johannesburg",
        place="Johannesburg, South Africa",
        description="The first meeting of the ministers responsible for SME policy, convened with the International Trade Centre.",
        description_fr="La première réunion des ministres chargés de la politique des PME, organisée avec le Centre du commerce international.",
        description_es="La primera reunión de los ministros responsables de la política de pymes, convocada con el Centro de Comercio Internacional.",
        outcome="60 countries endorsed the **Call to Action**, which mandates ITC to deliver expertise and advocacy for the SME sector.",
        outcome_fr="60 pays ont approuvé l'**Appel à l'action**, qui charge le CCI d'apporter son expertise et son plaidoyer au secteur des PME.",
        outcome_es=(
            "60 países respaldaron el **Llamado a la Acción**, que encomienda al ITC aportar conocimientos especializados "
            "y promoción en favor del sector de las pymes."
        ),
        is_sample=False,
        created_by=by,
    )
    technical = _meeting(
        "technical-meeting-2026-1",
        title="First technical meeting of officials, 2026",
        title_fr="Première réunion technique des fonctionnaires, 2026",
        title_es="Primera reunión técnica de funcionarios, 2026",
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
        description_fr=(
            "Des fonctionnaires de plus de 70 pays se sont réunis en ligne. Le CCI a lancé cette plateforme et présenté sa "
            "stratégie d'accès au financement et sa ligne directrice pour les contributions déterminées au niveau national (CDN). "
            "La Türkiye, le Kenya, le Cameroun et l'Arménie ont présenté leurs travaux, et l'Iraq a expliqué comment il a utilisé "
            "la ligne directrice sur les CDN.\n\n"
            "*La date indiquée est un exemple : le compte rendu ne la donne pas.*"
        ),
        description_es=(
            "Funcionarios de más de 70 países se reunieron en línea. El ITC lanzó esta plataforma y presentó su estrategia de "
            "acceso a la financiación y su guía para las contribuciones determinadas a nivel nacional (CDN). Türkiye, Kenya, "
            "el Camerún y Armenia presentaron su trabajo, e Iraq explicó cómo utilizó la guía sobre las CDN.\n\n"
            "*La fecha indicada es un ejemplo: el registro no la indica.*"
        ),
        outcome="The SME Policy Knowledge Sharing Platform was launched.",
        outcome_fr="La Plateforme de partage des connaissances sur les politiques en faveur des PME a été lancée.",
        outcome_es="Se lanzó la Plataforma de intercambio de conocimientos sobre políticas para las pymes.",
        delegates_count=120,
        is_sample=True,
        created_by=by,
    )
    if not technical.agenda.exists():
        for position, (hour, title, title_fr, title_es) in enumerate(
            [
                (14, "Launch of the SME Policy Knowledge Sharing Platform",
                 "Lancement de la Plateforme de partage des connaissances sur les politiques en faveur des PME",
                 "Lanzamiento de la Plataforma de intercambio de conocimientos sobre políticas para las pymes"),
                (14, "ITC's access-to-finance strategy", "La stratégie d'accès au financement du CCI",
                 "La estrategia de acceso a la financiación del ITC"),
                (15, "ITC's guideline for Nationally Determined Contributions",
                 "La ligne directrice du CCI pour les contributions déterminées au niveau national",
                 "La guía del ITC para las contribuciones determinadas a nivel nacional"),
                (15, "Country presentations", "Présentations des pays", "Presentaciones de los países"),
                (16, "Uptake: Iraq", "Mise en œuvre : l'Iraq", "Aplicación: Iraq"),
            ],
        ):
            AgendaItem.objects.create(
                meeting=technical, position=position, title=title, title_fr=title_fr, title_es=title_es,
                starts_at=at(date(2026, 2, 10), hour, GENEVA),
            )
    # In English only: its pages tell French and Spanish readers so.
    # The record's "next, in April" follows the first technical meeting of 2026: April 2026. A database
    # loaded before this was fixed holds it under its old, 2027 address.
    Meeting.objects.filter(slug="technical-meeting-2027-04").update(slug=APRIL_SLUG)
    april = _meeting(
        APRIL_SLUG,
        title="Technical meeting of officials, April",
        kind=Meeting.Kind.TECHNICAL,
        format=Meeting.Format.VIRTUAL,
        starts_at=at(date(2026, 4, 14), 14, GENEVA),
        ends_at=at(date(2026, 4, 14), 17, GENEVA),
        time_zone="Europe/Zurich",
        description="The next technical meeting of officials.\n\n*The exact date and agenda are examples: to be confirmed by ITC.*",
        is_sample=True,
        created_by=by,
    )
    _meeting(
        "global-sme-ministerial-meeting-2027",
        title="Second Global SME Ministerial Meeting",
        title_fr="Deuxième Réunion ministérielle mondiale sur les PME",
        title_es="Segunda Reunión Ministerial Mundial sobre las pymes",
        kind=Meeting.Kind.MINISTERIAL,
        format=Meeting.Format.IN_PERSON,
        starts_at=at(date(2027, 10, 5), 9, GENEVA),
        ends_at=at(date(2027, 10, 6), 17, GENEVA),
        time_zone="Europe/Zurich",
        description="The second meeting of the ministers, in 2027.\n\n*Date and place are examples: to be announced by ITC.*",
        description_fr="La deuxième réunion des ministres, en 2027.\n\n*La date et le lieu sont des exemples : ils seront annoncés par le CCI.*",
        description_es="La segunda reunión de los ministros, en 2027.\n\n*La fecha y el lugar son ejemplos: el ITC los anunciará.*",
        is_sample=True,
        created_by=by,
    )

    call, _created = CallToAction.objects.update_or_create(
        slug="johannesburg-2025",
        defaults={
            "title": "Call to Action of the Global SME Ministerial Meeting",
            "title_fr": "Appel à l'action de la Réunion ministérielle mondiale sur les PME",
            "title_es": "Llamado a la Acción de la Reunión Ministerial Mundial sobre las pymes",
            "text": (
                "*A summary for the demo; the official text is ITC's.*\n\n"
                "The ministers call for stronger policies for small and medium-sized enterprises along three pillars: "
                "access to finance, digital transformation and the green transition. They mandate the International Trade "
                "Centre to provide **expertise** (an access-to-finance strategy; a guideline for Nationally Determined "
                "Contributions on carbon emissions) and **advocacy** to raise the political significance of the SME sector."
            ),
            "text_fr": (
                "*Un résumé pour la démonstration ; le texte officiel est celui du CCI.*\n\n"
                "Les ministres appellent à renforcer les politiques en faveur des petites et moyennes entreprises autour de trois "
                "piliers : l'accès au financement, la transformation numérique et la transition verte. Ils chargent le Centre du "
                "commerce international d'apporter son **expertise** (une stratégie d'accès au financement ; une ligne directrice pour "
                "les contributions déterminées au niveau national sur les émissions de carbone) et son **plaidoyer** pour accroître le "
                "poids politique du secteur des PME."
            ),
            "text_es": (
                "*Un resumen para la demostración; el texto oficial es el del ITC.*\n\n"
                "Los ministros piden políticas más sólidas para las pequeñas y medianas empresas en torno a tres pilares: el acceso "
                "a la financiación, la transformación digital y la transición verde. Encomiendan al Centro de Comercio Internacional "
                "aportar **conocimientos especializados** (una estrategia de acceso a la financiación; una guía para las contribuciones "
                "determinadas a nivel nacional sobre las emisiones de carbono) y **promoción** para elevar la relevancia política del "
                "sector de las pymes."
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
        defaults={
            "title": "Expertise", "title_fr": "Expertise", "title_es": "Conocimientos especializados", "position": 1,
            "description": "ITC provides expertise to the countries of the community.",
            "description_fr": "Le CCI apporte son expertise aux pays de la communauté.",
            "description_es": "El ITC aporta sus conocimientos especializados a los países de la comunidad.",
        },
    )
    advocacy, _ = Mandate.objects.update_or_create(
        call=call, kind=Mandate.Kind.ADVOCACY,
        defaults={
            "title": "Advocacy", "title_fr": "Plaidoyer", "title_es": "Promoción", "position": 2,
            "description": "ITC raises the political significance of the SME sector.",
            "description_fr": "Le CCI accroît le poids politique du secteur des PME.",
            "description_es": "El ITC eleva la relevancia política del sector de las pymes.",
        },
    )
    finance = Theme.objects.filter(slug="access-to-finance").first()
    green = Theme.objects.filter(slug="green-transition").first()
    strategy, _ = Deliverable.objects.update_or_create(
        mandate=expertise, title="Access-to-finance strategy",
        defaults={
            "title_fr": "Stratégie d'accès au financement", "title_es": "Estrategia de acceso a la financiación",
            "pillar": finance, "status": Deliverable.Status.DELIVERED, "progress": 100, "position": 1,
        },
    )
    guideline, _ = Deliverable.objects.update_or_create(
        mandate=expertise, title="Guideline for Nationally Determined Contributions on carbon emissions",
        defaults={
            "title_fr": "Ligne directrice pour les contributions déterminées au niveau national sur les émissions de carbone",
            "title_es": "Guía para las contribuciones determinadas a nivel nacional sobre las emisiones de carbono",
            "pillar": green, "status": Deliverable.Status.DELIVERED, "progress": 100, "position": 2,
        },
    )
    dialogues, _ = Deliverable.objects.update_or_create(
        mandate=advocacy, title="Inform the thematic dialogues on trade and climate",
        defaults={
            "title_fr": "Éclairer les dialogues thématiques sur le commerce et le climat",
            "title_es": "Aportar información a los diálogos temáticos sobre comercio y clima",
            "description": "COP30 asked ITC, the WTO and UNCTAD to inform the thematic dialogues on trade and climate.",
            "description_fr": "La COP30 a demandé au CCI, à l'OMC et à la CNUCED d'éclairer les dialogues thématiques sur le commerce et le climat.",
            "description_es": "La COP30 pidió al ITC, la OMC y la UNCTAD que aportaran información a los diálogos temáticos sobre comercio y clima.",
            "pillar": green, "status": Deliverable.Status.IN_PROGRESS, "progress": 25, "position": 1,
        },
    )
    presented = {
        "title_fr": "Présenté aux pays lors de la première réunion technique de 2026",
        "title_es": "Presentado a los países en la primera reunión técnica de 2026",
    }
    for deliverable in (strategy, guideline):
        DeliverableEvent.objects.update_or_create(
            deliverable=deliverable, title="Presented to countries at the first technical meeting of 2026",
            defaults={**presented, "happened_on": technical.starts_at.date(), "meeting": technical, "recorded_by": by},
        )

    countries = {country.iso2: country for country in Country.objects.all()}
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
    for iso2 in SAMPLE_ENDORSERS:
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
    for iso2 in APRIL_PARTICIPANTS:
        Participation.objects.get_or_create(
            meeting=april, country=countries[iso2], defaults={"status": Confirmation.CONFIRMED, "recorded_by": by, "decided_by": by}
        )
    for iso2, title in APRIL_PRESENTERS.items():
        if not Presentation.objects.filter(meeting=april, country=countries[iso2]).exists():
            Presentation.objects.create(
                meeting=april, country=countries[iso2], title=title, summary="An example of what a country presents (sample).",
                status=Confirmation.CONFIRMED, is_sample=True, recorded_by=by, decided_by=by,
            )
    _sample_uptake(countries, strategy=strategy, by=by, at=april.ends_at)
    return {"ministerial": ministerial, "technical": technical, "april": april, "call": call}


def _sample_uptake(countries, *, strategy, by, at):
    """Two uptake stories the record does not tell, marked as samples: a peer's practice used, ITC's strategy used."""
    peer = Practice.objects.published().filter(owner__iso2="SN", title__startswith="Création d’entreprise").first()
    stories = [
        (
            "CI", "Côte d’Ivoire built its one-stop shop for sole traders on Senegal's online registration",
            "The investment promotion centre studied Senegal's 24-hour online company registration and adapted it for sole traders.",
            "Centre de promotion des investissements en Côte d’Ivoire", {"used_practice": peer} if peer else None,
        ),
        (
            "AM", "Armenia aligned its regional guarantee programme with ITC's access-to-finance strategy",
            "The Ministry of Economy used ITC's access-to-finance strategy to set the guarantee cover for businesses outside Yerevan.",
            "Ministry of Economy", {"used_deliverable": strategy},
        ),
    ]
    for iso2, title, story, institution, used in stories:
        if used is None:
            continue
        UptakeStory.objects.get_or_create(
            country=countries[iso2], title=title,
            defaults={"story": story, "institution": institution, **used, "status": UptakeStory.Status.PUBLISHED,
                      "is_sample": True, "published_at": at, "created_by": by},
        )
