"""Exports, streamed in chunks: readout documents (the loader's format), a flat
Django natural-key fixture, and CSV for spreadsheets.

Every export is deterministic: the same data gives the same bytes, so export,
load into an empty database, export again gives the same file (only the
header's exported_at differs; SOURCE_DATE_EPOCH fixes it).
"""

import csv
import io
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from . import __version__
from .filters import MeetingFilter, StatementFilter
from .models import (
    Attendance,
    Meeting,
    Participant,
    Publisher,
    Readout,
    Statement,
    Topic,
    split_aliases,
)
from .tree import TopicTree

CHUNK = 200  # meetings (or statements) per round of queries
FORMATS = ("documents", "django")
# Query parameters that choose rows; the others only arrange them on a page.
NOT_FILTERS = {"page", "per_page", "ordering"}


class ExportError(Exception):
    """The filter cannot be used; the message says why, naming each value by its
    parameter, and `labelled` by the filter form's labels, as the pages do."""

    def __init__(self, message: str, labelled: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.labelled = labelled or []


# Choosing what to export ----------------------------------------------------------


def filter_params(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in sorted(params.items()) if v != "" and k not in NOT_FILTERS}


def _choose(filterset_class, model, params: dict[str, str]):
    """Apply a FilterSet; a value it cannot use raises ExportError. Returns the rows
    and the filter values used."""
    params = filter_params(params)
    # Every match of a search, not the newest few a page lists.
    filterset = filterset_class(params or None, queryset=model.objects.all(), every_match=True)
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
    return filterset.qs, params


def meetings_for(params: dict[str, str]) -> tuple[QuerySet[Meeting], dict[str, str]]:
    """The meetings a filter chooses, oldest first, and the filter values used."""
    meetings, used = _choose(MeetingFilter, Meeting, params)
    return meetings.order_by("date", "slug"), used


def statements_for(params: dict[str, str]) -> tuple[QuerySet[Statement], dict[str, str]]:
    """The statements a filter chooses, in reading order, and the filter values used."""
    statements, used = _choose(StatementFilter, Statement, params)
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
    parts.append(_now().date().isoformat())
    return "-".join(parts)[:180] + f".{extension}"


def download(pieces: Iterable[str], filename: str, content_type: str) -> StreamingHttpResponse:
    """An export as a streamed download."""
    response = StreamingHttpResponse(pieces, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _now() -> datetime:
    # Reproducible exports honour SOURCE_DATE_EPOCH, as reproducible builds do.
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


# Reading rows in chunks -------------------------------------------------------------


def _meetings_with_everything(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
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


def iterate(queryset: QuerySet, chunk_size: int = CHUNK) -> Iterator:
    return queryset.iterator(chunk_size=chunk_size)


# Readout documents ----------------------------------------------------------------------


def topic_entry(topic: Topic, parents: dict[int, str]) -> dict:
    return {
        "slug": topic.slug,
        "name": topic.name,
        "parent": parents.get(topic.parent_id),
        "description": topic.description,
    }


def participant_entry(person: Participant) -> dict:
    return {
        "slug": person.slug,
        "name": person.name,
        "country": person.country.code or "",
        "organization": person.organization,
        "aliases": split_aliases(person.aliases),
    }


def publisher_entry(publisher: Publisher) -> dict:
    return {
        "slug": publisher.slug,
        "name": publisher.name,
        "country": publisher.country.code or "",
        "website": publisher.website,
    }


def _timestamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


MEETING_FIELDS = ["id", "slug", "date", "end_date", "kind", "title", "location"]


def _chunks_of(meetings: QuerySet[Meeting], chunk_size: int) -> Iterator[list[dict]]:
    chunk = []
    for row in meetings.values(*MEETING_FIELDS).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def documents(meetings: QuerySet[Meeting], chunk_size: int = CHUNK) -> Iterator[dict]:
    """Readout documents, built from plain rows: four queries per chunk of meetings.

    No model instance is made of any row: at scale that was the export's main cost.
    """
    through = Statement.topics.through
    topic_slugs = dict(Topic.objects.values_list("id", "slug"))  # topics are few
    for chunk in _chunks_of(meetings, chunk_size):
        ids = [row["id"] for row in chunk]
        people = defaultdict(list)
        for meeting_id, title, *person in (
            Attendance.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "order", "participant__slug")
            .values_list(
                "meeting_id",
                "title",
                "participant__slug",
                "participant__name",
                "participant__country",
                "participant__organization",
                "participant__aliases",
            )
        ):
            slug, name, country, organization, aliases = person
            people[meeting_id].append(
                {
                    "slug": slug,
                    "name": name,
                    "country": country or "",
                    "organization": organization,
                    "aliases": split_aliases(aliases),
                    "title": title,
                }
            )
        readouts = defaultdict(list)
        by_id = {}
        for pk, meeting_id, language, title, published_at, url, body, *publisher in (
            Readout.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "publisher__slug", "language")
            .values_list(
                "id",
                "meeting_id",
                "language",
                "title",
                "published_at",
                "url",
                "body",
                "publisher__slug",
                "publisher__name",
                "publisher__country",
                "publisher__website",
            )
        ):
            slug, name, country, website = publisher
            readout = {
                "publisher": {
                    "slug": slug,
                    "name": name,
                    "country": country or "",
                    "website": website,
                },
                "language": language,
                "title": title,
                "published_at": _timestamp(published_at),
                "url": url,
                "body": body,
                "statements": [],
            }
            readouts[meeting_id].append(readout)
            by_id[pk] = readout
        statements = []
        for pk, readout_id, sequence, speaker, text in (
            Statement.objects.filter(readout_id__in=list(by_id))
            .order_by("readout_id", "sequence")
            .values_list("id", "readout_id", "sequence", "speaker__slug", "text")
        ):
            statement = {"sequence": sequence, "speaker": speaker, "topics": [], "text": text}
            by_id[readout_id]["statements"].append(statement)
            statements.append((pk, statement))
        topics = defaultdict(list)
        for statement_id, topic_id in through.objects.filter(
            statement_id__in=[pk for pk, _ in statements]
        ).values_list("statement_id", "topic_id"):
            topics[statement_id].append(topic_slugs[topic_id])
        for pk, statement in statements:
            statement["topics"] = sorted(topics[pk])
        for row in chunk:
            yield {
                "meeting": {
                    "slug": row["slug"],
                    "date": row["date"].isoformat(),
                    "end_date": row["end_date"].isoformat() if row["end_date"] else None,
                    "kind": row["kind"],
                    "title": row["title"],
                    "location": row["location"],
                },
                "participants": people[row["id"]],
                "readouts": readouts[row["id"]],
            }


def _topics_in_scope(meetings: QuerySet[Meeting], everything: bool) -> list[Topic]:
    """All topics, or those the meetings' statements use with their ancestors."""
    topics = {t.pk: t for t in Topic.objects.order_by("slug")}
    if everything:
        return list(topics.values())
    used = Statement.topics.through.objects.filter(statement__readout__meeting__in=meetings)
    tree = TopicTree({pk: t.parent_id for pk, t in topics.items()})
    wanted = tree.with_ancestors(used.values_list("topic_id", flat=True).distinct())
    return [t for t in topics.values() if t.pk in wanted]


def _dump(value, indent: int | None, level: int = 0) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=indent, cls=DjangoJSONEncoder)
    if indent is None or level == 0:
        return text
    # JSON strings hold no raw newline, so every line break is layout.
    return text.replace("\n", "\n" + " " * (indent * level))


