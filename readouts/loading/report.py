"""What a load reports: problems located by file and JSON path, and counts per model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

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


class LoadError(Exception):
    """The input was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


REPORTED_MODELS = [Topic, Publisher, Participant, Meeting, Attendance, Readout, Statement]


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
