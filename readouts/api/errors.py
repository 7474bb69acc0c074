"""The API's 404s as JSON, as its other answers: a record that is not there (the views'
Http404) and an address under /api/ that no view answers (Django's handler404)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler

PREFIX = "/api/"


def api_exception_handler(exc: Exception, context: dict):
    # DRF says which model had no match ("No Readout matches the given query."); an
    # address that leads nowhere is only not found, whatever it looked for.
    if isinstance(exc, Http404):
        exc = NotFound()
    return exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith(PREFIX):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return page_not_found(request, exception)