def _stream_object(
    head: list[tuple[str, object]], key: str, items: Iterable, indent: int | None
) -> Iterator[str]:
    """Write {head..., key: [items...]} as json.dumps would, one item at a time."""
    if indent is None:
        yield "{" + "".join(f"{json.dumps(k)}: {_dump(v, None)}, " for k, v in head)
        yield f"{json.dumps(key)}: ["
        for i, item in enumerate(items):
            yield (", " if i else "") + _dump(item, None)
        yield "]}\n"
        return
    pad = " " * indent
    yield "{\n" + "".join(f"{pad}{json.dumps(k)}: {_dump(v, indent, 1)},\n" for k, v in head)
    yield f"{pad}{json.dumps(key)}: ["
    count = 0
    for count, item in enumerate(items, 1):
        yield ("," if count > 1 else "") + "\n" + pad * 2 + _dump(item, indent, 2)
    yield ("\n" + pad + "]" if count else "]") + "\n}\n"


def _stream_list(items: Iterable, indent: int | None) -> Iterator[str]:
    yield "["
    count = 0
    for count, item in enumerate(items, 1):
        separator = ("," if count > 1 else "") + ("\n" + " " * indent if indent else "")
        if indent is None and count > 1:
            separator = ", "
        yield separator + _dump(item, indent, 1)
    yield ("\n]" if indent and count else "]") + "\n"


