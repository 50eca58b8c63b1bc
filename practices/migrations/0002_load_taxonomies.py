"""The first themes, instrument types and target groups, in English, French and Spanish.

Staff add and rename terms afterwards in the admin; this only seeds an empty database.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "taxonomies.csv"
MODELS = {"theme": "Theme", "instrument": "InstrumentType", "target": "TargetGroup"}


def load(apps, schema_editor):
    with open(DATA, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            model = apps.get_model("practices", MODELS[row["kind"]])
            values = {
                "position": int(row["position"]),
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
            }
            if row["kind"] == "theme":
                values["is_pillar"] = row["pillar"] == "yes"
            model.objects.get_or_create(slug=row["slug"], defaults=values)


def unload(apps, schema_editor):
    for name in MODELS.values():
        apps.get_model("practices", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
