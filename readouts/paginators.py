"""Pagination that does not count every row of a big table to say how many there are."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .counting import count_up_to, estimated_sizes


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
        model = self.object_list.model
        if not self.object_list.query.where:
            estimate = estimated_sizes(model).get(model)
            if estimate is not None:
                self.estimated = True
                return estimate
        if self.count_limit is None:
            return super().count
        count, self.capped = count_up_to(self.object_list, self.count_limit)
        return count
