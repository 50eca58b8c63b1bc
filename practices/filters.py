"""Browsing the published practices: one filter set for the browse page, its exports, feeds and the API.

Every filter takes several values (any of them matches) and filters combine (all must match).
A value that is not known is left out with a message, never an error page. Each filter's values
come with the number of practices they would give within the rest of the selection (facets).
"""

import django_filters
from django import forms
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smeplatform import pagecache

from countries.models import Country, Region

from . import search
from .models import EvidenceLabel, ImplementationStatus, InstrumentType, Language, Level, Practice, TargetGroup, Theme

PracticeCountry = Practice.countries.through
# The practices matching the words, computed once per facet query (see PracticeFilter._count_facets).
MATCHED = "sme_matched_practices"
SORTS = {
    "relevance": _("Relevance"),
    "newest": _("Newest first"),
    "title": _("Title"),
}


def _in_places(queryset, lookup, values):
    """Practices owned or co-owned by a country matching `lookup` in `values` (no duplicate rows)."""
    if not values:
        return queryset
    places = PracticeCountry.objects.filter(practice=OuterRef("pk"), **{f"country__{lookup}__in": values})
    return queryset.filter(Exists(places))


class Vocabulary:
    """The names of every region, country and term a filter may take, in the reader's language.

    Read once per request (five queries), for checking the values and for labelling them.
    """

    def __init__(self):
        regions = list(Region.objects.all())
        self.names = {
            "region": {region.slug: region.name for region in regions if region.level == Region.Level.REGION},
            "subregion": {region.slug: region.name for region in regions if region.level != Region.Level.REGION},
            "country": {country.iso2: country.name for country in Country.objects.only("iso2", "name_en", "name_fr", "name_es")},
        }
        self.parents = {region.slug: region.parent_id for region in regions}
        self.region_ids = {region.pk: region.slug for region in regions}
        for name, model in (("theme", Theme), ("instrument", InstrumentType), ("target", TargetGroup)):
            # Ordered as staff arranged them; terms no longer offered stay findable.
            self.names[name] = {term.slug: term.name for term in model.objects.all()}

    @classmethod
    def current(cls):
        """This language's vocabulary, kept by the worker until anything public changes."""
        return pagecache.memoized("vocabulary", cls, get_language())


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1950, max_value=2100, **kwargs)
        self.error_messages["invalid"] = _("Write a year, such as 2020.")


