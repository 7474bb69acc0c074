"""The loader and the exporter of two checkouts, on one machine and one corpus, in turns.

    python bench/ab_commits.py BEFORE_CHECKOUT AFTER_CHECKOUT CORPUS.json

Each checkout (a `git worktree add` of a commit) migrates its own template database on
the PostgreSQL server at 127.0.0.1; then, three times, each loads CORPUS into a copy of
its template and exports it. Used to check that the one-vocabulary refactor (issue 19)
left the loader and exporter as fast as they were: see docs/benchmarks.md.
"""

import os
import secrets
import subprocess
import sys
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
results = {name: {"load": [], "export": []} for name in VERSIONS}
for turn in range(3):
    for name, path in VERSIONS.items():
        db = "ab_run"
        with admin() as a:
            a.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            a.execute(f'CREATE DATABASE "{db}" TEMPLATE "{templates[name]}"')
        load = manage(path, db, "load_readouts", CORPUS, "-v0")
        with psycopg.connect(f"{BASE}/{db}", autocommit=True) as c:
            c.execute("VACUUM ANALYZE")
        export = manage(path, db, "export_readouts", "-o", os.devnull)
        results[name]["load"].append(load)
        results[name]["export"].append(export)
        print(f"turn {turn + 1} {name}: load {load:.1f} s, export {export:.1f} s", flush=True)
for name, r in results.items():
    for step in ("load", "export"):
        every = ", ".join(f"{x:.1f}" for x in r[step])
        print(f"{name}: {step} best {min(r[step]):.1f} s (all {every})")
with admin() as a:
    for db in ["ab_run", *templates.values()]:
        a.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
