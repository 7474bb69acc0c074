"""The derived tables: their derivations, a check and a rebuild.

Three tables hold what could be worked out from the curated records, so that pages
need not work it out on every request: which meetings have a statement on which
topic or its subtopics, by month (MeetingTopic, migrations 0012 and 0022), how
many take part in each meeting (MeetingSize, migration 0020), and which countries
take part in each (MeetingCountry, migration 0024). Database triggers keep
them current; this module says what each must hold, so that a test and `manage.py
derived_tables` can compare, and remakes one from its derivation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import TruncMonth

from .models import (
    Attendance,
    Meeting,
    MeetingCountry,
    MeetingSize,
    MeetingTopic,
    Participant,
    Readout,
    Statement,
    Topic,
)
from .tree import TopicTree


def _meeting_topics() -> set[tuple]:
    """(topic, meeting, month, links), from the statements' topic links: a row for each
    topic a meeting's statements name and for each of its ancestors, with the number of
    links to the topic or its subtopics."""
    links = Statement.topics.through.objects.values(
        "topic_id",
        meeting=F("statement__readout__meeting_id"),
        month=TruncMonth("statement__readout__meeting__date", output_field=DateField()),
    )
    rows = links.annotate(links=Count("pk")).values_list("topic_id", "meeting", "month", "links")
    tree = TopicTree.stored()
    families: Counter[tuple] = Counter()
    for topic, meeting, month, count in rows:
        for ancestor in (topic, *tree.ancestors(topic)):
            families[ancestor, meeting, month] += count
    return {(*row, count) for row, count in families.items()}


def _meeting_sizes() -> set[tuple]:
    """(meeting, participants), from the attendances; 0 for a meeting with none."""
    sizes = Meeting.objects.order_by().annotate(attending=Count("attendances"))
    return set(sizes.values_list("pk", "attending"))


def _meeting_countries() -> set[tuple]:
    """(country, meeting, participants), from the attendances and the participants'
    countries; no row for a participant with no country recorded."""
    rows = (
        Attendance.objects.exclude(participant__country="")
        .values("participant__country", "meeting_id")
        .annotate(participants=Count("pk"))
        .order_by()
    )
    return set(rows.values_list("participant__country", "meeting_id", "participants"))


@dataclass(frozen=True)
class Derived:
    name: str  # as a message says it
    source: str  # what it is derived from, as a message says it
    model: type[models.Model]
    columns: tuple[str, ...]  # the row's values, in the derivation's order
    derivation: Callable[[], set[tuple]]
    sources: tuple[type[models.Model], ...]  # the tables it is derived from

    def stored(self) -> set[tuple]:
        return set(self.model.objects.values_list(*self.columns))

    def differences(self) -> tuple[set[tuple], set[tuple]]:
        """Rows missing from the table, and rows it holds that it should not."""
        want, have = self.derivation(), self.stored()
        return want - have, have - want

    def rebuild(self) -> int:
        """Remake the table from the derivation, in one transaction; return its rows.

        On PostgreSQL the tables it is derived from are locked against writes until the
        end (a repair, run by hand), so none is missed between reading and writing. The
        data version moves on: pages kept for the old one showed what was wrong."""
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                tables = ", ".join(m._meta.db_table for m in self.sources)
                cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
            rows = sorted(self.derivation())
            cursor.execute(f"DELETE FROM {self.model._meta.db_table}")
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.columns, row, strict=True))) for row in rows],
                batch_size=1000,
            )
            # The data version's table and its meaning: migration 0013, readouts/caching.
            now = "CURRENT_TIMESTAMP"
            if connection.vendor == "postgresql":
                now = "clock_timestamp() AT TIME ZONE 'UTC'"
            cursor.execute(
                f"UPDATE readouts_data_version SET version = version + 1, changed_at = {now}"
            )
        return len(rows)


MEETING_TOPICS = Derived(
    "meeting–topic",
    "the statements' topics and the topic tree",
    MeetingTopic,
    ("topic_id", "meeting_id", "month", "links"),
    _meeting_topics,
    (Statement.topics.through, Statement, Readout, Meeting, Topic),
)
MEETING_SIZES = Derived(
    "meeting size",
    "the attendances",
    MeetingSize,
    ("meeting_id", "participants"),
    _meeting_sizes,
    (Attendance, Meeting),
)
MEETING_COUNTRIES = Derived(
    "meeting–country",
    "the attendances and the participants' countries",
    MeetingCountry,
    ("country", "meeting_id", "participants"),
    _meeting_countries,
    (Attendance, Participant, Meeting),
)
TABLES = [MEETING_TOPICS, MEETING_SIZES, MEETING_COUNTRIES]
