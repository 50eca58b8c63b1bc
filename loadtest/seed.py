"""Data for the load run, written into the throwaway database through the app's own services.

Run by loadtest/run.py with the server's environment (production settings, the private cluster):
    .venv/bin/python loadtest/seed.py PRACTICES DELEGATES_PER_COUNTRY
It adds published practices (created, submitted and published as ITC staff would) and delegate
accounts in a dozen countries, then prints, as JSON, what the virtual users need: the accounts,
published practice ids, countries, regions, themes and words to search for.
"""

import json
import os
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeplatform.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from countries.models import Country, Membership, Region, User  # noqa: E402
from practices import services  # noqa: E402
from practices.models import EvidenceLabel, ImplementationStatus, InstrumentType, Level, Practice, TargetGroup, Theme  # noqa: E402

PASSWORD = "load-test-password-not-secret"
WORKSPACE_COUNTRIES = ["KE", "CO", "SN", "GH", "NG", "ZA", "IN", "BR", "MX", "VN", "PE", "MA"]
MODERATOR_EMAIL = "moderator@itc.example"  # made by load_demo

SUBJECTS = [
    "credit guarantee", "export readiness", "digital invoicing", "women entrepreneurs", "youth apprenticeships",
    "business registration", "public procurement", "innovation vouchers", "cluster development", "tax simplification",
    "e-commerce", "green transition", "supplier development", "microfinance", "business incubators",
]
WORDS = ["finance", "export", "digital", "women", "youth", "registration", "procurement", "innovation", "tax", "green"]


def delegates(per_country, password_hash):
    """Delegates of the workspace countries: one focal point and contributors, signed in by email."""
    accounts = []
    for iso2 in WORKSPACE_COUNTRIES:
        country = Country.objects.get(iso2=iso2)
        if country.account_opened_at is None:
            country.account_opened_at = timezone.now()
            country.save(update_fields=["account_opened_at"])
        for number in range(per_country):
            email = f"load.{iso2.lower()}.{number}@load.example"
            role = Membership.Role.FOCAL_POINT if number == 0 else Membership.Role.CONTRIBUTOR
            # One hash for all (hashing each would take a second apiece); signing in still checks it
            # with the production hasher.
            user, created = User.objects.get_or_create(email=email, defaults={"full_name": f"Load {iso2} {number}", "password": password_hash})
            if created:
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                Membership.objects.create(user=user, country=country, role=role)
            accounts.append({"email": email, "iso2": iso2})
    return accounts


def published_practices(count, rng):
    moderator = User.objects.get(email=MODERATOR_EMAIL)
    owners = list(Country.objects.order_by("iso2"))
    themes = list(Theme.objects.filter(is_active=True).values_list("slug", flat=True))
    instruments = list(InstrumentType.objects.filter(is_active=True).values_list("slug", flat=True))
    targets = list(TargetGroup.objects.filter(is_active=True).values_list("slug", flat=True))
    existing = Practice.objects.filter(title__startswith="Load seed").count()
    for number in range(existing, count):
        subject = rng.choice(SUBJECTS)
        owner = rng.choice(owners)
        content = {
            "title": f"Load seed {number}: {subject} programme in {owner.name_en}",
            "summary": f"A {subject} scheme for small firms, with {rng.choice(WORDS)} and {rng.choice(WORDS)} measures.",
            "description": " ".join(
                f"The {rng.choice(SUBJECTS)} component supports {rng.choice(WORDS)} for micro and small enterprises."
                for _sentence in range(rng.randint(3, 12))
            ),
            "results": f"{rng.randint(100, 20000)} firms reached.",
            "level": rng.choice(Level.values),
            "implementation_status": rng.choice(ImplementationStatus.values),
            "start_year": rng.randint(2005, 2024),
            "themes": rng.sample(themes, rng.randint(1, 3)),
            "instruments": rng.sample(instruments, rng.randint(1, 2)),
            "target_groups": rng.sample(targets, rng.randint(0, 3)),
        }
        with transaction.atomic():
            _practice, revision = services.create_practice(owner, by=moderator, content=content, entered_by_itc=True)
            services.submit_revision(revision, by=moderator)
            services.publish_revision(revision, by=moderator, evidence_label=rng.choice(EvidenceLabel.values))


def main():
    practices, per_country = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(49)
    accounts = delegates(per_country, make_password(PASSWORD))
    published_practices(practices, rng)
    published = Practice.objects.published()
    report = {
        "password": PASSWORD,
        "accounts": accounts,
        "practice_ids": list(published.values_list("pk", flat=True)),
        "countries": sorted(set(published.values_list("owner__iso2", flat=True))),
        "regions": list(Region.objects.filter(level=Region.Level.REGION).values_list("slug", flat=True)),
        "themes": list(Theme.objects.filter(is_active=True).values_list("slug", flat=True)),
        "levels": list(Level.values),
        "words": WORDS,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
