"""Practices that countries sent to ITC as spreadsheets, read and checked row by row.

Staff upload a CSV file or an Excel workbook laid out as the template (one practice per row,
the columns of the record). Reading never saves anything: it returns every row with either the
content of a new draft, as a revision holds it, or the list of what is wrong, each message naming
its column. The rows are stored with their upload (ImportBatch) and imported by
services.import_batch once staff have looked at them.

A row is identified by its country and its title (import_key): a row whose practice is already
on the platform, imported or entered by the country's team, is skipped, so importing the same
file twice creates nothing twice.
"""

import csv
import hashlib
import io
import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from countries.models import Country

from .attachments import check_document
from .forms import PracticeForm
from .models import FIRST_YEAR, LAST_YEAR, RELATED_CONTENT_FIELDS, SCALAR_CONTENT_FIELDS, Language, Practice

MAX_ROWS = 500
MAX_FILE_SIZE = 5 * 1024 * 1024
# Rows read from a workbook before giving up, blank ones included: a sheet formatted down to
# its millionth row must not keep a request busy.
MAX_SHEET_ROWS = 5_000
SHEET_NAME = "Practices"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A help text naming the years a practice may run in, translated when it is shown.
_with_year_range = lazy(lambda text: str(text) % {"first": FIRST_YEAR, "last": LAST_YEAR}, str)


# The template's columns, in the record's order, with what each one takes.
COLUMNS = [
    ("country", gettext_lazy("Required. The owner country: its ISO code (KE or KEN) or its name in English, French or Spanish. It must hold an account on the platform.")),
    ("title", gettext_lazy("Required. 200 characters at most.")),
    ("summary", gettext_lazy("Two or three sentences, 500 characters at most.")),
    ("description", gettext_lazy("The full description. Markdown works.")),
    ("problem", gettext_lazy("The problem addressed.")),
    ("objectives", gettext_lazy("Objectives.")),
    ("implementation", gettext_lazy("Institutions, partners, resources or budget.")),
    ("results", gettext_lazy("Results and evidence.")),
    ("indicators", gettext_lazy("Key indicators as name | value | year, separated by ; or line breaks. The year may be left out.")),
    ("challenges", gettext_lazy("Challenges and lessons learned.")),
    ("transferability", gettext_lazy("Conditions for transfer to other countries.")),
    ("level", gettext_lazy("national, regional, continental or global (or the name in French or Spanish).")),
    ("themes", gettext_lazy("Themes, separated by ;, as identifiers or names in English, French or Spanish.")),
    ("instruments", gettext_lazy("Instrument types, separated by ;, as identifiers or names.")),
    ("target_groups", gettext_lazy("Target groups, separated by ;, as identifiers or names.")),
    ("implementation_status", gettext_lazy("planned, ongoing, completed or discontinued (or the name in French or Spanish).")),
    ("start_year", _with_year_range(gettext_lazy("A year between %(first)s and %(last)s."))),
    ("end_year", _with_year_range(gettext_lazy("A year between %(first)s and %(last)s, not before the start year."))),
    ("responsible_institution", gettext_lazy("200 characters at most.")),
    ("links", gettext_lazy("Web addresses (https://...), separated by spaces or line breaks.")),
    ("original_language", gettext_lazy("en, fr, es or other (or the language's name). English if left empty.")),
    ("contact_name", gettext_lazy("Shown only to signed-in delegates and ITC staff. 150 characters at most.")),
    ("contact_email", gettext_lazy("An e-mail address.")),
]
COLUMN_NAMES = [name for name, _help in COLUMNS]
REQUIRED_COLUMNS = ("country", "title")
TAXONOMY_COLUMNS = ("themes", "instruments", "target_groups")
CHOICE_COLUMNS = ("level", "implementation_status", "original_language")

