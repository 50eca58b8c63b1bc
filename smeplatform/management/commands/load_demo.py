"""The demo: accounts for every role, created through the real invitation flow; the community's practices
(smeplatform/demo_practices.py) at every stage of review, through the real services; the community's record.

Used by the README's run command; never needed in production. Safe to run again: what exists is kept.
"""

import logging
import re
import unicodedata

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from countries import services
from countries.models import Country, Invitation, Membership, User
from countries.permissions import ensure_moderators_group
from meetings.demo import load_community_record
from practices import services as practice_services
from practices.machine import MachineTranslationError, configured_engine
from practices.models import REQUIRED_FOR_TRANSLATION_REVIEW, Practice
from smeplatform.demo_practices import FOCAL_POINTS, PRACTICES, SAMPLE_NOTE, WRITES_IN, focal_point_email, mark_as_sample

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
                "- Demandes dans les agences habituelles des banques\n\n" + SAMPLE_NOTE["fr"]
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
                "- Solicitudes en las sucursales habituales de los bancos\n\n" + SAMPLE_NOTE["es"]
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


def demo_pdf(title):
    """A one-page PDF that says it is a sample, written here (no PDF library): the upload check passes it as any PDF."""

    def pdf_string(line):
        return "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    lines = [title, "Sample document for the demo of the SME Policy Knowledge Sharing Platform.", "Not an official document."]
    text = ("BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"{pdf_string(line)} '" for line in lines) + " ET").encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "document"
    return SimpleUploadedFile(f"{name}.pdf", body, content_type="application/pdf")


class Command(BaseCommand):
    help = "Create demo accounts for each role and print how to sign in (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Demo data is for development: DEBUG is off. Pass --allow-production to insist.")
        # The demo's own e-mails (invitations, review notices) go nowhere: its tasks run here, as it commits,
        # with a mailer that keeps them in memory, instead of being printed by bin/run's worker at start.
        quiet = override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        )
        tasks_log = logging.getLogger("django.tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)  # a line per task run here would bury what the command says
        try:
            with quiet, transaction.atomic():
                moderator = self._moderator()
                for team in TEAMS:
                    self._team(team, moderator)
                self._focal_points(moderator)
                self._pending_invitation(moderator)
                self._practices(moderator)
                self._translations(moderator)
                load_community_record(by=moderator)
        finally:
            tasks_log.setLevel(level)
        # The whole open dataset of the demo's published practices (then the task worker keeps it current).
        call_command("regenerate_open_data", stdout=self.stdout)
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
            # The password is hashed once for all the accounts (hashing takes most of a second each).
            user = services.accept_invitation(invitation, full_name=name, password=None)
            user.password, user.job_title = self._demo_password_hash(), title
            user.save(update_fields=["password", "job_title"])
        if team["profile"] and not country.profile_updated_at:
            focal_point = country.memberships.filter(role=Membership.Role.FOCAL_POINT).first().user
            services.update_profile(country, data=team["profile"], by=focal_point)

    def _demo_password_hash(self):
        if not getattr(self, "_password_hash", None):
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def _pending_invitation(self, moderator):
        iso2, email, role = PENDING_INVITATION
        country = Country.objects.get(iso2=iso2)
        if not Invitation.objects.filter(email=email).exists():
            services.invite_delegate(country=country, email=email, role=role, by=moderator)

    def _focal_points(self, moderator):
        """A focal point for each other country with practices, invited and signed up as real delegates are."""
        for iso2, (name, title) in FOCAL_POINTS.items():
            self._team({"iso2": iso2, "members": [(focal_point_email(iso2), name, title, Membership.Role.FOCAL_POINT)], "profile": None}, moderator)

    def _practices(self, moderator):
        """The community's practices (smeplatform/demo_practices.py), then a few at each stage of review.

        Practices that adapt others come after them; Kenya's credit guarantee scheme is published last, so
        that it is the one the translations start from.
        """
        if Practice.objects.exists():
            return
        created = {}
        for entry in sorted(PRACTICES, key=lambda entry: bool(entry.get("adapted_from"))):
            created[entry["key"]] = self._practice(entry, created, moderator)
        for iso2, author_email, stage, content in DEMO_PRACTICES:
            author = User.objects.get(email=author_email)
            country = Country.objects.get(iso2=iso2)
            _practice, revision = practice_services.create_practice(country, by=author, content=mark_as_sample(content))
            if stage == "draft":
                continue
            practice_services.submit_revision(revision, by=author)
            if stage == "changes_requested":
                practice_services.request_changes(
                    revision, by=moderator, comment="Please add figures on the results: how many firms, what volume."
                )
            elif stage == "published":
                practice_services.publish_revision(revision, by=moderator, evidence_label="early_results")

    def _practice(self, entry, created, moderator):
        country = Country.objects.get(iso2=entry["country"])
        author = User.objects.get(email=entry.get("author") or focal_point_email(entry["country"]))
        content = {"original_language": WRITES_IN.get(entry["country"], "en"), "implementation_status": "ongoing", **entry["content"]}
        content["adapted_from"] = [created[key].pk for key in entry.get("adapted_from", ())]
        practice, revision = practice_services.create_practice(country, by=author, content=mark_as_sample(content))
        if entry.get("document"):
            practice_services.add_attachment(revision, by=author, upload=demo_pdf(entry["document"]), title=entry["document"])
        stage = entry.get("stage", "published")
        if stage == "draft":
            return practice
        practice_services.submit_revision(revision, by=author)
        if stage == "submitted":
            return practice
        if stage == "rejected":
            practice_services.reject_revision(revision, by=moderator, reason=entry["reason"])
            return practice
        if stage == "resubmitted":
            practice_services.request_changes(revision, by=moderator, comment=entry["changes"])
            practice_services.save_revision(revision, by=author, changes=entry["revised"])
            practice_services.submit_revision(revision, by=author, answer=entry["answer"])
            return practice
        practice_services.publish_revision(revision, by=moderator, evidence_label=entry.get("evidence", "early_results"))
        if co_owner := entry.get("co_owner"):
            sharing = practice_services.propose_co_owner(practice, by=author, country=Country.objects.get(iso2=co_owner))
            practice_services.accept_co_owner_proposal(sharing, by=User.objects.get(email=focal_point_email(co_owner)))
        if stage == "archived":
            practice_services.archive_practice(practice, by=author, note=entry["archive_note"])
        return practice

    def _translations(self, moderator):
        """Kenya's credit guarantee scheme read in French and Spanish: translated by volunteers of Senegal and Colombia.

        The French translation is published, then Kenya publishes a new version, so it shows as outdated;
        the Spanish one waits for ITC's review. With a machine translation engine configured, the Spanish one
        is the engine's draft, unedited: a machine draft waiting for review.
        """
        practice = Practice.objects.published().filter(owner__iso2="KE").first()
        if practice is None or practice.translations.exists():
            return
        for language, email, text in DEMO_TRANSLATIONS:
            translator = User.objects.get(email=email)
            translation = practice_services.start_translation(practice, by=translator, language=language)
            if language == "es" and configured_engine() is not None:
                translation = self._machine_draft(translation, translator, text)
            else:
                practice_services.save_translation(translation, by=translator, text=text)
            practice_services.submit_translation(translation, by=translator)
            if language == "fr":
                practice_services.publish_translation(translation, by=moderator, note="Merci !")
        kenya = User.objects.get(email="contributor.ke@demo.example")
        revision = practice_services.start_revision(practice, by=kenya)
        practice_services.save_revision(revision, by=kenya, changes={"results": "Banks lent to 9,000 firms that had never borrowed before."})
        practice_services.submit_revision(revision, by=kenya)
        practice_services.publish_revision(revision, by=moderator)

    def _machine_draft(self, translation, translator, text):
        """The engine's draft of the translation; the written one when the engine fails (said on stderr)."""
        try:
            translation, _drafted = practice_services.draft_translation_by_machine(translation, by=translator)
        except MachineTranslationError as error:
            self.stderr.write(f"No machine draft for the demo ({error}): the Spanish translation is the written one.")
            return practice_services.save_translation(translation, by=translator, text=text)
        missing = {field: text[field] for field in REQUIRED_FOR_TRANSLATION_REVIEW if not getattr(translation, field).strip()}
        return practice_services.save_translation(translation, by=translator, text=missing) if missing else translation

    def _print_sign_ins(self):
        out = self.stdout.write
        out(self.style.SUCCESS("Demo accounts (password for all: %s)" % DEMO_PASSWORD))
        out(f"  ITC moderator        {MODERATOR_EMAIL}")
        out(f"    two-factor: add this secret to an authenticator app: {DEMO_TOTP_SECRET}")
        out(f"    or scan: otpauth://totp/SME%20Platform:{MODERATOR_EMAIL}?secret={DEMO_TOTP_SECRET}&issuer=SME%20Platform")
        for team in TEAMS:
            for email, _name, _title, role in team["members"]:
                out(f"  {str(Membership.Role(role).label):<12} {team['iso2']}  {email}")
        out(f"  Focal points of {len(FOCAL_POINTS)} more countries: focal.<country code>@demo.example (e.g. focal.tr@demo.example)")
        out(f"  A pending invitation for {PENDING_INVITATION[1]} ({PENDING_INVITATION[0]}) is on the staff dashboard.")
        published = Practice.objects.published()
        out(f"  Practices: {published.count()} published from {published.values('owner').distinct().count()} countries (sample data),")
        out("  and others at every stage of review (draft, submitted, changes requested, resubmitted, rejected, archived).")
        out("  Kenya's credit guarantee scheme has a French translation by Senegal (outdated by Kenya's second")
        out("  version) and a Spanish one by Colombia waiting for review.")
        if configured_engine() is not None:
            out("  Machine translation is on: the Spanish translation is the engine's draft, labelled as such.")
