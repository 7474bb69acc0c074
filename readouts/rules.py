"""The rules that keep the data loadable, and how a refusal is put into words.

The database enforces "a statement's speaker attends its meeting" itself
(migration 0010), whatever path writes. The admin's forms check the same rule
first, so that the analyst is told which person and which statements stand in
the way, with nothing saved; `broken_rule` words a refusal that came from the
database instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError
from django.db.models import Q, QuerySet

from .models import Statement

SPEAKERS_ATTEND = "statement_speaker_attends"


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
