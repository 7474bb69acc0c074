"""Pagination that does not count every row of a big table to say how many there are."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from .counting import count_up_to

ESTIMATE_ABOVE = 100_000  # rows; below this an exact count is cheap


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered list of a big table takes its size from the planner's
    statistics (pg_class.reltuples) instead of counting every row; `estimated` says so.

    With `count_limit`, a filtered list counts its rows only that far: when more match,
    `capped` says so, and the pages go as far as that many rows.
    """

    estimated = False
    capped = False

    def __init__(
        self, *args, known_count: int | None = None, count_limit: int | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.count_limit = count_limit
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
        if self.count_limit is None:
            return super().count
        count, self.capped = count_up_to(self.object_list, self.count_limit)
        return count
