"""Counts of related rows worked out for the rows a page shows."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


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


def count_up_to(queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows match, counted no further than limit; and whether more match.

    Unordered, so that the database can stop at the first rows it finds, and keys
    only: a sliced count would otherwise work out every annotation (a search's
    highlights) for every row.
    """
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return min(found, limit), found > limit
