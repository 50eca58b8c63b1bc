"""Full-text search over the published practices.

On PostgreSQL each published practice keeps a stored, GIN-indexed search vector (title weighted
highest, then summary, then description and results), built with accent-insensitive text search
configurations: the practice's own language (English, French or Spanish stemming) plus a simple one
for words of any language; so does each current translation, in its own language's configuration.
A query is matched in the reader's language and as plain words, in a practice's own text and in its
published translation into the reader's language, ranked by the better of the two, and shown with
highlighted snippets of the text the reader gets. On SQLite (a development machine with no database server)
search falls back to plain, case-insensitive matching, without ranking or snippets.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Practice, PracticeTranslation

CONFIGURATIONS = {"en": "sme_english", "fr": "sme_french", "es": "sme_spanish"}
SIMPLE = "sme_simple"
MAX_QUERY_LENGTH = 200
# Characters that mark a highlighted word inside PostgreSQL's snippet, swapped for <mark> once the
# text around them has been escaped.
START, STOP = "\x02", "\x03"


def full_text_available():
    return connection.vendor == "postgresql"


def _language_configuration(field="original_language"):
    return Case(
        *[When(**{field: language}, then=Value(name)) for language, name in CONFIGURATIONS.items()],
        default=Value(SIMPLE),
    )


def search_vector(language_field="original_language"):
    """The stored vector of a practice (or a translation: `language`): its language's stemming, and plain
    words, both without accents."""
    vector = None
    for config in (_language_configuration(language_field), SIMPLE):
        part = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("description", "results", weight="C", config=config)
        )
        vector = part if vector is None else vector + part
    return vector


def refresh_search_vectors(queryset):
    """Recompute the search text of these practices (after their published content changed)."""
    if full_text_available():
        queryset.update(search_vector=search_vector())


def refresh_translation_vectors(queryset):
    """Recompute the search text of these translations, each in its own language's configuration."""
    if full_text_available():
        queryset.update(search_vector=search_vector("language"))


def _query(text, language):
    configs = [CONFIGURATIONS.get(language, SIMPLE), SIMPLE]
    query = None
    for config in dict.fromkeys(configs):
        part = SearchQuery(text, search_type="websearch", config=config)
        query = part if query is None else query | part
    return query


def _contains(text):
    return Q(title__icontains=text) | Q(summary__icontains=text) | Q(description__icontains=text) | Q(results__icontains=text)


def matching(queryset, text, language):
    """The practices matching the words in their own text or in their published translation into
    `language`, with a `rank` on PostgreSQL: the greater of the two texts' ranks.

    For a queryset of published practices: their current translations are the public ones.
    """
    translations = PracticeTranslation.objects.current().filter(language=language).order_by()
    if not full_text_available():
        return queryset.filter(_contains(text) | Q(pk__in=translations.filter(_contains(text)).values("practice")))
    query = _query(text, language)
    translated = ArraySubquery(translations.filter(search_vector=query).values("practice"))
    return ranked(queryset.filter(Q(search_vector=query) | Q(_IsAmong(F("pk"), translated))), text, language)


class _IsAmong(Func):
    """`id = ANY(ARRAY(SELECT …))`. Unlike `id IN (SELECT …)`, an index condition: ORed with the text's
    match, the planner reads both indexes (a BitmapOr) for a rare word, and checks each row for a common
    one, as for the text's match alone. (A union of the two sets of ids cost twice as much for a common word.)"""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def ranked(queryset, text, language):
    """The practices with the `rank` of the words (PostgreSQL): the greater of their own text's and of their
    published translation's into `language` (for published practices, as `matching`)."""
    query = _query(text, language)
    translation = PracticeTranslation.objects.current().filter(language=language, search_vector=query, practice=OuterRef("pk")).order_by()
    translation_rank = translation.annotate(rank=SearchRank(F("search_vector"), query)).values("rank")[:1]
    return queryset.annotate(
        rank=Greatest(SearchRank(F("search_vector"), query), Coalesce(Subquery(translation_rank), Value(0.0), output_field=FloatField()))
    )


def with_snippets(queryset, text, language):
    """Annotate `snippet`: the summary and description around the matched words."""
    if not full_text_available():
        return queryset
    config = CONFIGURATIONS.get(language, SIMPLE)
    return queryset.annotate(
        snippet=SearchHeadline(
            Concat("summary", Value(" "), "description", output_field=TextField()),
            SearchQuery(text, search_type="websearch", config=config),
            config=config,
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


def highlight_results(practices, text, language):
    """Give each practice its `snippet`: the words found, highlighted, in the text the reader gets (its
    `reading`: the translation or the original); "" where none shows. Two queries at most."""
    for practice in practices:
        practice.snippet = ""
    if not text or not full_text_available():
        return
    translated = {practice.reading.translation.pk: practice for practice in practices if practice.reading.is_translation}
    originals = {practice.pk: practice for practice in practices if not practice.reading.is_translation}
    for model, rows in ((Practice, originals), (PracticeTranslation, translated)):
        if not rows:
            continue
        for pk, snippet in with_snippets(model.objects.filter(pk__in=rows), text, language).values_list("pk", "snippet"):
            # Only a snippet that shows the words found; otherwise the summary, as without words.
            rows[pk].snippet = highlighted(snippet) if START in (snippet or "") else ""


def highlighted(snippet):
    """The snippet as safe HTML: its text escaped, the matched words in <mark>."""
    text = escape(snippet.replace("*", "").replace("#", "").replace("`", ""))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
