"""Texts that staff write in the community's three working languages, and the one rule for reading them.

A record of this kind (a meeting, the Call to Action, …) names its texts in `TRANSLATED_FIELDS`.
Each text has its field, `title`, and French and Spanish companions, `title_fr` and `title_es`.
The field holds the English text whenever the record has English; a record given only in French
or Spanish keeps that text in the field, says which language it is in `language`, and leaves the
companion of that language empty. So the field is never empty when the record has any text, and
pages that do not read in languages (the staff's lists, the audit notes) still show something.

`text_in` reads: the reader's language, else the record's own, else any other given, and says
which language it gave. `stored_texts` writes: what staff gave per language, as columns.
"""

from django.utils.html import format_html
from django.utils.translation import get_language

# The community's working languages, in this order: of the interface, of staff texts, of translations.
LANGUAGE_CODES = ("en", "fr", "es")
# The languages that have companion columns; English lives in the field itself.
COMPANION_CODES = ("fr", "es")


def lang_attribute(code):
    """` lang="fr"` for an element holding text in one of the working languages; nothing for another one."""
    return format_html(' lang="{}"', code) if code in LANGUAGE_CODES else ""


def active_language():
    """The reader's (or writer's) interface language, as one of the three."""
    language = (get_language() or "en")[:2]
    return language if language in LANGUAGE_CODES else "en"


def column(field, language):
    """The form field (and, for French and Spanish, the column) of `field` in `language`."""
    return field if language == "en" else f"{field}_{language}"


def language_columns(fields):
    """The columns that say in which languages a record's texts are, beside the fields themselves."""
    return ("language", *(f"{field}_{code}" for field in fields for code in COMPANION_CODES))


def texts_of(record, field):
    """{language: text} for each language the record has `field` in; its own language first."""
    texts = {record.language: getattr(record, field)}
    for code in COMPANION_CODES:
        if code != record.language:
            texts[code] = getattr(record, f"{field}_{code}", "")
    return {code: text for code, text in texts.items() if text}


def text_in(record, field, language):
    """(text, its language): in `language` when given, else in the record's own, else in any other given.

    ("", the record's language) when the record has no such text at all.
    """
    texts = texts_of(record, field)
    for code in (language, record.language, *LANGUAGE_CODES):
        if texts.get(code):
            return texts[code], code
    return "", record.language


def sections_of(record, fields):
    """What a record holds per language, as a form shows it: {form field: text}."""
    initial = {}
    for field in fields:
        texts = texts_of(record, field)
        for code in LANGUAGE_CODES:
            initial[column(field, code)] = texts.get(code, "")
    return initial


def stored_texts(sections, fields):
    """The columns that keep what staff gave per language ({language: {field: text}}), `language` among them.

    English goes in the fields whenever any English text is given; otherwise the first language
    given (French, then Spanish) does, and its companions stay empty.
    """
    given = [code for code in LANGUAGE_CODES if any(sections.get(code, {}).get(field) for field in fields)]
    own = given[0] if given else "en"
    columns = {"language": own}
    for field in fields:
        columns[field] = sections.get(own, {}).get(field, "")
        for code in COMPANION_CODES:
            columns[f"{field}_{code}"] = "" if code == own else sections.get(code, {}).get(field, "")
    return columns
