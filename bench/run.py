"""`make bench`: the loader, the exporter and the pages at scale, side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts python bench/run.py

On PostgreSQL (DATABASE_URL names the server; the benchmark makes and drops its
own databases next to it), with generated corpora (bench/corpus.py):

- loading: load_readouts against Django's loaddata on the same data as a flat
  fixture, and against a COPY ceiling (psycopg COPY of the same rows, prepared in
  memory beforehand, into the same tables);
- exporting: export_readouts (time and peak memory) at two scales, against
  dumpdata --natural-foreign --natural-primary;
- pages: p50/p95 server time and query count of every list page, detail page and
  admin changelist at both scales, and how each grows from one to the other;
- a cold server: the first request to each page after PostgreSQL restarts with the
  operating system's cache dropped (as root; skipped, with the reason, otherwise).

Readers under load, cached and not, are `make loadtest` (bench/loadtest.py).

The table goes to stdout and docs/benchmarks.md.
"""

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))

import corpus as generator  # noqa: E402

PYTHON = sys.executable
DATA = PROJECT / "bench" / "data"
CURATED_TABLES = [
    "readouts_topic",
    "readouts_publisher",
    "readouts_participant",
    "readouts_meeting",
    "readouts_attendance",
    "readouts_readout",
    "readouts_statement",
    "readouts_statement_topics",
]


class Bench:
    def __init__(self, server_url: str) -> None:
        self.base, name = server_url.rsplit("/", 1)
        self.prefix = f"{name}_bench"
        self.env = {
            **os.environ,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_HTTPS": "0",
            "DJANGO_DEBUG": "",
        }
        self.template = None

    def admin(self):
        return psycopg.connect(f"{self.base}/postgres", autocommit=True)

    def fresh(self, label: str) -> str:
        """A new migrated database, cloned from a template migrated once."""
        name = f"{self.prefix}_{label}"
        with self.admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if self.template is None:
                self.template = f"{self.prefix}_template"
                admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.template}"')
                self.run(f"{self.base}/{self.template}", "migrate", "--no-input", "-v0")
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return f"{self.base}/{name}"

    def drop_all(self) -> None:
        with self.admin() as admin:
            names = [
                r[0]
                for r in admin.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [self.prefix + "%"]
                )
            ]
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def run(self, url: str, *args: str, stdout=subprocess.DEVNULL) -> tuple[float, int]:
        """Run manage.py; return wall seconds and the process's peak memory in MiB.

        The peak is the kernel's high-water mark of the process's own memory (VmHWM),
        read while it runs: the rusage of a child forked from this large process
        would count this process's memory too.
        """
        started = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "manage.py", *args],
            cwd=PROJECT,
            stdout=stdout,
            env={**self.env, "DATABASE_URL": url},
        )
        peak = 0
        status_file = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status_file.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed ({process.returncode})")
        return seconds, peak // 1024


