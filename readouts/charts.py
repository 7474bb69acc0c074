"""A per-month bar chart, drawn by the template as SVG from these numbers."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from .models import MeetingTopic

WIDTH, HEIGHT = 600, 120


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class MonthChart:
    bars: list[Bar]
    total: int
    peak: Bar
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def first(self) -> date:
        return self.bars[0].month

    @property
    def last(self) -> date:
        return self.bars[-1].month

    def newest_since(self, rows: int) -> date:
        """The first day of the latest month from which on at least `rows` were counted
        (the first month if fewer were): the newest rows are all dated from then on."""
        counted = 0
        for bar in reversed(self.bars):
            counted += bar.count
            if counted >= rows:
                return bar.month
        return self.first


class Month(TruncMonth):
    """The first day of a date's month.

    TruncMonth on a date column makes PostgreSQL pick DATE_TRUNC for a timestamp
    with time zone, converting every row through the session's time zone; a plain
    timestamp gives the same month, faster over a whole table.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"DATE_TRUNC('month', ({sql})::timestamp)::date", params


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_counts(queryset: QuerySet, field: str = "date") -> QuerySet:
    """The queryset's rows counted by the month of field: rows of month and count."""
    return (
        queryset.order_by()
        .annotate(month=Month(field))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )


def per_month(queryset: QuerySet, field: str = "date") -> MonthChart | None:
    """Counts per month of the queryset's rows, in one query, with empty months as zero.

    The rows are counted as they come: the meeting lists filter through EXISTS, never
    through a join that could repeat a row, so no DISTINCT (and its sort) is needed.
    """
    rows = month_counts(queryset, field)
    return chart({row["month"]: row["count"] for row in rows if row["month"] is not None})


def on_topic(topic_id: int) -> MonthChart | None:
    """The meetings on a topic or its subtopics, counted month by month from the derived
    meeting-topic table, which has one row for each (a meeting on two subtopics too)."""
    rows = (
        MeetingTopic.objects.filter(topic_id=topic_id)
        .order_by()
        .values("month")
        .annotate(count=Count("*"))
    )
    return chart({row["month"]: row["count"] for row in rows})


def chart(counts: dict[date, int]) -> MonthChart | None:
    """A chart of counts by month (the first day of each), empty months as zero."""
    if not counts:
        return None
    months, month, last = [], min(counts), max(counts)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    top = max(counts.values())
    step = WIDTH / len(months)
    bars = []
    for i, month in enumerate(months):
        count = counts.get(month, 0)
        height = HEIGHT * count / top
        bars.append(Bar(month, count, i * step, HEIGHT - height, max(step - 1, 0.5), height))
    peak = max(bars, key=lambda bar: bar.count)
    return MonthChart(bars, sum(counts.values()), peak)
