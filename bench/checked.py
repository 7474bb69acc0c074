"""Hand-checked readout documents from a short written record of the checking.

    .venv/bin/python bench/checked.py sheet SET [NAME ...]   # the readouts, sentence by sentence
    .venv/bin/python bench/checked.py build SET             # SET/checks.txt -> SET/expected/*.json

SET is a folder with readouts/ (e.g. tests/data/importer/held-out-2). `sheet` prints each
readout's title, front matter and body with every sentence numbered, paragraph by paragraph,
for the checker to read. The checker writes what a careful analyst records into SET/checks.txt,
one block a readout:

    == 2021-01-22-readout-of-president-joe-biden-call-with-prime-minister-justin-trudeau-of-canada
    date: 2021-01-22
    kind: phone_call
    location: Bali, Indonesia            (the place the text names, or nothing)
    b = joe-biden | Joe Biden | US | President
    t = justin-trudeau | Justin Trudeau | CA | Prime Minister
    speakers: - b 0 | t t

or, for a readout that is not a diplomatic contact with a named counterpart, a block whose
only line is `not a contact: <why>`. `speakers` gives one mark a sentence, paragraphs parted
by `|`: a participant's letter, `0` for the sides together ("the two leaders"), `-` for a
sentence that is no statement (an opening that only says who spoke with whom). Marks that
follow each other with the same speaker make one statement; `/b` starts a new one anyway.
`build` writes the expected documents the evaluation compares drafts with (the format of
tests/data/importer/expected/), the body and statements taken verbatim from the readout.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diplomacy.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

from readouts import documents as doc  # noqa: E402
from readouts.importing.text import read_text, sentences  # noqa: E402

PUBLISHER = doc.publisher(
    "white-house", name="The White House", country="US", website="https://www.whitehouse.gov/"
)


def sheet(folder: Path, names: list[str]) -> None:
    for path in sorted((folder / "readouts").iterdir()):
        if names and not any(n in path.name for n in names):
            continue
        source = read_text(path.read_text(encoding="utf-8"))
        print(f"== {path.stem}\n# {source.title}\n# published {source.published_at}")
        for p, paragraph in enumerate(source.paragraphs, 1):
            for s, sentence in enumerate(sentences(paragraph), 1):
                print(f"  {p}.{s} {sentence}")
        print()


def parse(text: str) -> dict[str, dict]:
    blocks: dict[str, dict] = {}
    current: dict | None = None
    for raw in text.splitlines():
        line = raw.split("  #", 1)[0].rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("== "):
            current = {"people": {}, "location": "", "speakers": ""}
            blocks[line[3:].strip()] = current
            continue
        assert current is not None, f"a line before any '== name': {line!r}"
        key, _, value = line.strip().partition(":")
        letter = re.match(r"^(\w+)\s*=\s*(.+)$", line.strip())
        if letter and "|" in letter.group(2):
            slug, name, country, title = (x.strip() for x in letter.group(2).split("|"))
            current["people"][letter.group(1)] = doc.participant(
                slug, name=name, country=country, title=title
            )
        elif key in {"date", "kind", "location", "speakers", "not a contact"}:
            current[key] = value.strip()
        else:
            raise ValueError(f"cannot read {line!r}")
    return blocks


def build(folder: Path) -> int:
    blocks = parse((folder / "checks.txt").read_text(encoding="utf-8"))
    readouts = {p.stem: p for p in (folder / "readouts").iterdir()}
    unknown = blocks.keys() - readouts.keys()
    assert not unknown, f"checks for readouts not in the set: {sorted(unknown)}"
    # A readout checked before its set kept a checks.txt has its expected document already.
    unchecked = {
        name
        for name in readouts.keys() - blocks.keys()
        if not (folder / "expected" / f"{name}.json").exists()
    }
    assert not unchecked, f"readouts not checked: {sorted(unchecked)}"
    (folder / "expected").mkdir(exist_ok=True)
    # Meetings the other checked sets name already: two contacts of one day and the same first
    # two people (a call with Trudeau and a video call he joined) keep two meetings.
    taken = {
        json.loads(other.read_text(encoding="utf-8"))["meeting"]["slug"]
        for other in folder.parent.glob("**/expected/*.json")
        if other.parent.parent.resolve() != folder.resolve()
    }
    written = 0
    for name, block in sorted(blocks.items()):
        target = folder / "expected" / f"{name}.json"
        if "not a contact" in block:
            target.unlink(missing_ok=True)
            continue
        document = _document(readouts[name], block)
        slug, n = document["meeting"]["slug"], 2
        while document["meeting"]["slug"] in taken:
            document["meeting"]["slug"], n = f"{slug}-{n}", n + 1
        taken.add(document["meeting"]["slug"])
        target.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written += 1
    print(f"{written} expected documents, {len(blocks) - written} not contacts")
    return 0


def _document(path: Path, block: dict) -> dict:
    source = read_text(path.read_text(encoding="utf-8"))
    people = block["people"]
    paragraphs = [sentences(p) for p in source.paragraphs]
    marks = [part.split() for part in block["speakers"].split("|")]
    assert len(marks) == len(paragraphs), (
        f"{path.name}: {len(marks)} paragraphs of marks, {len(paragraphs)} in the text"
    )
    statements = []
    for p, (texts, signs) in enumerate(zip(paragraphs, marks, strict=True), 1):
        assert len(texts) == len(signs), (
            f"{path.name}: paragraph {p} has {len(texts)} sentences, {len(signs)} marks"
        )
        previous = None
        for text, sign in zip(texts, signs, strict=True):
            fresh = sign.startswith("/")
            sign = sign.lstrip("/")
            if sign == "-":
                previous = None
                continue
            speaker = None if sign == "0" else people[sign]["slug"]
            if previous == sign and not fresh:
                statements[-1]["text"] += " " + text
            else:
                statements.append({"speaker": speaker, "topics": [], "text": text})
            previous = sign
    for number, statement in enumerate(statements, 1):
        statement["sequence"] = number
    ordered = [
        doc.statement(s["speaker"], s["text"], topics=s["topics"], sequence=s["sequence"])
        for s in statements
    ]
    slugs = [p["slug"] for p in people.values()]
    title = re.sub(r"^(?:Joint\s+)?Readout (?:of|from)\s+(?:the\s+)?", "", source.title).strip()
    meeting = doc.meeting(
        f"{block['date']}-{'-'.join(slugs[:2])}",
        block["date"],
        block["kind"],
        title or source.title,
        location=block["location"],
    )
    account = doc.readout(
        PUBLISHER,
        source.title,
        source.body,
        published_at=source.published_at.isoformat() if source.published_at else None,
        url=source.url,
        statements=ordered,
    )
    return doc.document(meeting, list(people.values()), [account])


def prefill(folder: Path, names: list[str]) -> None:
    """Print the importer's drafts as checks, for a checker to correct (the dev set only:
    a held-out set is checked from the text alone)."""
    import tempfile

    from django.core.management import call_command
    from django.db import connections

    from readouts.importing import Vocabulary, draft_text

    workdir = tempfile.mkdtemp(prefix="checked-")
    connections.databases["default"]["NAME"] = f"{workdir}/draft.sqlite3"
    call_command("migrate", verbosity=0)
    known = ROOT / "tests" / "data" / "importer" / "known-participants.json"
    founding = sorted((ROOT / "fixtures").glob("000-*.json"))
    call_command("load_readouts", *map(str, founding), str(known), verbosity=0)
    vocabulary = Vocabulary.from_database()
    for path in sorted((folder / "readouts").iterdir()):
        if names and not any(n in path.name for n in names):
            continue
        text = path.read_text(encoding="utf-8")
        draft = draft_text(text, vocabulary)
        print(f"== {path.stem}")
        if draft.document is None:
            print(f"not a contact: {draft.reason}\n")
            continue
        meeting = draft.document["meeting"]
        print(f"date: {meeting['date']}\nkind: {meeting['kind']}")
        if meeting.get("location"):
            print(f"location: {meeting['location']}")
        letters = {}
        for person in draft.people:
            letter = next(
                c
                for c in person.slug.replace("-", "") + "abcdefghijklmnopqrstuvwxyz"
                if c not in letters.values()
            )
            letters[person.slug] = letter
            print(
                f"{letter} = {person.slug} | {person.name} | {person.country or ''} | "
                f"{person.title}"
            )
        drafted = draft.document["readouts"][0]["statements"]
        source = read_text(text)
        marks, position, current = [], 0, None
        body = source.body
        spans = []
        for statement in drafted:
            start = body.find(statement["text"], position)
            spans.append((start, start + len(statement["text"]), statement["speaker"]))
            position = max(position, start)
        for paragraph in source.paragraphs:
            signs = []
            for sentence in sentences(paragraph):
                at = body.find(sentence, position if False else 0)
                at = body.find(sentence, at)
                holder = next((i for i, (a, b, _) in enumerate(spans) if a <= at < b), None)
                if holder is None:
                    signs.append("-")
                    current = None
                    continue
                speaker = spans[holder][2]
                sign = letters.get(speaker, "0") if speaker else "0"
                signs.append(
                    (
                        "/"
                        if current not in (None, holder) and signs and signs[-1].lstrip("/") == sign
                        else ""
                    )
                    + sign
                )
                current = holder
            marks.append(" ".join(signs))
        print("speakers: " + " | ".join(marks) + "\n")


def main() -> int:
    command, folder, *names = sys.argv[1:]
    if command == "sheet":
        sheet(Path(folder), names)
        return 0
    if command == "prefill":
        prefill(Path(folder), names)
        return 0
    return build(Path(folder))


if __name__ == "__main__":
    sys.exit(main())
