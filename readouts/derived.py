"""The derived tables: their derivations, a check and a rebuild.

Two tables hold what could be worked out from the curated records, so that pages
need not work it out on every request: which meetings have a statement on which
topic, by month (MeetingTopic, migration 0012), and how many take part in each
meeting (MeetingSize, migration 0020). Database triggers keep them current; this
module says what each must hold, so that a test and `manage.py derived_tables` can
compare, and remakes one from its derivation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import TruncMonth

from .models import Meeting, MeetingSize, MeetingTopic, Statement


def _meeting_topics() -> set[tuple]:
    """(topic, meeting, month, links), from the statements' topic links."""
    links = Statement.topics.through.objects.values(
        "topic_id",
        meeting=F("statement__readout__meeting_id"),
        month=TruncMonth("statement__readout__meeting__date", output_field=DateField()),
    )
    rows = links.annotate(links=Count("pk")).values_list("topic_id", "meeting", "month", "links")
    return set(rows)


def _meeting_sizes() -> set[tuple]:
    """(meeting, participants), from the attendances; 0 for a meeting with none."""
    sizes = Meeting.objects.order_by().annotate(attending=Count("attendances"))
    return set(sizes.values_list("pk", "attending"))


@dataclass(frozen=True)
class Derived:
    name: str  # as a message says it
    source: str  # what it is derived from, as a message says it
    model: type[models.Model]
    columns: tuple[str, ...]  # the row's values, in the derivation's order
    derivation: Callable[[], set[tuple]]

    def stored(self) -> set[tuple]:
        return set(self.model.objects.values_list(*self.columns))

    def differences(self) -> tuple[set[tuple], set[tuple]]:
        """Rows missing from the table, and rows it holds that it should not."""
        want, have = self.derivation(), self.stored()
        return want - have, have - want

    def rebuild(self) -> int:
        """Remake the table from the derivation, in one transaction; return its rows."""
        rows = sorted(self.derivation())
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {self.model._meta.db_table}")
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.columns, row, strict=True))) for row in rows],
                batch_size=1000,
            )
        return len(rows)


MEETING_TOPICS = Derived(
    "meeting–topic",
    "the statements' topics",
    MeetingTopic,
    ("topic_id", "meeting_id", "month", "links"),
    _meeting_topics,
)
MEETING_SIZES = Derived(
    "meeting size",
    "the attendances",
    MeetingSize,
    ("meeting_id", "participants"),
    _meeting_sizes,
)
TABLES = [MEETING_TOPICS, MEETING_SIZES]
