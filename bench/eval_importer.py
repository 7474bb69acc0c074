"""Score the readout text importer against hand-checked documents; writes docs/importer-accuracy.md.

    make eval-importer                      # the dev set in tests/data/importer/
    make eval-importer CORPUS=path/to/dir   # also: every .md/.txt file there, through the importer

The evaluation starts from an empty SQLite database holding what an analyst's
database would already hold: the founding readout (fixtures/000-*.json) and
the White House principals (tests/data/importer/known-participants.json).
The dev set is drafted oldest first with one vocabulary, as an analyst would
import it. Each held-out set is then drafted twice: against that database, and
against the one an analyst has once the dev set's checked documents are saved.
"""

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV_SET = ROOT / "tests" / "data" / "importer"
HELD_OUT = DEV_SET / "held-out"
HELD_OUT_2 = DEV_SET / "held-out-2"
HELD_OUT_3 = DEV_SET / "held-out-3"
HELD_OUT_SETS = {"held out": HELD_OUT, "second draw": HELD_OUT_2, "third draw": HELD_OUT_3}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, help="a folder of readouts to run through the importer"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "importer-accuracy.md")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="eval-importer-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/eval.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from evaluation import evaluate, load_checked_records, report

    from readouts.importing import UnreadableText, Vocabulary, draft_text

    call_command("migrate", verbosity=0)
    founding = sorted((ROOT / "fixtures").glob("000-*.json"))
    call_command(
        "load_readouts", *map(str, founding), DEV_SET / "known-participants.json", verbosity=0
    )
    scores = evaluate(DEV_SET)
    table = report(scores)
    print(table)
    alone = {name: evaluate(folder) for name, folder in HELD_OUT_SETS.items()}
    dev_records = load_checked_records(DEV_SET)
    after = {name: evaluate(folder) for name, folder in HELD_OUT_SETS.items()}
    for name in HELD_OUT_SETS:
        print(f"{name}, after the dev set's records:")
        print(report(after[name]))
        print(f"{name}, on the founding readout alone:")
        print(report(alone[name]))
    held_out, second, third = (after[name] for name in HELD_OUT_SETS)
    held_out_table, second_table, third_table = (
        _both_tables(after[name], alone[name]) for name in HELD_OUT_SETS
    )

    corpus_lines = []
    if options.corpus:
        vocabulary = Vocabulary.from_database()
        outcome, crashes = Counter(), []
        files = sorted(p for p in options.corpus.rglob("*") if p.suffix in {".md", ".txt"})
        for path in files:
            try:
                draft = draft_text(path.read_text(encoding="utf-8"), vocabulary)
            except UnreadableText as exc:
                outcome["unreadable (reported)"] += 1
                print(f"{path.name}: {exc}")
                continue
            except Exception:  # a crash is what this run looks for; count it and go on
                crashes.append(path.name)
                traceback.print_exc()
                continue
            outcome[
                "drafted" if draft.document else "not drafted: " + draft.reason.split(":")[0]
            ] += 1
        print(f"{len(files)} files: {dict(outcome)}; {len(crashes)} crashed")
        corpus_lines = [
            "",
            f"## Every readout in `{options.corpus.name}/`",
            "",
            f"{len(files)} files through the importer, against the database after the dev set's "
            f"records, {len(crashes)} crashed.",
            "",
            "| outcome | files |",
            "|---|---:|",
            *(f"| {what} | {n} |" for what, n in sorted(outcome.items())),
        ]
        if crashes:
            corpus_lines += ["", "Crashed: " + ", ".join(crashes)]

    positives = scores.cases
    negatives = scores.not_contacts.total
    lines = [
        "# Readout text importer: measured accuracy",
        "",
        f"Measured {dt.date.today().isoformat()} with `make eval-importer"
        + (" CORPUS=…" if options.corpus else "")
        + f"` on {platform.python_implementation()} {platform.python_version()}.",
        "",
        f"Dev set: {positives} readouts with hand-checked documents in "
        "`tests/data/importer/expected/` "
        f"(the founding readout and White House readouts of calls and meetings with foreign "
        f"counterparts, 2021–2022) and {negatives} readouts that are not diplomatic contacts; "
        "72 of them were drawn at random for issue 20 and checked by correcting the importer's "
        "draft of each, sentence by sentence (`tests/data/importer/checks.txt`). "
        "Participants are compared by slug; a statement's speaker is the speaker of the drafted "
        "statement holding the start of the expected one, so a boundary error costs a "
        "segmentation point and an attribution point only when it also changes who speaks.",
        "",
        "Targets (issue 20) on each set — date and kind ≥ 98%, participants F1 ≥ 0.95, "
        "speaker attribution ≥ 90%, location ≥ 90% of the readouts that name a place:",
        "",
        "| set | date | kind | participants F1 | speaker | location |",
        "|---|---|---|---|---|---|",
        _summary("dev", scores),
        *(
            line
            for name in HELD_OUT_SETS
            for line in (
                _summary(f"{name}, after the dev set's records", after[name]),
                _summary(f"{name}, on the founding readout alone", alone[name]),
            )
        ),
        "",
        "The dev set is drafted against a database holding only the founding readout and the "
        "three White House principals. Each held-out set is drafted twice: against that "
        f"same database, and against the one an analyst has once the dev set's {dev_records} "
        "checked documents are saved — the importer's use, where a readout naming "
        '"Chancellor Scholz" or "President Michel" finds the Olaf Scholz or Charles Michel '
        "recorded already rather than proposing a new person of the family name alone. The "
        "targets are met on the second; both are shown. Every held-out set here has shaped the "
        "importer's rules since its first run, so none of these rows measures it on unseen "
        "text: the first runs, before any change made in their light, are in "
        "docs/importer-first-runs.md and docs/importer-held-out-first-run.md (participants F1 "
        "0.811, 0.689 and 0.847). Where a checked document gives a full name the text does "
        'not hold ("Chancellor Scholz" checked as olaf-scholz), a draft proposing the family '
        "name alone counts as a miss; the table of each set that has any also shows F1 with "
        "those taken as found.",
        "",
        "## Dev set",
        "",
        table,
        "",
        "## Where the drafts differ from the checked documents",
        "",
        *(f"- {miss}" for miss in scores.misses),
        *([] if scores.misses else ["Nowhere."]),
        "",
        "## Held out",
        "",
        f"{held_out.cases + held_out.not_contacts.total} readouts drawn at random (fixed seed) "
        "from the rest of the archive and checked by hand — "
        f"{held_out.cases} contacts with a named foreign counterpart and "
        f"{held_out.not_contacts.total} that are not — kept in `tests/data/importer/held-out/`. "
        "Its first run is in docs/importer-held-out-first-run.md; the importer's rules have "
        "since been shaped on its misses too, so these figures are no longer a measure on "
        "unseen text. A contact it does not recognise counts as wrong on every field.",
        "",
        held_out_table,
        "",
        "Where the drafts differ, after the dev set's records:",
        "",
        *(f"- {miss}" for miss in held_out.misses),
        *([] if held_out.misses else ["Nowhere."]),
        "",
        "## Held out, second draw",
        "",
        f"{second.cases + second.not_contacts.total} readouts drawn at random by "
        "`bench/draw_sample.py` (seed 20261202) from the archive's readouts in no other set, "
        f"checked by hand — {second.cases} contacts and {second.not_contacts.total} that are "
        "not — kept in `tests/data/importer/held-out-2/` (the checks in its `checks.txt`). "
        "Their first run is in docs/importer-first-runs.md; the importer's rules have since "
        "been shaped on their misses (the same file's last section), so these figures are no "
        "longer a measure on unseen text.",
        "",
        second_table,
        "",
        "Where the drafts differ, after the dev set's records:",
        "",
        *(f"- {miss}" for miss in second.misses),
        *([] if second.misses else ["Nowhere."]),
        "",
        "## Held out, third draw",
        "",
        f"{third.cases + third.not_contacts.total} readouts drawn at random by "
        "`bench/draw_sample.py` (seed 20261205) from the archive's readouts in no other set, "
        f"checked by hand from the text alone — {third.cases} contacts and "
        f"{third.not_contacts.total} that are not — kept in `tests/data/importer/held-out-3/` "
        "(the checks in its `checks.txt`), after the rules the second draw led to. Their "
        "first run, the one measure here on readouts the importer had not seen, is in "
        "docs/importer-first-runs.md (F1 0.847, date 97.7%, kind 97.7%, speaker 91.0%, "
        "location 100%); the rules have since been shaped on its misses too.",
        "",
        third_table,
        "",
        "Where the drafts differ, after the dev set's records:",
        "",
        *(f"- {miss}" for miss in third.misses),
        *([] if third.misses else ["Nowhere."]),
        *corpus_lines,
        "",
    ]
    options.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {options.output}")
    return 0 if all(scores.met().values()) else 1


def _both_tables(after, alone) -> str:
    from evaluation import report

    return "\n".join(
        [
            "After the dev set's checked records are saved:",
            "",
            report(after),
            "",
            "On a database holding only the founding readout and the White House principals:",
            "",
            report(alone),
        ]
    )


def _summary(label: str, scores) -> str:
    met = scores.met()

    def cell(value: str, ok: bool) -> str:
        return f"{value} " + ("met" if ok else "**not met**")

    return (
        f"| {label} | {cell(f'{scores.date.rate:.1%}', met['date'])} "
        f"| {cell(f'{scores.kind.rate:.1%}', met['kind'])} "
        f"| {cell(f'{scores.participants_f1:.3f}', met['participants_f1'])} "
        f"| {cell(f'{scores.speaker.rate:.1%}', met['speaker'])} "
        f"| {cell(f'{scores.location.rate:.1%}', met['location'])} |"
    )


if __name__ == "__main__":
    sys.exit(main())
