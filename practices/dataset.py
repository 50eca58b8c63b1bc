"""The whole dataset: every published practice, its translations and the vocabularies, as files.

Researchers take the data away whole, as they do from the policy databases they compare it with.
Three files hold the same tables (TABLES): the CSV files in a zip that is a Frictionless Data
Package (its datapackage.json describes each file, field by field: type, description, allowed
values; the licence, the sources, the version), one JSON document, gzipped, and an Excel workbook.
The practices are read as written (their translations are a table of their own), through
opendata.published_records, as the exports read them; nothing but public records is read.

The task worker writes them after public changes (countries.pagecache.content_changed), at most once
every INTERVAL however many changes come: the first change leaves a mark in the shared cache and
queues one regeneration INTERVAL later; changes until it starts find the mark and add nothing, and
it reads the data after removing the mark, so it holds every change made before it started. So the
files are never older than INTERVAL plus the time to write them (a minute or two at 100,000
practices: docs/performance.md). `manage.py regenerate_open_data` writes them at once.

Each run writes its files under names of its own in Django's storage (opendata/<run>.<file name>),
then its manifest (opendata/<run>.json), last: a run in progress or one that failed is never served,
and two runs at once cannot mix their files. The manifest with the latest name, that of the run
whose data was read last, is the current dataset; runs older than the two latest are deleted. The
files go out through a view (practices.views.dataset_file), like every stored file: they work in a
shared folder or an object store alike.
"""

import gzip
import hashlib
import io
import json
import logging
import tempfile
import time
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from countries.models import Country, Region

from . import opendata
from .imports import XLSX_CONTENT_TYPE
from .models import TRANSLATED_FIELDS, InstrumentType, Language, Practice, PracticeTranslation, TargetGroup, Theme
from .workbook import TextWorkbook

logger = logging.getLogger(__name__)

NAME = "sme-policy-practices"
# The version of the tables' columns: a data user's program reads every dataset of one major version.
# The package's version adds the time its data was read (1.0.20261207031500).
SCHEMA_VERSION = "1.0"
# At most one regeneration in this interval, however many public changes come.
INTERVAL = timedelta(minutes=3)
# The mark of a regeneration waiting to run, in the shared (database) cache. It outlives a worker's
# delay, then lets the next change queue another.
PENDING_KEY = "open-data-regeneration-pending"
PENDING_TIMEOUT = INTERVAL + timedelta(minutes=30)
FOLDER = "opendata"
# Runs kept: the current one and the one before (a download of it may still be under way).
KEPT_RUNS = 2
# A run without a manifest this old has failed: its files are deleted.
FAILED_AFTER = timedelta(hours=1)
# A regeneration asked for this long before the current dataset's data was read is done already
# (the margin covers clocks of different machines).
CLOCK_MARGIN = timedelta(minutes=1)
COMPRESSION_LEVEL = 6


@dataclass(frozen=True)
class DatasetFile:
    key: str
    name: str
    label: str
    media_type: str


FILES = (
    DatasetFile("csv", f"{NAME}-csv.zip", _("CSV files in a Frictionless Data Package (zip)"), "application/zip"),
    DatasetFile("json", f"{NAME}.json.gz", _("JSON (gzip)"), "application/gzip"),
    DatasetFile("xlsx", f"{NAME}.xlsx", _("Excel workbook"), XLSX_CONTENT_TYPE),
)
FILE_NAMES = {item.name: item for item in FILES}


# --- The tables ---


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    # The values it may take: a TextChoices class, or a model whose codes (`code_field`) it holds.
    choices: type | None = None
    vocabulary: type | None = None
    # The Table Schema type (https://specs.frictionlessdata.io/table-schema/): string, integer, boolean, datetime.
    type: str = "string"
    # Several values in one CSV cell, separated by opendata.SEPARATOR (the JSON gives a list).
    many: bool = False
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple
    primary_key: tuple
    foreign_keys: tuple = field(default=())  # ((columns, table, its columns), ...)

    @property
    def column_names(self):
        return [column.name for column in self.columns]


def code_field(model):
    """The field a model's records are named by in the tables: countries by ISO code, regions by M49 code, terms by slug."""
    return {Country: "iso2", Region: "code"}.get(model, "slug")


