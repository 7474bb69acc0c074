"""The FilterSets behind the list pages (and, later, the exports).

Query parameters are the same wherever they apply: q, date_after, date_before,
kind, country, participant, speaker, topic, publisher, organization, ordering.
Participants and topics are named by slug in a text input with suggestions,
never chosen from a <select> listing every row.
"""

from functools import cache
from html import escape

from django import forms
from django.db.models import Exists, Expression, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.forms.utils import flatatt
from django.urls import reverse_lazy
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

from . import search
from .models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

TEXT_LIMIT = 200


def topic_family(slug: str) -> list[int]:
    """The ids of a topic and all its subtopics (one query: topics are few)."""
    rows = list(Topic.objects.values_list("id", "slug", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, _, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    roots = [pk for pk, topic_slug, _ in rows if topic_slug == slug]
    family, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk not in family:
            family.add(pk)
            stack.extend(children.get(pk, []))
    return sorted(family)


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


def topic_filter() -> CharFilter:
    """A topic by slug (with its subtopics), typed with suggestions."""
    return CharFilter(
        label="Topic",
        method="filter_topic",
        max_length=TEXT_LIMIT,
        widget=suggest_input("topic-suggestions", reverse_lazy("readouts:suggest_topics")),
    )


def publisher_filter() -> ChoiceFilter:
    """A publisher by slug; publishers are few enough for a select. The choices are
    read with the filter set (a model choice field reads its rows through a
    server-side cursor, four round trips, every time the select is drawn)."""
    return ChoiceFilter(
        label="Publisher",
        method="filter_publisher",
        empty_label="Any publisher",
        choices=[],
        widget=ListSelect,
    )


class SortFilter(OrderingFilter):
    """Sorting by the chosen fields, then by `then` where they tie, so that pages of
    equal values (meetings with three participants) keep a stable order.

    `computed` names values worked out only to sort by them: listing the newest
    meetings needs no count of every meeting's participants."""

    def __init__(
        self,
        *args,
        then: tuple[str, ...] = (),
        computed: dict[str, Expression] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.then = then
        self.computed = computed or {}

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        chosen = {name.lstrip("-") for name in ordering}
        computed = {name: e for name, e in self.computed.items() if name in chosen}
        then = [name for name in self.then if name.lstrip("-") not in chosen]
        return qs.alias(**computed).order_by(*ordering, *then)


class ReadoutsFilterSet(FilterSet):
    """Shared parts: a free-text box, countries in use and publishers by slug."""

    q = CharFilter(label="Search", method="search", max_length=TEXT_LIMIT)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "country" in self.filters:
            self.filters["country"].extra["choices"] = countries_in_use()
        if "publisher" in self.filters:
            publishers = Publisher.objects.order_by("name").values_list("pk", "slug", "name")
            self.publisher_ids = {slug: pk for pk, slug, _ in publishers}
            self.filters["publisher"].extra["choices"] = [
                (slug, name) for _, slug, name in publishers
            ]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        raise NotImplementedError


def participant_id(slug: str) -> int | None:
    """The participant's key, looked up first: PostgreSQL then plans with what it knows
    of that participant (the busiest speak in tens of thousands of statements) instead
    of an average guess for "whoever has this slug"."""
    return Participant.objects.filter(slug=slug).values_list("pk", flat=True).first()


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
    participant = CharFilter(
        label="Participant",
        method="filter_participant",
        max_length=TEXT_LIMIT,
        widget=suggest_input(
            "participant-suggestions", reverse_lazy("readouts:suggest_participants")
        ),
    )
    topic = topic_filter()
    publisher = publisher_filter()
    ordering = SortFilter(
        fields=[("date", "date"), ("title", "title"), ("participant_count", "participants")],
        field_labels={"date": "Date", "title": "Title", "participant_count": "Participants"},
        label="Sort by",
        empty_label="Newest first",
        then=("-date", "slug"),
        # Every meeting's count, from the view of meeting sizes: one grouped count of the
        # attendances, where a count in a subquery would look up each meeting in turn.
        computed={"participant_count": Coalesce("size__participants", 0)},
    )

    class Meta:
        model = Meeting
        fields = ["q", "date", "kind", "country", "participant", "topic", "publisher"]

    # With a number, a search keeps only that many matches, the newest (see the view).
    newest_matches: int | None = None

    def search(self, queryset, name, value):
        return queryset  # applied in filter_queryset, after the other filters

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q")
        return search.search_meetings(queryset, text, self.newest_matches) if text else queryset

    def filter_country(self, queryset, name, value):
        # The country's participants are looked up first, as one participant is (see
        # participant_id): PostgreSQL's statistics then tell how often they attend.
        people = Participant.objects.filter(country=value).values_list("pk", flat=True)
        attending = Attendance.objects.filter(meeting=OuterRef("pk"), participant__in=list(people))
        return queryset.filter(Exists(attending))

    def filter_participant(self, queryset, name, value):
        pk = participant_id(value)
        if pk is None:
            return queryset.none()
        return queryset.filter(
            Exists(Attendance.objects.filter(meeting=OuterRef("pk"), participant_id=pk))
        )

    def filter_topic(self, queryset, name, value):
        statements = Statement.objects.filter(
            readout__meeting=OuterRef("pk"), topics__in=topic_family(value)
        )
        return queryset.filter(Exists(statements))

    def filter_publisher(self, queryset, name, value):
        readouts = Readout.objects.filter(
            meeting=OuterRef("pk"), publisher_id=self.publisher_ids[value]
        )
        return queryset.filter(Exists(readouts))


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
    speaker = CharFilter(
        label="Speaker",
        method="filter_speaker",
        max_length=TEXT_LIMIT,
        widget=suggest_input(
            "participant-suggestions", reverse_lazy("readouts:suggest_participants")
        ),
        help_text="A participant, or “joint” for what the sides said together.",
    )
    country = ChoiceFilter(
        label="Speaker's country",
        field_name="speaker__country",
        empty_label="Any country",
        choices=[],
        widget=ListSelect,
    )
    topic = topic_filter()
    publisher = publisher_filter()
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

    def search(self, queryset, name, value):
        return search.search_statements(queryset, value)

    def filter_speaker(self, queryset, name, value):
        if value.strip().lower() == "joint":
            return queryset.filter(speaker__isnull=True)
        pk = participant_id(value)
        return queryset.none() if pk is None else queryset.filter(speaker_id=pk)

    def filter_topic(self, queryset, name, value):
        matching = Statement.topics.through.objects.filter(
            statement=OuterRef("pk"), topic__in=topic_family(value)
        )
        return queryset.filter(Exists(matching))

    def filter_publisher(self, queryset, name, value):
        return queryset.filter(readout__publisher_id=self.publisher_ids[value])
