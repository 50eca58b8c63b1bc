"""Seed a benchmark data set: N published practices over about 200 countries, quickly.

Practices carry themes, instruments, target groups, one to three countries, a published version,
attachment records (metadata only: benchmarks never download them), multilingual text (English,
French and Spanish, each practice in its own language) and the stored search vector. A share of
them (TRANSLATED_SHARE) has a published translation into another working language, with its own
search vector. The data are deterministic for a given N (fixed random seeds), so runs compare; the
translations draw from a random stream of their own, so the practices are those of a seed without them.

    DJANGO_SETTINGS_MODULE=bench.settings manage.py bench_seed --practices 100000

Only for an empty benchmark database: it refuses when practices exist (use a fresh database).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.words import RARE_PER_PRACTICE, RARE_WORDS, rare_word
from countries.models import Country
from meetings.demo import load_community_record
from practices import search
from practices.models import (
    Attachment,
    CoOwnership,
    EvidenceLabel,
    ImplementationStatus,
    InstrumentType,
    Level,
    Practice,
    PracticeRevision,
    PracticeTranslation,
    TargetGroup,
    Theme,
)

BATCH = 5000
COUNTRIES = 200

WORDS = {
    "en": (
        "credit guarantee fund for small firms digital export platform women entrepreneurs training "
        "public procurement quota regulatory sandbox one-stop shop business registration tax incentive "
        "green transition supplier development cluster innovation voucher microfinance rural cooperative "
        "e-commerce mentoring youth startups access to markets value chain certification standards "
        "late payment directive insolvency reform informal sector formalisation trade fair support"
    ).split(),
    "fr": (
        "fonds de garantie du crédit pour les petites entreprises plateforme numérique d'exportation "
        "femmes entrepreneures formation marchés publics quota bac à sable réglementaire guichet unique "
        "création d'entreprise incitation fiscale transition verte développement des fournisseurs grappe "
        "chèque innovation microfinance coopérative rurale commerce électronique accompagnement jeunes "
        "pousses accès aux marchés chaîne de valeur certification normes délais de paiement réforme"
    ).split(),
    "es": (
        "fondo de garantía de crédito para pequeñas empresas plataforma digital de exportación mujeres "
        "emprendedoras formación compras públicas cupo entorno regulatorio de pruebas ventanilla única "
        "registro de empresas incentivo fiscal transición verde desarrollo de proveedores clúster bono "
        "de innovación microfinanzas cooperativa rural comercio electrónico mentoría jóvenes acceso a "
        "mercados cadena de valor certificación normas morosidad reforma concursal sector informal"
    ).split(),
}
LANGUAGES = ("en", "en", "en", "fr", "es")  # most practices are written in English
# The practices with a published translation into another working language (issue 15: "a share of practices").
TRANSLATED_SHARE = 0.2


class Command(BaseCommand):
    help = "Seed N published practices over about 200 countries for the benchmark (empty database only)."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=100_000)

    def handle(self, *args, practices, **options):
        if Practice.objects.exists():
            raise CommandError("This database already holds practices: seed a fresh one.")
        rng = random.Random(practices)
        # A stream of its own: the practices drawn from `rng` stay those of a seed without translations.
        translation_rng = random.Random(-practices)
        countries = list(Country.objects.order_by("m49_code")[:COUNTRIES])
        if len(countries) < 10:
            raise CommandError("Run the migrations first: the countries come with them.")
        # A few countries hold many practices, most a few (as in life).
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(countries))]
        rng.shuffle(weights)
        themes = list(Theme.objects.all())
        instruments = list(InstrumentType.objects.all())
        targets = list(TargetGroup.objects.all())
        levels = [value for value, _ in Level.choices]
        statuses = [value for value, _ in ImplementationStatus.choices]
        labels = ["", "", *[value for value, _ in EvidenceLabel.choices]]
        now = timezone.now()
        Country.objects.filter(pk__in=[country.pk for country in countries]).update(account_opened_at=now - timedelta(days=400))
        made = 0
        while made < practices:
            size = min(BATCH, practices - made)
            with transaction.atomic():
                created = self._batch(rng, size, made, countries, weights, themes, instruments, targets, levels, statuses, labels, now)
                self._translations(translation_rng, created)
            made += size
            self.stdout.write(f"  {made} practices")
        # The search text of every practice, a batch at a time (one UPDATE of 100,000 rows would outlast
        # the statement timeout).
        last = Practice.objects.order_by("-pk").values_list("pk", flat=True).first()
        for start in range(0, last + 1, BATCH):
            search.refresh_search_vectors(Practice.objects.filter(pk__gte=start, pk__lt=start + BATCH))
            search.refresh_translation_vectors(PracticeTranslation.objects.filter(practice_id__gte=start, practice_id__lt=start + BATCH))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        # The community's record (meetings, the Call to Action), entered by an ITC moderator.
        moderator, _created = get_user_model().objects.get_or_create(email="bench.moderator@itc.example", defaults={"is_staff": True})
        load_community_record(by=moderator)
        translated = PracticeTranslation.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {practices} published practices over {len(countries)} countries, {translated} with a published translation.")
        )

    def _text(self, rng, language, words):
        vocabulary = WORDS[language]
        return " ".join(rng.choice(vocabulary) for _ in range(words))

    def _batch(self, rng, size, offset, countries, weights, themes, instruments, targets, levels, statuses, labels, now):
        rows = []
        owners = rng.choices(countries, weights=weights, k=size)
        for index in range(size):
            language = rng.choice(LANGUAGES)
            start = rng.randint(1995, 2025)
            published = now - timedelta(minutes=(offset + index) * 7 + rng.randint(0, 6))
            rows.append(
                Practice(
                    title=self._text(rng, language, rng.randint(4, 9)).capitalize()[:200],
                    summary=self._text(rng, language, rng.randint(20, 40))[:500],
                    description="\n\n".join(self._text(rng, language, rng.randint(40, 90)) for _ in range(3))
                    + " " + " ".join(rare_word(rng.randrange(RARE_WORDS)) for _ in range(RARE_PER_PRACTICE)),
                    results=self._text(rng, language, rng.randint(15, 40)),
                    level=rng.choice(levels),
                    implementation_status=rng.choice(statuses),
                    start_year=start,
                    end_year=rng.choice([None, None, min(start + rng.randint(0, 8), 2030)]),
                    responsible_institution=self._text(rng, language, 4)[:200],
                    original_language=language,
                    owner=owners[index],
                    status=Practice.Status.PUBLISHED,
                    evidence_label=rng.choice(labels),
                    created_at=published - timedelta(days=30),
                    first_published_at=published,
                    published_at=published,
                )
            )
        created = Practice.objects.bulk_create(rows)
        revisions = PracticeRevision.objects.bulk_create(
            PracticeRevision(
                practice=practice,
                number=1,
                status=PracticeRevision.Status.APPROVED,
                content={"title": practice.title, "summary": practice.summary},
                created_at=practice.created_at,
                updated_at=practice.created_at,
                submitted_at=practice.created_at,
                decided_at=practice.published_at,
            )
            for practice in created
        )
        for practice, revision in zip(created, revisions, strict=True):
            practice.published_revision = revision
        Practice.objects.bulk_update(created, ["published_revision"], batch_size=BATCH)
        links = {"themes": [], "instruments": [], "target_groups": [], "countries": [], "co_owners": []}
        for practice in created:
            for relation, terms, most in (("themes", themes, 3), ("instruments", instruments, 2), ("target_groups", targets, 2)):
                through = getattr(Practice, relation).through
                key = f"{terms[0]._meta.model_name}_id"
                for term in rng.sample(terms, rng.randint(1, most)):
                    links[relation].append(through(practice_id=practice.pk, **{key: term.pk}))
            places = {practice.owner_id}
            if rng.random() < 0.1:
                partner = rng.choice(countries).pk
                if partner not in places:
                    places.add(partner)
                    links["co_owners"].append(Practice.co_owners.through(practice_id=practice.pk, country_id=partner))
            for country_id in places:
                links["countries"].append(Practice.countries.through(practice_id=practice.pk, country_id=country_id))
        for relation, through_rows in links.items():
            getattr(Practice, relation).through.objects.bulk_create(through_rows, batch_size=BATCH)
        # Each co-owner as an accepted sharing, as the services record it.
        published_at = {practice.pk: practice.published_at for practice in created}
        CoOwnership.objects.bulk_create(
            (
                CoOwnership(
                    practice_id=link.practice_id,
                    country_id=link.country_id,
                    status=CoOwnership.Status.ACCEPTED,
                    proposed_at=published_at[link.practice_id],
                    decided_at=published_at[link.practice_id],
                )
                for link in links["co_owners"]
            ),
            batch_size=BATCH,
        )
        attachments = Attachment.objects.bulk_create(
            Attachment(
                practice=practice,
                title=f"Report {practice.start_year}",
                file=f"attachments/bench-{practice.pk}",
                original_name=f"report-{practice.pk}.pdf",
                content_type="application/pdf",
                extension="pdf",
                size=rng.randint(40_000, 4_000_000),
                uploaded_at=practice.created_at,
            )
            for practice in created
            if rng.random() < 0.3
        )
        Practice.attachments.through.objects.bulk_create(
            Practice.attachments.through(practice_id=attachment.practice_id, attachment_id=attachment.pk)
            for attachment in attachments
        )
        return created

    def _translations(self, rng, created):
        """A published, current translation into another working language for TRANSLATED_SHARE of the practices,
        as ITC's review leaves it: of the published version, the title, summary, description and results."""
        rows = []
        for practice in created:
            if rng.random() >= TRANSLATED_SHARE:
                continue
            language = rng.choice([code for code in WORDS if code != practice.original_language])
            rows.append(
                PracticeTranslation(
                    practice=practice,
                    language=language,
                    number=1,
                    status=PracticeTranslation.Status.PUBLISHED,
                    is_current=True,
                    source_revision_id=practice.published_revision_id,
                    title=self._text(rng, language, rng.randint(4, 9)).capitalize()[:200],
                    summary=self._text(rng, language, rng.randint(20, 40))[:500],
                    description="\n\n".join(self._text(rng, language, rng.randint(40, 90)) for _ in range(3)),
                    results=self._text(rng, language, rng.randint(15, 40)),
                    created_at=practice.published_at,
                    updated_at=practice.published_at,
                    submitted_at=practice.published_at,
                    decided_at=practice.published_at + timedelta(days=3),
                )
            )
        PracticeTranslation.objects.bulk_create(rows, batch_size=BATCH)
