"""Draw a random sample of archive readouts that no hand-checked set holds yet.

    .venv/bin/python bench/draw_sample.py CORPUS [--size 90] [--seed 20261202] [--copy-to DIR]

Lists the readouts in CORPUS (a folder of .md/.txt files, e.g. the White House
archive) whose file names are in none of the hand-checked sets under
tests/data/importer/ (the dev set, held-out/, held-out-2/, ...), sorts them by
name and draws --size of them with a seeded random.Random, so the same corpus
and seed always give the same draw. It prints the drawn names, oldest first;
with --copy-to it also copies them into DIR/readouts/. Whether a drawn readout
is a diplomatic contact is decided afterwards, by hand, not by the draw.
"""

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "data" / "importer"


def checked_names(sets: Path = SETS) -> set[str]:
    """File stems of every readout in a hand-checked set (dev and held-out ones)."""
    return {p.stem for p in sets.glob("**/readouts/*") if p.suffix in {".md", ".txt"}}


def eligible(corpus: Path, exclude: set[str]) -> list[Path]:
    files = (p for p in corpus.iterdir() if p.suffix in {".md", ".txt"})
    return sorted((p for p in files if p.stem not in exclude), key=lambda p: p.name)


def draw(corpus: Path, size: int, seed: int, exclude: set[str]) -> list[Path]:
    pool = eligible(corpus, exclude)
    return sorted(random.Random(seed).sample(pool, min(size, len(pool))), key=lambda p: p.name)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--size", type=int, default=90)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        help="a file listing more names to leave out, one a line (e.g. an earlier draw)",
    )
    parser.add_argument("--copy-to", type=Path)
    options = parser.parse_args()
    exclude = checked_names()
    for listing in options.exclude:
        exclude |= {
            Path(line.strip()).stem
            for line in listing.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
    pool = eligible(options.corpus, exclude)
    drawn = draw(options.corpus, options.size, options.seed, exclude)
    print(f"# {len(pool)} eligible, {len(drawn)} drawn with seed {options.seed}", file=sys.stderr)
    for path in drawn:
        print(path.name)
        if options.copy_to:
            (options.copy_to / "readouts").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, options.copy_to / "readouts" / path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