def _practice_columns():
    """The CSV columns of the practices, from opendata.FIELDS: the exports' columns, described once."""
    columns = []
    for item in opendata.FIELDS:
        for name in item.column_names:
            columns.append(
                Column(
                    name,
                    item.description,
                    type="string" if item.many else item.type,
                    choices=item.choices,
                    vocabulary=item.vocabulary.get(name),
                    many=item.many,
                    required=name == "id",
                )
            )
    return tuple(columns)


NAMES = (
    Column("name_en", _("The name in English."), required=True),
    Column("name_fr", _("The name in French.")),
    Column("name_es", _("The name in Spanish.")),
)


def _term_columns():
    return (
        Column("slug", _("The identifier: it never changes, and the practices table names the term by it."), required=True),
        *NAMES,
        Column("position", _("Its place in lists."), type="integer"),
        Column("is_active", _("Whether it is still offered to new practices; practices keep the ones no longer offered."), type="boolean"),
    )


TABLES = (
    Table(
        "practices",
        _("Practices"),
        _("Every published practice, as written: its published version, never a version in review nor its contact person."),
        _practice_columns(),
        primary_key=("id",),
        foreign_keys=((("country_iso2",), "countries", ("iso2",)),),
    ),
    Table(
        "translations",
        _("Translations"),
        _("The current translation of a published practice into each other working language, reviewed and published by ITC. The original prevails."),
        (
            Column("practice_id", _("The practice translated (id in the practices table)."), type="integer", required=True),
            Column("language", _("The language of the translation."), choices=Language, required=True),
            Column("version", _("The number of this translation's version."), type="integer"),
            Column("title", _("The title, translated.")),
            Column("summary", _("The summary, translated.")),
            Column("description", _("The description, translated: Markdown text.")),
            Column("problem", _("The problem addressed, translated.")),
            Column("objectives", _("The objectives, translated.")),
            Column("implementation", _("The implementation, translated.")),
            Column("results", _("Results and evidence, translated.")),
            Column("challenges", _("Challenges and lessons learned, translated.")),
            Column("transferability", _("Conditions for transfer, translated.")),
            Column("translated_version", _("The number of the practice's version it translates."), type="integer"),
            Column(
                "outdated",
                _("Whether the practice published a newer version since: the translation may no longer say what the original says."),
                type="boolean",
            ),
            Column("translator", _("Who translated it, as the practice's page credits them (may be empty).")),
            Column(
                "volunteer_country_iso2",
                _("The country of a delegate who translated another country's practice as a volunteer (may be empty)."),
                vocabulary=Country,
            ),
            Column("published_at", _("When ITC published this translation (ISO 8601, UTC)."), type="datetime"),
        ),
        primary_key=("practice_id", "language"),
        foreign_keys=(
            (("practice_id",), "practices", ("id",)),
            (("volunteer_country_iso2",), "countries", ("iso2",)),
        ),
    ),
    Table(
        "themes",
        _("Themes"),
        _("The themes of the practices, named in English, French and Spanish."),
        (
            *_term_columns(),
            Column("is_pillar", _("Whether it is a pillar of the Call to Action of the SME Ministerial community."), type="boolean"),
        ),
        primary_key=("slug",),
    ),
    Table(
        "instruments",
        _("Instrument types"),
        _("The types of policy instrument, named in English, French and Spanish."),
        _term_columns(),
        primary_key=("slug",),
    ),
    Table(
        "target_groups",
        _("Target groups"),
        _("The groups practices are meant for, named in English, French and Spanish."),
        _term_columns(),
        primary_key=("slug",),
    ),
    Table(
        "countries",
        _("Countries"),
        _("Every country and territory, with its codes, its names and its UN M49 regions."),
        (
            Column("iso2", _("The ISO 3166 two-letter code."), required=True),
            Column("iso3", _("The ISO 3166 three-letter code.")),
            Column("m49_code", _("The UN M49 numeric code.")),
            *NAMES,
            Column("region_code", _("The M49 code of its region (the regions table)."), vocabulary=Region),
            Column("subregion_code", _("The M49 code of its sub-region."), vocabulary=Region),
            Column("intermediate_region_code", _("The M49 code of its intermediate region, if any."), vocabulary=Region),
        ),
        primary_key=("iso2",),
        foreign_keys=(
            (("region_code",), "regions", ("code",)),
            (("subregion_code",), "regions", ("code",)),
            (("intermediate_region_code",), "regions", ("code",)),
        ),
    ),
    Table(
        "regions",
        _("Regions"),
        _("The regions, sub-regions and intermediate regions of the UN M49 standard."),
        (
            Column("code", _("The UN M49 numeric code."), required=True),
            Column("slug", _("The identifier used in the platform's addresses and filters.")),
            Column("level", _("The level: region, sub-region or intermediate region."), choices=Region.Level),
            Column("parent_code", _("The M49 code of the region it is part of (empty for a region)."), vocabulary=Region),
            *NAMES,
        ),
        primary_key=("code",),
        foreign_keys=((("parent_code",), "regions", ("code",)),),
    ),
)
TABLE_NAMES = {table.name: table for table in TABLES}


