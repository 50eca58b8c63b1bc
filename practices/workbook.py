"""Excel workbooks of text cells, written as they are read: the exports' and the whole dataset's.

Every cell is a text cell (an inline string, formatted as Text): a spreadsheet shows it as written and
never runs it as a formula, whatever it starts with. The workbook's XML is written straight into its
zip, a row at a time, so memory stays flat and a row costs a few microseconds: openpyxl, which
builds an object per cell, wrote the 100,000 practices' 3.6 million cells in minutes.

The texts are given ready (opendata.workbook_cells: characters XML cannot hold replaced, cut at
Excel's limit of a cell); None leaves a cell empty.
"""

import zipfile
from contextlib import contextmanager
from xml.sax.saxutils import quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Excel's built-in number format 49 is Text ("@"): a cell edited later stays text.
STYLES = (
    f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Rows written to the zip at a time.
ROWS_AT_A_TIME = 500


def _column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escaped(text):
    # A carriage return would be read back as a line feed: written as a character reference.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class Sheet:
    def __init__(self, handle):
        self.handle = handle
        self.rows = 0
        self.pending = []
        self.letters = []

    def append(self, texts):
        """One row of texts (None: an empty cell)."""
        self.rows += 1
        number = self.rows
        while len(self.letters) < len(texts):
            self.letters.append(_column_letters(len(self.letters) + 1))
        cells = "".join(
            f'<c r="{letters}{number}" t="inlineStr" s="1"><is><t xml:space="preserve">{_escaped(text)}</t></is></c>'
            for letters, text in zip(self.letters, texts)
            if text is not None
        )
        self.pending.append(f'<row r="{number}">{cells}</row>')
        if len(self.pending) >= ROWS_AT_A_TIME:
            self._flush()

    def _flush(self):
        self.handle.write("".join(self.pending).encode("utf-8"))
        self.pending = []


class TextWorkbook:
    """A workbook written to `target` (a path or a binary file), a sheet at a time:

        with TextWorkbook(path) as workbook:
            with workbook.sheet("practices") as sheet:
                sheet.append(["id", "title"])
    """

    def __init__(self, target, *, compresslevel=6):
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.names = []

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    @contextmanager
    def sheet(self, name):
        self.names.append(name)
        with self.archive.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w") as handle:
            handle.write(f'{HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet = Sheet(handle)
            yield sheet
            sheet._flush()
            handle.write(b"</sheetData></worksheet>")

    def close(self):
        numbers = range(1, len(self.names) + 1)
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{SHEET_TYPE}"/>' for number in numbers)
        self.archive.writestr(
            "[Content_Types].xml",
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self.archive.writestr(
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"/>' for number, name in zip(numbers, self.names))
        self.archive.writestr("xl/workbook.xml", f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>')
        links = "".join(
            f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{number}.xml"/>' for number in numbers
        )
        styles = f'<Relationship Id="rId{len(self.names) + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        self.archive.writestr("xl/_rels/workbook.xml.rels", f'{HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{links}{styles}</Relationships>')
        self.archive.writestr("xl/styles.xml", HEAD + STYLES)
        self.archive.close()
