"""The rules that keep the data loadable, each written once, and their refusals in words.

- A statement's speaker attends its meeting: `unattended`. The database enforces
  it on every path (migration 0010); the admin's forms, the loader and the
  fixture loader check it first with this function, so that whoever is saving is
  told which person and which statements stand in the way, with nothing saved.
  `speakers_not_attending` asks it of what is stored (the curators' findings).
- A topic is not its own ancestor: `TopicTree.makes_cycle` and `TopicTree.cycles`
  (readouts/tree.py), called by Topic.clean, the loader and the fixture loader.
- A save moves a record's version on by one: `Versioned.bump_version` (models), and
  `Versioned.bulk_save` for many rows at once (the loader, merges).

`broken_rule` words a refusal that came from the database itself.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from typing import TypeVar

from django.db import IntegrityError
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Attendance, Statement

SPEAKERS_ATTEND = "statement_speaker_attends"

M = TypeVar("M", bound=Hashable)
P = TypeVar("P", bound=Hashable)
T = TypeVar("T")


def unattended(
    statements: Iterable[tuple[M, P | None, T]], attending: Collection[tuple[M, P]]
) -> list[T]:
    """The rule: a statement's speaker attends its meeting.

    Statements come as (meeting, speaker, what) and attendances as (meeting,
    participant), by key or by slug alike; returns the `what` of every statement
    whose speaker did not attend. A joint statement (no speaker) always passes.
    """
    return [
        what
        for meeting, speaker, what in statements
        if speaker is not None and (meeting, speaker) not in attending
    ]


def speakers_not_attending() -> QuerySet[Statement]:
    """The rule asked of what is stored: the statements whose speaker does not attend
    their meeting (the database refuses them, so these mean a rule was bypassed)."""
    attended = Attendance.objects.filter(
        meeting=OuterRef("readout__meeting"), participant=OuterRef("speaker")
    )
    return Statement.objects.filter(speaker__isnull=False).filter(~Exists(attended))


def attendances_of(meeting_ids: Iterable[int]) -> set[tuple[int, int]]:
    """The stored attendances of some meetings, as (meeting, participant) keys."""
    rows = Attendance.objects.filter(meeting_id__in=list(meeting_ids))
    return set(rows.values_list("meeting_id", "participant_id"))


def statements_needing(pairs: Iterable[tuple[int, int]]) -> QuerySet[Statement]:
    """The statements whose speaker attends through one of these (meeting, participant)
    attendances: removing the attendance would leave them with a speaker who did not."""
    wanted = Q(pk__in=[])
    for meeting_id, participant_id in set(pairs):
        wanted |= Q(readout__meeting_id=meeting_id, speaker_id=participant_id)
    return Statement.objects.filter(wanted)


def broken_rule(error: IntegrityError) -> str | None:
    """The words for a write the database refused because it breaks a rule of ours,
    or None when the error is something else."""
    text = str(error)
    advice = "Reassign or delete their statements first, or add them to the meeting's participants."
    if SPEAKERS_ATTEND in text:
        # PostgreSQL's trigger names the speaker and the meeting.
        detail = text.split(":", 1)[1].split("\n", 1)[0].strip()
        return (
            "every speaker must attend their meeting, and this change would break that "
            f"({detail}). {advice}"
        )
    if text.startswith("FOREIGN KEY constraint failed"):
        # SQLite checks the rule as a foreign key (migration 0010), and does not say which.
        return (
            "the database refused it: a record it refers to would be missing, such as the "
            f"attendance of someone who speaks in the meeting's readouts. {advice}"
        )
    return None