# --- Reading the tables: plain rows, {column: value} ---


def _practice_rows(base_url):
    ids = list(Practice.objects.published().order_by("pk").values_list("pk", flat=True))
    return opendata.published_records(ids, base_url=base_url, language=None)


def _translation_rows():
    """The current translations of published practices (PracticeTranslation.objects.public()), in batches."""
    public = PracticeTranslation.objects.public()
    ids = list(public.order_by("practice_id", "language").values_list("pk", flat=True))
    values = (
        "pk",
        "practice_id",
        "language",
        "number",
        *TRANSLATED_FIELDS,
        "source_revision_id",
        "source_revision__number",
        "practice__published_revision_id",
        "translated_by__full_name",
        "volunteer_country__iso2",
        "decided_at",
    )
    for start in range(0, len(ids), opendata.BATCH_SIZE):
        batch = ids[start : start + opendata.BATCH_SIZE]
        rows = {row["pk"]: row for row in public.filter(opendata.among("pk", batch)).order_by().values(*values)}
        for pk in batch:
            if (row := rows.get(pk)) is None:
                continue
            yield {
                "practice_id": row["practice_id"],
                "language": row["language"],
                "version": row["number"],
                **{name: row[name] for name in ("title", "summary", "description", "problem", "objectives", "implementation", "results", "challenges", "transferability")},
                "translated_version": row["source_revision__number"],
                "outdated": row["source_revision_id"] != row["practice__published_revision_id"],
                "translator": row["translated_by__full_name"] or "",
                "volunteer_country_iso2": row["volunteer_country__iso2"],
                "published_at": row["decided_at"].isoformat() if row["decided_at"] else None,
            }


def _term_rows(model):
    for term in model.objects.order_by("position", "name_en"):
        row = {"slug": term.slug, "name_en": term.name_en, "name_fr": term.name_fr, "name_es": term.name_es, "position": term.position, "is_active": term.is_active}
        if model is Theme:
            row["is_pillar"] = term.is_pillar
        yield row


def _country_rows():
    countries = Country.objects.select_related("region", "subregion", "intermediate_region").order_by("iso2")
    for country in countries:
        yield {
            "iso2": country.iso2,
            "iso3": country.iso3,
            "m49_code": country.m49_code,
            "name_en": country.name_en,
            "name_fr": country.name_fr,
            "name_es": country.name_es,
            "region_code": country.region.code if country.region else None,
            "subregion_code": country.subregion.code if country.subregion else None,
            "intermediate_region_code": country.intermediate_region.code if country.intermediate_region else None,
        }


def _region_rows():
    for region in Region.objects.select_related("parent").order_by("code"):
        yield {
            "code": region.code,
            "slug": region.slug,
            "level": region.level,
            "parent_code": region.parent.code if region.parent else None,
            "name_en": region.name_en,
            "name_fr": region.name_fr,
            "name_es": region.name_es,
        }


def table_rows(table, *, base_url):
    """The rows of a table: dicts, the practices' as opendata.published_records gives them (the JSON's records)."""
    return {
        "practices": lambda: _practice_rows(base_url),
        "translations": _translation_rows,
        "themes": lambda: _term_rows(Theme),
        "instruments": lambda: _term_rows(InstrumentType),
        "target_groups": lambda: _term_rows(TargetGroup),
        "countries": _country_rows,
        "regions": _region_rows,
    }[table.name]()


