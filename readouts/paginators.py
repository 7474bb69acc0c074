"""Pagination that does not count every row of a big table to say how many there are."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 100_000  # rows; below this an exact count is cheap


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered list of a big table takes its size from the planner's
    statistics (pg_class.reltuples) instead of counting every row; `estimated` says so."""

    estimated = False

    def __init__(self, *args, known_count: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if known_count is not None:  # counted already, e.g. by a chart of the same rows
            self.count = known_count

    @cached_property
    def count(self) -> int:
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [self.object_list.model._meta.db_table],
                )
                estimate = cursor.fetchone()[0]
            if estimate > ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        return super().count
