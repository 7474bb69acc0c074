"""Rows chosen by a long list of keys."""

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, F, Func, QuerySet, Value


class AmongKeys(Func):
    """`column = ANY(%s)` with the keys as one array: a thousand keys as a thousand
    parameters (`column IN (...)`) took longer to write out than the query took to run."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]) -> None:
        super().__init__(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField())))


def among(queryset: QuerySet, ids: list[int], field: str = "pk") -> QuerySet:
    """The rows of queryset whose field (their key unless named) is one of ids."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": list(ids)})
    return queryset.filter(AmongKeys(field, ids))
