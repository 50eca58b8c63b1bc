"""Browsing the published practices: one filter set for the browse page, its exports, feeds and the API.

Every filter takes several values (any of them matches) and filters combine (all must match).
A value that is not known is left out with a message, never an error page. Each filter's values
come with the number of practices they would give within the rest of the selection (facets).
"""

import functools

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from countries import pagecache
from countries.models import Country, Region

from . import search
from .models import (
    FIRST_YEAR,
    LAST_YEAR,
    EvidenceLabel,
    ImplementationStatus,
    InstrumentType,
    Language,
    Level,
    Practice,
    PracticeTranslation,
    TargetGroup,
    Theme,
)
from .reading import READING_LANGUAGES

PracticeCountry = Practice.countries.through
# The selection's rows, read once per facet query (see PracticeFilter._count_facets).
MATCHED = "sme_selection"
# Facets that are columns of the practice (the others are places and terms, in link tables).
SCALAR_FACETS = ("level", "status", "evidence", "language")
# The name of the part of the facet query that counts the selection itself.
TOTAL = "total"
# The same rows once per country each is listed under (owner and co-owners), for the place facets.
PLACES = "sme_selection_places"
# The languages a practice can be read in: its original one, and those of its published translations.
AVAILABLE_IN = [(code, Language(code).label) for code in READING_LANGUAGES]
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
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)
        self.error_messages["invalid"] = _("Write a year, such as 2020.")


class YearFilter(django_filters.Filter):
    field_class = YearField