def _plain_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_line(table, row):
    """A row as a line of CSV, guarded against CSV injection like the exports' (opendata.csv_line)."""
    if table.name == "practices":
        return opendata.record_csv_line(row)
    return opendata.csv_line([_plain_cell(row[name]) for name in table.column_names])


def workbook_values(table, row):
    """A row's texts for the workbook (None for empty), unguarded: every cell is a text cell."""
    if table.name == "practices":
        return opendata.workbook_row(row)
    return opendata.workbook_cells(_plain_cell(row[name]) for name in table.column_names)


# --- The description: datapackage.json ---


def _allowed(column):
    """The codes a column may hold, or None."""
    if column.choices is not None:
        return [str(value) for value in column.choices.values]
    if column.vocabulary is not None:
        model = column.vocabulary
        return sorted(model.objects.values_list(code_field(model), flat=True))
    return None


def _schema_field(column):
    described = {"name": column.name, "type": column.type, "description": str(column.description)}
    if column.type == "datetime":
        described["format"] = "any"  # ISO 8601, with fractions of a second and the UTC offset: 2026-12-07T03:15:00.125000+00:00
    constraints = {}
    if column.required:
        constraints["required"] = True
    allowed = _allowed(column)
    if allowed is not None and column.many:
        # Several codes in one cell: each of the allowed ones, separated by opendata.SEPARATOR.
        one = "(?:" + "|".join(_regex_escape(value) for value in allowed) + ")"
        constraints["pattern"] = f"{one}(?:{_regex_escape(opendata.SEPARATOR)}{one})*"
    elif allowed is not None:
        constraints["enum"] = allowed
    elif column.many and column.name == "adapted_from":
        constraints["pattern"] = r"[0-9]+(?:; [0-9]+)*"
    if constraints:
        described["constraints"] = constraints
    return described


def _regex_escape(text):
    # Table Schema patterns are XML Schema regular expressions: escape what it (and Python's, which checks them) reads as special.
    return "".join("\\" + character if character in ".\\+*?[^]$(){}|" else character for character in text)


def descriptor(*, version, created, site_url):
    """datapackage.json: the package, its licence and sources, and a table schema per CSV file (in English)."""
    with translation.override("en"):
        return {
            "profile": "tabular-data-package",
            "name": NAME,
            "title": str(_("Best practices in SME policy: the SME Policy Knowledge Sharing Platform")),
            "description": str(
                _(
                    "Every best practice in SME policy published on the SME Policy Knowledge Sharing Platform of the International "
                    "Trade Centre (ITC), with its countries, themes, instrument types and target groups, documents, lineage and "
                    "published translations; the vocabularies in English, French and Spanish. Countries write the practices; "
                    "ITC reviews each version before it is published."
                )
            ),
            "version": version,
            "created": created,
            "homepage": site_url + opendata.stable_path("practices:open_data"),
            "keywords": ["SME policy", "small and medium-sized enterprises", "best practices", "public policy", "International Trade Centre"],
            "licenses": [{"name": opendata.LICENCE_ID, "title": opendata.LICENCE, "path": opendata.LICENCE_URL}],
            "sources": [{"title": opendata.PLATFORM, "path": site_url + opendata.stable_path("practices:browse")}],
            "contributors": [{"title": opendata.PUBLISHER, "role": "publisher"}],
            "citation": dataset_citation(year=created[:4], version=version, url=site_url + opendata.stable_path("practices:open_data")),
            "resources": [
                {
                    "profile": "tabular-data-resource",
                    "name": table.name,
                    "path": f"{table.name}.csv",
                    "title": str(table.title),
                    "description": str(table.description),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
                    "schema": {
                        "fields": [_schema_field(column) for column in table.columns],
                        "primaryKey": list(table.primary_key),
                        **(
                            {
                                "foreignKeys": [
                                    {"fields": list(columns), "reference": {"resource": other, "fields": list(other_columns)}}
                                    for columns, other, other_columns in table.foreign_keys
                                ]
                            }
                            if table.foreign_keys
                            else {}
                        ),
                    },
                }
                for table in TABLES
            ],
        }


