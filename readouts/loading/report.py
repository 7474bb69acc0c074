"""What a load reports: problems located by file and JSON path, and counts per model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import (
    Attendance,
    Meeting,
    Participant,
    Publisher,
    Readout,
    Record,
    Statement,
    Topic,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.db import models


def json_path(parts: Iterable[str | int]) -> str:
    """Format a path as people write it: readouts[0].statements[3].speaker."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by file and JSON path."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


# Looking stops after this many problems: a broken file can hold millions, each costing
# memory and time, and nobody reads past the first few.
PROBLEM_LIMIT = 200
MAX_PROBLEMS = 50  # printed at most; the rest are counted


class LoadError(Exception):
    """The input was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems[:PROBLEM_LIMIT])
        self.stopped = len(problems) >= PROBLEM_LIMIT  # there may be more, unlooked for
        super().__init__(f"{len(self.problems)} problem(s)")

    def describe(self, shown: int = MAX_PROBLEMS) -> str:
        """What the commands say: the first problems, and how many more there are."""
        lines = [str(p) for p in self.problems[:shown]]
        if len(self.problems) > shown:
            more = f"… and {len(self.problems) - shown} more"
            if self.stopped:
                more += f"; stopped after {len(self.problems)} problems"
            lines.append(more)
        return f"nothing was loaded; {len(self.problems)} problem(s) found:\n  " + "\n  ".join(
            lines
        )


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


REPORTED_MODELS = [Topic, Publisher, Participant, Meeting, Attendance, Readout, Statement, Record]


@dataclass
class LoadReport:
    files: int = 0
    documents: int = 0
    fixture_objects: int = 0
    dry_run: bool = False
    run: object = None  # the LoadRun recorded, when the load changed something
    tallies: dict[type[models.Model], Tally] = field(
        default_factory=lambda: {model: Tally() for model in REPORTED_MODELS}
    )

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated or t.deleted for t in self.tallies.values())


@dataclass(frozen=True)
class Origin:
    file: str
    path: tuple[str | int, ...]

    def at(self, *more: str | int) -> Origin:
        return Origin(self.file, self.path + more)

    def problem(self, message: str) -> Problem:
        return Problem(self.file, json_path(self.path), message)

    def __str__(self) -> str:
        return f"{self.file} at {json_path(self.path) or 'the top level'}"
