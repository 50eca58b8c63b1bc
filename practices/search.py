"""Full-text search over the published practices.

On PostgreSQL each published practice keeps a stored, GIN-indexed search vector (title weighted
highest, then summary, then description and results), built with accent-insensitive text search
configurations: the practice's own language (English, French or Spanish stemming) plus a simple one
for words of any language. A query is matched in the reader's language and as plain words, ranked,
and shown with highlighted snippets. On SQLite (a development machine with no database server)
search falls back to plain, case-insensitive matching, without ranking or snippets.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIGURATIONS = {"en": "sme_english", "fr": "sme_french", "es": "sme_spanish"}
SIMPLE = "sme_simple"
MAX_QUERY_LENGTH = 200
# Characters that mark a highlighted word inside PostgreSQL's snippet, swapped for <mark> once the
# text around them has been escaped.
START, STOP = "\x02", "\x03"


def full_text_available():
    return connection.vendor == "postgresql"


def _language_configuration():
    return Case(
        *[When(original_language=language, then=Value(name)) for language, name in CONFIGURATIONS.items()],
        default=Value(SIMPLE),
    )


def search_vector():
    """The stored vector of a practice: its language's stemming, and plain words, both without accents."""
    vector = None
    for config in (_language_configuration(), SIMPLE):
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


def _query(text, language):
    configs = [CONFIGURATIONS.get(language, SIMPLE), SIMPLE]
    query = None
    for config in dict.fromkeys(configs):
        part = SearchQuery(text, search_type="websearch", config=config)
        query = part if query is None else query | part
    return query


def matching(queryset, text, language):
    """The practices matching the words, with a `rank` on PostgreSQL."""
    if not full_text_available():
        return queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(description__icontains=text) | Q(results__icontains=text)
        )
    query = _query(text, language)
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


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


def highlighted(snippet):
    """The snippet as safe HTML: its text escaped, the matched words in <mark>."""
    text = escape(snippet.replace("*", "").replace("#", "").replace("`", ""))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
