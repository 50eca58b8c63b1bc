"""Hostile input for tests/security/test_fuzz.py: values, query strings, uploads, and a reader of HTML forms.

What a browser would never send but anyone can: NUL bytes and control characters, text that is
not UTF-8, 100,000 characters, injections (SQL, HTML, templates, format strings, paths), numbers
beyond any column, dates no calendar has, lists where one value is expected, fields missing or
unheard of, and small files that are not what their names say.
"""

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

INJECTIONS = [
    "{{7*7}}",
    "{% debug %}",
    "{{ request.user.password }}",
    "${7*7}",
    "' OR 1=1 --",
    "'; DROP TABLE countries_country; --",
    '" OR ""="',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "%s %d %(x)s {0} {x}",
    "%",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "file:///etc/passwd",
    "[x](javascript:alert(1))",
    "*" * 50 + "_" * 50,
    "| | |\n| x | y | z |",
    "_x0000_ _x001B_ _xD800_",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x00" * 10,
    "\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f",
    "line\rbreak\r\nand\u2028\u2029",
    "\u202e\u202d\u200f\u200e\u2066\u2069",  # right-to-left and isolate marks
    "\ufeff\u200b\u200d\ufffe\uffff",
    "\U0001f600\U0001f3f3\ufe0f\u200d\U0001f308",
    "\u0301\u0301\u0301e\u0301",
    "ǅ ß ﬁ İ ı ẞ",
    "١٢٣ ０１２ ²³",
    " ",
    "",
    "\t\n\r ",
]
LONG = [
    "A" * 100_000,
    "\u202e" * 20_000,
    "<" * 50_000,
    "é" * 60_000,
    "{{" * 20_000,
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "-inf",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "0x1A",
    " 12 ",
    "1_000",
    "１２",
    "٣",
]
DATES = [
    "0000-00-00",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31",
    "9999-12-31T23:59",
    "10000-01-01",
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-01-01T24:00",
    "2024-01-01T23:60",
    "1970-01-01T00:00",
    "1969-12-31T23:59",
    "2038-01-19T03:14",
    "yesterday",
]
# The first and last days of the calendar: near them, a time zone pushes an instant out of it.
CALENDAR_EDGES = {"date": ("0001-01-01", "9999-12-31"), "datetime-local": ("0001-01-01T00:00", "9999-12-31T23:59")}
# Bytes that are not UTF-8: sent raw in form bodies and percent-encoded in query strings.
NOT_UTF8 = [b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"\x80abc", b"\xf4\x90\x80\x80"]

hostile_text = st.one_of(
    st.sampled_from(INJECTIONS + CONTROL + NUMBERS + DATES),
    st.sampled_from(LONG),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
)
hostile_scalar = st.one_of(hostile_text, st.sampled_from(NOT_UTF8))
# The worst of each kind, given to every field of an example at once: a few examples find what
# any single field would let through.
POISONS = ["a\x00b", "\x01\x0b\x1b", LONG[0], "9" * 40, "9999-12-31T23:59", b"\xff\xfe\xfd"]
poisons = st.sampled_from(["\x00", *POISONS])
# Text that a form may well accept, with the payload in it: it reaches the database and the pages.
payload_text = st.one_of(
    st.sampled_from(INJECTIONS),
    st.builds(lambda word, payload: f"{word} {payload}", st.sampled_from(["Fuzz", "Ünïcödé ✓ 中文 العربية"]), st.sampled_from(INJECTIONS)),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30),
)


# --- Uploads ---

UPLOAD_NAMES = [
    "report.pdf",
    "practices.csv",
    "practices.xlsx",
    "../../etc/passwd",
    "..\\..\\evil.pdf",
    "evil.exe",
    "evil.pdf.exe",
    "no-extension",
    ".pdf",
    "a" * 300 + ".pdf",
    "\u202egnp.pdf",
    "rapport été ✓.docx",
    "<script>.pdf",
    "{{7*7}}.csv",
]


