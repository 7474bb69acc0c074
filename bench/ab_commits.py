"""The loader and the exporter of two checkouts, on one machine and one corpus, in turns.

    python bench/ab_commits.py BEFORE_CHECKOUT AFTER_CHECKOUT CORPUS.json

Each checkout (a `git worktree add` of a commit) migrates its own template database on
the PostgreSQL server at 127.0.0.1; then, in turns, each loads CORPUS into a copy of
its template and exports it; AB_TURNS sets how many turns (three unless told), AB_EXPORTS
how many exports follow each load (one unless told). It says
whether the two checkouts' exports of the corpus are the same bytes (the line giving the
time of export left out). Used to check that the one-vocabulary refactor (issue 19)
left the loader and exporter as fast as they were: see docs/benchmarks.md.
"""

import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg

BASE = "postgres://postgres@127.0.0.1:5432"
PY = sys.executable
CORPUS = sys.argv[3]
VERSIONS = {f"before ({sys.argv[1]})": sys.argv[1], f"after ({sys.argv[2]})": sys.argv[2]}
env0 = {
    **os.environ,
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_HTTPS": "0",
    "DJANGO_DEBUG": "",
}


def admin():
    return psycopg.connect(f"{BASE}/postgres", autocommit=True)


def content_hash(path: str) -> str:
    """The export's SHA-256, its line giving the time of export left out."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for line in f:
            if b'"exported_at"' not in line:
                digest.update(line)
    return digest.hexdigest()


def manage(path, db, *args):
    t = time.perf_counter()
    subprocess.run(
        [PY, "manage.py", *args],
        cwd=path,
        env={**env0, "DATABASE_URL": f"{BASE}/{db}"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


templates = {}
for i, (name, path) in enumerate(VERSIONS.items()):
    t = f"ab_template_{i}"
    with admin() as a:
        a.execute(f'DROP DATABASE IF EXISTS "{t}" WITH (FORCE)')
        a.execute(f'CREATE DATABASE "{t}"')
    manage(path, t, "migrate", "--no-input", "-v0")
    templates[name] = t
results = {name: {"load": [], "export": [], "exports": set()} for name in VERSIONS}
TURNS = int(os.environ.get("AB_TURNS", "3"))
EXPORTS = int(os.environ.get("AB_EXPORTS", "1"))
for turn in range(TURNS):
    for name, path in VERSIONS.items():
        db = "ab_run"
        with admin() as a:
            a.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            a.execute(f'CREATE DATABASE "{db}" TEMPLATE "{templates[name]}"')
        load = manage(path, db, "load_readouts", CORPUS, "-v0")
        with psycopg.connect(f"{BASE}/{db}", autocommit=True) as c:
            c.execute("VACUUM ANALYZE")
        out = os.path.join(tempfile.gettempdir(), "ab_export.json")
        exports = []
        for _ in range(EXPORTS):
            exports.append(manage(path, db, "export_readouts", "-o", out))
            results[name]["exports"].add(content_hash(out))
        results[name]["load"].append(load)
        results[name]["export"] += exports
        took = ", ".join(f"{x:.1f}" for x in exports)
        print(f"turn {turn + 1} {name}: load {load:.1f} s, export {took} s", flush=True)
for name, r in results.items():
    for step in ("load", "export"):
        every = ", ".join(f"{x:.1f}" for x in r[step])
        median = statistics.median(r[step])
        print(f"{name}: {step} best {min(r[step]):.1f} s, median {median:.1f} s (all {every})")
# Both checkouts' exports of the corpus, byte for byte apart from the time of export.
hashes = set().union(*(r["exports"] for r in results.values()))
print("exports: the same bytes" if len(hashes) == 1 else f"exports DIFFER: {sorted(hashes)}")
with admin() as a:
    for db in ["ab_run", *templates.values()]:
        a.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
