"""Tables for spreadsheets: CSV with one row per meeting or statement, and the
statements' rows as JSON records."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from ..models import Meeting, Statement, Topic
from .selection import meetings_with_everything
from .streaming import iterate, stream_list


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
        for meeting in iterate(meetings_with_everything(meetings)):
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
    return stream_list(rows, 2)
