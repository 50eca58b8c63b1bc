"""What the public pages of a practice read: the practice page and the comparison page.

Each is kept by the worker, per reader's language, until anything public changes
(countries.pagecache.memoized): a practice not found is never kept.
"""

import operator
from functools import reduce

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from countries import pagecache

from .models import TRANSLATED_FIELDS, Practice, PracticeTranslation
from .reading import attach_readings, read_in, with_reading

RELATED_LIMIT = 4
RELATED_CANDIDATES = 1000
TERM_COLUMNS = {"themes": "theme", "instruments": "instrumenttype"}


def related_practices(practice, language=None):
    """Published practices of other countries sharing a theme or an instrument type, closest first, read in `language`.

    One query, whatever the number found: the shared terms are counted in the database, among the
    RELATED_CANDIDATES most recently published practices that share any (so the cost stays flat
    however many practices the platform holds).
    """
    terms = {
        "themes": [theme.pk for theme in practice.themes.all()],
        "instruments": [instrument.pk for instrument in practice.instruments.all()],
    }
    # Only the kinds of term the practice has: an empty "__in" would make the database match nothing at all.
    terms = {field: ids for field, ids in terms.items() if ids}
    if not terms:
        return []
    countries = [practice.owner_id, *(country.pk for country in practice.co_owners.all())]
    sharing = reduce(
        operator.or_,
        (
            Q(Exists(getattr(Practice, field).through.objects.filter(practice=OuterRef("pk"), **{f"{TERM_COLUMNS[field]}__in": ids})))
            for field, ids in terms.items()
        ),
    )
    candidates = (
        Practice.objects.published()
        .filter(sharing)
        .exclude(Exists(Practice.countries.through.objects.filter(practice=OuterRef("pk"), country__in=countries)))
        .order_by("-published_at", "-pk")
        .values("pk")[:RELATED_CANDIDATES]
    )
    shared = reduce(operator.add, (Count(field, filter=Q(**{f"{field}__in": ids}), distinct=True) for field, ids in terms.items()))
    related = Practice.objects.filter(pk__in=candidates).annotate(shared=shared).select_related("owner")
    return attach_readings(with_reading(related, language).order_by("-shared", "-published_at", "-pk")[:RELATED_LIMIT])


def _adapted(practice, language):
    """(adapted from, adapted by): the published practices it was adapted from, and those adapted from it, in one query."""
    links = Practice.adapted_from.through.objects
    sources = links.filter(from_practice=practice).values("to_practice")
    adaptations = links.filter(to_practice=practice).values("from_practice")
    practices = read_in(
        Practice.objects.published()
        .filter(pk__in=sources.union(adaptations))
        .annotate(
            is_source=Exists(sources.filter(to_practice=OuterRef("pk"))),
            is_adaptation=Exists(adaptations.filter(from_practice=OuterRef("pk"))),
        )
        .select_related("owner"),
        language,
    )
    return [other for other in practices if other.is_source], [other for other in practices if other.is_adaptation]


def _read_practice_page(pk, language):
    """A published practice with everything its page shows of it and around it (nine queries).

    `translations`: its current translations by language, whole, with their translators; the page
    picks the one to show (the reader's language, or the version asked for). The practices around it
    are read in `language`.
    """
    practice = get_object_or_404(
        Practice.objects.published().select_related("owner__region").prefetch_related(
            "co_owners", "themes", "instruments", "target_groups", "attachments"
        ),
        pk=pk,
    )
    translations = (
        PracticeTranslation.objects.public()
        .filter(practice=practice)
        .select_related("translated_by", "volunteer_country")
        # The version of the original it translates: an outdated translation links to what changed since.
        .annotate(source_number=F("source_revision__number"))
    )
    adapted_from, adapted_by = _adapted(practice, language)
    return {
        "practice": practice,
        "translations": {translation.language: translation for translation in translations.defer("search_vector")},
        "adapted_from": adapted_from,
        "adapted_by": adapted_by,
        "related": related_practices(practice, language),
    }


def practice_page_content(pk, language):
    """What the page of published practice `pk` shows of it to a reader in `language` (Http404 for any other)."""
    return pagecache.memoized("practice-page", lambda: _read_practice_page(pk, language), pk, language)


def _read_to_compare(ids, language):
    # A number no row can have is simply not found (the database would refuse to compare it).
    ids = [pk for pk in ids if 0 < pk < 2**63]
    practices = read_in(
        Practice.objects.published()
        .filter(pk__in=ids)
        .select_related("owner")
        .prefetch_related(
            "co_owners",
            "themes",
            "instruments",
            "target_groups",
            Prefetch("adapted_from", queryset=Practice.objects.published().select_related("owner").order_by("title")),
        ),
        language,
        fields=TRANSLATED_FIELDS,
    )
    by_pk = {practice.pk: practice for practice in practices}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def practices_to_compare(ids, language):
    """The published practices among ids, in the order asked for, read in `language`: a constant number of queries."""
    return pagecache.memoized("compare", lambda: _read_to_compare(ids, language), tuple(ids), language)
