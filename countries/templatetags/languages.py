"""{% text_in record "title" as title %} and {% language_notice record %}: staff-written texts in the reader's language.

`text_in` gives the text in the reader's language, or the one given (countries/languages.py); the
text knows its language, so the element holding it says so when it is not the reader's:

    {% text_in meeting "title" as title %}<h1{{ title.lang_attribute }}>{{ title }}</h1>
    {% language_notice meeting %}

`language_notice` tells the reader when the record's main text (its first translated field) is not
in their language: "Available in English only", or, when it is in two languages, which one is shown.
A part of a record (`within=` its whole) is noted only when the whole is in the reader's language.
"""

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from countries import languages

register = template.Library()

AVAILABLE_ONLY = {
    "en": _("Available in English only."),
    "fr": _("Available in French only."),
    "es": _("Available in Spanish only."),
}
SHOWN_IN = {
    "en": _("Not available in your language: shown in English."),
    "fr": _("Not available in your language: shown in French."),
    "es": _("Not available in your language: shown in Spanish."),
}


class Text(str):
    """A text as a reader gets it: the text itself, with the language it is in."""

    def __new__(cls, value, language, reader):
        text = super().__new__(cls, value)
        text.language, text.reader = language, reader
        return text

    @property
    def is_other(self):
        """Whether the text is in another language than the reader's."""
        return bool(self) and self.language != self.reader

    @property
    def lang_attribute(self):
        """` lang="fr"` for an element holding a text that is not in the page's language; nothing otherwise."""
        return languages.lang_attribute(self.language) if self.is_other else ""


@register.simple_tag
def text_in(record, field):
    """The record's `field` in the reader's language, or the one given."""
    reader = languages.active_language()
    value, language = languages.text_in(record, field, reader)
    return Text(value, language, reader)


def notice_for(record):
    """What to tell a reader whose language the record's main text is not in; "" when it is."""
    field = type(record).TRANSLATED_FIELDS[0]
    reader = languages.active_language()
    given = languages.texts_of(record, field)
    if not given or reader in given:
        return ""
    _value, shown = languages.text_in(record, field, reader)
    return AVAILABLE_ONLY[shown] if len(given) == 1 else SHOWN_IN[shown]


@register.inclusion_tag("includes/language_notice.html")
def language_notice(record, inline=False, within=None):
    """A note beside a record's text when the reader's language is missing: a paragraph, or a badge in a list.

    A part of a record (a mandate of the Call to Action, an agenda item) given `within` its whole is
    noted only when the whole is in the reader's language: otherwise the whole's notice says it.
    """
    notice = "" if within is not None and notice_for(within) else notice_for(record)
    return {"notice": notice, "inline": inline}


@register.filter
def languages_given(record):
    """The languages a record's main text is given in, by name: for staff, to see what is missing."""
    given = languages.texts_of(record, type(record).TRANSLATED_FIELDS[0])
    names = dict(settings.LANGUAGES)
    return ", ".join(str(names[code]) for code in languages.LANGUAGE_CODES if code in given)
