"""The list pages' FilterSets, through django-filter's DRF backend, strict as the
downloads are: a parameter the list does not take, or a value it cannot use, answers
400 with what was wrong rather than a list of something else."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from ..exporting.selection import parameters
from .pagination import KeysetPagination

PAGING = {KeysetPagination.cursor_query_param, KeysetPagination.page_size_query_param}


class PageFilters(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        # Every match of a search, as the downloads give: the pages' newest-1,000 limit
        # keeps a page's cost fixed, and the cursor does that here.
        return {**super().get_filterset_kwargs(request, queryset, view), "every_match": True}

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        known = PAGING | (parameters(filterset.form) if filterset is not None else set())
        known.discard("page")  # the API pages by cursor
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "none"
            raise ValidationError(
                {name: [f"not a parameter of this list, which takes {takes}"] for name in unknown}
            )
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(
                {
                    name: [str(message) for message in messages]
                    for name, messages in filterset.errors.items()
                }
            )
        return filterset.qs