def dataset_citation(*, year, version, url):
    """How to cite the whole dataset (the open data page writes the same sentence)."""
    return _("International Trade Centre (%(year)s). Best practices in SME policy: the SME Policy Knowledge Sharing Platform, version %(version)s [data set]. %(url)s") % {
        "year": year,
        "version": version,
        "url": url,
    }


# --- Writing the files ---


class _Writers:
    """The three files, written together a table at a time: the data are read once."""

    def __init__(self, folder, package):
        self.paths = {item.key: folder / item.name for item in FILES}
        self.archive = zipfile.ZipFile(self.paths["csv"], "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL)
        self.archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=1))
        self.json = gzip.open(self.paths["json"], "wt", encoding="utf-8", compresslevel=COMPRESSION_LEVEL)
        head = {key: package[key] for key in ("name", "title", "description", "version", "created", "homepage", "licenses", "sources", "contributors", "citation")}
        self.json.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2])
        self.workbook = TextWorkbook(self.paths["xlsx"], compresslevel=COMPRESSION_LEVEL)
        with self.workbook.sheet("about") as sheet:
            # What the workbook is, in English like datapackage.json.
            for label, value in (
                ("Title", package["title"]),
                ("Description", package["description"]),
                ("Version", package["version"]),
                ("Created", package["created"]),
                ("Licence", f"{opendata.LICENCE} {opendata.LICENCE_URL}"),
                ("Publisher", opendata.PUBLISHER),
                ("How to cite", package["citation"]),
                ("Documentation", package["homepage"]),
                ("Sheets", ", ".join(table.name for table in TABLES)),
            ):
                sheet.append(opendata.workbook_cells([label, value]))

    def write(self, table, rows):
        self.json.write(f',\n "{table.name}": [')
        count = 0
        with (
            self.workbook.sheet(table.name) as sheet,
            self.archive.open(f"{table.name}.csv", "w") as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
        ):
            sheet.append(opendata.workbook_cells(table.column_names))
            # The byte order mark tells spreadsheet programs the file is UTF-8, as in the exports.
            text.write("\ufeff" + opendata.csv_line(table.column_names))
            for row in rows:
                text.write(csv_line(table, row))
                sheet.append(workbook_values(table, row))
                self.json.write(("," if count else "") + "\n  " + opendata.record_json(row))
                count += 1
        self.json.write("\n ]")
        return count

    def close(self):
        self.archive.close()
        self.json.write("\n}\n")
        self.json.close()
        self.workbook.close()
        return self.paths


@contextmanager
def _one_snapshot():
    """A transaction in which every query sees the same data (on PostgreSQL: one snapshot, read only)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _run_name(moment):
    # Sorted by name, runs are sorted by the moment their data were read. No dot: a file's name follows the first.
    return f"{moment:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:8]}"


def _moment_of(run):
    return datetime.strptime(run.split("Z-")[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def _checksum(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generate(*, site_url=None):
    """Write the whole dataset now, and make it the current one. Returns its manifest (a dict)."""
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    started = time.monotonic()
    counts, files = {}, {}
    with tempfile.TemporaryDirectory(prefix="sme-opendata-") as temp:
        with _one_snapshot():
            read_at = timezone.now()
            run = _run_name(read_at)
            version = f"{SCHEMA_VERSION}.{read_at:%Y%m%d%H%M%S}"
            created = read_at.isoformat(timespec="seconds").replace("+00:00", "Z")
            package = descriptor(version=version, created=created, site_url=site_url)
            writers = _Writers(Path(temp), package)
            for table in TABLES:
                counts[table.name] = writers.write(table, table_rows(table, base_url=site_url))
        paths = writers.close()
        for item in FILES:
            path = paths[item.key]
            with open(path, "rb") as handle:
                saved = default_storage.save(f"{FOLDER}/{run}.{item.name}", File(handle, name=item.name))
            files[item.key] = {"name": item.name, "path": saved, "size": path.stat().st_size, "sha256": _checksum(path)}
    manifest = {"run": run, "version": version, "created": created, "counts": counts, "files": files, "seconds": round(time.monotonic() - started, 1)}
    # Written last: from now on this run is served (unless a run that read the data later has finished).
    default_storage.save(f"{FOLDER}/{run}.json", io.BytesIO(json.dumps(manifest, indent=1).encode()))
    _delete_old_runs()
    logger.info("Open data regenerated: %s practices in %.1f s", counts["practices"], manifest["seconds"])
    return _with_moments(manifest)


def _stored_runs():
    """{run: the names of its stored files}, and the runs that have their manifest (finished), oldest first."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return {}, []
    runs = {}
    for name in names:
        run, _dot, rest = name.partition(".")
        if rest == "json" or rest in FILE_NAMES:
            runs.setdefault(run, []).append(name)
    finished = sorted(run for run, stored in runs.items() if f"{run}.json" in stored)
    return runs, finished


