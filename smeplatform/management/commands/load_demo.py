"""Demo accounts for every role in a few countries, created through the real invitation flow.

Used by the README's run command; never needed in production. Safe to run again: what exists is kept.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from countries import services
from countries.models import MODERATORS_GROUP, Country, Invitation, Membership, User
from countries.permissions import ensure_moderators_group
from meetings.demo import load_community_record
from practices import services as practice_services
from practices.models import Practice

DEMO_PASSWORD = "sme-demo-password"
# A fixed secret so the demo moderator's authenticator keeps working across runs.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

MODERATOR_EMAIL = "moderator@itc.example"

TEAMS = [
    {
        "iso2": "KE",
        "members": [
            ("focal.ke@demo.example", "Amina Wanjiru", "Director, SME Policy", Membership.Role.FOCAL_POINT),
            ("contributor.ke@demo.example", "Peter Otieno", "Policy Analyst", Membership.Role.CONTRIBUTOR),
        ],
        "profile": {
            "responsible_institution": "Ministry of Co-operatives and MSMEs Development",
            "policy_overview": (
                "Micro, small and medium enterprises employ most of Kenya's workforce. Policy focuses on "
                "access to affordable credit, simpler licensing and digital public services for businesses."
            ),
            "website": "https://www.example.org/kenya-msme",
            "public_contact_name": "MSME Policy Desk",
            "public_contact_email": "msme-desk@demo.example",
            "profile_language": "en",
        },
    },
    {
        "iso2": "CO",
        "members": [
            ("focal.co@demo.example", "Lucía Restrepo", "Asesora de política MIPYME", Membership.Role.FOCAL_POINT),
            ("contributor.co@demo.example", "Andrés Gómez", "Analista", Membership.Role.CONTRIBUTOR),
        ],
        "profile": {
            "responsible_institution": "Ministerio de Comercio, Industria y Turismo",
            # Written in Spanish: the country page says so.
            "policy_overview": (
                "La política de mipymes de Colombia combina fondos de garantía, incentivos a la formalización y "
                "programas de preparación para la exportación, ejecutados con las cámaras de comercio regionales."
            ),
            "website": "",
            "public_contact_name": "",
            "public_contact_email": "",
            "profile_language": "es",
        },
    },
    {
        "iso2": "SN",
        "members": [
            ("focal.sn@demo.example", "Awa Diop", "Cheffe de division PME", Membership.Role.FOCAL_POINT),
        ],
        "profile": None,
    },
]

PENDING_INVITATION = ("IQ", "focal.iq@demo.example", Membership.Role.FOCAL_POINT)

DEMO_TRANSLATIONS = [
    (
        "fr",
        "focal.sn@demo.example",
        {
            "title": "Fonds de garantie de crédit pour les MPME",
            "summary": "L’État garantit jusqu’à 60 % des prêts bancaires aux micro, petites et moyennes entreprises.",
            "description": (
                "Le dispositif partage avec les banques participantes le risque de crédit des prêts aux MPME.\n\n"
                "- Garanties jusqu’à **60 %** du prêt\n- Priorité aux entreprises dirigées par des femmes et des jeunes\n"
                "- Demandes dans les agences habituelles des banques"
            ),
            "results": "Les banques ont prêté à des entreprises qui n’avaient jamais emprunté.",
        },
    ),
    (
        "es",
        "contributor.co@demo.example",
        {
            "title": "Régimen de garantía de crédito para las mipymes",
            "summary": "El Estado garantiza hasta el 60 % de los préstamos bancarios a las micro, pequeñas y medianas empresas.",
            "description": (
                "El régimen comparte con los bancos participantes el riesgo de crédito de los préstamos a las mipymes.\n\n"
                "- Garantías de hasta el **60 %** del préstamo\n- Prioridad a las empresas dirigidas por mujeres y jóvenes\n"
                "- Solicitudes en las sucursales habituales de los bancos"
            ),
        },
    ),
]

DEMO_PRACTICES = [
    (
        "KE",
        "contributor.ke@demo.example",
        "published",
        {
            "title": "Credit Guarantee Scheme for MSMEs",
            "summary": "The state guarantees up to 60 % of bank loans to micro, small and medium enterprises.",
            "description": (
                "The scheme shares the credit risk of lending to MSMEs with participating banks.\n\n"
                "- Guarantees of up to **60 %** of the loan\n- Priority to women- and youth-led firms\n"
                "- Applications through the banks' usual branches"
            ),
            "level": "national",
            "implementation_status": "ongoing",
            "start_year": 2020,
            "themes": ["access-to-finance"],
            "instruments": ["guarantee-credit-line"],
            "target_groups": ["micro-enterprises", "small-enterprises", "women-led", "youth-led"],
            "results": "Banks lent to firms that had never borrowed before.",
            "indicators": [{"name": "Loans guaranteed", "value": "18,400", "year": 2024}],
            "responsible_institution": "Ministry of Co-operatives and MSMEs Development",
        },
    ),
    (
        "KE",
        "focal.ke@demo.example",
        "submitted",
        {
            "title": "One-stop shop for business licences",
            "summary": "County licences requested and paid for online, in one place.",
            "description": "An online portal replaced visits to several county offices.",
            "level": "national",
            "themes": ["business-environment", "digital-transformation"],
            "instruments": ["digital-platform"],
        },
    ),
    (
        "CO",
        "contributor.co@demo.example",
        "changes_requested",
        {
            "title": "Programa de formalización empresarial",
            "summary": "Acompañamiento a microempresas informales para su registro mercantil.",
            "description": "Asesores de las cámaras de comercio visitan a las microempresas.",
            "level": "national",
            "original_language": "es",
            "themes": ["formalisation"],
            "instruments": ["advisory-training"],
            "target_groups": ["informal", "micro-enterprises"],
        },
    ),
    (
        "SN",
        "focal.sn@demo.example",
        "draft",
        {
            "title": "Guichet unique des exportateurs",
            "summary": "Un guichet pour les formalités d'exportation des PME.",
            "original_language": "fr",
            "themes": ["internationalisation-trade"],
        },
    ),
]


class Command(BaseCommand):
    help = "Create demo accounts for each role and print how to sign in (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo data is for development: DEBUG is off. Pass --allow-production to insist.")
        # Invitation e-mails of the demo go nowhere.
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}), transaction.atomic():
            moderator = self._moderator()
            for team in TEAMS:
                self._team(team, moderator)
            self._pending_invitation(moderator)
            self._practices(moderator)
            self._translations(moderator)
            load_community_record(by=moderator)
        self._print_sign_ins()

    def _moderator(self):
        group = ensure_moderators_group()
        moderator, created = User.objects.get_or_create(
            email=MODERATOR_EMAIL, defaults={"full_name": "Maria Rossi (ITC)", "job_title": "SME Policy Officer", "is_staff": True}
        )
        if created:
            moderator.set_password(DEMO_PASSWORD)
            moderator.save(update_fields=["password"])
            EmailAddress.objects.create(user=moderator, email=moderator.email, verified=True, primary=True)
        moderator.groups.add(group)
        if not Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(moderator, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(moderator)
        return moderator

    def _team(self, team, moderator):
        country = Country.objects.get(iso2=team["iso2"])
        for email, name, title, role in team["members"]:
            if User.objects.filter(email=email).exists():
                continue
            invitation = services.invite_delegate(country=country, email=email, role=role, by=moderator)
            user = services.accept_invitation(invitation, full_name=name, password=DEMO_PASSWORD)
            user.job_title = title
            user.save(update_fields=["job_title"])
        if team["profile"] and not country.profile_updated_at:
            focal_point = country.memberships.filter(role=Membership.Role.FOCAL_POINT).first().user
            services.update_profile(country, data=team["profile"], by=focal_point)

    def _pending_invitation(self, moderator):
        iso2, email, role = PENDING_INVITATION
        country = Country.objects.get(iso2=iso2)
        if not Invitation.objects.filter(email=email).exists():
            services.invite_delegate(country=country, email=email, role=role, by=moderator)

    def _practices(self, moderator):
        """A few practices at each stage of review, written by the demo teams."""
        if Practice.objects.exists():
            return
        for iso2, author_email, stage, content in DEMO_PRACTICES:
            author = User.objects.get(email=author_email)
            country = Country.objects.get(iso2=iso2)
            _practice, revision = practice_services.create_practice(country, by=author, content=content)
            if stage == "draft":
                continue
            practice_services.submit_revision(revision, by=author)
            if stage == "changes_requested":
                practice_services.request_changes(
                    revision, by=moderator, comment="Please add figures on the results: how many firms, what volume."
                )
            elif stage == "published":
                practice_services.publish_revision(revision, by=moderator, evidence_label="early_results")

    def _translations(self, moderator):
        """Kenya's credit guarantee scheme read in French and Spanish: translated by volunteers of Senegal and Colombia.

        The French translation is published, then Kenya publishes a new version, so it shows as outdated;
        the Spanish one waits for ITC's review.
        """
        practice = Practice.objects.published().filter(owner__iso2="KE").first()
        if practice is None or practice.translations.exists():
            return
        for language, email, text in DEMO_TRANSLATIONS:
            translator = User.objects.get(email=email)
            translation = practice_services.start_translation(practice, by=translator, language=language)
            practice_services.save_translation(translation, by=translator, text=text)
            practice_services.submit_translation(translation, by=translator)
            if language == "fr":
                practice_services.publish_translation(translation, by=moderator, note="Merci !")
        kenya = User.objects.get(email="contributor.ke@demo.example")
        revision = practice_services.start_revision(practice, by=kenya)
        practice_services.save_revision(revision, by=kenya, changes={"results": "Banks lent to 9,000 firms that had never borrowed before."})
        practice_services.submit_revision(revision, by=kenya)
        practice_services.publish_revision(revision, by=moderator)

    def _print_sign_ins(self):
        out = self.stdout.write
        out(self.style.SUCCESS("Demo accounts (password for all: %s)" % DEMO_PASSWORD))
        out(f"  ITC moderator        {MODERATOR_EMAIL}")
        out(f"    two-factor: add this secret to an authenticator app: {DEMO_TOTP_SECRET}")
        out(f"    or scan: otpauth://totp/SME%20Platform:{MODERATOR_EMAIL}?secret={DEMO_TOTP_SECRET}&issuer=SME%20Platform")
        for team in TEAMS:
            for email, _name, _title, role in team["members"]:
                out(f"  {str(Membership.Role(role).label):<12} {team['iso2']}  {email}")
        out(f"  A pending invitation for {PENDING_INVITATION[1]} ({PENDING_INVITATION[0]}) is on the staff dashboard.")
        out("  Practices: one published (Kenya), one waiting for review (Kenya), one sent back for changes")
        out("  (Colombia) and one draft (Senegal). Kenya's published practice has a French translation by Senegal")
        out("  (outdated by Kenya's second version) and a Spanish one by Colombia waiting for review.")
