"""Public pages, cached by the data version and revalidated for nothing.

Every anonymous reader gets the same page for the same address until the data
changes, and every write moves the data version on at its commit (migration
0013). So a page is rendered once per version: later readers get it from the
cache (Django's cache framework: this process's memory by default, or a cache
shared by several web processes, such as Redis, through READOUTS_CACHE_URL), and a
reader who has it already gets 304 Not Modified (its ETag names the version).
Signed-in readers, the admin and anything that sets a cookie are never cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

T = TypeVar("T")
APP = Path(__file__).resolve().parent
LARGEST = 2_000_000  # bytes; a page is tens of kilobytes
NOT_CACHED = ("/admin/", "/static/")


def data_version() -> tuple[int, datetime]:
    """The version of the curated data, and when it last moved on (UTC)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, changed_at FROM readouts_data_version WHERE id = 1")
        version, changed = cursor.fetchone()
    if isinstance(changed, str):  # SQLite keeps it as text
        changed = datetime.fromisoformat(changed)
    return version, changed.replace(tzinfo=UTC)


def topics_version() -> int:
    """The version of the topics and of which meetings are on which topic: it moves on
    only with a write that can change a topic's meeting count (migration 0021)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT topics_version FROM readouts_data_version WHERE id = 1")
        return cursor.fetchone()[0]


def per_version(name: str, compute: Callable[[], T], version: int | None = None) -> T:
    """A value read off the whole of the data (every topic's meeting count), computed once
    per version and kept in the cache: a write moves the version on, so it is never read
    stale, and readers in between, signed in or not, do not pay for it again. The data
    version unless another is given: one that moves only with what the value reads."""
    if version is None:
        version, _ = data_version()
    key = f"readouts:{name}:{version}"
    store = caches["default"]
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value)
    return value


@cache
def build() -> tuple[str, datetime]:
    """What this code is: a digest of the app's templates, static files and modules (a
    new release renders other pages from the same data), and when it last changed."""
    digest, newest = hashlib.sha256(), 0.0
    for path in sorted(APP.rglob("*")):
        if path.is_file() and "migrations" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(APP).as_posix().encode())
            digest.update(path.read_bytes())
            newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest()[:16], datetime.fromtimestamp(int(newest), tz=UTC)


def cacheable(request: HttpRequest) -> bool:
    """A request any anonymous reader could have made: no session, no messages."""
    return (
        request.method in {"GET", "HEAD"}
        and not request.path.startswith(NOT_CACHED)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class PublicPageCache:
    """Serves anonymous readers from the cache; answers 304 when they have the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable(request):
            return self.get_response(request)
        version, changed = data_version()
        code, built = build()
        address = request.get_full_path()
        tag = hashlib.sha256(f"{code}:{version}:{address}".encode()).hexdigest()[:24]
        etag, last_modified = f'"{tag}"', int(max(changed, built).timestamp())
        # A reader who has this version of the page already: nothing to render or send.
        unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if unchanged is not None:
            self.label(unchanged, etag, last_modified)
            return unchanged
        store = caches["pages"]
        key = f"readouts:page:{tag}"
        cached = store.get(key)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for header, value in headers.items():
                response[header] = value
            return response
        response = self.get_response(request)
        if self.keep(response):
            self.label(response, etag, last_modified)
            store.set(key, (response.status_code, dict(response.items()), response.content))
        return response

    @staticmethod
    def keep(response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= LARGEST
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def label(response: HttpResponse, etag: str, last_modified: float) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        # Any cache may keep it, but must ask again each time (a cheap 304 when unchanged);
        # a reader with a session cookie may see other links, hence Vary.
        response["Cache-Control"] = "public, no-cache"
        patch_vary_headers(response, ["Cookie"])
