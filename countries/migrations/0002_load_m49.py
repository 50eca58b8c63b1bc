"""Load every UN M49 country and area with its regions from countries/data/."""

import csv
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("countries", "Region")
    Country = apps.get_model("countries", "Country")
    with open(DATA / "m49_regions.csv", encoding="utf-8") as handle:
        names = {row["code"]: row for row in csv.DictReader(handle)}
    with open(DATA / "m49_countries.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    regions = {}

    def region(code, level, parent):
        if code not in regions:
            row = names[code]
            regions[code] = Region.objects.create(
                code=code,
                level=level,
                parent=parent,
                name_en=row["name_en"],
                name_fr=row["name_fr"],
                name_es=row["name_es"],
                slug=slugify(row["name_en"]),
            )
        return regions[code]

    for row in rows:
        top = region(row["region_code"], "region", None)
        sub = region(row["subregion_code"], "subregion", top)
        intermediate = region(row["intermediate_code"], "intermediate", sub) if row["intermediate_code"] else None
        Country.objects.create(
            m49_code=row["m49"],
            iso2=row["iso2"],
            iso3=row["iso3"],
            name_en=row["name_en"],
            name_fr=row["name_fr"],
            name_es=row["name_es"],
            region=top,
            subregion=sub,
            intermediate_region=intermediate,
            is_ldc=row["ldc"] == "True",
            is_lldc=row["lldc"] == "True",
            is_sids=row["sids"] == "True",
        )


def unload(apps, schema_editor):
    apps.get_model("countries", "Country").objects.all().delete()
    Region = apps.get_model("countries", "Region")
    for level in ("intermediate", "subregion", "region"):
        Region.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("countries", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