# The template's example row. A row with its title is skipped, should the template come back with it.
EXAMPLE_TITLE = "Example: One-stop export desk (replace this row)"
EXAMPLE_ROW = {
    "country": "Kenya",
    "title": EXAMPLE_TITLE,
    "summary": "A single desk where small firms get export advice, permits and trade finance.",
    "description": "The desk brings the export agency, customs and two banks together in one place.",
    "problem": "Small firms gave up exporting because of scattered procedures.",
    "objectives": "Double the number of small exporters in five years.",
    "implementation": "Export agency, with customs and two commercial banks.",
    "results": "1,200 firms advised in the first year.",
    "indicators": "Firms advised | 1,200 | 2024; New exporters | 85 | 2024",
    "challenges": "Keeping the partners' staff at the desk.",
    "transferability": "Needs an export agency able to host partners.",
    "level": "national",
    "themes": "internationalisation-trade; Access to finance",
    "instruments": "institution-agency",
    "target_groups": "small-enterprises; exporters",
    "implementation_status": "ongoing",
    "start_year": "2019",
    "end_year": "",
    "responsible_institution": "Export Promotion Agency",
    "links": "https://example.org/export-desk",
    "original_language": "en",
    "contact_name": "Jane Doe",
    "contact_email": "jane.doe@example.org",
}


class Outcome:
    """What happens, or happened, to a row."""

    CREATE = "create"
    CREATED = "created"
    ALREADY = "already"
    REPEATED = "repeated"
    EXAMPLE = "example"
    ERROR = "error"


# --- Identity of a row ---


def _squeeze(text):
    return " ".join(str(text).split())


def import_key(iso2, title):
    """The identity of an imported practice: its country and its title, case and spacing aside."""
    return hashlib.sha256(f"{iso2.upper()}\n{_squeeze(title).casefold()}".encode()).hexdigest()


def practices_on_platform(keys, iso2s):
    """{import key: (owner iso2, practice pk)} of the practices already on the platform among `keys`:
    those imported, and those the countries' teams entered with the same title."""
    found = {}
    practices = Practice.objects.filter(Q(import_key__in=keys) | Q(owner__iso2__in=iso2s)).values_list(
        "pk", "owner__iso2", "title", "import_key"
    )
    for pk, owner, title, key in practices:
        for candidate in {key, import_key(owner, title)}:
            if candidate in keys:
                found.setdefault(candidate, (owner, pk))
    return found


def current_rows(rows):
    """The rows of a pending upload with what would happen now: a row imported since
    (by another upload of the same practices) is skipped."""
    pending = [row for row in rows if row["outcome"] == Outcome.CREATE]
    found = practices_on_platform({row["key"] for row in pending}, {row["country"] for row in pending})
    updated = []
    for row in rows:
        if row["outcome"] == Outcome.CREATE and row["key"] in found:
            owner, pk = found[row["key"]]
            row = {**row, "outcome": Outcome.ALREADY, "practice": pk, "practice_country": owner}
        updated.append(row)
    return updated


def count_outcomes(rows):
    counts = {"total": len(rows), "create": 0, "created": 0, "skipped": 0, "errors": 0}
    for row in rows:
        if row["outcome"] in (Outcome.CREATE, Outcome.CREATED):
            counts[row["outcome"]] += 1
        elif row["outcome"] == Outcome.ERROR:
            counts["errors"] += 1
        else:
            counts["skipped"] += 1
    return counts


# --- Reading the file ---


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data):
    # Text never holds a NUL byte: this is a picture, a PDF or another binary file.
    if b"\x00" in data:
        raise ValidationError(_("Upload the template filled in, as a CSV file (UTF-8) or an Excel workbook (.xlsx)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("This file is not a CSV file in UTF-8. In Excel, save it as “CSV UTF-8”, or upload the .xlsx workbook.")
        ) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel writes ; instead of , where the comma is the decimal separator (French, Spanish).
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [[_cell_text(cell) for cell in record] for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ValidationError(_("This CSV file cannot be read (%(error)s).") % {"error": error}) from None


def _read_xlsx(upload):
    import openpyxl

    try:
        checked = check_document(upload)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    if checked.extension != "xlsx":
        raise ValidationError(_("Upload the template filled in, as a CSV file (UTF-8) or an Excel workbook (.xlsx)."))
    upload.seek(0)
    records = []
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    # openpyxl raises whatever its zip and XML readers raise on a damaged workbook.
    except Exception:
        raise ValidationError(_("This workbook is damaged and cannot be read. Open it in Excel and save it again.")) from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 20), start=1):
            if number > MAX_SHEET_ROWS:
                raise ValidationError(_("This sheet has more than %(count)s rows: split it into several files.") % {"count": MAX_SHEET_ROWS})
            records.append([_cell_text(value) for value in values])
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("This workbook is damaged and cannot be read. Open it in Excel and save it again.")) from None
    finally:
        workbook.close()
    return records


