"""Cursor pagination by keys (readouts.paginators.Keyset): `next` leads on from the
last row of a page, in the list's order, at the same cost on any page."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..paginators import BadCursor, Keyset

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "per_page"

    def page_size(self, request) -> int:
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return PAGE_SIZE
        # At most three digits read as a number: "9" * 5000 is no page size either.
        if not (given.isascii() and given.isdigit() and len(given) <= 3) or not (
            1 <= int(given) <= MAX_PAGE_SIZE
        ):
            raise ValidationError(
                {self.page_size_query_param: [f"a whole number from 1 to {MAX_PAGE_SIZE}"]}
            )
        return int(given)

    def paginate_queryset(self, queryset, request, view=None) -> list:
        size = self.page_size(request)
        keyset = Keyset(queryset)
        rows = keyset.queryset
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            try:
                rows = keyset.after(keyset.decode(cursor))
            except BadCursor as exc:
                raise ValidationError({self.cursor_query_param: [str(exc)]}) from exc
        page = list(rows[: size + 1])
        url = request.build_absolute_uri()
        self.next = None
        if len(page) > size:
            page = page[:size]
            self.next = replace_query_param(url, self.cursor_query_param, keyset.encode(page[-1]))
        self.first = remove_query_param(url, self.cursor_query_param) if cursor else None
        return page

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next, "first": self.first, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last."},
                "first": {**link, "description": "The first page; null on it."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: as given in the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
