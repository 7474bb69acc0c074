"""Two sides of the contacts: a side is a country or a participant.

"US" is everyone from the United States, and its government's readouts are
those of publishers whose record says United States; "joe-biden" is one
person, whose government is their country's. The pair page, the one-sided
filters and the statements' "in meetings with" filter all read sides here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django_countries import countries

from .charts import Month
from .models import Meeting, Participant, Statement, Topic
from .querysets import publishers_of, readouts_from, recorded, spoken


@dataclass(frozen=True)
class Side:
    """A country (by ISO code) or one participant (by slug)."""

    param: str  # as written in a URL: "CN" or "xi-jinping"
    name: str  # "China" or "Xi Jinping"
    country: str  # whose government reports for this side ("" if unknown)
    participant_id: int | None = None

    @property
    def reporting(self) -> str:
        """The country whose publishers report for this side; one no publisher has when
        the side's country is not recorded."""
        return self.country or "--"

    @property
    def government(self) -> str:
        return countries.name(self.country) or self.country if self.country else ""

    def meetings(self, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
        """The meetings this side takes part in."""
        if self.participant_id is not None:
            return queryset.attended_by(self.participant_id)
        return queryset.with_country(self.country)

    def spoke(self, speaker_id: int, country: str) -> bool:
        """Whether a statement by this speaker (of this country) is this side's, as
        `speaking` asks it of the database."""
        if self.participant_id is not None:
            return speaker_id == self.participant_id
        return country == self.country

    def speaking(self, via: str = "") -> Q:
        """Statements spoken by this side (a condition on Statement, or through `via` on
        what points to one)."""
        if self.participant_id is not None:
            return spoken(by=self.participant_id, via=via)
        return spoken(from_country=self.country, via=via)


def side(param: str) -> Side | None:
    """The side a URL names, or None when it names no country or participant."""
    param = (param or "").strip()
    # countries.alpha2, not a dict of every country: that translates some 250 names.
    if len(param) == 2 and param.isalpha() and countries.alpha2(param):
        code = param.upper()
        return Side(code, countries.name(code), code)
    row = Participant.objects.filter(slug=param).values("pk", "slug", "name", "country").first()
    if row is None:  # a merged duplicate's slug leads to the participant kept
        merged = Participant.objects.merged_into(param)
        if merged is None:
            return None
        row = {"pk": merged.pk, "slug": merged.slug, "name": merged.name, "country": merged.country}
    return Side(row["slug"], row["name"], str(row["country"]), row["pk"])


def between(a: Side, b: Side, queryset: QuerySet[Meeting] | None = None) -> QuerySet[Meeting]:
    """The meetings both sides take part in."""
    return b.meetings(a.meetings(Meeting.objects.all() if queryset is None else queryset))


REPORTED_BY = {
    (True, True): "both",
    (True, False): "only_a",
    (False, True): "only_b",
    (False, False): "neither",
}


def reporting(meetings: QuerySet[Meeting], a: Side, b: Side) -> tuple[dict[date, int], dict]:
    """The pair's meetings counted month by month (for the chart), and by who reported
    them: both, only one, neither; and how many of those a side did not report an
    independent record knows of (a visit, a trip): contacts that happened, with no
    readout from that side. One pass over the meetings, grouped by month and by the
    three answers, so each is asked once a meeting."""
    rows = (
        meetings.order_by()
        .annotate(
            month=Month("date"),
            by_a=Exists(readouts_from(a.reporting).filter(meeting=OuterRef("pk"))),
            by_b=Exists(readouts_from(b.reporting).filter(meeting=OuterRef("pk"))),
            recorded=recorded(),
        )
        .values("month", "by_a", "by_b", "recorded")
        .annotate(n=Count("pk"))
    )
    months: dict[date, int] = defaultdict(int)
    counts = dict.fromkeys(["total", *REPORTED_BY.values(), "recorded_not_a", "recorded_not_b"], 0)
    for row in rows:
        n, by_a, by_b = row["n"], row["by_a"], row["by_b"]
        months[row["month"]] += n
        counts["total"] += n
        counts[REPORTED_BY[by_a, by_b]] += n
        if row["recorded"]:
            counts["recorded_not_a"] += 0 if by_a else n
            counts["recorded_not_b"] += 0 if by_b else n
    return dict(months), counts


@dataclass
class TopicSplit:
    """A topic's statements in a pair's meetings, split two ways."""

    topic: Topic
    reported: dict[str, int]  # by whose government's readout: "a", "b", "other"
    spoken: dict[str, int]  # by whose side's speaker: "a", "b", "joint" (or a third side)

    @property
    def total(self) -> int:
        return sum(self.reported.values())


# The topics split reads the statements of a pair's latest meetings only: the busiest
# pairs have met thousands of times, and the page costs the same whoever they are.
TOPIC_SAMPLE = 200


def latest(meetings: QuerySet[Meeting]) -> list[int]:
    """The keys of the pair's latest TOPIC_SAMPLE meetings, newest first: looked up once
    for the topics split and for each side's statements on a topic."""
    return list(meetings.order_by("-date", "slug").values_list("pk", flat=True)[:TOPIC_SAMPLE])


# The topics split shows this many topics, those with the most statements.
TOPICS_SHOWN = 15


def topics_stressed(latest: list[int], a: Side, b: Side) -> tuple[list[TopicSplit], int]:
    """The topics the statements of the pair's latest meetings (`latest`) are on, most
    first (the first TOPICS_SHOWN), and how many topics they are on in all: for each,
    how many statements each government's readouts hold and how many each side's
    speakers made. One grouped query over the links of those statements, and one for
    the topics."""
    links = Statement.topics.through.objects.filter(statement__readout__meeting__in=latest)
    text = CharField()
    rows = (
        links.annotate(
            reporter=Case(
                When(statement__readout__publisher__in=publishers_of(a.reporting), then=Value("a")),
                When(statement__readout__publisher__in=publishers_of(b.reporting), then=Value("b")),
                default=Value("other"),
                output_field=text,
            ),
            speaker_side=Case(
                When(a.speaking(via="statement__"), then=Value("a")),
                When(b.speaking(via="statement__"), then=Value("b")),
                default=Value("joint"),
                output_field=text,
            ),
        )
        .values("topic_id", "reporter", "speaker_side")
        .annotate(count=Count("pk"))
        .order_by()
    )
    reported: dict[int, dict[str, int]] = defaultdict(lambda: {"a": 0, "b": 0, "other": 0})
    by_speaker: dict[int, dict[str, int]] = defaultdict(lambda: {"a": 0, "b": 0, "joint": 0})
    for row in rows:
        reported[row["topic_id"]][row["reporter"]] += row["count"]
        by_speaker[row["topic_id"]][row["speaker_side"]] += row["count"]
    chosen = sorted(reported, key=lambda pk: -sum(reported[pk].values()))[:TOPICS_SHOWN]
    topics = Topic.objects.in_bulk(chosen)
    shown = [TopicSplit(topics[pk], reported[pk], by_speaker[pk]) for pk in chosen if pk in topics]
    return shown, len(reported)


def latest_statements(
    latest: list[int], sides: tuple[Side, ...], topic_ids: list[int], count: int = 5
) -> list[list[Statement]]:
    """Each side's latest statements on some topics (a topic's family: its subtopics'
    too, where the topics split counts each topic's own statements) in the pair's latest
    meetings (`latest`), the meetings the split reads. One query lists the statements on
    those topics there, newest first, with who spoke them; one reads the chosen ones."""
    rows = (
        Statement.objects.filter(readout__meeting__in=latest)
        .on_topics(topic_ids)
        .filter(speaker__isnull=False)
        .order_by()
        .values_list(
            "pk", "speaker_id", "speaker__country", "readout__meeting_id", "readout_id", "sequence"
        )
    )
    # Newest first as `latest` orders the meetings (no join to read their dates again).
    rank = {meeting: position for position, meeting in enumerate(latest)}
    ordered = sorted(rows, key=lambda row: (rank[row[3]], -row[4], row[5]))
    chosen: list[list[int]] = [[] for _ in sides]
    for pk, speaker, country, *_ in ordered:
        for picked, side in zip(chosen, sides, strict=True):
            if len(picked) < count and side.spoke(speaker, country):
                picked.append(pk)
        if all(len(picked) == count for picked in chosen):
            break
    # in_bulk keeps no order: the lists above give each side's.
    found = (
        Statement.objects.select_related("speaker", "readout__publisher", "readout__meeting")
        .defer("readout__body", "readout__search_vector")
        .prefetch_related("topics")
        .in_bulk([pk for picked in chosen for pk in picked])
    )
    return [[found[pk] for pk in picked if pk in found] for picked in chosen]
