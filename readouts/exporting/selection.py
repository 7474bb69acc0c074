"""Choosing what to export: the pages' FilterSets, strict about what they cannot use."""

import os
import re
from datetime import UTC, datetime

from django.db.models import Prefetch, QuerySet

from ..filters import MeetingFilter, StatementFilter
from ..models import Attendance, Meeting, Readout, Statement, Topic
from ..naming import Named

# Query parameters that choose rows; the others only arrange them on a page.
NOT_FILTERS = {"page", "per_page", "ordering"}


class ExportError(Exception):
    """The filter cannot be used; the message says why, naming each value by its
    parameter, and `labelled` by the filter form's labels, as the pages do."""

    def __init__(self, message: str, labelled: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.labelled = labelled or []


def filter_params(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in sorted(params.items()) if v != "" and k not in NOT_FILTERS}


def choose(filterset_class, model, params: dict[str, str], *, every_match: bool = True):
    """Apply a FilterSet; a value it cannot use (or a name that names no record, or
    several) raises ExportError. Returns the rows and the filter values used, each
    record typed by name given by its slug, so the export's header says which.

    Every match of a search, not the newest few a page lists, unless `every_match` is
    off (a feed, which shows the newest only)."""
    params = filter_params(params)
    filterset = filterset_class(
        params or None, queryset=model.objects.all(), every_match=every_match
    )
    known = parameters(filterset.form)
    unknown = [name for name in params if name not in known]
    if unknown:
        # A page ignores a name it does not know; a download that did so would hold more
        # than its header, which lists the filter, says.
        takes = ", ".join(sorted(known - NOT_FILTERS))
        raise ExportError(
            "; ".join(f"{name}: not a filter of this list" for name in unknown),
            [(name, f"not a filter of this list, which takes {takes}") for name in unknown],
        )
    errors = filterset.form.errors if filterset.is_bound else {}
    if errors:
        form = filterset.form
        raise ExportError(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()),
            [
                (str(form[name].label) if name in form.fields else name, " ".join(messages))
                for name, messages in errors.items()
            ],
        )
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    used = {
        name: chosen[name].slug if isinstance(chosen.get(name), Named) else value
        for name, value in params.items()
    }
    return filterset.qs, used


def parameters(form) -> set[str]:
    """The query parameters a filter form reads: a date range reads date_after and
    date_before."""
    names = set(NOT_FILTERS)
    for name, field in form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names.update(f"{name}_{suffix}" for suffix in suffixes) if suffixes else names.add(name)
    return names


def meetings_for(params: dict[str, str]) -> tuple[QuerySet[Meeting], dict[str, str]]:
    """The meetings a filter chooses, oldest first, and the filter values used."""
    meetings, used = choose(MeetingFilter, Meeting, params)
    return meetings.order_by("date", "slug"), used


def statements_for(params: dict[str, str]) -> tuple[QuerySet[Statement], dict[str, str]]:
    """The statements a filter chooses, in reading order, and the filter values used."""
    statements, used = choose(StatementFilter, Statement, params)
    order = [
        "readout__meeting__date",
        "readout__meeting__slug",
        "readout__publisher__slug",
        "readout__language",
        "sequence",
    ]
    return statements.order_by(*order), used


def export_filename(kind: str, params: dict[str, str], extension: str) -> str:
    """meetings-country-CN-2026-11-27.json: what was chosen, and when."""
    parts = [kind]
    for key, value in filter_params(params).items():
        cleaned = re.sub(r"[^A-Za-z0-9_.]+", "-", value).strip("-.")[:40]
        parts.append(f"{key}-{cleaned}" if cleaned else key)
    parts.append(now().date().isoformat())
    return "-".join(parts)[:180] + f".{extension}"


def meetings_with_everything(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Four queries per chunk fetch what every meeting's document needs."""
    topics = Topic.objects.order_by("slug")
    statements = (
        Statement.objects.select_related("speaker")
        .prefetch_related(Prefetch("topics", queryset=topics))
        .order_by("sequence")
    )
    readouts = (
        Readout.objects.select_related("publisher")
        .prefetch_related(Prefetch("statements", queryset=statements))
        .order_by("publisher__slug", "language")
    )
    attendances = Attendance.objects.select_related("participant").order_by(
        "order", "participant__slug"
    )
    return meetings.prefetch_related(
        Prefetch("attendances", queryset=attendances),
        Prefetch("readouts", queryset=readouts),
    )


def now() -> datetime:
    """When an export is written. Reproducible exports honour SOURCE_DATE_EPOCH, as
    reproducible builds do."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)