def rows_in(url: str) -> int:
    with psycopg.connect(url) as db:
        return sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CURATED_TABLES)


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def copy_rows(corpus: dict) -> dict[str, tuple[list[str], list[tuple]]]:
    """The corpus as the rows of each table, ids assigned, ready for COPY."""
    tables = {t: [] for t in CURATED_TABLES}
    ids = {}

    def new_id(table: str, key) -> int:
        ids[(table, key)] = len(ids) + 1
        return ids[(table, key)]

    for t in sorted(corpus["topics"], key=lambda t: t["parent"] is not None):
        tables["readouts_topic"].append(
            (new_id("topic", t["slug"]), t["slug"], t["name"], None, t["description"], 1, t)
        )
    for row in tables["readouts_topic"]:
        topic = row[-1]
        parent = ids[("topic", topic["parent"])] if topic["parent"] else None
        row_index = tables["readouts_topic"].index(row)
        phrases = "\n".join(topic.get("phrases", []))
        tables["readouts_topic"][row_index] = (*row[:3], parent, row[4], phrases, "", 1)
    for doc in corpus["documents"]:
        m = doc["meeting"]
        meeting_id = new_id("meeting", m["slug"])
        tables["readouts_meeting"].append(
            (
                meeting_id,
                m["slug"],
                date.fromisoformat(m["date"]),
                None,
                m["kind"],
                m["title"],
                m["location"],
                1,
            )
        )
        for order, p in enumerate(doc["participants"]):
            if ("participant", p["slug"]) not in ids:
                tables["readouts_participant"].append(
                    (
                        new_id("participant", p["slug"]),
                        p["slug"],
                        p["name"],
                        p["country"],
                        p["organization"],
                        "\n".join(p["aliases"]),
                        "",
                        1,
                        "",
                        "[]",
                    )
                )
            tables["readouts_attendance"].append(
                (
                    len(tables["readouts_attendance"]) + 1,
                    meeting_id,
                    ids[("participant", p["slug"])],
                    p["title"],
                    order,
                    1,
                )
            )
        for r in doc["readouts"]:
            pub = r["publisher"]
            if ("publisher", pub["slug"]) not in ids:
                tables["readouts_publisher"].append(
                    (
                        new_id("publisher", pub["slug"]),
                        pub["slug"],
                        pub["name"],
                        pub["country"],
                        pub["website"],
                        "\n".join(pub.get("hosts", [])),
                        pub.get("time_zone", ""),
                        1,
                        "",  # no Wikidata ID
                        "[]",  # nor other identifiers
                    )
                )
            readout_id = len(tables["readouts_readout"]) + 1
            published = datetime.fromisoformat(r["published_at"])
            tables["readouts_readout"].append(
                (
                    readout_id,
                    meeting_id,
                    ids[("publisher", pub["slug"])],
                    r["language"],
                    r["title"],
                    published,
                    published.utcoffset() // timedelta(minutes=1),
                    r["url"],
                    r["body"],
                    1,
                )
            )
            for s in r["statements"]:
                statement_id = len(tables["readouts_statement"]) + 1
                speaker = ids[("participant", s["speaker"])] if s["speaker"] else None
                tables["readouts_statement"].append(
                    (statement_id, readout_id, s["sequence"], speaker, s["text"], 1)
                )
                for slug in s["topics"]:
                    tables["readouts_statement_topics"].append(
                        (
                            len(tables["readouts_statement_topics"]) + 1,
                            statement_id,
                            ids[("topic", slug)],
                        )
                    )
    columns = {
        "readouts_topic": [
            "id",
            "slug",
            "name",
            "parent_id",
            "description",
            "phrases",
            "former_slugs",
            "version",
        ],
        "readouts_publisher": [
            "id",
            "slug",
            "name",
            "country",
            "website",
            "hosts",
            "time_zone",
            "version",
            "wikidata",
            "identifiers",
        ],
        "readouts_participant": [
            "id",
            "slug",
            "name",
            "country",
            "organization",
            "aliases",
            "former_slugs",
            "version",
            "wikidata",
            "identifiers",
        ],
        "readouts_meeting": [
            "id",
            "slug",
            "date",
            "end_date",
            "kind",
            "title",
            "location",
            "version",
        ],
        "readouts_attendance": ["id", "meeting_id", "participant_id", "title", "order", "version"],
        "readouts_readout": [
            "id",
            "meeting_id",
            "publisher_id",
            "language",
            "title",
            "published_at",
            "published_offset",
            "url",
            "body",
            "version",
        ],
        "readouts_statement": ["id", "readout_id", "sequence", "speaker_id", "text", "version"],
        "readouts_statement_topics": ["id", "statement_id", "topic_id"],
    }
    return {t: (columns[t], rows) for t, rows in tables.items()}


def json_of(bench: Bench, url: str, script: str):
    """What a script run against the database at url prints as JSON."""
    result = subprocess.run(
        [PYTHON, script],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
        env={**bench.env, "DATABASE_URL": url},
        check=True,
    )
    return json.loads(result.stdout)


def copy_ceiling(url: str, prepared: dict) -> float:
    started = time.perf_counter()
    with psycopg.connect(url) as db, db.cursor() as cursor:
        for table, (columns, rows) in prepared.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return time.perf_counter() - started


