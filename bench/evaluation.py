"""Scoring drafts against hand-checked readout documents.

Each case is a published readout and the document an analyst checked by hand.
The cases are drafted in order with one vocabulary, as an analyst importing
them one after another would, so a person met in an earlier readout is
matched rather than proposed again.

The held-out sets are scored twice: against a database holding only the
founding readout and the White House principals, and against the database an
analyst has once the dev set is checked and saved (its checked documents
loaded), where "Chancellor Scholz" can be the Olaf Scholz recorded already.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from readouts.importing import UnreadableText, Vocabulary, draft_text
from readouts.importing.people import fold

TARGETS = {
    "date": 0.98,
    "kind": 0.98,
    "participants_f1": 0.95,
    "speaker": 0.90,
    "location": 0.90,
}


@dataclass
class Counts:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Scores:
    cases: int = 0
    date: Counts = field(default_factory=Counts)
    kind: Counts = field(default_factory=Counts)
    publisher: Counts = field(default_factory=Counts)
    titles: Counts = field(default_factory=Counts)
    countries: Counts = field(default_factory=Counts)
    segmentation: Counts = field(default_factory=Counts)
    drafted: Counts = field(default_factory=Counts)  # drafted statements that are expected ones
    speaker: Counts = field(default_factory=Counts)
    not_contacts: Counts = field(default_factory=Counts)
    location: Counts = field(default_factory=Counts)  # of readouts whose text names a place
    location_unfounded: Counts = field(default_factory=Counts)  # of those that name none
    participants_found: int = 0
    participants_proposed: int = 0
    participants_expected: int = 0
    misses: list[str] = field(default_factory=list)
    # Expected participants missed where the draft proposes them by a family name alone and
    # the text holds no fuller name (the checked documents give one from outside knowledge).
    family_name_only: int = 0

    @property
    def participants_precision(self) -> float:
        return (
            self.participants_found / self.participants_proposed
            if self.participants_proposed
            else 1.0
        )

    @property
    def participants_recall(self) -> float:
        return (
            self.participants_found / self.participants_expected
            if self.participants_expected
            else 1.0
        )

    @property
    def participants_f1(self) -> float:
        p, r = self.participants_precision, self.participants_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def met(self) -> dict[str, bool]:
        return {
            "date": self.date.rate >= TARGETS["date"],
            "kind": self.kind.rate >= TARGETS["kind"],
            "participants_f1": self.participants_f1 >= TARGETS["participants_f1"],
            "speaker": self.speaker.rate >= TARGETS["speaker"],
            "location": self.location.rate >= TARGETS["location"],
        }


def same_place(got: str, want: str) -> bool:
    """Whether a drafted location names the expected place: the most specific part decides,
    so "Bali" is "Bali, Indonesia" and "the White House" is "White House"."""

    def key(place: str) -> str:
        first = fold(place).split(",")[0].strip()
        return first.removeprefix("the ").strip()

    return key(got) == key(want)


def cases(folder: Path) -> list[tuple[Path, Path | None]]:
    """(readout, expected document) pairs, oldest first; no expected document: not a contact."""
    found = []
    for readout in sorted((folder / "readouts").iterdir()):
        expected = folder / "expected" / f"{readout.stem}.json"
        found.append((readout, expected if expected.exists() else None))
    return found


def load_checked_records(folder: Path) -> int:
    """Load a checked set's documents into the database, as an analyst saves them; how many."""
    from django.core.management import call_command

    documents = sorted((folder / "expected").glob("*.json"))
    call_command("load_readouts", *map(str, documents), verbosity=0)
    return len(documents)


def evaluate(folder: Path, vocabulary: Vocabulary | None = None) -> Scores:
    vocabulary = vocabulary or Vocabulary.from_database()
    scores = Scores()
    for readout, expected_path in cases(folder):
        name = readout.name
        try:
            draft = draft_text(readout.read_text(encoding="utf-8"), vocabulary)
        except UnreadableText as exc:
            draft = None
            scores.misses.append(f"{name}: unreadable: {exc}")
        if expected_path is None:
            recognised = draft is not None and draft.document is None
            scores.not_contacts.add(recognised)
            if not recognised:
                scores.misses.append(f"{name}: drafted, but it is not a diplomatic contact")
            continue
        scores.cases += 1
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        _score(name, expected, draft, scores)
    return scores


