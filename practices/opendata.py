"""The public record of a practice, as the exports, the API and the feeds give it.

One function, practice_record(), turns a published practice into a dict of its public fields:
the published version's content, never a version in review, never the contact person; its title
and summary in the language asked for where ITC published a translation into it (practices.reading).
FIELDS
documents each field (the open data page is generated from it) and says how it is written in
the CSV export and the Excel workbook, which have the same columns.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import EvidenceLabel, ImplementationStatus, Language, Level, Practice
from .reading import read_in

# The licence the open data is offered under: a proposal that ITC has still to confirm.
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "International Trade Centre"

# The most practices one export holds; the API pages through any number.
EXPORT_LIMIT = 5_000
# Practices read from the database at a time while an export is written: memory stays flat,
# and the number of queries grows with the batches, not with the practices.
BATCH_SIZE = 200
# Separates the values of a multi-valued field in a CSV cell.
SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a cell inside a CSV field: at its start, and after a character some
# spreadsheet splits on. French and Spanish Excel split on ";" and may cut a field of a file written
# with "," at a ";" inside it, quotes or not; past such a cut, a line break in the field starts a row.
# Quotes and spaces a reader may drop before a formula are looked through.
_FORMULA_AT_A_CELL_START = re.compile(r'(^|[,;\t\r\n])([" ]*)(?=[' + re.escape("".join(FORMULA_STARTS)) + "])")
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


def published_records(ids, *, base_url, language=None):
    """The records of the published practices among ids, in the order of ids, read in batches, in
    `language` where translated (None: as written)."""
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        # Published is checked again: a practice archived since the ids were read is left out.
        practices = read_in(with_public_relations(Practice.objects.published().filter(pk__in=batch)), language)
        practices = {practice.pk: practice for practice in practices}
        for pk in batch:
            if pk in practices:
                yield practice_record(practices[pk], base_url=base_url)


def citation(*, country, title, year, url):
    """How to cite a practice. The practice page writes the same sentence (same message to translate)."""
    return _("%(country)s. %(title)s. SME Policy Knowledge Sharing Platform, International Trade Centre, %(year)s. %(url)s") % {
        "country": country,
        "title": title,
        "year": year,
        "url": url,
    }


# --- The fields, documented, and their CSV columns ---


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return SEPARATOR.join(str(item) for item in value)
    return value


def _plain(name):
    return ((name, lambda record: _cell(record[name])),)


def _names_and_slugs(name, slug_column):
    return (
        (name, lambda record: SEPARATOR.join(term["name"] for term in record[name])),
        (slug_column, lambda record: SEPARATOR.join(term["slug"] for term in record[name])),
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

    @property
    def columns(self):
        return self.csv or _plain(self.name)

    @property
    def column_names(self):
        return [column for column, _value in self.columns]


FIELDS = (
    Field("id", _("The practice's number on the platform. It never changes and is never given to another practice.")),
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
    ),
    Field("challenges", _("Challenges and lessons learned.")),
    Field("transferability", _("Conditions for transfer to other countries.")),
    Field("level", _("The level of government or cooperation."), choices=Level),
    Field("implementation_status", _("Where the practice stands."), choices=ImplementationStatus),
    Field("start_year", _("The year it started, if known.")),
    Field("end_year", _("The year it ended, if it did.")),
    Field("responsible_institution", _("The institution responsible for it.")),
    Field("links", _("Web addresses about the practice. In the CSV, separated by semicolons.")),
    Field("original_language", _("The language the practice is written in."), choices=Language),
    Field(
        "languages",
        _("The languages it can be read in: its original language first, then those of its translations published by ITC. In the CSV, separated by semicolons."),
        choices=Language,
    ),
    Field("text_language", _("The language of the title and summary given: the one asked for, or the original language."), choices=Language),
    Field("evidence_label", _("The strength of the evidence of results, as labelled by ITC on review."), choices=EvidenceLabel),
    Field(
        "themes",
        _("Themes: each with its identifier (slug) and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("themes", "theme_slugs"),
    ),
    Field(
        "instruments",
        _("Instrument types: each with its identifier and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("instruments", "instrument_slugs"),
    ),
    Field(
        "target_groups",
        _("Target groups: each with its identifier and English name. In the CSV, names and identifiers in two columns."),
        csv=_names_and_slugs("target_groups", "target_group_slugs"),
    ),
    Field(
        "country",
        _("The country that owns the practice: its ISO 3166 two-letter code and English name."),
        csv=(
            ("country", lambda record: record["country"]["name"]),
            ("country_iso2", lambda record: record["country"]["iso2"]),
        ),
    ),
    Field(
        "co_owners",
        _("Other countries that share the practice, each with its code and English name."),
        csv=(
            ("co_owners", lambda record: SEPARATOR.join(country["name"] for country in record["co_owners"])),
            ("co_owners_iso2", lambda record: SEPARATOR.join(country["iso2"] for country in record["co_owners"])),
        ),
    ),
    Field("adapted_from", _("The numbers (id) of the published practices of other countries this one was adapted from.")),
    Field(
        "documents",
        _("Public documents, each with its title and download address. In the CSV, “title <address>”, separated by semicolons."),
        csv=(("documents", lambda record: SEPARATOR.join(f"{document['title']} <{document['url']}>" for document in record["documents"])),),
    ),
    Field("first_published_at", _("When the practice was first published (ISO 8601, UTC).")),
    Field("published_at", _("When its current version was published (ISO 8601, UTC).")),
)

CSV_COLUMNS = [column for item in FIELDS for column in item.column_names]


def _guarded(value):
    """A CSV cell a spreadsheet shows as text, however it splits the line.

    Wherever a piece of the text could start a cell (see _FORMULA_AT_A_CELL_START) and begins
    like a formula, an apostrophe goes first.
    """
    if isinstance(value, str):
        return _FORMULA_AT_A_CELL_START.sub(r"\1\2'", value)
    return value


def csv_row(record):
    return [_guarded(value(record)) for item in FIELDS for _column, value in item.columns]


def _text_cell(value):
    if value in (None, ""):
        return None
    return _NOT_IN_XML.sub("\ufffd", str(value))[:EXCEL_CELL_LIMIT]


def workbook_row(record):
    """The CSV row's values as the workbook's texts (None for empty), as written: no apostrophes.

    The workbook stores each as a text cell, which a spreadsheet never runs as a formula.
    """
    return [_text_cell(value(record)) for item in FIELDS for _column, value in item.columns]


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
