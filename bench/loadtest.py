"""A bounded load test: readers on the public pages while an editor saves in the admin.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts python bench/loadtest.py

It makes its own database next to DATABASE_URL's (<name>_loadtest, dropped and
made again; or uses --database as it is), loads the founding readout and a
generated corpus (100,000 meetings by default, the benchmarks' large scale),
and runs two rounds against gunicorn on a free port of 127.0.0.1: the pages as
served (from the page cache, warmed first), then with the page cache off. In
each, for a fixed time (or until a fixed number of requests), reader threads
ask for list, detail and search pages as anonymous readers, while one editor
saves a meeting in the admin every few seconds and reads its public page right
after. Then it checks that no request got a 5xx, that every save the admin
accepted is in the database and its history, and that each was on the public
page at the next read, and writes the figures to docs/loadtest.md. Loopback
only; it stops by itself.
"""

import argparse
import html
import http.cookiejar
import os
import platform
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ROW_COUNTS = """
    SELECT (SELECT count(*) FROM readouts_attendance), (SELECT count(*) FROM readouts_readout),
           (SELECT count(*) FROM readouts_statement)
"""


class FormReader(HTMLParser):
    """The fields a browser would submit from one form of a page."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select, self._textarea, self._text = None, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file", "image"}:
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.fields


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.status = defaultdict(int)
        self.errors = []

    def add(self, page: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latency[page].append(seconds * 1000)
            self.status[status] += 1


def reader(
    base: str,
    urls: dict[str, list[str]],
    results: Results,
    stop: threading.Event,
    budget: threading.Semaphore,
    seed: int,
) -> None:
    rng = random.Random(seed)
    pages = sorted(urls)
    while not stop.is_set() and budget.acquire(blocking=False):
        page = rng.choice(pages)  # every kind of page as often as any other
        path = rng.choice(urls[page])
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception as exc:
            status = 0
            results.errors.append(f"{path}: {exc!r}")
        results.add(page, status, time.perf_counter() - started)


def editor(
    base: str,
    password: str,
    slugs_to_ids: dict[str, int],
    results: Results,
    stop: threading.Event,
    saves: list,
    every: float,
) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, fields: list[tuple[str, str]], label: str = "admin save"):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(base + path, data=data, headers={"Referer": base + path})
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=30) as response:
                body, status, final = response.read().decode(), response.status, response.url
        except urllib.error.HTTPError as exc:
            body, status, final = exc.read().decode(), exc.code, path
        results.add(label, status, time.perf_counter() - started)
        return status, final, body

    login = opener.open(base + "/admin/login/").read().decode()
    token = dict(form_fields(login, "login-form"))["csrfmiddlewaretoken"]
    status, final, _ = post(
        "/admin/login/?next=/admin/",
        [
            ("csrfmiddlewaretoken", token),
            ("username", "loadtest-editor"),
            ("password", password),
            ("next", "/admin/"),
        ],
        label="admin sign-in",
    )
    assert final.endswith("/admin/"), "the editor could not sign in"
    rng = random.Random(7)
    number = 0
    while not stop.is_set():
        slug = rng.choice(list(slugs_to_ids))
        path = f"/admin/readouts/meeting/{slugs_to_ids[slug]}/change/"
        started = time.perf_counter()
        page = opener.open(base + path).read().decode()
        results.add("admin change page", 200, time.perf_counter() - started)
        fields = [(k, v) for k, v in form_fields(page, "meeting_form") if k != "title"]
        number += 1
        title = f"Edited meeting {slug} (save {number})"
        status, final, _ = post(path, [*fields, ("title", title), ("_save", "Save")])
        accepted = status == 200 and final.endswith("/admin/readouts/meeting/")
        # The next read of the public page, as any reader would make it, shows the save.
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/meetings/{slug}/", timeout=30) as response:
            seen = html.escape(title) in response.read().decode()
        results.add("public page after a save", response.status, time.perf_counter() - started)
        saves.append((slug, title, accepted, seen))
        stop.wait(every)  # an editor's pace: a save every few seconds


def run_round(
    label: str,
    env: dict,
    urls: dict[str, list[str]],
    args,
    password: str,
    edited: dict[str, int],
    warm: bool,
) -> dict:
    """One round against gunicorn: readers and an editor for args.seconds."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "diplomacy.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        if warm:
            # Each worker keeps its own pages (the default cache is the process's memory):
            # every address a few times over, so that every worker has rendered it.
            print(f"Warming the page cache ({label})…", file=sys.stderr)
            for path in [p for paths in urls.values() for p in paths] * (args.workers * 2):
                urllib.request.urlopen(base + path, timeout=60).read()
        print(f"Readers and an editor, {args.seconds:.0f} s ({label})…", file=sys.stderr)
        results, stop, saves = Results(), threading.Event(), []
        budget = threading.Semaphore(args.max_requests)
        threads = [
            threading.Thread(target=reader, args=(base, urls, results, stop, budget, i))
            for i in range(args.readers)
        ]
        threads.append(
            threading.Thread(
                target=editor,
                args=(base, password, edited, results, stop, saves, args.save_every),
            )
        )
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        deadline = started + args.seconds
        while time.perf_counter() < deadline and any(t.is_alive() for t in threads[:-1]):
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    readers = {page: v for page, v in results.latency.items() if page in urls}
    read_count = sum(len(v) for v in readers.values())
    everything = [ms for v in readers.values() for ms in v]
    return {
        "label": label,
        "elapsed": elapsed,
        "results": results,
        "saves": saves,
        "reads_per_second": read_count / elapsed,
        "p95": percentile(everything, 95) if everything else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Bounded load test against gunicorn.")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--save-every", type=float, default=3, help="seconds between saves")
    parser.add_argument(
        "--database", help="a loaded database to use as it is, instead of making one"
    )
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "loadtest.md")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/readouts"
        )
    base_url, name = server_url.rsplit("/", 1)
    database = f"{name}_loadtest"
    database_url = args.database or f"{base_url}/{database}"
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "",
        "DJANGO_SUPERUSER_PASSWORD": password,
    }

    def manage(*command: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=PROJECT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    if not args.database:
        with psycopg.connect(f"{base_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        corpus = PROJECT / "bench" / "data" / f"corpus-{args.meetings}.json"
        if not corpus.exists():
            corpus.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [PYTHON, "bench/corpus.py", "--meetings", str(args.meetings), "-o", str(corpus)],
                cwd=PROJECT,
                check=True,
            )
        print("Preparing the database…", file=sys.stderr)
        manage("migrate", "--no-input", "-v0")
        manage("load_readouts", "fixtures/", str(corpus), "-v0")
        with psycopg.connect(database_url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")
    manage("collectstatic", "--no-input", "-v0")
    # The editor: made, or (a database used before, whose history and admin log name it)
    # given this run's password.
    manage(
        "shell",
        "-c",
        "import os; from django.contrib.auth.models import User; "
        "u, _ = User.objects.get_or_create(username='loadtest-editor'); "
        "u.is_staff = u.is_superuser = u.is_active = True; "
        "u.set_password(os.environ['DJANGO_SUPERUSER_PASSWORD']); u.save()",
    )

    with psycopg.connect(database_url) as db:
        meetings = db.execute(
            "SELECT slug, id FROM readouts_meeting ORDER BY random() LIMIT 50"
        ).fetchall()
        people = [
            r[0]
            for r in db.execute("SELECT slug FROM readouts_participant ORDER BY random() LIMIT 50")
        ]
        topics = [
            r[0] for r in db.execute("SELECT slug FROM readouts_topic ORDER BY random() LIMIT 20")
        ]
        countries = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT country FROM readouts_participant WHERE country <> '' LIMIT 20"
            )
        ]
        counts_before = db.execute(ROW_COUNTS).fetchone()
    edited = dict(meetings[:10])  # the editor's meetings; readers visit all of them
    urls = {
        "home": ["/"],
        "meetings list": ["/meetings/", "/meetings/?page=3"],
        "meetings list, filtered": [f"/meetings/?country={c}&kind=phone_call" for c in countries],
        "participants list": ["/participants/", "/participants/?ordering=-meetings"],
        "statements list": ["/statements/"],
        "topics list": ["/topics/"],
        "meeting detail": [f"/meetings/{slug}/" for slug, _ in meetings],
        "participant detail": [f"/participants/{slug}/" for slug in people],
        "topic detail": [f"/topics/{slug}/" for slug in topics],
        "full-text search": [
            f"/statements/?{urllib.parse.urlencode({'q': w})}"
            for w in ["security", "trade dialogue", "climate", "nuclear arms"]
        ],
    }

    rounds = [
        run_round("cached", env, urls, args, password, edited, warm=True),
        run_round(
            "uncached", {**env, "READOUTS_CACHE_URL": "off"}, urls, args, password, edited, False
        ),
    ]

    # Every save the admin accepted is in the database and its history, and was on the
    # public page at the next read; nothing else changed.
    saves = [save for r in rounds for save in r["saves"]]
    last = {}
    for slug, title, accepted, _ in saves:
        if accepted:
            last[slug] = title
    with psycopg.connect(database_url) as db:
        titles = dict(
            db.execute(
                "SELECT slug, title FROM readouts_meeting WHERE slug = ANY(%s)", [list(last)]
            ).fetchall()
        )
        history = {
            r[0]
            for r in db.execute(
                "SELECT title FROM audit_historicalmeeting WHERE title LIKE 'Edited meeting %%'"
            )
        }
        counts_after = db.execute(ROW_COUNTS).fetchone()
    lost = [title for slug, title, accepted, _ in saves if accepted and title not in history]
    unseen = [title for slug, title, accepted, seen in saves if accepted and not seen]
    wrong = [slug for slug, title in last.items() if titles.get(slug) != title]
    refused = sum(1 for *_, accepted, _ in saves if not accepted)
    errors = [e for r in rounds for e in r["results"].errors]
    server_errors = sum(
        n
        for r in rounds
        for status, n in r["results"].status.items()
        if status >= 500 or status == 0
    )
    cached, uncached = rounds

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "# Load test",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL, gunicorn with "
        f"{args.workers} sync workers on 127.0.0.1, {args.readers} reader threads (anonymous "
        f"readers, on the same machine) and one editor saving every {args.save_every:.0f} s, "
        f"{args.seconds:.0f} s per round, {args.meetings:,} generated meetings plus the "
        "demo data.",
        "",
        "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts make loadtest",
        "",
        f"- as served, from the page cache (warmed first): **{cached['reads_per_second']:.0f} "
        f"reads/s**, p95 **{cached['p95']:.0f} ms** (target ≥ 300 reads/s with p95 ≤ 100 ms: "
        f"{mark(cached['reads_per_second'] >= 300 and cached['p95'] <= 100)})",
        f"- with the page cache off: **{uncached['reads_per_second']:.0f} reads/s**, p95 "
        f"{uncached['p95']:.0f} ms (target ≥ 1.5 × 47 = 70 reads/s: "
        f"{mark(uncached['reads_per_second'] >= 70.5)})",
        f"- server errors (5xx or no answer): **{server_errors}**",
        f"- admin saves accepted: {len(saves) - refused:,}; refused: {refused}; "
        f"lost (accepted but not in the history): **{len(lost)}**; not on the public page "
        f"at the next read: **{len(unseen)}**; final titles not the last accepted save: "
        f"**{len(wrong)}**",
        f"- rows of attendances, readouts and statements before and after: {counts_before} → "
        f"{counts_after} ({'unchanged' if counts_before == counts_after else 'CHANGED'})",
    ]
    for r in rounds:
        results = r["results"]
        total = sum(results.status.values())
        lines += [
            "",
            f"## {r['label'].capitalize()}",
            "",
            f"{total:,} requests in {r['elapsed']:.0f} s; status counts: "
            + ", ".join(f"{code}: {n:,}" for code, n in sorted(results.status.items())),
            "",
            "| page | requests | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for page, values in sorted(results.latency.items()):
            lines.append(
                f"| {page} | {len(values):,} | {statistics.median(values):.0f} | "
                f"{percentile(values, 95):.0f} | {percentile(values, 99):.0f} | "
                f"{max(values):.0f} |"
            )
    report = "\n".join(lines) + "\n"
    args.output.write_text(report, encoding="utf-8")
    print(report)
    if not args.database:
        with psycopg.connect(f"{base_url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    failed = server_errors or lost or unseen or wrong or counts_before != counts_after or errors
    if failed:
        print("\n".join(errors[:20]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