def _score(name: str, expected: dict, draft, scores: Scores) -> None:
    want_people = {p["slug"]: p for p in expected["participants"]}
    scores.participants_expected += len(want_people)
    want_statements = expected["readouts"][0]["statements"]
    if draft is None or draft.document is None:
        scores.misses.append(f"{name}: not drafted: {draft.reason if draft else ''}")
        for counts in (scores.date, scores.kind, scores.publisher):
            counts.add(False)
        if expected["meeting"].get("location"):
            scores.location.add(False)
        for _ in want_people:
            scores.titles.add(False)
            scores.countries.add(False)
        for _ in want_statements:
            scores.segmentation.add(False)
            scores.speaker.add(False)
        return
    document = draft.document
    meeting, want_meeting = document["meeting"], expected["meeting"]
    for key, counts in (("date", scores.date), ("kind", scores.kind)):
        ok = meeting[key] == want_meeting[key]
        counts.add(ok)
        if not ok:
            scores.misses.append(f"{name}: {key} {meeting[key]!r}, expected {want_meeting[key]!r}")
    got_place, want_place = meeting.get("location", ""), want_meeting.get("location", "")
    if want_place:
        ok = bool(got_place) and same_place(got_place, want_place)
        scores.location.add(ok)
        if not ok:
            scores.misses.append(f"{name}: location {got_place!r}, expected {want_place!r}")
    else:
        scores.location_unfounded.add(not got_place)
        if got_place:
            scores.misses.append(f"{name}: location {got_place!r}, but the text names no place")
    readout, want_readout = document["readouts"][0], expected["readouts"][0]
    scores.publisher.add(readout["publisher"]["slug"] == want_readout["publisher"]["slug"])

    got_people = {p.slug: p for p in draft.people}
    scores.participants_proposed += len(got_people)
    for slug in sorted(got_people.keys() - want_people.keys()):
        scores.misses.append(f"{name}: participant {slug!r} proposed, not expected")
    # A family name alone proposed where the checked document gives a full name the text
    # does not hold ("Chancellor Scholz" for olaf-scholz): counted apart, as what only
    # knowledge outside the text could have found.
    text = fold(readout["body"] + " " + readout.get("title", ""))
    for slug in sorted(want_people.keys() - got_people.keys()):
        words = slug.split("-")
        if fold(want_people[slug].get("name", slug.replace("-", " "))) in text:
            continue
        if any(
            _within(other.split("-"), words) for other in got_people.keys() - want_people.keys()
        ):
            scores.family_name_only += 1
    for slug, want in want_people.items():
        got = got_people.get(slug)
        if got is None:
            scores.misses.append(f"{name}: participant {slug!r} missed")
            scores.titles.add(False)
            scores.countries.add(False)
            continue
        scores.participants_found += 1
        scores.titles.add(got.title == want.get("title", ""))
        if got.title != want.get("title", ""):
            scores.misses.append(
                f"{name}: title of {slug} {got.title!r}, expected {want.get('title')!r}"
            )
        got_country = got.country or ""
        scores.countries.add(got_country == want.get("country", ""))
        if got_country != want.get("country", ""):
            scores.misses.append(
                f"{name}: country of {slug} {got_country!r}, expected {want.get('country')!r}"
            )

    drafted = readout["statements"]
    texts = {s["text"] for s in drafted}
    expected_texts = {s["text"] for s in want_statements}
    for statement in drafted:
        scores.drafted.add(statement["text"] in expected_texts)
        if statement["text"] not in expected_texts and not any(
            statement["text"].startswith(text[:80]) for text in expected_texts
        ):
            scores.misses.append(
                f"{name}: drafted a statement not expected: {statement['text'][:50]!r}…"
            )
    for want in want_statements:
        scores.segmentation.add(want["text"] in texts)
        # The statement holding the start of the expected one carries its speaker.
        start = want["text"][:80]
        holder = next((s for s in drafted if start in s["text"]), None)
        ok = holder is not None and holder["speaker"] == want["speaker"]
        scores.speaker.add(ok)
        if not ok:
            got = holder["speaker"] if holder else "(not in any statement)"
            scores.misses.append(
                f"{name}: {start[:50]!r}… spoken by {got}, expected {want['speaker']}"
            )


def _within(short: list[str], long: list[str]) -> bool:
    """Whether the words of one slug run, in order and together, inside another's."""
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def report(scores: Scores) -> str:
    """The scores as a Markdown table."""
    rows = [
        ("Meeting date", scores.date, TARGETS["date"]),
        ("Meeting kind", scores.kind, TARGETS["kind"]),
        ("Publisher", scores.publisher, None),
        ("Participant titles (of expected participants)", scores.titles, None),
        ("Participant countries (of expected participants)", scores.countries, None),
        ("Statement segmentation: expected statements drafted exactly", scores.segmentation, None),
        ("Statement segmentation: drafted statements that are expected ones", scores.drafted, None),
        ("Speaker attribution (of expected statements)", scores.speaker, TARGETS["speaker"]),
        ("Not-contacts recognised", scores.not_contacts, None),
        ("Location (of readouts that name a place)", scores.location, TARGETS["location"]),
        ("No location where the text names none", scores.location_unfounded, None),
    ]
    lines = ["| field | right | of | rate | target |", "|---|---:|---:|---:|---|"]
    for label, counts, target in rows:
        goal = (
            f"≥ {target:.0%}" + (" met" if counts.rate >= target else " **not met**")
            if target
            else ""
        )
        lines.append(f"| {label} | {counts.right} | {counts.total} | {counts.rate:.1%} | {goal} |")
    f1_ok = scores.participants_f1 >= TARGETS["participants_f1"]
    lines.append(
        f"| Participants: precision {scores.participants_precision:.3f}, recall "
        f"{scores.participants_recall:.3f} | {scores.participants_found} | "
        f"{scores.participants_expected} expected, {scores.participants_proposed} proposed | "
        f"F1 {scores.participants_f1:.3f} | ≥ {TARGETS['participants_f1']} "
        + ("met" if f1_ok else "**not met**")
        + " |"
    )
    if scores.family_name_only:
        found = scores.participants_found + scores.family_name_only
        p = found / scores.participants_proposed if scores.participants_proposed else 1.0
        r = found / scores.participants_expected if scores.participants_expected else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(
            f"| Participants, a family name alone taken for the full name the text does not "
            f"give ({scores.family_name_only} of them) | {found} | "
            f"{scores.participants_expected} expected | F1 {f1:.3f} | (not the target's) |"
        )
    return "\n".join(lines)
