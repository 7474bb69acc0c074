"""The loader's edit history two ways: its own COPY of the historical rows, and
django-simple-history's public `bulk_history_create`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts python bench/history.py

On PostgreSQL, loads bench/data/corpus-10000.json (made by `make bench`, or by
bench/corpus.py) into a new database three times each way, in turns, and prints
the best time of each and their ratio. The loader writes history through its own
COPY unless bulk_history_create costs more than 10% (issue 19); this measures it.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))

CORPUS = PROJECT / "bench" / "data" / "corpus-10000.json"

# Run in a new interpreter per load: one database, one way of writing history.
LOAD = """
import os, sys, time
sys.path.insert(0, {project!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
import django
django.setup()
from django.core.management import call_command
from readouts.loading import bulk, writer

if {public!r}:
    def through_public_api(model, objs, *, update, user, reason):
        if objs:
            model.history.bulk_history_create(
                objs, batch_size=bulk.BATCH, update=update, default_user=user,
                default_change_reason=reason,
            )
    writer.insert_history = through_public_api
started = time.perf_counter()
call_command("load_readouts", {corpus!r}, verbosity=0)
print(time.perf_counter() - started)
"""


def main() -> None:
    from run import Bench

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server")
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is missing: run make bench, or bench/corpus.py --meetings 10000")
    bench = Bench(server_url)
    times = {"copy": [], "bulk_history_create": []}
    try:
        for turn in range(3):
            for way, public in (("copy", False), ("bulk_history_create", True)):
                url = bench.fresh("history")
                script = LOAD.format(project=str(PROJECT), public=public, corpus=str(CORPUS))
                result = subprocess.run(
                    [sys.executable, "-c", script],
                    env={**bench.env, "DATABASE_URL": url},
                    stdout=subprocess.PIPE,
                    text=True,
                    check=True,
                )
                times[way].append(float(result.stdout.strip().splitlines()[-1]))
                print(f"turn {turn + 1}, {way}: {times[way][-1]:.1f} s", file=sys.stderr)
    finally:
        bench.drop_all()
    best = {way: min(t) for way, t in times.items()}
    cost = best["bulk_history_create"] / best["copy"] - 1
    print(f"Loading {CORPUS.name} on PostgreSQL, best of three each, measured {time.ctime()}:")
    for way, seconds in best.items():
        every = ", ".join(f"{t:.1f}" for t in times[way])
        print(f"- history through {way}: {seconds:.1f} s (all: {every})")
    print(f"- bulk_history_create costs the loader {cost:+.0%} (the threshold is +10%)")


if __name__ == "__main__":
    main()