def cold_start(bench: Bench, url: str) -> dict:
    """The first request to each page after PostgreSQL restarts with the operating
    system's cache dropped: nothing of the database is in memory."""
    addresses = DATA / "pages.json"
    addresses.unlink(missing_ok=True)
    env = {**bench.env, "DATABASE_URL": url, "BENCH_URLS": str(addresses)}
    subprocess.run(  # the addresses, worked out while the server is warm
        [PYTHON, "bench/pages.py"],
        cwd=PROJECT,
        env={**env, "BENCH_ONLY": "(none: the addresses only)"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        return {"skipped": "no local PostgreSQL cluster to restart (/etc/postgresql)"}
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main"]
    try:
        subprocess.run([*cluster, "stop"], check=True)
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except (OSError, subprocess.CalledProcessError) as exc:
        return {"skipped": f"cannot restart PostgreSQL or drop the caches here: {exc}"}
    finally:
        subprocess.run([*cluster, "start"], check=False)
    result = subprocess.run(
        [PYTHON, "bench/pages.py"],
        cwd=PROJECT,
        env={**env, "BENCH_FIRST": "1"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return {"pages": json.loads(result.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks at scale, on PostgreSQL.")
    parser.add_argument("--small", type=int, default=10_000, help="meetings, default scale")
    parser.add_argument("--large", type=int, default=100_000, help="meetings, large scale")
    parser.add_argument("--output", type=Path, default=PROJECT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--no-cold",
        dest="cold",
        action="store_false",
        help="skip the cold server (it restarts the local PostgreSQL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server, e.g. "
            "postgres://postgres@127.0.0.1:5432/readouts"
        )
    bench = Bench(server_url)
    DATA.mkdir(parents=True, exist_ok=True)
    report = {}

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        # The corpora, generated once per scale and seed.
        paths = {}
        for scale in (args.small, args.large):
            documents = DATA / f"corpus-{scale}.json"
            if not documents.exists():
                say(f"Generating {scale:,} meetings…")
                generator.main(["--meetings", str(scale), "-o", str(documents)])
            paths[scale] = documents
        fixture = DATA / f"corpus-{args.small}-django.json"
        if not fixture.exists():
            generator.main(
                ["--meetings", str(args.small), "--format", "django", "-o", str(fixture)]
            )

        # Loading, three ways, the same data; the loader and COPY three times each, in
        # turns, each on a new database: one pair can be off by the machine's noise.
        prepared = copy_rows(json.loads(paths[args.small].read_text(encoding="utf-8")))
        report["load"] = {"pairs": []}
        for turn in range(3):
            say(f"Loading with load_readouts and with COPY ({turn + 1} of 3)…")
            url = bench.fresh("loader")
            seconds, memory = bench.run(url, "load_readouts", str(paths[args.small]), "-v0")
            rows = rows_in(url)
            copy_url = bench.fresh("copy")
            copied = copy_ceiling(copy_url, prepared)
            assert rows_in(copy_url) == rows
            report["load"]["pairs"].append({"load_readouts": seconds, "copy": copied})
            report["load"].update(rows=rows, load_memory=memory)
        del prepared
        report["load"]["load_readouts"] = min(p["load_readouts"] for p in report["load"]["pairs"])
        report["load"]["copy"] = min(p["copy"] for p in report["load"]["pairs"])
        say("Loading with loaddata…")
        url = bench.fresh("loaddata")
        seconds, _ = bench.run(url, "loaddata", str(fixture), "-v0")
        assert rows_in(url) == rows
        report["load"]["loaddata"] = seconds

        # Exporting, at both scales; dumpdata at the small one. The planner's statistics
        # are brought up to date first, as autovacuum would soon after a big load.
        say("Exporting…")
        loader_url = f"{bench.base}/{bench.prefix}_loader"
        analyze(loader_url)
        report["export"] = {}
        out = DATA / "export.json"
        seconds, memory = bench.run(loader_url, "export_readouts", "-o", str(out))
        report["export"][args.small] = {"seconds": seconds, "memory": memory, "rows": rows}
        seconds, memory = bench.run(
            loader_url,
            "dumpdata",
            "readouts",
            "--natural-foreign",
            "--natural-primary",
            "-o",
            str(DATA / "dumpdata.json"),
        )
        report["export"]["dumpdata"] = {"seconds": seconds, "memory": memory, "rows": rows}
        say(f"Loading {args.large:,} meetings…")
        large = bench.fresh("large")
        seconds, memory = bench.run(large, "load_readouts", str(paths[args.large]), "-v0")
        large_rows = rows_in(large)
        analyze(large)
        report["load_large"] = {"rows": large_rows, "seconds": seconds, "memory": memory}
        seconds, memory = bench.run(large, "export_readouts", "-o", str(out))
        report["export"][args.large] = {"seconds": seconds, "memory": memory, "rows": large_rows}
        out.unlink()

        # The pages, at both scales, as production serves them (static files collected).
        say("Timing the pages…")
        bench.run(large, "collectstatic", "--no-input", "-v0")
        with psycopg.connect(large, autocommit=True) as db:
            report["statements"] = db.execute("SELECT count(*) FROM readouts_statement").fetchone()[
                0
            ]
        report["pages"] = json_of(bench, large, "bench/pages.py")
        report["pages_small"] = json_of(bench, loader_url, "bench/pages.py")
        say("A cold server…")
        report["cold"] = cold_start(bench, large) if args.cold else {"skipped": "--no-cold"}
    finally:
        if not args.keep:
            bench.drop_all()

    text = render(report, args)
    args.output.write_text(text, encoding="utf-8")
    print(text)


def render(report: dict, args) -> str:
    load, export, big = report["load"], report["export"], report["load_large"]
    rows = load["rows"]
    loader_rate = rows / load["load_readouts"]
    loaddata_rate = rows / load["loaddata"]
    copy_rate = rows / load["copy"]
    dump = export["dumpdata"]
    exporter_rate = rows / export[args.small]["seconds"]
    dump_rate = rows / dump["seconds"]
    small_memory, large_memory = export[args.small]["memory"], export[args.large]["memory"]
    memory_growth = (large_memory - small_memory) / small_memory * 100
    pages = report["pages"]
    small_pages = {p["page"]: p for p in report["pages_small"]}
    lists = [p for p in pages if "search" not in p["page"]]
    searches = [p for p in pages if "search" in p["page"]]
    shares = [pair["copy"] / pair["load_readouts"] for pair in load["pairs"]]

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on this machine: {os.cpu_count()} "
        f"cores, {platform.machine()}, Python {platform.python_version()}, PostgreSQL "
        f"(local, default settings), all in one run of",
        "",
        "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts make bench",
        "",
        f"Data: bench/corpus.py, {args.small:,} meetings ({rows:,} rows in the curated tables) "
        f"and {args.large:,} meetings ({report['load_large']['rows']:,} rows, "
        f"{report['statements']:,} statements).",
        "",
        "## Loading",
        "",
        "The loader and a COPY of the same rows ran three times each, in turns, each on a new "
        "database (the table gives the fastest of each); `loaddata` once.",
        "",
        "| method | seconds | rows/s | ratio |",
        "|---|---:|---:|---:|",
        f"| `load_readouts` (validates everything, keeps history) | {load['load_readouts']:.1f} | "
        f"{loader_rate:,.0f} | 1 |",
        f"| `loaddata` on the same data as a flat fixture | {load['loaddata']:.1f} | "
        f"{loaddata_rate:,.0f} | {loaddata_rate / loader_rate:.3f} |",
        f"| COPY of the same rows, prepared in memory | {load['copy']:.1f} | {copy_rate:,.0f} | "
        f"{copy_rate / loader_rate:.2f} |",
        "",
        f"- loader / loaddata: **{loader_rate / loaddata_rate:.1f}×** (target 25×: "
        f"{mark(loader_rate >= 25 * loaddata_rate)})",
        "- loader / COPY ceiling, each pair: "
        + ", ".join(
            f"{share:.2f} ({pair['load_readouts']:.1f} s against {pair['copy']:.1f} s)"
            for share, pair in zip(shares, load["pairs"], strict=True)
        )
        + f" (target 0.5 in every pair: {mark(min(shares) >= 0.5)})",
        f"- the large corpus: {big['rows']:,} rows in {big['seconds']:.0f} s "
        f"({big['rows'] / big['seconds']:,.0f} rows/s), peak memory {big['memory']:,} MiB",
        "",
        "## Exporting",
        "",
        "| method | meetings | seconds | rows/s | peak memory MiB |",
        "|---|---:|---:|---:|---:|",
        f"| `export_readouts` | {args.small:,} | {export[args.small]['seconds']:.1f} | "
        f"{exporter_rate:,.0f} | {small_memory:,} |",
        f"| `export_readouts` | {args.large:,} | {export[args.large]['seconds']:.1f} | "
        f"{export[args.large]['rows'] / export[args.large]['seconds']:,.0f} | {large_memory:,} |",
        f"| `dumpdata --natural-foreign --natural-primary` | {args.small:,} | "
        f"{dump['seconds']:.1f} | {dump_rate:,.0f} | {dump['memory']:,} |",
        "",
        f"- exporter / dumpdata: **{exporter_rate / dump_rate:.1f}×** (target 20×: "
        f"{mark(exporter_rate >= 20 * dump_rate)})",
        f"- peak memory from {args.small:,} to {args.large:,} meetings: "
        f"**{memory_growth:+.0f}%** (target within 20%: {mark(abs(memory_growth) <= 20)})",
        "",
        f"## Pages at {report['statements']:,} statements",
        "",
        "Server time over 20 requests after two to warm up, signed in as a superuser (so "
        "rendered every time, never from the page cache; the session and user lookups are "
        "two of the queries). Growth is the p95 at "
        f"{args.large:,} meetings over the p95 at {args.small:,} (target at most 2×).",
        "",
        f"| page | p50 ms | p95 ms | queries | target | p95 ms at {args.small:,} | growth |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for p in pages:
        target = 100 if "search" in p["page"] else 150
        small = small_pages.get(p["page"])
        growth = p["p95"] / small["p95"] if small else float("nan")
        lines.append(
            f"| {p['page']} | {p['p50']:.0f} | {p['p95']:.0f} | {p['queries']} | "
            f"≤ {target} ms: {mark(p['p95'] <= target)} | "
            f"{small['p95'] if small else float('nan'):.0f} | {growth:.1f}× |"
        )
    slow = [p["page"] for p in lists if p["p95"] > 150] + [
        p["page"] for p in searches if p["p95"] > 100
    ]
    grown = [
        p["page"]
        for p in pages
        if p["page"] in small_pages and p["p95"] > 2 * small_pages[p["page"]]["p95"]
    ]
    lines += [
        "",
        f"Pages over their target: {'; '.join(slow) if slow else 'none'}. "
        f"Pages whose p95 grew more than 2×: {'; '.join(grown) if grown else 'none'}.",
        "",
        "## Commands as the data grows",
        "",
        f"From {args.small:,} to {args.large:,} meetings ({args.large / args.small:.0f}× the "
        "data):",
        "",
        "| command | seconds | seconds at the large scale | growth |",
        "|---|---:|---:|---:|",
        f"| `load_readouts` | {load['load_readouts']:.1f} | {big['seconds']:.1f} | "
        f"{big['seconds'] / load['load_readouts']:.1f}× |",
        f"| `export_readouts` | {export[args.small]['seconds']:.1f} | "
        f"{export[args.large]['seconds']:.1f} | "
        f"{export[args.large]['seconds'] / export[args.small]['seconds']:.1f}× |",
        "",
        "## A cold server",
        "",
    ]
    cold = report["cold"]
    if "skipped" in cold:
        lines.append(f"Not measured: {cold['skipped']}.")
    else:
        slowest = max(cold["pages"], key=lambda p: p["first"])
        lines += [
            "The first request to each page after PostgreSQL restarted with the operating "
            "system's cache dropped (nothing of the database in memory), at the large scale, "
            f"in the order of the table above. Slowest: {slowest['page']}, "
            f"{slowest['first']:.0f} ms (target under 1 s: {mark(slowest['first'] < 1000)}).",
            "",
            "| page | first request ms |",
            "|---|---:|",
            *(f"| {p['page']} | {p['first']:.0f} |" for p in cold["pages"]),
        ]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
