"""Practices as each reader gets them: in the reader's language when ITC has published a translation.

The original is authoritative. A published practice can be read in its original language and in the
language of each of its current translations: a reader whose language is one of them gets that
text, told it is a translation, and may switch to any other version. A field a translation leaves
empty is read in the original.

Pages, feeds, exports and the API read translations here, in the query that reads the practices
(`with_reading` annotates it, with PracticeTranslation.objects.reading_annotations; `attach_readings`
gives each practice its `reading`): no query more, however many practices a page shows. Only a
published practice's current translations are ever read: the querysets annotated are of published
practices (or of rows naming one), and the practice page reads PracticeTranslation.objects.public().
The country and region pages, which may not import this module (the layers), annotate their queries
and let their templates attach the readings (practices/templatetags/practices.py).
"""

import copy

from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from countries.languages import LANGUAGE_CODES as READING_LANGUAGES  # the languages a practice can be read in
from countries.languages import lang_attribute

from .models import TRANSLATED_FIELDS, Language, PracticeTranslation

# What lists, feeds and exports show of a translation; the page and the comparison read it whole.
LISTED_FIELDS = ("title", "summary")


def language_name(code):
    """The language's name in the reader's language ("French")."""
    return Language(code).label if code in Language.values else code


class Reading:
    """One practice as a reader gets it: its text in one language, and every language it can be read in.

    `translation`: the current translation shown (None: the original), with `fields` read;
    `translated`: the languages of all its current translations.
    """

    def __init__(self, practice, translation, translated, *, fields=TRANSLATED_FIELDS):
        self.practice = practice
        self.translation = translation
        self.fields = fields
        self.original_language = practice.original_language
        self.language = translation.language if translation else practice.original_language
        self.languages = [
            practice.original_language,
            *(code for code in READING_LANGUAGES if code in translated and code != practice.original_language),
        ]

    @classmethod
    def of_page(cls, practice, translations, wanted):
        """The practice page: `translations` are its current ones by language; `wanted`, the version asked for
        (the reader's language, or ?text=): its translation when there is one, else the original."""
        translation = translations.get(wanted) if wanted != practice.original_language else None
        return cls(practice, translation, set(translations))

    def text(self, field):
        """The field as shown: the translation's, unless it is not one translated (or read), or the translation left it empty."""
        if self.translation is not None and field in self.fields and getattr(self.translation, field):
            return getattr(self.translation, field)
        return getattr(self.practice, field)

    def language_of(self, field):
        if self.translation is not None and field in self.fields and getattr(self.translation, field):
            return self.translation.language
        return self.original_language

    def lang_of(self, field):
        """The `lang` attribute of the element holding the field."""
        return lang_attribute(self.language_of(field))

    @cached_property
    def texts(self):
        """{field: text shown}, for a template: `reading.texts.problem`."""
        return {field: self.text(field) for field in self.fields}

    @cached_property
    def langs(self):
        """{field: its `lang` attribute}, for a template: `<div{{ reading.langs.problem }}>`."""
        return {field: self.lang_of(field) for field in self.fields}

    @property
    def title(self):
        return self.text("title")

    @property
    def summary(self):
        return self.text("summary")

    @property
    def lang(self):
        """In a list: the `lang` attribute of the title shown where it is not in the page's language."""
        language = self.language_of("title")
        return lang_attribute(language) if language != get_language() else ""

    @property
    def summary_lang(self):
        language = self.language_of("summary")
        return lang_attribute(language) if language != get_language() else ""

    @property
    def original_lang(self):
        """The `lang` attribute of what is never translated (indicators, the responsible institution)."""
        return lang_attribute(self.original_language)

    @property
    def is_translation(self):
        return self.translation is not None

    @property
    def is_outdated(self):
        """The original has published a newer version since the translation shown."""
        return self.translation is not None and self.translation.source_revision_id != self.practice.published_revision_id

    @property
    def original_language_label(self):
        return language_name(self.original_language)

    @property
    def language_labels(self):
        """The languages it can be read in, by name, the original first."""
        return [language_name(code) for code in self.languages]

    def versions(self):
        """Each version there is to read, for the page's switch: the language's own name, and which is shown."""
        return [
            {
                "code": code,
                "label": get_language_info(code)["name_local"] if code in READING_LANGUAGES else language_name(code),
                "lang": lang_attribute(code),
                "is_original": code == self.original_language,
                "is_shown": code == self.language,
            }
            for code in self.languages
        ]

    @property
    def credit(self):
        """Who translated the text shown, for the public: a name, and the country of a volunteer ("" when neither is known).

        Never an e-mail address (`User.get_full_name` falls back to one).
        """
        translation = self.translation
        if translation is None:
            return ""
        name = translation.translated_by.full_name if translation.translated_by else ""
        country = translation.volunteer_country.name if translation.volunteer_country else ""
        if name and country:
            return _("%(name)s, volunteer from %(country)s") % {"name": name, "country": country}
        if country:
            return _("a volunteer from %(country)s") % {"country": country}
        return name


def with_reading(queryset, language, *, fields=LISTED_FIELDS):
    """The published practices annotated with what each one's `reading` in `language` needs, in the same query:
    whether it has a current translation in each language, and the one into `language` (none for None)."""
    return queryset.annotate(**PracticeTranslation.objects.reading_annotations(language, fields=fields))


def _reading_of(row, practice, fields):
    text = getattr(row, "reading_text", None)
    translation = PracticeTranslation(practice_id=practice.pk, **text) if text else None
    translated = {code for code in READING_LANGUAGES if getattr(row, f"reading_in_{code}")}
    return Reading(practice, translation, translated, fields=fields)


def attach_readings(practices, *, fields=LISTED_FIELDS):
    """Give each practice its `reading` from the annotations `with_reading` gave it (no query)."""
    practices = list(practices)
    for practice in practices:
        practice.reading = _reading_of(practice, practice, fields)
    return practices


def readings_of_copies(rows, *, practice=None, fields=LISTED_FIELDS):
    """Copies of the practices (or of the practice each row names: `practice`), each with its `reading` from the
    annotations of its row: for objects others share (a page's kept context), which are never changed."""
    copies = []
    for row in rows:
        original = getattr(row, practice) if practice else row
        copied = copy.copy(original)
        copied.reading = _reading_of(row, copied, fields)
        copies.append(copied)
    return copies


def read_in(queryset, language, *, fields=LISTED_FIELDS):
    """The published practices of the queryset, each with its `reading` in `language` (None: as written)."""
    return attach_readings(with_reading(queryset, language, fields=fields), fields=fields)