def _xlsx(cells):
    """A small workbook as the import expects it, with hostile cells (openpyxl refuses control characters)."""
    import openpyxl

    from practices.imports import COLUMN_NAMES

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Practices"
    sheet.append(COLUMN_NAMES)
    row = ["KE", *cells][: len(COLUMN_NAMES)]
    sheet.append(["".join(ch for ch in cell if ch >= " " or ch in "\t\n\r") for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv(cells):
    from practices.imports import COLUMN_NAMES

    def quoted(cell):
        return '"' + cell.replace('"', '""') + '"'

    return ("\ufeff" + ",".join(COLUMN_NAMES) + "\r\n" + ",".join(quoted(cell) for cell in ["KE", *cells]) + "\r\n").encode(
        "utf-8", "surrogatepass"
    )


short_cells = st.lists(st.one_of(payload_text, st.sampled_from(INJECTIONS + CONTROL + NUMBERS + DATES)), min_size=1, max_size=23)
upload_content = st.one_of(
    st.binary(max_size=512),
    st.builds(lambda tail: b"%PDF-1.4\n" + tail + b"\n%%EOF\n", st.binary(max_size=256)),
    st.sampled_from([b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF\n", b"%PDF-1.4\n/Encrypt\n%%EOF\n"]),
    st.builds(lambda tail: b"PK\x03\x04" + tail, st.binary(max_size=256)),
    st.builds(lambda tail: b"\xd0\xcf\x11\xe0" + tail, st.binary(max_size=64)),
    st.builds(_csv, short_cells),
    st.builds(_xlsx, short_cells),
)


@st.composite
def uploads(draw):
    return SimpleUploadedFile(draw(st.sampled_from(UPLOAD_NAMES)), draw(upload_content))


# --- Reading a page's forms ---


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, "select", "textarea" or "button"
    options: list = field(default_factory=list)  # the choices of a select, radio or checkbox group
    initial: list = field(default_factory=list)  # the values the page fills in
    multiple: bool = False


@dataclass
class HtmlForm:
    method: str
    action: str
    enctype: str
    fields: dict = field(default_factory=dict)


class FormReader(HTMLParser):
    """Every <form> of a page with its fields: inputs, selects (with their options), textareas, buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None

    def _field(self, name, kind):
        if name not in self._form.fields:
            self._form.fields[name] = FormField(name, kind)
        return self._form.fields[name]

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self._form = HtmlForm(attrs.get("method", "get").lower(), attrs.get("action", ""), attrs.get("enctype", ""))
            self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option = [attrs.get("value"), "", "selected" in attrs]
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            entry = self._field(name, kind)
            if kind in ("checkbox", "radio"):
                entry.options.append(attrs.get("value", "on"))
                entry.multiple = entry.multiple or kind == "checkbox"
                if "checked" in attrs:
                    entry.initial.append(attrs.get("value", "on"))
            elif kind != "file" and attrs.get("value"):
                entry.initial.append(attrs["value"])
        elif tag == "button":
            entry = self._field(name, "button")
            entry.options.append(attrs.get("value", ""))
        elif tag == "select":
            self._select = self._field(name, "select")
            self._select.multiple = "multiple" in attrs
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
            self._textarea.initial.append("")

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea.initial[-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea":
            self._textarea = None

    def _close_option(self):
        if self._option is None or self._select is None:
            return
        value, text, selected = self._option
        value = text.strip() if value is None else value
        self._select.options.append(value)
        if selected:
            self._select.initial.append(value)
        self._option = None


def read_forms(html):
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


# --- Form data ---

field_names = st.one_of(
    st.sampled_from(["id", "pk", "country", "owner", "status", "is_staff", "is_superuser", "role", "next", "_method", "csrfmiddlewaretoken"]),
    st.text(min_size=1, max_size=20),
)


def _plausible(entry, example):
    """A value the form may accept: the page's own, the matrix's example, or a payload in the right shape."""
    if example is not None:
        return st.just(example)
    if entry.kind == "button":
        return st.sampled_from(entry.options)
    if entry.options:
        choices = [option for option in entry.options if option]
        if not choices:
            return st.just("")
        if entry.multiple:
            return st.lists(st.sampled_from(choices), max_size=len(choices), unique=True)
        return st.sampled_from(choices)
    typed = {
        "email": st.sampled_from(["fuzz@example.org", "FUZZ+tag@Example.ORG", "a@b"]),
        "number": st.integers(-(2**40), 2**40).map(str),
        "date": st.one_of(st.sampled_from(CALENDAR_EDGES["date"]), st.dates().map(str)),
        "datetime-local": st.one_of(
            st.sampled_from(CALENDAR_EDGES["datetime-local"]), st.datetimes().map(lambda value: value.strftime("%Y-%m-%dT%H:%M"))
        ),
        "url": st.sampled_from(["https://example.org/a?b=c", "http://localhost/", "example.org"]),
        "password": st.sampled_from(["correct-horse-battery-staple", "x"]),
    }
    if entry.kind in typed:
        return typed[entry.kind]
    if entry.initial and any(entry.initial):
        return st.one_of(st.just(entry.initial[0]), payload_text)
    return payload_text


@st.composite
def form_data(draw, fields, examples=None):
    """A form body: each field kept plausible, made hostile, repeated or left out; and a few strangers."""
    examples = examples or {}
    data = {}
    poison = draw(st.one_of(st.none(), st.none(), poisons))
    for name, entry in fields.items():
        if name == "csrfmiddlewaretoken":
            data[name] = entry.initial[0] if entry.initial else ""
            continue
        if entry.kind == "file":
            choice = draw(st.sampled_from(["upload", "upload", "omit", "text", "two"]))
            if choice == "upload":
                data[name] = draw(uploads())
            elif choice == "text":
                data[name] = draw(hostile_text)
            elif choice == "two":
                data[name] = [draw(uploads()), draw(uploads())]
            continue
        choice = draw(st.sampled_from(["plausible", "plausible", "plausible", "hostile", "hostile", "omit", "many"]))
        if poison is not None:
            data[name] = poison
        elif choice == "plausible":
            data[name] = draw(_plausible(entry, examples.get(name)))
        elif choice == "hostile":
            data[name] = draw(hostile_scalar)
        elif choice == "many":
            data[name] = draw(st.lists(st.one_of(_plausible(entry, examples.get(name)), hostile_scalar), min_size=2, max_size=4))
    for name, value in draw(st.dictionaries(field_names, st.one_of(hostile_scalar, st.lists(hostile_text, max_size=3)), max_size=3)).items():
        data.setdefault(name, value)
    return data


# --- The same, without chance: what every run sends first ---

SWEEP_OPTIONS = 6  # of a long list (countries, time zones), the first few and the last


def _baseline_value(entry, example):
    if example is not None:
        return example
    if entry.kind == "button":
        return entry.options[0]
    if entry.initial and any(entry.initial):
        return entry.initial if entry.multiple else entry.initial[0]
    choices = [option for option in entry.options if option]
    if choices:
        return choices[:1] if entry.multiple else choices[0]
    return {"email": "fuzz@example.org", "number": "3", "date": "2030-01-01", "datetime-local": "2030-01-01T10:00"}.get(entry.kind, "Fuzz")


def _each_choice(fields, base):
    yield base
    for name, entry in fields.items():
        choices = [option for option in dict.fromkeys(entry.options) if option] if entry.kind != "button" else []
        if len(choices) > SWEEP_OPTIONS:
            choices = choices[: SWEEP_OPTIONS - 1] + choices[-1:]
        for option in choices:
            yield {**base, name: [option] if entry.multiple else option}
        if entry.multiple and len(choices) > 1:
            yield {**base, name: choices}


def sweep(fields, examples=None):
    """Form bodies every run posts: the fields filled in plausibly with, in turn, each choice of each
    choice field (a few of a long list), again with every date on the calendar's first and last day,
    then every field holding the same poison."""
    examples = examples or {}
    base = {name: _baseline_value(entry, examples.get(name)) for name, entry in fields.items() if entry.kind != "file"}
    yield from _each_choice(fields, base)
    dated = {name: CALENDAR_EDGES[entry.kind] for name, entry in fields.items() if entry.kind in CALENDAR_EDGES}
    if dated:
        for edge in (0, 1):
            yield from _each_choice(fields, {**base, **{name: edges[edge] for name, edges in dated.items()}})
    for poison in POISONS:
        yield {name: (value if name == "csrfmiddlewaretoken" else poison) for name, value in base.items()}


def poisoned_queries(parameters):
    """Query strings every run asks: each known parameter alone holding a NUL (the others could
    hide it, refused first), then all of them holding the same poison."""
    for name in parameters:
        yield f"{_encoded(name)}={_encoded(POISONS[0])}"
    for poison in POISONS:
        yield "&".join(f"{_encoded(name)}={_encoded(poison)}" for name in parameters)


# --- Query strings ---


def _encoded(value):
    return quote(value, safe="") if isinstance(value, bytes) else quote(value.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def query_strings(draw, parameters):
    """A query string over the known parameters ({name: plausible values}) and some unknown ones.

    Built by hand: values may repeat, hold bytes that are not UTF-8, or be malformed escapes.
    """
    pairs = []
    names = list(parameters)
    poison = draw(st.one_of(st.none(), st.none(), poisons))
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True)) if names else []
    if poison is not None:
        chosen = names
    for name in chosen:
        plausible = parameters[name]
        value = st.one_of(st.sampled_from(plausible), hostile_scalar) if plausible else hostile_scalar
        if poison is not None:
            value = st.just(poison)
        for item in draw(st.lists(value, min_size=1, max_size=3)):
            pairs.append(f"{_encoded(name)}={_encoded(item)}")
    for name, value in draw(st.lists(st.tuples(field_names, hostile_scalar), max_size=2)):
        pairs.append(f"{_encoded(name)}={_encoded(value)}")
    raw = draw(st.sampled_from(["", "", "", "%", "%zz", "&&=&", "a=%ff%fe", "page=1&page=2", "=x", "a[]=1&a[x]=2", ";", "+"]))
    if raw:
        pairs.append(raw)
    return "&".join(draw(st.permutations(pairs)))


def plain_query(params):
    return urlencode(params, doseq=True)


class _LinkReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for key, value in attrs if key == "href" and value)


def read_links(html, path):
    """(name, value) of the query parameters in the page's links back to itself."""
    from urllib.parse import parse_qsl, urljoin, urlsplit

    reader = _LinkReader()
    reader.feed(html)
    for href in reader.hrefs:
        link = urlsplit(urljoin(path, href))
        if link.path == path and link.query:
            yield from parse_qsl(link.query, keep_blank_values=True)
