"""The public record of a practice, as the exports, the API and the feeds give it.

One function, practice_record(), turns a published practice into a dict of its public fields:
the published version's content, never a version in review, never the contact person; its title
and summary in the language asked for where ITC published a translation into it (practices.reading).
published_records() gives the same dicts for many practices at once, read as plain values in large
batches, with no model instance made (the exports and the whole dataset).
FIELDS
documents each field (the open data page and the whole dataset's datapackage.json are generated
from it) and says how it is written in the CSV export and the Excel workbook, which have the same
columns.
"""

import json
import re
from dataclasses import dataclass, field
from operator import itemgetter
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Func, Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from countries.models import Country

from .models import (
    PRIVATE_CONTENT_FIELDS,
    SCALAR_CONTENT_FIELDS,
    Attachment,
    EvidenceLabel,
    ImplementationStatus,
    InstrumentType,
    Language,
    Level,
    Practice,
    TargetGroup,
    Theme,
)
from .reading import READING_LANGUAGES, Reading, with_reading

# The licence the open data is offered under: a proposal that ITC has still to confirm.
LICENCE = "CC BY 4.0"
LICENCE_ID = "CC-BY-4.0"  # its SPDX identifier, for datapackage.json
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "International Trade Centre"
PLATFORM = "SME Policy Knowledge Sharing Platform, International Trade Centre"

# The most practices one export holds; the API pages through any number, the whole dataset
# (practices.dataset) holds every one.
EXPORT_LIMIT = 5_000
# Practices read from the database at a time while an export or the whole dataset is written: memory
# stays flat (a few megabytes a batch), and the number of queries grows with the batches, not with
# the practices.
BATCH_SIZE = 2_000
# Separates the values of a multi-valued field in a CSV cell.
SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a cell inside a CSV field: at its start, and after a character some
# spreadsheet splits on. French and Spanish Excel split on ";" and may cut a field of a file written
# with "," at a ";" inside it, quotes or not; past such a cut, a line break in the field starts a row.
# Quotes and spaces a reader may drop before a formula are looked through. Two patterns, the text's
# start apart: one starting with a set of characters is searched several times faster.
_FORMULA_AHEAD = "(?=[" + re.escape("".join(FORMULA_STARTS)) + "])"
_FORMULA_AFTER_A_SPLIT = re.compile(r'([,;\t\r\n])([" ]*)' + _FORMULA_AHEAD)
_FORMULA_AT_THE_START = re.compile(r'([" ]*)' + _FORMULA_AHEAD)
# Characters XML 1.0, and so an .xlsx workbook, cannot hold.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The most characters an Excel cell holds; the JSON gives longer texts whole.
EXCEL_CELL_LIMIT = 32_767


