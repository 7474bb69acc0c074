"""Load readout documents and Django natural-key fixtures: check everything, then write.

The loader reads every file first, validates every document against the
published JSON Schema (docs/readout-document.schema.json) and against the
database, and only then writes, in one transaction. Any problem is reported
with the file, the JSON path and what is wrong, and nothing is written; it
stops looking after PROBLEM_LIMIT problems. Loading the same files again
changes nothing.
"""

from __future__ import annotations

import getpass
import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import LoadRun

from .fixtures import load_fixture
from .plan import Plan
from .reading import Source, check, collect_files, read_source
from .report import MAX_PROBLEMS, PROBLEM_LIMIT, LoadError, LoadReport, Origin, Problem, Tally
from .schema import SCHEMA_PATH
from .writer import ProgressCallback, Writer

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MAX_PROBLEMS",
    "PROBLEM_LIMIT",
    "SCHEMA_PATH",
    "LoadError",
    "LoadReport",
    "Problem",
    "Tally",
    "load",
    "load_documents",
]

PROGRESS_EVERY = 1000


def _system_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this process's user
        return "unknown"


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def load(
    paths: Sequence[str | Path] | None = None,
    *,
    dry_run: bool = False,
    progress: ProgressCallback = _no_progress,
    progress_every: int = PROGRESS_EVERY,
    user=None,
    command: str = "load_readouts",
) -> LoadReport:
    """Load files or folders of readout documents and Django fixtures, all or nothing.

    Raises LoadError, with every problem found, when anything is wrong; the
    database is then exactly as it was.
    """
    if not paths:
        paths = [str(p) for p in settings.READOUTS_FIXTURE_DIRS]
    files, problems = collect_files(paths)
    report = LoadReport(files=len(files), dry_run=dry_run)
    sources = []
    for done, path in enumerate(files, 1):
        source = read_source(path, problems)
        if source is not None:
            sources.append(source)
        if len(problems) >= PROBLEM_LIMIT:
            raise LoadError(problems)
        if done % progress_every == 0:
            progress("reading files", done, len(files))
    return _load_sources(
        sources,
        problems,
        report,
        dry_run=dry_run,
        progress=progress,
        progress_every=progress_every,
        user=user,
        command=command,
    )


def load_documents(
    documents: Sequence[tuple[str, dict]],
    *,
    dry_run: bool = False,
    user=None,
    command: str = "load_readouts",
) -> LoadReport:
    """Load readout documents held in memory, each with the name to report it by.

    The same checks and the same single transaction as files get.
    """
    sources, problems = [], []
    for name, document in documents:
        origin = Origin(name, ())
        found = check(origin, document)
        if found:
            problems.extend(found)
            if len(problems) >= PROBLEM_LIMIT:
                raise LoadError(problems)
            continue
        sources.append(Source(name, [(origin, document)]))
    report = LoadReport(files=len(documents), dry_run=dry_run)
    return _load_sources(sources, problems, report, dry_run=dry_run, user=user, command=command)


def _load_sources(
    sources: list[Source],
    problems: list[Problem],
    report: LoadReport,
    *,
    dry_run: bool,
    progress: ProgressCallback = _no_progress,
    progress_every: int = PROGRESS_EVERY,
    user=None,
    command: str,
) -> LoadReport:
    plan = Plan()
    for source in sources:
        if source.export is not None:
            plan.add_export(Origin(source.file, ()), source.export)
    documents = [doc for source in sources for doc in source.documents]
    for done, (origin, doc) in enumerate(documents, 1):
        plan.add_document(origin, doc, checked=True)  # against the schema, as it was read
        if len(problems) + len(plan.problems) >= PROBLEM_LIMIT:
            break
        if done % progress_every == 0:
            progress("validating documents", done, len(documents))
    report.documents = len(documents)
    problems.extend(plan.problems)
    if problems:
        raise LoadError(problems)

    try:
        with transaction.atomic():
            run = LoadRun.objects.create(
                run_by=user.get_username() if user else _system_account(),
                user=user,
                command=command,
                files=[source.file for source in sources],
            )
            reason = f"load_readouts run #{run.pk}"
            for source in sources:
                if source.fixture is not None:
                    report.fixture_objects += len(source.fixture)
                    problems.extend(load_fixture(source, report, user, reason))
                    if len(problems) >= PROBLEM_LIMIT:
                        break
            if problems:
                raise LoadError(problems)
            writer = Writer(plan, report, progress, progress_every, user, reason)
            writer.check()
            if writer.problems:
                raise LoadError(writer.problems)
            writer.write()
            if dry_run or not report.changed:
                # Nothing to trace: a dry run writes nothing, nor does a load that changes nothing.
                transaction.set_rollback(True)
            else:
                run.finished_at = timezone.now()
                run.counts = {
                    str(model._meta.verbose_name_plural): vars(tally)
                    for model, tally in report.tallies.items()
                }
                run.save(update_fields=["finished_at", "counts"])
                report.run = run
                check_rules_now()
    except DatabaseError as exc:
        raise LoadError([_refused(exc)]) from exc
    return report


# The database's own checks of "a speaker attends the meeting" (migrations 0010, 0015).
SPEAKER_CHECKS = (
    "readouts_statement_speaker_attends",
    "readouts_attendance_speakers_attend",
    "readouts_readout_speakers_attend",
)


def check_rules_now() -> None:
    """Run the database's deferred checks of a big load before its commit, not during it.

    At the commit PostgreSQL runs the deferred triggers in the order their writes were
    queued: the data version's (migration 0013, queued by the first write) would lock
    the version's row first, and hold it while the checks of every statement ran,
    making every editor's save wait that long. Checked here, the commit only moves the
    version on."""
    if connection.vendor == "postgresql":
        checks = ", ".join(SPEAKER_CHECKS)
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {checks} IMMEDIATE")  # checks what is pending
            # Deferred again for whatever the transaction writes next, when the load is
            # part of a larger one.
            cursor.execute(f"SET CONSTRAINTS {checks} DEFERRED")


# What the database says when another transaction writes the same rows at the same time:
# a deadlock, a serialization failure, a lock waited for too long, or a key taken meanwhile
# (the load looked for it before writing).
CONCURRENT_STATES = {"40P01", "40001", "55P03", "23505"}


def _refused(exc: DatabaseError) -> Problem:
    # PostgreSQL's CONTEXT lines quote the rows being copied: the lines before say it all.
    lines = str(exc).strip().splitlines()
    said = " ".join(itertools.takewhile(lambda line: not line.startswith("CONTEXT:"), lines))
    message = f"the database refused the load: {said}"
    state = getattr(exc.__cause__, "sqlstate", None)
    if state in CONCURRENT_STATES or "database is locked" in said:
        message += "; another load may be running at the same time: try again once it is done"
    return Problem("(database)", "", message)
