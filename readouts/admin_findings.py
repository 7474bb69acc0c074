"""The admin's "Records to look at" page: the findings of readouts/findings.py."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .findings import audit

LISTED = 100  # findings listed of each kind; `manage.py audit_records` lists them all


def findings_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("readouts.view_meeting"):
        raise PermissionDenied
    results = audit(limit=LISTED)
    context = {
        **admin.site.each_context(request),
        "title": "Records to look at",
        "results": results,
        "total": sum(len(result.findings) for result in results),
        "listed": LISTED,
    }
    return TemplateResponse(request, "admin/readouts/findings.html", context)