def export_documents(
    meetings: QuerySet[Meeting],
    params: dict[str, str] | None = None,
    *,
    indent: int | None = 2,
    chunk_size: int = CHUNK,
) -> Iterator[str]:
    """The meetings as an export of readout documents, in pieces of text."""
    params = filter_params(params or {})
    everything = not params
    header = {
        "format": "readout-documents",
        "version": __version__,
        "exported_at": _now().isoformat().replace("+00:00", "Z"),
        "filter": params,
        "meetings": meetings.count(),
    }
    topics = _topics_in_scope(meetings, everything)
    slugs = {t.pk: t.slug for t in topics}
    head = [("export", header), ("topics", [topic_entry(t, slugs) for t in topics])]
    if everything:
        # Records no document mentions, so that an export of everything loses nothing.
        alone = Participant.objects.filter(attendances__isnull=True).order_by("slug")
        unused = Publisher.objects.filter(readouts__isnull=True).order_by("slug")
        head += [
            ("participants", [participant_entry(p) for p in alone]),
            ("publishers", [publisher_entry(p) for p in unused]),
        ]
    yield from _stream_object(head, "documents", documents(meetings, chunk_size), indent)


# A flat Django fixture ------------------------------------------------------------------


def _fixture_entries(objects: Iterable) -> list[dict]:
    return serializers.serialize(
        "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


def _depth_first(topics: list[Topic]) -> list[Topic]:
    """Parents before children, so loaddata meets every parent first."""
    by_pk = {t.pk: t for t in topics}
    tree = TopicTree({t.pk: t.parent_id for t in topics})
    return [by_pk[pk] for pk in tree.parents_first(by_pk)]


def _fixture_objects(
    meetings: QuerySet[Meeting], everything: bool, chunk_size: int
) -> Iterator[dict]:
    topics = _depth_first(_topics_in_scope(meetings, everything))
    parents = {t.pk: t for t in topics}
    for topic in topics:
        topic.parent = parents.get(topic.parent_id)
        yield from _fixture_entries([topic])
    publishers = Publisher.objects.order_by("slug")
    participants = Participant.objects.order_by("slug")
    if not everything:
        publishers = publishers.filter(
            Exists(Readout.objects.filter(publisher=OuterRef("pk"), meeting__in=meetings))
        )
        participants = participants.filter(
            Exists(Attendance.objects.filter(participant=OuterRef("pk"), meeting__in=meetings))
        )
    for publisher in iterate(publishers, chunk_size):
        yield from _fixture_entries([publisher])
    for person in iterate(participants, chunk_size):
        yield from _fixture_entries([person])
    for meeting in iterate(_meetings_with_everything(meetings), chunk_size):
        yield from _fixture_entries([meeting])
        for attendance in meeting.attendances.all():
            attendance.meeting = meeting
            yield from _fixture_entries([attendance])
        for readout in meeting.readouts.all():
            readout.meeting = meeting
            yield from _fixture_entries([readout])
            for statement in readout.statements.all():
                statement.readout = readout
                yield from _fixture_entries([statement])


def export_django(
    meetings: QuerySet[Meeting],
    params: dict[str, str] | None = None,
    *,
    indent: int | None = 2,
    chunk_size: int = CHUNK,
) -> Iterator[str]:
    """The meetings and what they refer to as a Django natural-key fixture."""
    everything = not filter_params(params or {})
    yield from _stream_list(_fixture_objects(meetings, everything, chunk_size), indent)


EXPORTERS: dict[str, Callable[..., Iterator[str]]] = {
    "documents": export_documents,
    "django": export_django,
}


# CSV for spreadsheets ----------------------------------------------------------------------


def neutralise(value: object) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _csv_rows(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # A byte-order mark tells spreadsheets the file is UTF-8.
    yield "\ufeff"
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


MEETING_COLUMNS = [
    "date",
    "end_date",
    "kind",
    "title",
    "location",
    "participants",
    "publishers",
    "topics",
    "page",
    "sources",
]


def meetings_csv(
    meetings: QuerySet[Meeting], page_url: Callable[[str], str] = lambda path: path
) -> Iterator[str]:
    """One row per meeting."""

    def rows():
        for meeting in iterate(_meetings_with_everything(meetings)):
            readouts = meeting.readouts.all()
            topics = sorted(
                {t.name for r in readouts for s in r.statements.all() for t in s.topics.all()}
            )
            people = [
                f"{a.participant.name} ({a.participant.country.code})"
                if a.participant.country
                else a.participant.name
                for a in meeting.attendances.all()
            ]
            yield [
                meeting.date.isoformat(),
                meeting.end_date.isoformat() if meeting.end_date else "",
                meeting.get_kind_display(),
                meeting.title,
                meeting.location,
                "; ".join(people),
                "; ".join(sorted({r.publisher.name for r in readouts})),
                "; ".join(topics),
                page_url(meeting.get_absolute_url()),
                " ".join(r.url for r in readouts if r.url),
            ]

    return _csv_rows(MEETING_COLUMNS, rows())


STATEMENT_COLUMNS = [
    "date",
    "meeting",
    "publisher",
    "language",
    "sequence",
    "speaker",
    "country",
    "topics",
    "text",
    "page",
]


def _statement_row(statement: Statement, page_url: Callable[[str], str]) -> list:
    readout, speaker = statement.readout, statement.speaker
    return [
        readout.meeting.date.isoformat(),
        readout.meeting.title,
        readout.publisher.name,
        readout.language,
        statement.sequence,
        speaker.name if speaker else "(joint)",
        speaker.country.code if speaker and speaker.country else "",
        "; ".join(t.name for t in statement.topics.all()),
        statement.text,
        page_url(statement.get_absolute_url()),
    ]


def _statements_with_everything(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    return statements.select_related(
        "speaker", "readout__meeting", "readout__publisher"
    ).prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))


def statements_csv(
    statements: QuerySet[Statement], page_url: Callable[[str], str] = lambda path: path
) -> Iterator[str]:
    """One row per statement."""
    rows = (_statement_row(s, page_url) for s in iterate(_statements_with_everything(statements)))
    return _csv_rows(STATEMENT_COLUMNS, rows)


def statements_json(
    statements: QuerySet[Statement], page_url: Callable[[str], str] = lambda path: path
) -> Iterator[str]:
    """The statements as a list of records with the CSV's columns (not a readout document:
    a subset of a readout's statements is not the readout)."""
    rows = (
        dict(zip(STATEMENT_COLUMNS, _statement_row(s, page_url), strict=True))
        for s in iterate(_statements_with_everything(statements))
    )
    return _stream_list(rows, 2)