def stable_path(name, **kwargs):
    """The address of a public page without its language prefix: it opens in each visitor's language.

    The same address the sitemap gives as x-default; LocaleMiddleware redirects it to a language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, kwargs=kwargs)
    return path.removeprefix(f"/{settings.LANGUAGE_CODE}")


def with_public_relations(queryset):
    """The practices with what their records need, in a constant number of queries."""
    return queryset.select_related("owner").prefetch_related(
        "co_owners",
        "themes",
        "instruments",
        "target_groups",
        "attachments",
        # A practice may name one that is not (or no longer) public: it is left out.
        Prefetch("adapted_from", queryset=Practice.objects.published().only("pk").order_by("pk"), to_attr="public_adapted_from"),
    )


def _terms(terms):
    return [{"slug": term.slug, "name": term.name_en} for term in terms]


def _country(country):
    return {"iso2": country.iso2, "name": country.name_en}


def _indicator(item):
    item = item if isinstance(item, dict) else {}
    return {"name": str(item.get("name") or ""), "value": str(item.get("value") or ""), "year": item.get("year") or None}


def _timestamp(moment):
    return moment.isoformat() if moment else None


def practice_record(practice, *, base_url):
    """The public fields of a published practice, read in a language (`practice.reading`: practices.reading).

    base_url: the site's scheme and host.
    """
    if practice.status != Practice.Status.PUBLISHED:
        # The last guard: whatever a caller passes, nothing unpublished is serialised.
        raise ValueError("Only a published practice has a public record.")
    reading = practice.reading
    adapted_from = getattr(practice, "public_adapted_from", None)
    if adapted_from is None:
        adapted_from = practice.adapted_from.published().order_by("pk")
    return {
        "id": practice.pk,
        "url": base_url + stable_path("practices:practice_detail", pk=practice.pk),
        "title": reading.title,
        "summary": reading.summary,
        "description": practice.description,
        "problem": practice.problem,
        "objectives": practice.objectives,
        "implementation": practice.implementation,
        "results": practice.results,
        "indicators": [_indicator(item) for item in practice.indicators or []],
        "challenges": practice.challenges,
        "transferability": practice.transferability,
        "level": practice.level,
        "implementation_status": practice.implementation_status,
        "start_year": practice.start_year,
        "end_year": practice.end_year,
        "responsible_institution": practice.responsible_institution,
        "links": [str(link) for link in practice.links or []],
        "original_language": practice.original_language,
        "languages": reading.languages,
        "text_language": reading.language_of("title"),
        "evidence_label": practice.evidence_label,
        "themes": _terms(practice.themes.all()),
        "instruments": _terms(practice.instruments.all()),
        "target_groups": _terms(practice.target_groups.all()),
        "country": _country(practice.owner),
        "co_owners": [_country(country) for country in practice.co_owners.all()],
        "adapted_from": [other.pk for other in adapted_from],
        "documents": [
            {
                "title": attachment.title,
                "url": base_url + stable_path("practices:public_attachment", pk=practice.pk, attachment_id=attachment.pk),
            }
            for attachment in practice.attachments.all()
        ],
        "first_published_at": _timestamp(practice.first_published_at),
        "published_at": _timestamp(practice.published_at),
    }


# The scalar columns a record reads, with the owner's code and name: read as plain values, no model instances.
_RECORD_VALUES = (
    "pk",
    *(name for name in SCALAR_CONTENT_FIELDS if name not in PRIVATE_CONTENT_FIELDS),
    "evidence_label",
    "first_published_at",
    "published_at",
    "owner__iso2",
    "owner__name_en",
)
# Ids no practice or document has, standing for theirs in an address reversed once per export.
_PLACEHOLDER_IDS = {"pk": 918_273_645, "attachment_id": 546_372_819}


def _address_template(base_url, name, *keys):
    """The stable address `name` reverses to, as a format string of its ids (`keys`): reversed once, filled in per row."""
    placeholders = {key: _PLACEHOLDER_IDS[key] for key in keys}
    address = (base_url + stable_path(name, **placeholders)).replace("{", "{{").replace("}", "}}")
    for key, placeholder in placeholders.items():
        if address.count(str(placeholder)) != 1:
            raise ValueError(f"{name}: the placeholder of {key} must show once in {address}.")
        address = address.replace(str(placeholder), "{" + key + "}")
    return address


class _IsAmong(Func):
    """`field = ANY('{1,2,…}'::bigint[])`: the ids as one parameter, written as an array's text. An IN list
    of thousands of parameters (or an array of them) costs Django and psycopg more time to prepare
    than PostgreSQL takes to answer."""

    output_field = BooleanField()

    def __init__(self, field, ids):
        super().__init__(F(field))
        self.ids = "{" + ",".join(str(int(pk)) for pk in ids) + "}"

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", (*params, self.ids)


def among(field, ids):
    """The rows whose `field` is one of `ids`."""
    if connection.vendor == "postgresql":
        return Q(_IsAmong(field, ids))
    return Q(**{f"{field}__in": ids})


# The taxonomies a record names its terms from: relation, model.
_TERMS = (("themes", Theme), ("instruments", InstrumentType), ("target_groups", TargetGroup))


def _links():
    """{relation: (its links, in the order of the practice's page, the field naming the practice, the fields of what
    it links to)}: what a record names besides its own columns. A practice may name one it was adapted from that
    is not (or no longer) public: that link is left out."""
    links = {}
    for relation, model in _TERMS:
        term = model._meta.model_name
        ordered = getattr(Practice, relation).through.objects.order_by(*(f"{term}__{key}" for key in model._meta.ordering))
        links[relation] = (ordered, "practice_id", (f"{term}__slug", f"{term}__name_en"))
    co_owners = Practice.co_owners.through.objects.order_by(*(f"country__{key}" for key in Country._meta.ordering))
    links["co_owners"] = (co_owners, "practice_id", ("country__iso2", "country__name_en"))
    sources = Practice.adapted_from.through.objects.filter(**Practice.objects.public_lookup("to_practice")).order_by("to_practice_id")
    links["adapted_from"] = (sources, "from_practice_id", ("to_practice_id",))
    documents = Practice.attachments.through.objects.order_by(*(f"attachment__{key}" for key in Attachment._meta.ordering))
    links["documents"] = (documents, "practice_id", ("attachment_id", "attachment__title"))
    return links


def _links_by_query(ids):
    """{relation: {practice id: what it links to}} for the batch `ids`: a query per relation, a row per link. (An
    array of each relation in the practice's own row, ARRAY(SELECT …), cost PostgreSQL twice as much.)"""
    found = {}
    for relation, (links, practice, fields) in _links().items():
        by_practice = found[relation] = {}
        rows = _rows(links.filter(among(practice, ids)).values_list(practice, *fields))
        if len(fields) == 1:
            for pk, linked in rows:
                by_practice.setdefault(pk, []).append(linked)
        else:
            for row in rows:
                by_practice.setdefault(row[0], []).append(row[1:])
    return found


def _rows(query):
    """The rows of a values_list() query of plain columns: on PostgreSQL as the cursor gives them (Django's
    iteration of each row costs more than reading it)."""
    if connection.vendor != "postgresql":
        return list(query)
    with connection.cursor() as cursor:
        cursor.execute(*query.query.sql_with_params())
        return cursor.fetchall()


# The values read as JSON: the indicators, the links, the translation's text (reading.with_reading).
_JSON_VALUES = ("indicators", "links", "reading_text")


def _values_by_pk(query):
    """{pk: {name: value}} of a values() query. On PostgreSQL read with a cursor, the JSON decoded here: Django's
    conversion of each row costs as much again as reading it."""
    if connection.vendor != "postgresql":
        return {row["pk"]: row for row in query}
    with connection.cursor() as cursor:
        cursor.execute(*query.query.sql_with_params())
        names = [column.name for column in cursor.description]
        decoded = [(index, name) for index, name in enumerate(names) if name in _JSON_VALUES]
        rows = {}
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            for index, name in decoded:
                value = values[index]
                if isinstance(value, str):
                    # Most practices list no indicator and no link.
                    row[name] = [] if value == "[]" else json.loads(value)
            rows[row["pk"]] = row
        return rows


def _reading_of_values(row):
    """The Reading of a practice read as values with the annotations of `with_reading`: the same rules as on the pages."""
    text = row["reading_text"] if "reading_text" in row else None
    translated = {code for code in READING_LANGUAGES if row.get(f"reading_in_{code}")}
    original = SimpleNamespace(original_language=row["original_language"], title=row["title"], summary=row["summary"])
    return Reading(original, SimpleNamespace(**text) if text else None, translated)


def published_records(ids, *, base_url, language=None):
    """The records of the published practices among ids, in the order of ids, read in batches, in
    `language` where translated (None: as written): the dicts practice_record() gives.

    Each batch is one query for the practices (plain values, with the readings' annotations) and one
    per relation, with no model instance made (docs/performance.md gives the rows a second).
    """
    practice_url = _address_template(base_url, "practices:practice_detail", "pk")
    document_url = _address_template(base_url, "practices:public_attachment", "pk", "attachment_id")
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        # Published is checked again: a practice archived since the ids were read is left out.
        practices = with_reading(Practice.objects.published().filter(among("pk", batch)), language).order_by()
        rows = _values_by_pk(practices.values(*_RECORD_VALUES, *practices.query.annotations))
        links = _links_by_query(list(rows))
        themes, instruments, target_groups = links["themes"], links["instruments"], links["target_groups"]
        co_owners, sources, documents = links["co_owners"], links["adapted_from"], links["documents"]
        for pk in batch:
            row = rows.get(pk)
            if row is None:
                continue
            reading = _reading_of_values(row)
            yield {
                "id": pk,
                "url": practice_url.format(pk=pk),
                "title": reading.title,
                "summary": reading.summary,
                "description": row["description"],
                "problem": row["problem"],
                "objectives": row["objectives"],
                "implementation": row["implementation"],
                "results": row["results"],
                "indicators": [_indicator(item) for item in row["indicators"] or []],
                "challenges": row["challenges"],
                "transferability": row["transferability"],
                "level": row["level"],
                "implementation_status": row["implementation_status"],
                "start_year": row["start_year"],
                "end_year": row["end_year"],
                "responsible_institution": row["responsible_institution"],
                "links": [str(link) for link in row["links"] or []],
                "original_language": row["original_language"],
                "languages": reading.languages,
                "text_language": reading.language_of("title"),
                "evidence_label": row["evidence_label"],
                "themes": [{"slug": slug, "name": name} for slug, name in themes.get(pk, ())],
                "instruments": [{"slug": slug, "name": name} for slug, name in instruments.get(pk, ())],
                "target_groups": [{"slug": slug, "name": name} for slug, name in target_groups.get(pk, ())],
                "country": {"iso2": row["owner__iso2"], "name": row["owner__name_en"]},
                "co_owners": [{"iso2": iso2, "name": name} for iso2, name in co_owners.get(pk, ())],
                "adapted_from": sources.get(pk, []),
                "documents": [{"title": title, "url": document_url.format(pk=pk, attachment_id=document)} for document, title in documents.get(pk, ())],
                "first_published_at": _timestamp(row["first_published_at"]),
                "published_at": _timestamp(row["published_at"]),
            }


def citation(*, country, title, year, url):
    """How to cite a practice. The practice page writes the same sentence (same message to translate)."""
    return _("%(country)s. %(title)s. SME Policy Knowledge Sharing Platform, International Trade Centre, %(year)s. %(url)s") % {
        "country": country,
        "title": title,
        "year": year,
        "url": url,
    }


def limit_note(*, shown, total, url):
    """What an export past the limit of one file says of it, on one line without a comma (a CSV's last line)."""
    return _(
        "This file holds the first %(shown)s of the %(total)s practices selected: a file holds at most %(shown)s. "
        "Every published practice is in the whole dataset: %(url)s"
    ) % {"shown": shown, "total": total, "url": url}


# --- The fields, documented, and their CSV columns ---


def _plain(name, many):
    """The one column of a field, named as it: its value (None: empty), or its values separated by SEPARATOR."""
    if many:
        return ((name, lambda record: SEPARATOR.join(map(str, record[name]))),)
    return ((name, itemgetter(name)),)


def _names_and_slugs(name, slug_column):
    return (
        (name, lambda record: SEPARATOR.join([term["name"] for term in record[name]])),
        (slug_column, lambda record: SEPARATOR.join([term["slug"] for term in record[name]])),
    )


def _indicator_text(item):
    text = f"{item['name']}: {item['value']}"
    return f"{text} ({item['year']})" if item["year"] else text


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    choices: type | None = None
    # (column, value of the record) for each CSV column of the field; by default one, named as the field.
    csv: tuple = field(default=())
    # The Table Schema type of its CSV column (datapackage.json): "string", "integer", "datetime".
    type: str = "string"
    # Whether a CSV cell holds several values, separated by SEPARATOR.
    many: bool = False
    # {column: model}: the column holds codes of these records (taxonomy slugs, country codes), and only those.
    vocabulary: dict = field(default_factory=dict)

    @property
    def columns(self):
        return self.csv or _plain(self.name, self.many)

    @property
    def column_names(self):
        return [column for column, _value in self.columns]


FIELDS = (
    Field("id", _("The practice's number on the platform. It never changes and is never given to another practice."), type="integer"),
    Field("url", _("The address of the practice's public page. It opens in each reader's language.")),
    Field("title", _("The title: in the language asked for when ITC has published a translation into it, else as written (see text_language).")),
    Field("summary", _("Two or three sentences for lists and cards, in the same language as the title.")),
    Field("description", _("The full description, as written: Markdown text (show it as Markdown, without raw HTML).")),
    Field("problem", _("The problem addressed.")),
    Field("objectives", _("The objectives.")),
    Field("implementation", _("How it was implemented: institutions, partners, resources or budget.")),
    Field("results", _("Results and evidence.")),
    Field(
        "indicators",
        _("Key indicators, each with a name, a value and a year. In the CSV: “name: value (year)”, separated by semicolons."),
        csv=(("indicators", lambda record: SEPARATOR.join(_indicator_text(item) for item in record["indicators"])),),
        many=True,
    ),
    Field("challenges", _("Challenges and lessons learned.")),
    Field("transferability", _("Conditions for transfer to other countries.")),
    Field("level", _("The level of government or cooperation."), choices=Level),
    Field("implementation_status", _("Where the practice stands."), choices=ImplementationStatus),
    Field("start_year", _("The year it started, if known."), type="integer"),
    Field("end_year", _("The year it ended, if it did."), type="integer"),
    Field("responsible_institution", _("The institution responsible for it.")),
    Field("links", _("Web addresses about the practice. In the CSV, separated by semicolons."), many=True),
    Field("original_language", _("The language the practice is written in."), choices=Language),
    Field(
        "languages",
        _("The languages it can be read in: its original language first, then those of its translations published by ITC. In the CSV, separated by semicolons."),
        choices=Language,
        many=True,
    ),
    Field("text_language", _("The language of the title and summary given: the one asked for, or the original language."), choices=Language),
    Field("evidence_label", _("The strength of the evidence of results, as labelled by ITC on review."), choices=EvidenceLabel),
    Field(
        "themes",
        _("Themes: each with its identifier (slug) and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("themes", "theme_slugs"),
        many=True,
        vocabulary={"theme_slugs": Theme},
    ),
    Field(
        "instruments",
        _("Instrument types: each with its identifier and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("instruments", "instrument_slugs"),
        many=True,
        vocabulary={"instrument_slugs": InstrumentType},
    ),
    Field(
        "target_groups",
        _("Target groups: each with its identifier and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("target_groups", "target_group_slugs"),
        many=True,
        vocabulary={"target_group_slugs": TargetGroup},
    ),
    Field(
        "country",
        _("The country that owns the practice: its ISO 3166 two-letter code and English name."),
        csv=(
            ("country", lambda record: record["country"]["name"]),
            ("country_iso2", lambda record: record["country"]["iso2"]),
        ),
        vocabulary={"country_iso2": Country},
    ),
    Field(
        "co_owners",
        _("Other countries that share the practice, each with its code and English name."),
        csv=(
            ("co_owners", lambda record: SEPARATOR.join(country["name"] for country in record["co_owners"])),
            ("co_owners_iso2", lambda record: SEPARATOR.join(country["iso2"] for country in record["co_owners"])),
        ),
        many=True,
        vocabulary={"co_owners_iso2": Country},
    ),
    Field("adapted_from", _("The numbers (id) of the published practices of other countries this one was adapted from."), many=True),
    Field(
        "documents",
        _("Public documents, each with its title and download address. In the CSV, “title <address>”, separated by semicolons."),
        csv=(("documents", lambda record: SEPARATOR.join(f"{document['title']} <{document['url']}>" for document in record["documents"])),),
        many=True,
    ),
    Field("first_published_at", _("When the practice was first published (ISO 8601, UTC)."), type="datetime"),
    Field("published_at", _("When its current version was published (ISO 8601, UTC)."), type="datetime"),
)

CSV_COLUMNS = [column for item in FIELDS for column in item.column_names]


def _guarded(value):
    """A CSV cell a spreadsheet shows as text, however it splits the line.

    Wherever a piece of the text could start a cell (see _FORMULA_AFTER_A_SPLIT) and begins
    like a formula, an apostrophe goes first.
    """
    if isinstance(value, str):
        value = _FORMULA_AFTER_A_SPLIT.sub(r"\1\2'", value)
        return _FORMULA_AT_THE_START.sub(r"\1'", value, count=1) if _FORMULA_AT_THE_START.match(value) else value
    return value


# How each CSV column's value is read from a record, in the columns' order.
_COLUMN_VALUES = [value for item in FIELDS for _column, value in item.columns]


_SPLITS = "\x00,;\t\r\n"


def _may_start_a_formula(text):
    """Whether a formula character of `text` could start a cell: after a split (see _FORMULA_AFTER_A_SPLIT) and
    any quotes or spaces. `text` starts with a split. Each character is looked for with str.find, many times
    faster than a regular expression that tries every position."""
    for character in FORMULA_STARTS:
        found = text.find(character)
        while found != -1:
            before = found - 1
            while text[before] in '" ':
                before -= 1
            if text[before] in _SPLITS:
                return True
            found = text.find(character, found + 1)
    return False


def csv_line(values):
    """Values as a line of CSV: every cell quoted (what csv.writer(quoting=csv.QUOTE_ALL) writes), the texts
    guarded (see _guarded).

    The cells are joined by NUL, which no stored text holds, and looked through and quoted at once: a split
    for the guard (like the start of each cell), then the separator. Only when one may start a formula are
    they guarded one by one. Several times faster than csv.writer, which copies a character at a time.
    """
    texts = ["" if value is None else value if isinstance(value, str) else str(value) for value in values]
    if not texts:
        return "\r\n"
    joined = "\x00".join(texts)
    if _may_start_a_formula("\x00" + joined):
        joined = "\x00".join([_guarded(text) for text in texts])
    return '"' + joined.replace('"', '""').replace("\x00", '","') + '"\r\n'


def csv_comment(text):
    """A comment line to end a CSV file with: "# " and the text on one line, unquoted (guarded all the same)."""
    return "# " + _guarded(" ".join(text.split()).replace('"', "'")) + "\r\n"


# How each CSV column's value is read from a record, in the columns' order.
_COLUMN_VALUES = [value for item in FIELDS for _column, value in item.columns]


def column_values(record):
    """The values of a record's CSV columns (the workbook's too), as written: csv_line guards them."""
    return [value(record) for value in _COLUMN_VALUES]


def record_csv_line(record):
    return csv_line(column_values(record))


# A record as JSON, the text as written (no \u escapes: readable, and what a search of the file finds): one
# encoder for every record, without the check for circular references (a record has none).
record_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _text_cell(value):
    if value in (None, ""):
        return None
    return _NOT_IN_XML.sub("\ufffd", str(value))[:EXCEL_CELL_LIMIT]


def workbook_cells(values):
    """Values as the texts of a workbook row (None for empty), as written: no apostrophes.

    The workbook stores each as a text cell, which a spreadsheet never runs as a formula.
    """
    texts = [None if value is None or value == "" else str(value) for value in values]
    # One search of the row; the cells are cleaned one by one only when a character XML cannot hold is in it.
    if _NOT_IN_XML.search("".join([text for text in texts if text])):
        return [_text_cell(text) for text in texts]
    return [text[:EXCEL_CELL_LIMIT] if text and len(text) > EXCEL_CELL_LIMIT else text for text in texts]


def workbook_row(record):
    """The CSV row's values as the workbook's texts (see workbook_cells)."""
    return workbook_cells(column_values(record))


def documented_fields():
    """The fields for the open data page, with their CSV columns and, for codes, the values they take."""
    return [
        {
            "name": item.name,
            "description": item.description,
            "columns": item.column_names,
            "values": list(item.choices.choices) if item.choices else [],
        }
        for item in FIELDS
    ]
