"""Counts of related rows worked out for the rows a page shows."""

from django.db import connection
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import MeetingTopic

ESTIMATE_ABOVE = 100_000  # rows; below this an exact count is cheap


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of queryset point at each row listed, through field.

    A correlated count runs only for the page of rows shown, where a GROUP BY
    annotation would count for every row of the table first.
    """
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def count_up_to(queryset: QuerySet, limit: int, key: str = "pk") -> tuple[int, bool]:
    """How many rows match, counted no further than limit; and whether more match.

    Unordered, so that the database can stop at the first rows it finds, and keys
    only: a sliced count would otherwise work out every annotation (a search's
    highlights) for every row. With `key`, the distinct values of that field are
    counted instead.
    """
    keys = queryset.order_by().values(key)
    found = (keys if key == "pk" else keys.distinct())[: limit + 1].count()
    return min(found, limit), found > limit


def estimated_sizes(*models: type[Model]) -> dict[type[Model], int]:
    """The tables of these models that PostgreSQL estimates at over ESTIMATE_ABOVE
    rows, with that estimate (pg_class.reltuples, kept by ANALYZE and autovacuum),
    in one query; counting every row of a million-row table takes a while."""
    if connection.vendor != "postgresql":
        return {}
    tables = {model._meta.db_table: model for model in models}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE oid = ANY(%s::regclass[])",
            [list(tables)],
        )
        return {tables[name]: rows for name, rows in cursor.fetchall() if rows > ESTIMATE_ABOVE}


def meetings_per_topic() -> dict[int, int]:
    """How many meetings each topic has, its subtopics' included (as the topic filter
    counts them: a meeting on two subtopics counts once), in one query over the derived
    meeting-topic table, which has a row for each. Topics without meetings are left out."""
    rows = MeetingTopic.objects.order_by().values("topic_id").annotate(count=Count("*"))
    return {row["topic_id"]: row["count"] for row in rows}
