"""Rows chosen by a long list of keys."""

from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet


class AmongKeys(Func):
    """`column = ANY(%s)` with the keys as one array parameter: a thousand keys as a
    thousand parameters (`column IN (...)`) took longer to write out than the query
    took to run, and so did preparing each key through an ArrayField."""

    output_field = BooleanField()

    def __init__(self, field: str, ids: list[int]) -> None:
        super().__init__(F(field))
        # One literal, '{1,2,3}': psycopg adapting a list of ints one by one took longer.
        self.ids = "{" + ",".join(str(int(pk)) for pk in ids) + "}"

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", (*params, self.ids)


def among(queryset: QuerySet, ids: list[int], field: str = "pk") -> QuerySet:
    """The rows of queryset whose field (their key unless named) is one of ids."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": list(ids)})
    return queryset.filter(AmongKeys(field, ids))
