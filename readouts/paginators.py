"""Pagination that does not count every row of a big table to say how many there are,
and paging by keys (`Keyset`) that costs the same however deep it goes."""

import base64
import json

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, IntegerField, Q, QuerySet
from django.db.models.fields import AutoFieldMixin
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


class BadCursor(ValueError):
    """A cursor that is not one this list gave out (edited, or for another order)."""


class Keyset:
    """Paging by the values of the last row seen, not by counting rows to skip: the next
    page starts where the index of the list's order says that row is, so page 10,000
    of a million rows costs what page 1 costs (an OFFSET reads and drops every row
    before it).

    The order is the queryset's own (field names, "-" for descending), with the key
    added where it ends in no unique field, so that no two rows tie. Every field of it
    must be non-null."""

    UNIQUE = {"pk", "id", "slug"}

    def __init__(self, queryset: QuerySet) -> None:
        order = [name for name in queryset.query.order_by]
        if not order:
            order = list(queryset.model._meta.ordering)
        if not all(isinstance(name, str) for name in order):
            raise TypeError(f"keyset paging needs an order by field names, not {order!r}")
        if order[-1].lstrip("-") not in self.UNIQUE:
            order.append("pk")
        self.order = order
        self.names = [f"_key{i}" for i in range(len(order))]
        keys = {name: F(field.lstrip("-")) for name, field in zip(self.names, order, strict=True)}
        self.queryset = queryset.annotate(**keys).order_by(*order)

    def values(self, row) -> list:
        return [getattr(row, name) for name in self.names]

    def encode(self, row) -> str:
        values = [v.isoformat() if hasattr(v, "isoformat") else v for v in self.values(row)]
        text = json.dumps({"order": self.order, "after": values}, ensure_ascii=False)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list:
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            given = json.loads(text)
            order, after = given["order"], given["after"]
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            raise BadCursor("not a cursor this list gave out") from exc
        if order != self.order or not isinstance(after, list) or len(after) != len(order):
            raise BadCursor("a cursor of a list in another order")
        annotations = self.queryset.query.annotations
        fields = [annotations[name].output_field for name in self.names]
        for field, value in zip(fields, after, strict=True):
            if not self._of_type(field, value):
                raise BadCursor(f"a cursor whose value {value!r} is not one of its field's")
        try:
            values = [field.to_python(value) for field, value in zip(fields, after, strict=True)]
        except (ValidationError, TypeError, ValueError, OverflowError) as exc:
            raise BadCursor("not a cursor this list gave out") from exc
        if any(value is None for value in values):
            raise BadCursor("not a cursor this list gave out")
        return values

    # A key of a 64-bit integer column: a larger number would overflow the database's.
    INT_RANGE = range(-(2**63), 2**63)

    @classmethod
    def _of_type(cls, field, value) -> bool:
        """As encode() gives it: a whole number for an integer field (a key), a string for
        any other (dates and times as ISO 8601, slugs, text)."""
        if isinstance(field, IntegerField | AutoFieldMixin):
            return type(value) is int and value in cls.INT_RANGE
        return isinstance(value, str)

    def after(self, values: list) -> QuerySet:
        """The rows after the row with these values, in the list's order."""

        def beyond(i: int) -> str:
            return "lt" if self.order[i].startswith("-") else "gt"

        later = Q()
        for i in range(len(values)):
            equal = {self.names[j]: values[j] for j in range(i)}
            later |= Q(**equal, **{f"{self.names[i]}__{beyond(i)}": values[i]})
        # The first key's bound alone, as well: the database then starts reading its
        # index there, rather than from the top with the whole condition as a filter.
        first = {f"{self.names[0]}__{beyond(0)}e": values[0]}
        return self.queryset.filter(Q(**first), later)
