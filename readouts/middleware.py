"""Answers every response shares: a content security policy, and a clear page
instead of an error when the database is too busy to take a write."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

# SQLSTATEs of a write that lost a race with another one and may simply be tried again:
# serialization failure, deadlock detected, lock not available (lock_timeout), and a
# unique key taken since the form checked it was free (by a load committing, say).
RETRYABLE = {"40001", "40P01", "55P03", "23505"}


def lost_a_race(error: Exception) -> bool:
    """Whether a database error says another writer got there first."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE:
        return True
    # SQLite has one writer at a time, and gives up waiting for it after a while.
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, for throttling sign-ins (see AXES_ settings).

    Behind the proxy of DJANGO_BEHIND_PROXY every request comes from the proxy: the
    client is the last address the proxy added to X-Forwarded-For (those before it are
    what the client itself sent, and could be anything)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


class ContentSecurityPolicy:
    """Sends CONTENT_SECURITY_POLICY with every response: scripts, styles and the rest
    from this site only, so an injected script would not run. (Django 6 has this built
    in; Django 5.2, the LTS release, does not.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class BusyDatabase:
    """A write that lost a race with another (a deadlock, a lock held too long) gets a
    page saying nothing was saved and to try again, not a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not lost_a_race(exception):
            return None
        logger.warning("A write lost a race and was not saved: %s", exception)
        response = TemplateResponse(request, "readouts/busy.html", status=503)
        response["Retry-After"] = "5"
        return response.render()
