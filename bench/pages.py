"""Server time and query count of every list page, detail page and admin changelist.

Run by bench/run.py against a loaded database (DATABASE_URL); prints JSON.
Each URL is requested a few times to warm up, then timed; the time is the
server's (the Django test client calls the application directly, no network).
BENCH_ONLY=admin,search times only the pages whose names hold one of the words.
BENCH_FIRST=1 times each page's first request only, with nothing warmed up: run
after a restart of PostgreSQL with the operating system's cache dropped, it says
how a reader fares on a cold server.
"""

import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

# Set up as the server is (diplomacy/wsgi.py), garbage collector settings included.
importlib.import_module("diplomacy.wsgi")

from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import (
    close_old_connections,
    connection,
)
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readouts.models import Meeting, Participant, Topic

ADMIN_MODELS = [
    "meeting",
    "participant",
    "attendance",
    "publisher",
    "readout",
    "statement",
    "topic",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def topics() -> tuple[str, str, str]:
    """The slugs of the topics timed: a root, a subtopic (with subtopics of its own
    in the generated corpus) and a leaf."""
    first = Topic.objects.order_by("slug").values_list("slug", flat=True)
    return (
        first.filter(parent__isnull=True)[0],
        first.filter(parent__isnull=False)[0],
        first.filter(children__isnull=True)[0],
    )


def urls() -> list[tuple[str, str]]:
    busiest = (
        Participant.objects.order_by()
        .values("slug")
        .annotate(n=django.db.models.Count("attendances"))
        .order_by("-n")
        .first()["slug"]
    )
    # The 501st newest (or, in a small corpus, one halfway): not one a cache just read.
    position = min(500, Meeting.objects.count() // 2)
    meeting = Meeting.objects.order_by("-date").values_list("slug", flat=True)[position]
    root, subtopic, leaf = topics()
    country = Participant.objects.values_list("country", flat=True).filter(slug=busiest)[0]
    publisher = Meeting.objects.filter(slug=meeting).values_list(
        "readouts__publisher__slug", flat=True
    )[0]
    # The busiest participant's most frequent counterpart, and a country other than theirs.
    counterpart = (
        Participant.objects.filter(attendances__meeting__attendances__participant__slug=busiest)
        .exclude(slug=busiest)
        .values("slug", "country")
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    other = counterpart["country"] if counterpart["country"] != country else "US"
    pair = f"{country},{other}"
    pages = [
        ("home", "/"),
        ("meetings", "/meetings/"),
        ("meetings, page 200", "/meetings/?page=200"),
        ("meetings by date range", "/meetings/?date_after=2010-01-01&date_before=2012-12-31"),
        ("meetings by kind", "/meetings/?kind=visit"),
        ("meetings by country", f"/meetings/?country={country}"),
        ("meetings by participant", f"/meetings/?participant={busiest}"),
        ("meetings by topic", f"/meetings/?topic={root}"),
        ("meetings by publisher", f"/meetings/?publisher={publisher}"),
        ("meetings, sorted by participants", "/meetings/?ordering=-participants"),
        ("meetings, full-text search", "/meetings/?q=nuclear"),
        ("participants", "/participants/"),
        ("participants by country", f"/participants/?country={country}"),
        ("participants by name", "/participants/?q=energy"),
        ("participants by meetings", "/participants/?ordering=-meetings"),
        ("statements", "/statements/"),
        ("statements by speaker", f"/statements/?speaker={busiest}"),
        ("statements by country", f"/statements/?country={country}"),
        ("statements by topic", f"/statements/?topic={subtopic}"),
        ("statements by publisher", f"/statements/?publisher={publisher}"),
        ("statements by date range", "/statements/?date_after=2015-01-01&date_before=2015-12-31"),
        ("full-text search", "/statements/?q=nuclear"),
        ("full-text search, two words", "/statements/?q=climate+agriculture"),
        ("full-text search, rare word", "/statements/?q=counterterrorism+vaccine+tourism"),
        ("topics", "/topics/"),
        ("meeting detail", f"/meetings/{meeting}/"),
        ("participant detail (busiest)", f"/participants/{busiest}/"),
        ("topic detail (a root)", f"/topics/{root}/"),
        ("topic detail (a subtopic)", f"/topics/{subtopic}/"),
        ("topic detail (a leaf)", f"/topics/{leaf}/"),
        ("meeting detail, aligned by topic", f"/meetings/{meeting}/?align=topic"),
        ("pair of countries", f"/pairs/{country}/{other}/"),
        ("pair of participants", f"/pairs/{busiest}/{counterpart['slug']}/"),
        ("pair, each side on a topic", f"/pairs/{country}/{other}/?topic={root}"),
        (
            "one-sided contacts",
            f"/meetings/?pair={pair}&reported_by_country={country}&unreported_by_country={other}",
        ),
        ("statements in meetings with a country", f"/statements/?meeting_with={other}"),
        ("contacts known without a readout", "/unreported/"),
        ("feed: meetings", "/meetings/feed.atom"),
        ("feed: a speaker's statements", f"/statements/feed.atom?speaker={busiest}"),
        ("api: meetings", "/api/meetings/"),
        ("api: meetings with a participant", f"/api/meetings/?participant={busiest}"),
        ("api: statements on a topic", f"/api/statements/?topic={subtopic}"),
        ("api: a meeting", f"/api/meetings/{meeting}/"),
    ]
    pages += [(f"admin: {name}s", f"/admin/readouts/{name}/") for name in ADMIN_MODELS]
    return pages


def main() -> None:
    # One connection for the run, as with persistent connections (CONN_MAX_AGE) in production.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-only-password"
    )
    client = Client()
    client.force_login(user)  # signed in: every page rendered, none from the page cache
    results = []
    only = [part for part in os.environ.get("BENCH_ONLY", "").split(",") if part]
    # The addresses, worked out once and kept (BENCH_URLS names the file): working them
    # out reads the tables, which would warm a cold server before its first request.
    kept = Path(os.environ.get("BENCH_URLS", "")) if os.environ.get("BENCH_URLS") else None
    if kept and kept.exists():
        pages = [tuple(pair) for pair in json.loads(kept.read_text())]
    else:
        pages = urls()
        if kept:
            kept.write_text(json.dumps(pages))
    if os.environ.get("BENCH_FIRST"):
        for name, url in pages:
            started = time.perf_counter()
            response = client.get(url)
            first = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, url
            results.append({"page": name, "url": url, "first": first})
            print(f"{name:40} {first:7.1f} ms, first request", file=sys.stderr)
        print(json.dumps(results))
        return
    for name, url in pages:
        if only and not any(part in name for part in only):
            continue
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)  # now: each request empties the query log
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append(
            {
                "page": name,
                "url": url,
                "queries": queries,
                "p50": statistics.median(times),
                "p95": percentile(times, 95),
            }
        )
        print(
            f"{name:40} {results[-1]['p50']:7.1f} {results[-1]['p95']:7.1f} ms  {queries} queries",
            file=sys.stderr,
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