class YearFilter(django_filters.Filter):
    field_class = YearField


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_words", label=_("Words"), max_length=search.MAX_QUERY_LENGTH)
    region = django_filters.MultipleChoiceFilter(method="filter_region", label=_("Region"))
    subregion = django_filters.MultipleChoiceFilter(method="filter_region", label=_("Sub-region"))
    country = django_filters.MultipleChoiceFilter(method="filter_country", label=_("Country"))
    theme = django_filters.MultipleChoiceFilter(field_name="themes__slug", method="filter_term", label=_("Theme"))
    instrument = django_filters.MultipleChoiceFilter(field_name="instruments__slug", method="filter_term", label=_("Instrument type"))
    target = django_filters.MultipleChoiceFilter(field_name="target_groups__slug", method="filter_term", label=_("Target group"))
    level = django_filters.MultipleChoiceFilter(choices=Level.choices, label=_("Level"))
    status = django_filters.MultipleChoiceFilter(field_name="implementation_status", choices=ImplementationStatus.choices, label=_("Implementation status"))
    evidence = django_filters.MultipleChoiceFilter(field_name="evidence_label", choices=EvidenceLabel.choices, label=_("Evidence"))
    language = django_filters.MultipleChoiceFilter(field_name="original_language", choices=Language.choices, label=_("Original language"))
    year_from = YearFilter(method="filter_year_from", label=_("Running in or after"))
    year_to = YearFilter(method="filter_year_to", label=_("Running in or before"))
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method="filter_nothing", label=_("Sort by"), empty_label=None)

    # The filters whose values are listed with counts, in the order the page shows them.
    FACETS = ("region", "subregion", "country", "theme", "instrument", "target", "level", "status", "evidence", "language")

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data=None, *args, language="en", vocabulary=None, **kwargs):
        self.language = language
        self.vocabulary = vocabulary or Vocabulary.current()
        if data is not None and "country" in data:
            data = data.copy()
            data.setlist("country", [value.upper() for value in data.getlist("country")])
        super().__init__(data, *args, **kwargs)
        for name in ("region", "subregion", "country", "theme", "instrument", "target"):
            self.filters[name].extra["choices"] = [(value, value) for value in self.vocabulary.names[name]]

    # --- The filters ---

    def filter_words(self, queryset, name, value):
        value = value.strip()
        return search.matching(queryset, value, self.language) if value else queryset

    def filter_region(self, queryset, name, values):
        # A region at any level: its countries are those whose region, sub-region or intermediate region it is.
        if not values:
            return queryset
        places = PracticeCountry.objects.filter(practice=OuterRef("pk")).filter(
            Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__region")))
            | Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__subregion")))
            | Exists(Region.objects.filter(slug__in=values).filter(pk=OuterRef("country__intermediate_region")))
        )
        return queryset.filter(Exists(places))

    def filter_country(self, queryset, name, values):
        return _in_places(queryset, "iso2", [value.upper() for value in values])

    def filter_term(self, queryset, name, values):
        if not values:
            return queryset
        through = getattr(Practice, name.split("__")[0]).through
        term_field = {"themes": "theme", "instruments": "instrumenttype", "target_groups": "targetgroup"}[name.split("__")[0]]
        return queryset.filter(Exists(through.objects.filter(practice=OuterRef("pk"), **{f"{term_field}__slug__in": values})))

    def filter_year_from(self, queryset, name, value):
        # Still running in that year (or later): no end year, or ending then or after.
        if value is None:
            return queryset
        return queryset.exclude(end_year__lt=value)

    def filter_year_to(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(start_year__gt=value)

    def filter_nothing(self, queryset, name, value):
        return queryset

    # --- What the page needs besides the results ---

    @property
    def cleaned(self):
        """The valid values asked for ({} when nothing was asked)."""
        if not self.is_bound:
            return {}
        self.errors  # validates the form
        return self.form.cleaned_data

    @property
    def words(self):
        return (self.cleaned.get("q") or "").strip()

    @property
    def sort_order(self):
        chosen = self.cleaned.get("sort")
        if chosen in SORTS and (chosen != "relevance" or self.words):
            return chosen
        return "relevance" if self.words else "newest"

    def ordered(self):
        """The results in the chosen order (relevance needs words; without them, newest first)."""
        queryset = self.qs
        order = self.sort_order
        if order == "relevance" and search.full_text_available():
            return queryset.order_by("-rank", "-published_at", "pk")
        if order == "title":
            return queryset.order_by("title", "pk")
        return queryset.order_by("-published_at", "-pk")

    def without(self, excluded, *, skip=(), queryset=None):
        """The selection with every filter but `excluded` (and `skip`) applied: what a facet's counts are taken in."""
        queryset = (self.queryset if queryset is None else queryset).all()
        for name, value in self.cleaned.items():
            if name != excluded and name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facet_counts(self):
        """{facet: {value: count}} within the rest of the selection: one query for every facet.

        Each facet counts within the selection without its own filter (choosing a second theme
        widens the results, so the other themes' counts are what they would give). The counts are
        kept by the worker for the same selection until anything public changes.
        """
        return pagecache.memoized("facet-counts", self._count_facets, self.selection, shared=True)

    def count(self):
        """How many practices match: the page's dearest query after the facets, kept like them."""
        return pagecache.memoized("browse-count", self.qs.count, self.selection, shared=True)

    @property
    def selection(self):
        """The filters in force as a key: the same results whatever the order, sort or page.

        With the language, which words are matched in (stemming differs)."""
        return (self.language,) + tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in sorted(self.cleaned.items())
            if name != "sort" and value not in (None, "", [])
        )

    def _count_facets(self, share_search=True):
        words = self.words
        # With words on PostgreSQL, the search runs once: its matches are a materialized CTE that
        # every facet reads, rather than eleven searches of the whole table.
        shared_search = share_search and bool(words) and search.full_text_available()
        # (Its rows are published practices already: no need to read them again to check.)
        base_queryset = Practice.objects.filter(pk__in=RawSQL(f"SELECT id FROM {MATCHED}", ())) if shared_search else None
        parts = []
        for facet in self.FACETS:
            base = self.without(facet, skip=("q",) if shared_search else (), queryset=base_queryset).values("pk")
            for value_path, rows, counted in self._facet_rows(facet, base):
                parts.append(
                    rows.annotate(facet=Value(facet, output_field=CharField()), value=Cast(value_path, CharField()))
                    .values("facet", "value")
                    .annotate(n=counted)
                    .order_by()
                )
        union = parts[0].union(*parts[1:], all=True).values_list("facet", "value", "n")
        if shared_search:
            matched = self.filters["q"].filter(self.queryset, words).order_by().values("pk")
            matched_sql, matched_params = matched.query.sql_with_params()
            sql, params = union.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"WITH {MATCHED} (id) AS MATERIALIZED ({matched_sql}) {sql}", (*matched_params, *params))
                rows = cursor.fetchall()
        else:
            rows = union
        counts = {facet: {} for facet in self.FACETS}
        for facet, value, n in rows:
            if value not in (None, ""):
                counts[facet][value] = n
        return counts

    def _facet_rows(self, facet, base):
        """(value path, rows, count) triples whose values are counted for the facet.

        Counted from the link tables, not the wide practice rows; DISTINCT only where a practice
        can be met twice (two of its countries in one region).
        """
        if facet in ("region", "subregion", "country"):
            through = PracticeCountry.objects.filter(practice__in=base)
            if facet == "country":
                return [("country__iso2", through, Count("*"))]
            paths = ["country__region__slug"] if facet == "region" else [
                # Sub-regions and intermediate regions in one list of counts.
                "country__subregion__slug",
                "country__intermediate_region__slug",
            ]
            return [(path, through, Count("practice", distinct=True)) for path in paths]
        if facet in ("theme", "instrument", "target"):
            relation, term = {
                "theme": ("themes", "theme"),
                "instrument": ("instruments", "instrumenttype"),
                "target": ("target_groups", "targetgroup"),
            }[facet]
            through = getattr(Practice, relation).through.objects.filter(practice__in=base)
            return [(f"{term}__slug", through, Count("*"))]
        return [(self.filters[facet].field_name, Practice.objects.filter(pk__in=base), Count("*"))]