def read_records(upload):
    """The cells of the uploaded file, row by row, as text; ValidationError if it is no spreadsheet."""
    if upload.size == 0:
        raise ValidationError(_("This file is empty."))
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_FILE_SIZE)}
        )
    upload.seek(0)
    data = upload.read()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(upload)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(_("Older Excel files (.xls) are not accepted: save the workbook as .xlsx, or as CSV UTF-8."))
    return _read_csv(data)


def _column_of(header):
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def _header(record):
    """{column name: position} from the header row; ValidationError if it is not the template's."""
    known = {_column_of(name): name for name in COLUMN_NAMES}
    positions, unknown = {}, []
    for position, cell in enumerate(record):
        if not cell:
            continue
        name = known.get(_column_of(cell))
        if name is None:
            unknown.append(cell)
        elif name in positions:
            raise ValidationError(_("The column “%(column)s” appears twice in the first row.") % {"column": name})
        else:
            positions[name] = position
    errors = []
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        errors.append(
            _("The first row must name the columns, as in the template; these are missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        errors.append(
            _("These columns are not in the template: %(columns)s. Use the template's column names.")
            % {"columns": ", ".join(f"“{name[:60]}”" for name in unknown[:10])}
        )
    if errors:
        raise ValidationError(errors)
    return positions


# --- Checking a row ---


class _Lookups:
    """The names a cell may give for countries, and for the terms and choices the practice form
    offers, read once per file."""

    def __init__(self):
        self.countries = {}
        for country in Country.objects.all():
            for name in (country.iso2, country.iso3, country.name_en, country.name_fr, country.name_es):
                self.countries.setdefault(_squeeze(name).casefold(), country)
        fields = PracticeForm.base_fields
        self.terms = {}
        for field in TAXONOMY_COLUMNS:
            names = self.terms[field] = {}
            # A copy: iterating the form class's own queryset would cache the terms for good.
            for term in fields[field].queryset.all():
                for name in (term.slug, term.name_en, term.name_fr, term.name_es):
                    names.setdefault(_squeeze(name).casefold(), term.slug)
        self.choices = {}
        for field in CHOICE_COLUMNS:
            names = self.choices[field] = {}
            for value, label in fields[field].choices:
                if not value:
                    continue
                names[value.casefold()] = value
                for language in ("en", "fr", "es"):
                    with translation.override(language):
                        names.setdefault(_squeeze(label).casefold(), value)


def _split(text, separators):
    return [part.strip() for part in re.split(separators, text) if part.strip()]


def _form_data(cells, lookups):
    """The row's cells as the practice form takes them: names of terms and choices as their
    identifiers (a name the form does not offer is passed on as written, for the form to refuse)."""
    data = {field: cells.get(field, "") for field in COLUMN_NAMES if field != "country"}
    data["title"] = _squeeze(data["title"])
    for field in CHOICE_COLUMNS:
        if data[field]:
            data[field] = lookups.choices[field].get(_squeeze(data[field]).casefold(), data[field])
    data["original_language"] = data["original_language"] or Language.ENGLISH
    for field in TAXONOMY_COLUMNS:
        names = _split(data[field], r"[;\n]")
        data[field] = list(dict.fromkeys(lookups.terms[field].get(_squeeze(name).casefold(), name) for name in names))
    # The form takes one indicator a line, with the year's place kept where the year is left out.
    data["indicators"] = "\n".join(
        entry + " |" if entry.count("|") == 1 else entry for entry in _split(data["indicators"], r"[;\n]")
    )
    data["links"] = "\n".join(data["links"].split())
    return data


def _check_row(cells, lookups):
    """(content, errors, country iso2) of one row's cells: its content is checked by the
    practice form, as on the web page; only the owner country is the import's own column."""
    errors = []
    iso2 = ""
    country_text = cells.get("country", "")
    country = lookups.countries.get(_squeeze(country_text).casefold())
    if not country_text:
        errors.append({"column": "country", "message": _("Give the owner country.")})
    elif country is None:
        errors.append({"column": "country", "message": _("“%(value)s” is not a country we know: write its ISO code (KE or KEN) or its name.") % {"value": country_text[:100]}})
    elif not country.is_participating:
        errors.append({"column": "country", "message": _("%(country)s has no account on the platform yet: invite its focal point first.") % {"country": country.name}})
    else:
        iso2 = country.iso2

    form = PracticeForm(_form_data(cells, lookups))
    if not form.is_valid():
        for field, messages in form.errors.items():
            column = field if field in COLUMN_NAMES else ""
            errors.extend({"column": column, "message": str(message)} for message in messages)
        return None, errors, iso2
    content = {field: "" for field in SCALAR_CONTENT_FIELDS}
    content.update({field: [] for field in RELATED_CONTENT_FIELDS})
    content.update(form.content())
    for field in RELATED_CONTENT_FIELDS:
        content[field] = sorted(content[field])
    return content, errors, iso2


def read_spreadsheet(upload):
    """Every practice row of the uploaded file, checked; ValidationError for a file that cannot be read.

    Each row: its number in the spreadsheet, the country and title as written, and either the
    content of the draft to create or the errors, each naming its column.
    """
    records = read_records(upload)
    # Numbered as the spreadsheet program shows them, blank rows included.
    numbered = [(number, record) for number, record in enumerate(records, start=1) if any(record)]
    if not numbered:
        raise ValidationError(_("This file is empty."))
    positions = _header(numbered[0][1])
    width = max(positions.values()) + 1
    data = numbered[1:]
    if not data:
        raise ValidationError(_("The file has the columns' names but no practice below them."))
    if len(data) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s practices; %(limit)s at most at a time. Split it into several files.")
            % {"count": len(data), "limit": MAX_ROWS}
        )
    lookups = _Lookups()
    rows, first_row_of = [], {}
    for number, record in data:
        cells = {name: (record[position] if position < len(record) else "") for name, position in positions.items()}
        content, errors, iso2 = _check_row(cells, lookups)
        title = _squeeze(cells.get("title", ""))
        if any(cell for cell in record[width:]):
            errors.append({"column": "", "message": _("This row has cells beyond the last named column.")})
        row = {
            "number": number,
            "country": iso2,
            "country_text": cells.get("country", "")[:100],
            "title": title[:200],
            "key": import_key(iso2, title) if iso2 and title else "",
            "content": content,
            "errors": errors,
            "outcome": Outcome.ERROR if errors else Outcome.CREATE,
            "practice": None,
            "practice_country": "",
            "first_row": None,
        }
        if row["outcome"] == Outcome.CREATE:
            if title == EXAMPLE_TITLE:
                row["outcome"] = Outcome.EXAMPLE
            elif row["key"] in first_row_of:
                row.update(outcome=Outcome.REPEATED, first_row=first_row_of[row["key"]])
            else:
                first_row_of[row["key"]] = number
        if row["outcome"] != Outcome.CREATE:
            row["content"] = None
        rows.append(row)
    return current_rows(rows)


