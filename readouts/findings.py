"""What a curator should look at: records that load and save but may not be right.

One list of checks, run by `manage.py audit_records` and shown on the admin's
"Records to look at" page. Each check is a query (or a pass over a small
table) that yields findings, at most `limit` of each kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.urls import reverse

from . import rules
from .duplicates import likely_duplicate_participants, likely_duplicate_topics
from .models import Meeting, Participant, Readout, Statement
from .names import not_a_name
from .querysets import recorded


@dataclass(frozen=True)
class Finding:
    """One record that needs a look, and why."""

    subject: str  # the record, in words
    detail: str  # what is wrong with it
    admin_url: str  # where to settle it


@dataclass(frozen=True)
class Check:
    """A kind of finding: its name, why it matters, and how to find it."""

    key: str
    heading: str
    why: str
    find: Callable[[], Iterator[Finding]]


def change_url(record) -> str:
    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def names_that_are_not_people() -> Iterator[Finding]:
    # Participants are people; a name that is an office or a body came from a bad draft.
    for person in Participant.objects.order_by("name", "slug").only("pk", "name", "country"):
        if not_a_name(person.name):
            yield Finding(
                str(person), "the name reads as an office, body or group", change_url(person)
            )


def likely_duplicates() -> Iterator[Finding]:
    for kind, pairs in (
        ("participant", likely_duplicate_participants()),
        ("topic", likely_duplicate_topics()),
    ):
        # The page of likely duplicates: merge the two, or mark them as not the same.
        review = reverse(f"admin:readouts_{kind}_duplicates")
        for pair in pairs:
            yield Finding(
                f"{pair.first} and {pair.second}",
                f"may be one {kind}: {', '.join(pair.reasons)}",
                review,
            )


def meetings_without_readouts() -> Iterator[Finding]:
    # A meeting known from a record (the Office of the Historian's visits and trips) with
    # no readout is what the record is for: "no readout recorded", not a mistake.
    rows = Meeting.objects.without_readouts().filter(~recorded())
    for meeting in rows.order_by("date", "slug"):
        yield Finding(str(meeting), "no readout is recorded for it", change_url(meeting))


def meetings_with_one_participant() -> Iterator[Finding]:
    rows = Meeting.objects.annotate(people=Count("attendances")).filter(people__lte=1)
    for meeting in rows.order_by("date", "slug"):
        who = "nobody attends it" if meeting.people == 0 else "only one participant attends it"
        yield Finding(str(meeting), who, change_url(meeting))


def readouts_without_statements() -> Iterator[Finding]:
    rows = Readout.objects.filter(~Exists(Statement.objects.filter(readout=OuterRef("pk"))))
    for readout in rows.select_related("meeting", "publisher").order_by("meeting__date", "pk"):
        yield Finding(
            f"{readout.publisher.name}: {readout.title}",
            "no statement has been drawn from its text",
            change_url(readout),
        )


def statements(rows: QuerySet[Statement]) -> QuerySet[Statement]:
    return rows.select_related("readout__meeting", "speaker").order_by(
        "readout__meeting__date", "readout_id", "sequence"
    )


def statements_not_in_their_readout() -> Iterator[Finding]:
    # The body is the verbatim text; a statement is a passage of it, word for word.
    for statement in statements(Statement.objects.exclude(readout__body__contains=F("text"))):
        yield Finding(
            f"{statement.readout.meeting}, statement {statement.sequence}",
            f"its text is not found in the readout's body: “{statement.text[:80]}…”",
            change_url(statement),
        )


def speakers_who_did_not_attend() -> Iterator[Finding]:
    for statement in statements(rules.speakers_not_attending()):
        yield Finding(
            f"{statement.readout.meeting}, statement {statement.sequence}",
            f"its speaker {statement.speaker} is not among the meeting's participants",
            change_url(statement),
        )


CHECKS: list[Check] = [
    Check(
        "not-a-person",
        "Participants whose name is not a person's",
        "An office, a body or a group recorded as a person (“White House”, “Prime Minister”).",
        names_that_are_not_people,
    ),
    Check(
        "likely-duplicate",
        "Likely duplicates",
        "Two records that may be one person or topic: merge them, or mark them as not the same.",
        likely_duplicates,
    ),
    Check(
        "speaker-absent",
        "Speakers who did not attend",
        "Every speaker must attend their meeting; the export of such a record will not load.",
        speakers_who_did_not_attend,
    ),
    Check(
        "text-not-in-body",
        "Statements not found in their readout",
        "A statement is a passage of the published text, word for word.",
        statements_not_in_their_readout,
    ),
    Check(
        "no-readout",
        "Meetings without a readout",
        "A meeting is known from a government's account of it, or from a record (a visit, "
        "a trip); these have neither.",
        meetings_without_readouts,
    ),
    Check(
        "one-participant",
        "Meetings with one participant or none",
        "A contact has two sides; the other may be missing.",
        meetings_with_one_participant,
    ),
    Check(
        "no-statements",
        "Readouts without statements",
        "Nothing of what was said has been recorded.",
        readouts_without_statements,
    ),
]


@dataclass
class Result:
    check: Check
    findings: list[Finding]
    more: bool  # there are more than were listed


def audit(limit: int | None = None) -> list[Result]:
    """Every check, with at most `limit` findings listed for each (None: all)."""
    results = []
    for check in CHECKS:
        found = list(islice(check.find(), None if limit is None else limit + 1))
        more = limit is not None and len(found) > limit
        results.append(Result(check, found[:limit] if more else found, more))
    return results
