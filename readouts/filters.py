"""The FilterSets behind the list pages, their downloads and `export_readouts`.

Query parameters are the same wherever they apply: q, date_after, date_before,
kind, country, participant, speaker, topic, publisher, organization, ordering.
Participants and topics are typed in a text input with suggestions, never chosen
from a <select> listing every row; they, and publishers, are named by slug, name
or alias (readouts/naming.py). A name that names no one, or several, chooses
nothing and says so (`unmatched`).
"""

from collections.abc import Callable
from functools import cache
from html import escape

from django import forms
from django.db.models import Expression, F, Q, QuerySet
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_countries import countries
from django_filters import (
    CharFilter,
    ChoiceFilter,
    DateFromToRangeFilter,
    FilterSet,
    OrderingFilter,
)
from django_filters.constants import EMPTY_VALUES

from . import charts, naming, pairs, search
from .keys import among
from .models import Meeting, Participant, Publisher, Readout, Statement
from .naming import JOINT, Named, Unmatched
from .tree import TopicTree

TEXT_LIMIT = 200
SEARCH_LIMIT = 1000  # matches a search lists, the newest (see ReadoutsFilterSet)


@cache
def country_names(language: str | None) -> dict[str, str]:
    """Every country's name in a language, looked up once: translating some 200
    names took longer than the query for the codes on every list page."""
    return dict(countries)


def countries_in_use() -> list[tuple[str, str]]:
    # order_by(): the model's ordering would otherwise join the DISTINCT.
    codes = (
        Participant.objects.exclude(country="")
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    names = country_names(get_language())
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda c: c[1])


def suggest_input(list_id: str, url: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "list": list_id,
            "data-suggest": url,
            "autocomplete": "off",
            "placeholder": "Type a name",
            "spellcheck": "false",
        }
    )