class PracticeFilter(django_filters.FilterSet):
    # Not stripped before its length is checked: the API's description promises the limit on what is sent.
    q = django_filters.CharFilter(method="filter_words", label=_("Words"), max_length=search.MAX_QUERY_LENGTH, strip=False)
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
    available = django_filters.MultipleChoiceFilter(method="filter_available", choices=AVAILABLE_IN, label=_("Available in"))
    year_from = YearFilter(method="filter_year_from", label=_("Running in or after"))
    year_to = YearFilter(method="filter_year_to", label=_("Running in or before"))
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method="filter_nothing", label=_("Sort by"), empty_label=None)

    # On the browse page, relevance ranks at most this many matches, the most recent (ranking the 99,000
    # matches of a common word at 100,000 practices took 0.3 s a page): fifty pages of results.
    RANKED_MATCHES = 1000

    # The filters whose values are listed with counts, in the order the page shows them.
    FACETS = ("region", "subregion", "country", "theme", "instrument", "target", "level", "status", "evidence", "language", "available")

    class Meta:
        model = Practice
        fields = []

    def __init__(self, data=None, *args, language="en", vocabulary=None, **kwargs):
        self.language = language
        self.vocabulary = vocabulary or Vocabulary.current()
        if data is not None:
            data = self._without_empty_values(data)
            if "country" in data:
                data.setlist("country", [value.upper() for value in data.getlist("country")])
        super().__init__(data, *args, **kwargs)
        for name in ("region", "subregion", "country", "theme", "instrument", "target"):
            self.filters[name].extra["choices"] = [(value, value) for value in self.vocabulary.names[name]]

    @classmethod
    def _without_empty_values(cls, data):
        """A copy of the query without the empty values of the multiple-choice filters.

        An empty value (?region=, what a form's blank option or a client building its query sends)
        asks for no filter, as an empty year or words field does, rather than for an unknown value.
        """
        data = data.copy()
        for name, query_filter in cls.base_filters.items():
            if isinstance(query_filter, django_filters.MultipleChoiceFilter) and name in data:
                values = [value for value in data.getlist(name) if value != ""]
                if values:
                    data.setlist(name, values)
                else:
                    del data[name]
        return data

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

    def filter_available(self, queryset, name, values):
        """Readable in any of these languages: written in it, or translated into it and published."""
        if not values:
            return queryset
        # Of the published practices filtered: their current translations are the public ones.
        translated = PracticeTranslation.objects.current().filter(language__in=values).values("practice")
        return queryset.filter(Q(original_language__in=values) | Q(pk__in=translated))

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

    def ordered(self, *, bounded=False):
        """The results in the chosen order (relevance needs words; without them, newest first).

        `bounded` (the browse page): relevance ranks only the RANKED_MATCHES most recent matches, so a
        word found in nearly every practice costs what a rarer one does (`ranks_all` says whether
        every match is ranked). The API and exports rank every match.
        """
        queryset = self.qs
        order = self.sort_order
        if order == "relevance" and search.full_text_available():
            if bounded:
                # The words are matched once, among the newest; only those are ranked.
                newest = queryset.order_by("-published_at", "-pk").values("pk")[: self.RANKED_MATCHES]
                queryset = search.ranked(self.queryset.filter(pk__in=newest), self.words, self.language)
            return queryset.order_by("-rank", "-published_at", "pk")
        if order == "title":
            return queryset.order_by("title", "pk")
        return queryset.order_by("-published_at", "-pk")

    def ranks_all(self, total):
        """Whether the browse page's order ranks every one of the `total` matches (see `ordered`)."""
        return self.sort_order != "relevance" or not search.full_text_available() or total <= self.RANKED_MATCHES

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
        return self._facets_and_total[0]

    def total(self):
        """How many practices match, counted with the facets (the browse page needs both)."""
        return self._facets_and_total[1]

    @functools.cached_property
    def _facets_and_total(self):
        # Once per request even uncached; kept by the worker until anything public changes.
        return pagecache.memoized("facet-counts", self._count_facets, self.selection, shared=True)

    def count(self):
        """How many practices match, counted alone (the API and exports need no facets), kept like them."""
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

    def _count_facets(self):
        """({facet: {value: count}}, how many match), in one query.

        The selection without its facet filters (published, words, years) is read once, as a
        materialized CTE with a flag per facet filter in force (each filter's set computed once, a
        hashed subplan), so the words are searched once; each facet counts the rows whose *other*
        flags hold. Scalar facets group its rows, terms join their link tables, places read a second
        CTE of its rows per country. The SQL is made of the facets' own names only; values are
        parameters.
        """
        active = [facet for facet in self.FACETS if self.cleaned.get(facet) not in (None, "", [])]
        flags = {
            f"in_{facet}": ExpressionWrapper(
                Q(pk__in=self.filters[facet].filter(Practice.objects.all(), self.cleaned[facet]).values("pk")),
                output_field=BooleanField(),
            )
            for facet in active
        }
        scalars = {facet: self.filters[facet].field_name for facet in SCALAR_FACETS}
        selection = self.without(None, skip=self.FACETS).order_by().values("pk", *scalars.values(), **flags)
        selection_sql, params = selection.query.sql_with_params()
        columns = ", ".join(("id", *scalars, *flags))
        table = connection.ops.quote_name
        parts, part_params = [], []
        for facet in self.FACETS:
            where = " AND ".join(f"in_{other}" for other in active if other != facet) or "1 = 1"
            for part in self._facet_sql(facet, where):
                parts.append(part)
                part_params.append(facet)
        # The selection's rows once per country they are listed under, for the three place facets.
        places = (
            f"{PLACES} AS MATERIALIZED (SELECT {MATCHED}.*, place.iso2, place.region_id, place.subregion_id, "
            f"place.intermediate_region_id FROM {MATCHED} JOIN {table(PracticeCountry._meta.db_table)} link "
            f"ON link.practice_id = {MATCHED}.id JOIN {table(Country._meta.db_table)} place ON place.id = link.country_id)"
        )
        sql = f"WITH {MATCHED} ({columns}) AS MATERIALIZED ({selection_sql}), {places} " + " UNION ALL ".join(parts)
        # And the selection itself: its rows that pass every flag.
        everything = " AND ".join(f"in_{facet}" for facet in active) or "1 = 1"
        sql += f" UNION ALL SELECT %s, NULL, COUNT(*) FROM {MATCHED} WHERE {everything}"
        counts, total = {facet: {} for facet in self.FACETS}, 0
        with connection.cursor() as cursor:
            cursor.execute(sql, (*params, *part_params, TOTAL))
            for facet, value, n in cursor.fetchall():
                if facet == TOTAL:
                    total = n
                elif value not in (None, ""):
                    counts[facet][str(value)] = n
        return counts, total

    @staticmethod
    def _facet_sql(facet, where):
        """The SELECTs of (facet, value, count) counting one facet over the selection's rows that pass `where`.

        Places are counted from the selection's rows per country, terms from the link tables; a
        practice is counted once per region even when two of its countries are in it (its (practice,
        region) pairs are made distinct first: hashing them is cheaper than sorting for COUNT(DISTINCT)).
        """
        table = connection.ops.quote_name
        if facet in SCALAR_FACETS:
            return [f"SELECT %s, {facet}, COUNT(*) FROM {MATCHED} WHERE {where} GROUP BY {facet}"]
        if facet == "country":
            return [f"SELECT %s, iso2, COUNT(*) FROM {PLACES} WHERE {where} GROUP BY iso2"]
        if facet == "available":
            # Its own language (the `language` column), and those of its current translations (all public: the
            # selection holds published practices only). One current translation per language, and none in the
            # practice's own: each practice counts once per language, without sorting out duplicates.
            return [
                f"SELECT %s, code, CAST(SUM(n) AS integer) FROM (SELECT language AS code, COUNT(*) AS n FROM {MATCHED} WHERE {where} GROUP BY language "
                f"UNION ALL SELECT translation.language, COUNT(*) FROM {MATCHED} JOIN {table(PracticeTranslation._meta.db_table)} translation "
                f"ON translation.practice_id = {MATCHED}.id AND translation.is_current AND translation.language <> {MATCHED}.language "
                f"WHERE {where} GROUP BY translation.language) readable GROUP BY code"
            ]
        if facet in ("region", "subregion"):
            columns = ["region_id"] if facet == "region" else ["subregion_id", "intermediate_region_id"]
            return [
                f"SELECT %s, area.slug, COUNT(*) FROM (SELECT DISTINCT id, {column} AS area_id FROM {PLACES} WHERE {where}) pairs "
                f"JOIN {table(Region._meta.db_table)} area ON area.id = pairs.area_id GROUP BY area.slug"
                for column in columns
            ]
        relation = {"theme": "themes", "instrument": "instruments", "target": "target_groups"}[facet]
        field = Practice._meta.get_field(relation)
        through = field.remote_field.through._meta
        term_column = through.get_field(field.m2m_reverse_field_name()).column
        return [
            f"SELECT %s, term.slug, COUNT(*) FROM {MATCHED} "
            f"JOIN {table(through.db_table)} link ON link.{field.m2m_column_name()} = {MATCHED}.id "
            f"JOIN {table(field.related_model._meta.db_table)} term ON term.id = link.{term_column} "
            f"WHERE {where} GROUP BY term.slug"
        ]