def _with_moments(manifest):
    """The manifest with the moment its data were read (`read_at`) and its creation's (`created_at`), as datetimes."""
    return {**manifest, "read_at": _moment_of(manifest["run"]), "created_at": datetime.fromisoformat(manifest["created"].replace("Z", "+00:00"))}


def latest():
    """The current dataset's manifest (a dict: see generate), or None before the first regeneration."""
    _runs, finished = _stored_runs()
    for run in reversed(finished):
        try:
            with default_storage.open(f"{FOLDER}/{run}.json") as handle:
                return _with_moments(json.load(handle))
        except (FileNotFoundError, ValueError):
            continue  # deleted meanwhile by a newer run's clean-up, or unreadable: the one before
    return None


def _delete_old_runs():
    runs, finished = _stored_runs()
    now = timezone.now()
    old = finished[:-KEPT_RUNS]
    # A run without a manifest is under way, or failed: deleted once that is certain.
    old += [run for run in runs if run not in finished and now - _moment_of(run) > FAILED_AFTER]
    for run in old:
        # The manifest first: the run is no longer served before its files go.
        for name in sorted(runs[run], key=lambda name: not name.endswith(".json")):
            default_storage.delete(f"{FOLDER}/{name}")


def download_name(item, manifest):
    """The name a file downloads under: with the date of its data (sme-policy-practices-2026-12-07.json.gz)."""
    return item.name.replace(NAME, f"{NAME}-{manifest['created_at']:%Y-%m-%d}", 1)


def files_of(manifest):
    """The current files for the open data page: what each is, its address and its size."""
    if manifest is None:
        return []
    return [
        {"name": item.name, "label": item.label, "size": manifest["files"][item.key]["size"], "url": reverse("practices:dataset_file", args=[item.name])}
        for item in FILES
        if item.key in manifest["files"]
    ]


def documented_tables():
    """The tables besides the practices (the open data page documents those from opendata.FIELDS), column by column."""
    return [
        {
            "name": table.name,
            "title": table.title,
            "description": table.description,
            "columns": [
                {"name": column.name, "type": column.type, "description": column.description, "values": list(column.choices.choices) if column.choices else []}
                for column in table.columns
            ],
        }
        for table in TABLES
        if table.name != "practices"
    ]


# --- After public changes: the task worker ---


def regenerate_after_a_public_change(sender, **kwargs):
    """Receiver of countries.pagecache.content_changed (connected in smeplatform.apps): one regeneration waits at a time.

    Only a queue that runs tasks later (the database queue of `manage.py db_worker`) regenerates the files:
    the immediate backend would write them inside the request that made the change, at every change.
    """
    if not regenerate_open_data.get_backend().supports_defer:
        return
    now = timezone.now()
    if cache.add(PENDING_KEY, now.isoformat(), PENDING_TIMEOUT.total_seconds()):
        regenerate_open_data.using(run_after=now + INTERVAL).enqueue(requested_at=now.isoformat())


@task()
def regenerate_open_data(requested_at=None):
    # The mark goes before the data are read: a change made from now on queues the next run.
    cache.delete(PENDING_KEY)
    current = latest()
    if requested_at and current and current["read_at"] >= datetime.fromisoformat(requested_at) + CLOCK_MARGIN:
        return current["run"]  # a run that read the data after this was asked for is served already
    return generate()["run"]