class ListSelect(forms.Select):
    """A select of many flat options (some 200 countries), written in one pass: Django's
    own builds a context for each option and draws it through a template include,
    which took longer than the list page's queries."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        options = "\n".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>\n{options}\n</select>')


class NameField(forms.CharField):
    """A record typed by slug, name or alias: cleans to a naming.Named, or refuses the
    text with naming.Unmatched. `resolve` finds the record and what the box shows for
    it (its name, where that names it alone), which the box then shows."""

    def __init__(self, *, resolve: Callable[[str], tuple[Named, str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.resolve = resolve
        self.resolved: tuple[str, str] | None = None

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return text
        found, shown = self.resolve(text)
        self.resolved = (value, shown)
        return found

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Select):
            attrs.pop("maxlength", None)  # not an attribute of a select
        return attrs

    def prepare_value(self, value):
        if self.resolved and value == self.resolved[0]:
            return self.resolved[1]
        return super().prepare_value(value)


class NameFilter(CharFilter):
    field_class = NameField


def participant_filter(label: str, method: str, resolve=naming.participant, **kwargs):
    """A participant, typed with suggestions."""
    return NameFilter(
        label=label,
        method=method,
        max_length=TEXT_LIMIT,
        widget=suggest_input(
            "participant-suggestions", reverse_lazy("readouts:suggest_participants")
        ),
        resolve=resolve,
        **kwargs,
    )


def topic_filter() -> NameFilter:
    """A topic (with its subtopics), typed with suggestions."""
    return NameFilter(
        label="Topic",
        method="filter_topic",
        max_length=TEXT_LIMIT,
        widget=suggest_input("topic-suggestions", reverse_lazy("readouts:suggest_topics")),
        resolve=None,  # the filter set's, which reads the topic tree once for both
    )


def publisher_filter() -> NameFilter:
    """A publisher; publishers are few enough for a select. The choices are read with
    the filter set (a model choice field reads its rows through a server-side
    cursor, four round trips, every time the select is drawn)."""
    return NameFilter(
        label="Publisher",
        method="filter_publisher",
        max_length=TEXT_LIMIT,
        widget=ListSelect,
        resolve=None,  # the filter set's, from the publishers it read for the select
    )


class SidesField(forms.CharField):
    """Sides of contacts, comma-separated, each a country code or a participant's slug or
    name ("US,CN", "joe-biden,xi-jinping", "Joe Biden,Xi Jinping"), cleaned into
    readouts.pairs.Side values."""

    def __init__(self, *args, sides: int = 2, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sides = sides

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != self.sides:
            raise forms.ValidationError(
                "Give two countries or participants, comma-separated, such as “US,CN”."
                if self.sides == 2
                else "Give one country code or participant, such as “CN” or “wang-yi”."
            )
        found = []
        for part in parts:
            side = pairs.side(part)
            if side is None:  # a participant typed by name, as in the other filters
                try:
                    named, _ = naming.participant(part)
                except naming.Unmatched as unmatched:
                    if unmatched.candidates:
                        raise
                    raise forms.ValidationError(
                        f"No country or participant “{part}”: give a country's two-letter "
                        "code, or a participant's name or slug."
                    ) from None
                side = pairs.side(named.slug)
            found.append(side)
        if len(found) == 2 and found[0] == found[1]:
            raise forms.ValidationError("Give two different countries or participants.")
        return tuple(found)


class SidesFilter(CharFilter):
    field_class = SidesField


def pair_filter() -> SidesFilter:
    return SidesFilter(
        label="Between",
        method="filter_pair",
        max_length=TEXT_LIMIT,
        help_text="Two countries or participants, comma-separated: “US,CN”.",
    )


def country_choice(label: str, method: str, empty: str = "Any country") -> ChoiceFilter:
    return ChoiceFilter(
        label=label, method=method, empty_label=empty, choices=[], widget=ListSelect
    )


class SortFilter(OrderingFilter):
    """Sorting by the chosen fields, then by `then` where they tie, so that pages of
    equal values (meetings with three participants) keep a stable order.

    `computed` names values worked out only to sort by them: listing the newest
    meetings needs no count of every meeting's participants. `derived` names those of
    them read from a derived table that holds a row for every row listed (meeting
    sizes): asking for the value makes the join an inner one, so the database can read
    the rows in order off that table's index."""

    def __init__(
        self,
        *args,
        then: tuple[str, ...] = (),
        computed: dict[str, Expression] | None = None,
        derived: tuple[str, ...] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.then = then
        self.computed = computed or {}
        self.derived = derived

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        chosen = {name.lstrip("-") for name in ordering}
        computed = {name: e for name, e in self.computed.items() if name in chosen}
        then = [name for name in self.then if name.lstrip("-") not in chosen]
        present = {f"{name}__isnull": False for name in computed if name in self.derived}
        return qs.alias(**computed).filter(**present).order_by(*ordering, *then)


class ReadoutsFilterSet(FilterSet):
    """Shared parts: a free-text box, countries in use and publishers by slug.

    A common word matches most rows: a search keeps its newest `search_limit`
    matches only, so that it costs the same at any size; the downloads ask for
    `every_match`. `known_count` is the number of rows chosen when working them out
    has counted them already (None otherwise).
    """

    q = CharFilter(label="Search", method="search", max_length=TEXT_LIMIT)
    search_limit: int | None = SEARCH_LIMIT
    known_count: int | None = None

    def __init__(self, *args, every_match: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each filter's form field is made for this filter set, from the choices and
        # resolvers set below: one made earlier on the class's own filters (the API's
        # OpenAPI description reads them) would be copied here with none of them.
        for declared in self.filters.values():
            declared.__dict__.pop("_field", None)
        if every_match:
            self.search_limit = None
        country_filters = {"country", "reported_by_country", "unreported_by_country"}
        if country_filters & set(self.filters):
            in_use = countries_in_use()
            for name in country_filters & set(self.filters):
                self.filters[name].extra["choices"] = in_use
        if "publisher" in self.filters:
            rows = Publisher.objects.order_by("name").values_list("pk", "slug", "name", "wikidata")
            # A publisher's Wikidata ID names it as an alias would.
            self.publishers = [
                Named(pk, slug, name, aliases=(qid,) if qid else ()) for pk, slug, name, qid in rows
            ]
            self.filters["publisher"].extra.update(
                resolve=self.resolve_publisher,
                widget=ListSelect(
                    choices=[("", "Any publisher")] + [(p.slug, p.name) for p in self.publishers]
                ),
            )
        if "topic" in self.filters:
            self.filters["topic"].extra["resolve"] = self.resolve_topic

    def resolve_publisher(self, text: str) -> tuple[Named, str]:
        # The select shows the publisher chosen by its slug, the value of its option.
        found = naming.choose(text, "publisher", self.publishers)
        return found, found.slug

    @cached_property
    def tree(self) -> TopicTree[int]:
        return TopicTree.stored()

    def resolve_topic(self, text: str) -> tuple[Named, str]:
        tree = self.tree
        names = tree.names
        topics = [
            Named(pk, slug, names[pk], self.topic_label(pk)) for slug, pk in tree.by_slug.items()
        ]
        merged = tree.merged.get(text.strip())
        if merged is not None:  # a topic merged into another: its slug leads there
            found = next(topic for topic in topics if topic.pk == merged)
            return found, found.name
        found = naming.choose(text, "topic", topics)
        return found, naming.shown(found, topics)

    def topic_label(self, pk: int) -> str:
        parent = self.tree.parents.get(pk)
        name = self.tree.names[pk]
        return f"{name} (under {self.tree.names[parent]})" if parent in self.tree.names else name

    @property
    def unmatched(self) -> dict[str, Unmatched]:
        """The filters given a name that names no record, or several, by parameter."""
        if not self.is_bound:
            return {}
        return {
            name: error
            for name, errors in self.form.errors.as_data().items()
            for error in errors
            if isinstance(error, Unmatched)
        }

    def filter_queryset(self, queryset):
        # A filter that names no one chooses nothing: never every row instead.
        if self.unmatched:
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_publisher(self, queryset, name, value: Named):
        return queryset.reported_by(value.pk)

    def filter_topic(self, queryset, name, value: Named):
        return queryset.on_topics(self.tree.family([value.pk]))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        raise NotImplementedError

    @property
    def searched(self) -> str:
        """The search text in use, or ""."""
        return (self.form.cleaned_data.get("q") or "") if self.is_bound else ""

    @property
    def limited(self) -> bool:
        """Whether a search found more than it lists (its newest search_limit only)."""
        return bool(
            self.searched
            and self.search_limit is not None
            and self.known_count is not None
            and self.known_count >= self.search_limit
        )


class MeetingFilter(ReadoutsFilterSet):
    date = DateFromToRangeFilter(label="Date")
    kind = ChoiceFilter(choices=Meeting.Kind.choices, empty_label="Any kind")
    country = ChoiceFilter(
        label="Country",
        method="filter_country",
        empty_label="Any country",
        choices=[],
        widget=ListSelect,
    )
    participant = participant_filter("Participant", "filter_participant")
    topic = topic_filter()
    publisher = publisher_filter()
    pair = pair_filter()
    reported_by_country = country_choice("Reported by the government of", "filter_reported")
    unreported_by_country = country_choice(
        "With no readout from the government of", "filter_unreported"
    )
    known_from = ChoiceFilter(
        label="Known from",
        method="filter_known_from",
        empty_label="A readout or a record",
        choices=[("readout", "a readout"), ("record", "a record (visits and trips)")],
    )
    ordering = SortFilter(
        fields=[("date", "date"), ("title", "title"), ("participant_count", "participants")],
        field_labels={"date": "Date", "title": "Title", "participant_count": "Participants"},
        label="Sort by",
        empty_label="Newest first",
        then=("-date", "slug"),
        # Every meeting's count, from the derived table of meeting sizes (0 for a meeting
        # with no one recorded), read in order off its index.
        computed={"participant_count": F("size__participants")},
        derived=("participant_count",),
    )

    class Meta:
        model = Meeting
        fields = ["q", "date", "kind", "country", "participant", "topic", "publisher"]

    def search(self, queryset, name, value):
        return queryset  # applied in choose(), after the other filters

    def choose(self, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
        """The meetings the filters and the search choose, in no order of their own."""
        if self.unmatched:
            return queryset.none()
        for name, value in self.form.cleaned_data.items():
            if name != "ordering":
                queryset = self.filters[name].filter(queryset, value)
        text = self.searched
        return search.search_meetings(queryset, text, self.search_limit) if text else queryset

    def sort(self, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
        return self.filters["ordering"].filter(queryset, self.form.cleaned_data.get("ordering"))

    def filter_queryset(self, queryset):
        return self.sort(self.choose(queryset))

    @cached_property
    def chosen(self) -> QuerySet[Meeting]:
        """`qs` before it is sorted: what the chart counts. Sorting chooses nothing, and
        sorting by size joins the table of sizes, which counting has no need of."""
        if not self.is_bound:
            return self.queryset.all()
        self.errors  # noqa: B018 (validates the form, as django-filter's qs does)
        return self.choose(self.queryset.all())

    @property
    def qs(self) -> QuerySet[Meeting]:
        # django-filter's qs, sorted from `chosen`: the list and the chart share what
        # choosing looked up (a country's participants, a search's newest matches).
        if not hasattr(self, "_qs"):
            self._qs = self.sort(self.chosen) if self.is_bound else self.chosen
        return self._qs

    @cached_property
    def chart(self) -> charts.MonthChart | None:
        """The meetings chosen, counted month by month."""
        topic = self.only("topic")
        if topic is not None and not self.queryset.query.has_filters():
            # A topic alone, among all meetings: counted off the derived table's index,
            # with no need to look up each meeting (three in four, for a broad topic).
            return charts.on_topic(topic.pk)
        return charts.per_month(self.chosen)

    def only(self, name: str):
        """The value of filter `name` when it is the only one that chooses (sorting
        chooses nothing), or None."""
        if not self.is_bound or not self.is_valid() or self.unmatched:
            return None
        given = {
            field: value
            for field, value in self.form.cleaned_data.items()
            if field != "ordering"
            and value not in EMPTY_VALUES
            and value != slice(None, None)  # a range with neither end
        }
        return given[name] if set(given) == {name} else None

    @property
    def known_count(self) -> int:
        # The chart counts the same meetings: its total is their number.
        return self.chart.total if self.chart else 0

    def filter_topic(self, queryset, name, value: Named):
        # The derived meeting-topic table has a row for the topic itself wherever one of
        # its subtopics is discussed: no need for the family.
        return queryset.on_topics([value.pk])

    def filter_country(self, queryset, name, value: str):
        return queryset.with_country(value)

    def filter_participant(self, queryset, name, value: Named):
        # By key, looked up first: PostgreSQL then plans with what it knows of that
        # participant (the busiest speak in tens of thousands of statements).
        return queryset.attended_by(value.pk)

    def filter_pair(self, queryset, name, value):
        return pairs.between(*value, queryset)

    def filter_reported(self, queryset, name, value: str):
        return queryset.reported_from(value)

    def filter_known_from(self, queryset, name, value):
        if value == "record":
            return queryset.known_from_records()
        return queryset.known_from_readouts()

    def filter_unreported(self, queryset, name, value: str):
        """Meetings someone from the country took part in, and its government did not report."""
        return queryset.with_country(value).unreported_from(value)


class ParticipantFilter(ReadoutsFilterSet):
    q = CharFilter(label="Name", method="search", max_length=TEXT_LIMIT)
    country = ChoiceFilter(
        label="Country", empty_label="Any country", choices=[], widget=ListSelect
    )
    organization = CharFilter(label="Organization", lookup_expr="icontains", max_length=TEXT_LIMIT)
    ordering = SortFilter(
        fields=[("name", "name"), ("meeting_count", "meetings")],
        field_labels={"name": "Name", "meeting_count": "Number of meetings"},
        label="Sort by",
        empty_label="Name",
        then=("name", "slug"),
    )

    class Meta:
        model = Participant
        fields = ["q", "country", "organization"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value))


class StatementFilter(ReadoutsFilterSet):
    date = DateFromToRangeFilter(label="Date", field_name="readout__meeting__date")
    speaker = participant_filter(
        "Speaker",
        "filter_speaker",
        resolve=naming.speaker,
        help_text="A participant, or “joint” for what the sides said together.",
    )
    country = ChoiceFilter(
        label="Speaker's country",
        method="filter_country",
        empty_label="Any country",
        choices=[],
        widget=ListSelect,
    )
    topic = topic_filter()
    publisher = publisher_filter()
    meeting_with = SidesFilter(
        label="In meetings with",
        method="filter_meeting_with",
        max_length=TEXT_LIMIT,
        sides=1,
        help_text="A country code or a participant: what was said in their meetings.",
    )
    pair = pair_filter()
    ordering = SortFilter(
        fields=[("readout__meeting__date", "date")],
        field_labels={"readout__meeting__date": "Date"},
        label="Sort by",
        empty_label="Best match, then newest",
        then=("readout_id", "sequence"),
    )

    class Meta:
        model = Statement
        fields = ["q", "date", "speaker", "country", "topic", "publisher"]

    # The pages' order: newest meetings first, each readout's statements in sequence.
    NEWEST_FIRST = ("-readout__meeting__date", "readout_id", "sequence")

    def __init__(self, *args, ranked: bool = False, **kwargs) -> None:
        """With `ranked`, a search's matches carry how well they match and their text with
        the matches marked, best first unless another order is chosen (for the page)."""
        super().__init__(*args, **kwargs)
        self.ranked = ranked

    def search(self, queryset, name, value):
        return search.search_statements(queryset, value)

    def newest(self, chosen: QuerySet[Statement]) -> list[int] | None:
        """A search's newest `search_limit` matches, by key (None when there is no search,
        or no cap). Read again by key: repeating the search's conditions made PostgreSQL
        expect few rows and plan for those."""
        if not self.searched or self.search_limit is None:
            return None
        return list(chosen.order_by("-pk").values_list("pk", flat=True)[: self.search_limit])

    def arrange(
        self, queryset: QuerySet[Statement], chosen: QuerySet[Statement], newest: list[int] | None
    ) -> QuerySet[Statement]:
        """The statements chosen (a search's newest matches only), ranked when asked for,
        in the order chosen or the pages' own."""
        text, order = self.searched, chosen.query.order_by or self.NEWEST_FIRST
        if newest is not None:
            chosen = among(queryset, newest)
        if text and self.ranked:
            chosen = chosen.annotate(**search.statement_ranking(text))
            if not self.form.cleaned_data.get("ordering") and "rank" in chosen.query.annotations:
                order = ("-rank", *order)
        return chosen.order_by(*order)

    def filter_queryset(self, queryset):
        chosen = super().filter_queryset(queryset)
        return self.arrange(queryset, chosen, self.newest(chosen))

    @cached_property
    def chosen(self) -> QuerySet[Statement]:
        """What the filters and the search choose from the FilterSet's queryset."""
        if not self.is_bound:
            return self.queryset.all()
        self.errors  # noqa: B018 (validates the form, as django-filter's qs does)
        return super().filter_queryset(self.queryset.all())

    @cached_property
    def newest_matches(self) -> list[int] | None:
        return self.newest(self.chosen) if self.is_bound else None

    @property
    def qs(self) -> QuerySet[Statement]:
        # django-filter's qs, made from the steps kept above: the list and its count
        # read the same matches, looked up once.
        if not hasattr(self, "_qs"):
            every = self.queryset.all()
            self._qs = (
                self.arrange(every, self.chosen, self.newest_matches)
                if self.is_bound
                else every.order_by(*self.NEWEST_FIRST)  # the page with no filters: newest too
            )
        return self._qs

    @property
    def known_count(self) -> int | None:
        """A capped search's number of matches: the count, already known."""
        return None if self.newest_matches is None else len(self.newest_matches)

    def filter_speaker(self, queryset, name, value: Named):
        return queryset.joint() if value is JOINT else queryset.spoken_by(value.pk)

    def filter_country(self, queryset, name, value: str):
        return queryset.by_speakers_from(value)

    def filter_meeting_with(self, queryset, name, value):
        (side,) = value
        return queryset.in_meetings(side.meetings(Meeting.objects.all()))

    def filter_pair(self, queryset, name, value):
        return queryset.in_meetings(pairs.between(*value))


class ReadoutFilter(ReadoutsFilterSet):
    """Readouts (listed by the API only): the meetings' date range, the publisher and
    the language, and a search of their titles and text."""

    date = DateFromToRangeFilter(label="Date", field_name="meeting__date")
    publisher = publisher_filter()
    language = CharFilter(label="Language", max_length=20)

    class Meta:
        model = Readout
        fields = ["q", "date", "publisher", "language"]

    def search(self, queryset, name, value):
        return search.search_readouts(queryset, value)

    def filter_publisher(self, queryset, name, value: Named):
        return queryset.filter(publisher_id=value.pk)