def file_digest(upload):
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


class SpreadsheetForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv," + XLSX_CONTENT_TYPE}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "The template filled in, as an Excel workbook (.xlsx) or a CSV file (UTF-8): %(rows)s practices and %(size)s at most."
        ) % {"rows": MAX_ROWS, "size": filesizeformat(MAX_FILE_SIZE)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.cleaned_data["rows"] = read_spreadsheet(upload)
        self.cleaned_data["sha256"] = file_digest(upload)
        return upload


# --- The template ---


def _safe_cell(text):
    # A cell starting with one of these is a formula to a spreadsheet program.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def template_rows():
    """The header and the example row of the downloadable template."""
    return [[_safe_cell(name) for name in COLUMN_NAMES], [_safe_cell(EXAMPLE_ROW[name]) for name in COLUMN_NAMES]]


def template_csv():
    output = io.StringIO()
    # The byte order mark makes Excel open the file as UTF-8.
    output.write("\ufeff")
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerows(template_rows())
    return output.getvalue().encode("utf-8")


def template_xlsx():
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    for row in template_rows():
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 24
    instructions = workbook.create_sheet(_("Instructions")[:31])
    instructions.append([_safe_cell(_("One practice per row of the sheet “%(sheet)s”. Replace the example row.") % {"sheet": SHEET_NAME})])
    instructions.append([_safe_cell(_("Imported practices arrive as drafts of their country, for its team to confirm and submit."))])
    instructions.append([])
    instructions.append([_("Column"), _("What to write")])
    for name, help_text in COLUMNS:
        instructions.append([_safe_cell(name), _safe_cell(str(help_text))])
    for cell in instructions[4]:
        cell.font = Font(bold=True)
    instructions.column_dimensions["A"].width = 26
    instructions.column_dimensions["B"].width = 100
    for row in instructions.iter_rows(min_row=5):
        row[1].alignment = Alignment(wrap_text=True)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
