"""What the site answers to a request it refuses before any view runs (handler400)."""

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from .admin_import import too_large


def _reason(exception: Exception | None) -> str:
    if isinstance(exception, RequestDataTooBig):
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return f"What was sent is larger than this site reads ({size}); nothing was done with it."
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return f"The form sent more fields than this site reads ({limit:,}); nothing was saved."
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return f"The form sent more files than this site reads ({limit:,}); nothing was saved."
    if isinstance(exception, MultiPartParserError):
        return "The form's data could not be read; nothing was saved."
    if isinstance(exception, DisallowedHost):
        return "The request names a host this site does not serve."
    return "The request could not be understood."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The import form for a paste too large to read, where it was pasted; else the reason.

    The plain page is rendered without the request: it may be what made the request bad.
    """
    if isinstance(exception, RequestDataTooBig):
        response = too_large(request)
        if response is not None:
            return response
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": _reason(exception)}))
