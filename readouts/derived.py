"""The derived meeting-topic table (MeetingTopic): its derivation, a check and a rebuild.

The table is kept current by database triggers (migration 0012); this module says
what it must hold, so that a test and `manage.py meeting_topics` can compare.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, DateField, F
from django.db.models.functions import TruncMonth

from .models import MeetingTopic, Statement

Row = tuple[int, int, date, int]  # topic, meeting, month, links


def derivation() -> set[Row]:
    """The rows the table must hold, worked out from the statements' topic links."""
    links = Statement.topics.through.objects.values(
        "topic_id",
        meeting=F("statement__readout__meeting_id"),
        month=TruncMonth("statement__readout__meeting__date", output_field=DateField()),
    )
    rows = links.annotate(links=Count("pk")).values_list("topic_id", "meeting", "month", "links")
    return set(rows)


def stored() -> set[Row]:
    return set(MeetingTopic.objects.values_list("topic_id", "meeting_id", "month", "links"))


def differences() -> tuple[set[Row], set[Row]]:
    """Rows missing from the table, and rows it holds that it should not."""
    want, have = derivation(), stored()
    return want - have, have - want


def rebuild() -> int:
    """Remake the table from the derivation, in one transaction; return its rows."""
    rows = sorted(derivation())
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MeetingTopic._meta.db_table}")
        MeetingTopic.objects.bulk_create(
            [MeetingTopic(topic_id=t, meeting_id=m, month=mo, links=n) for t, m, mo, n in rows],
            batch_size=1000,
        )
    return len(rows)
