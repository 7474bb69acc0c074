"""A citable release of everything: one folder with the readout documents, the Django
fixture, one table per model as CSV and as Parquet, a Frictionless Data Package
(datapackage.json) describing the tables, a codebook and SHA-256 checksums.

The same data gives the same bytes: rows in key order, no time but `released` (the
command passes SOURCE_DATE_EPOCH, or when the data last changed), and Parquet written
without anything of the moment in it."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import Collate

from .. import __version__
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
from .documents import export_documents
from .fixtures import export_django
from .selection import meetings_for

LICENCE = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": "Creative Commons Zero v1.0 Universal",
}
BATCH = 50_000  # rows per Parquet row group, and read at once


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless Table Schema type: string, integer, date, datetime
    description: str
    required: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    rows: Callable[[], Iterable[tuple]]
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)


def _ordered(queryset: QuerySet, key: list[str], fields: list[str]) -> Iterator[tuple]:
    """The rows in key order, text compared byte by byte on every database (PostgreSQL's
    default collation sets hyphens aside), so both give the same file."""
    if connections[queryset.db].vendor == "postgresql":
        key = [k if k.endswith("sequence") else Collate(F(k), "C").asc() for k in key]
    return queryset.order_by(*key).values_list(*fields).iterator(chunk_size=2000)


READOUT_KEY = ["meeting", "publisher", "language"]
STATEMENT_KEY = [*READOUT_KEY, "sequence"]
RECORD_KEY = ["source", "kind", "key"]
HISTORIAN = {
    "title": "The Office of the Historian, U.S. Department of State: travels of the "
    "President and the Secretary of State, and visits by foreign leaders",
    "path": "https://history.state.gov/departmenthistory",
}


IDENTIFIER_COLUMNS = [
    Column("wikidata", "string", "The Wikidata item (Q and digits).", required=False),
    # Stored as text holding JSON, in the CSV and the Parquet alike: a string, so
    # declared (a Table Schema "array" would be a JSON array, not text).
    Column(
        "identifiers",
        "string",
        'Identifiers in other schemes: text holding a JSON list of {"scheme", "identifier"} '
        "(Popolo).",
        required=False,
    ),
]


def tables() -> list[Table]:
    """The tables of a release, each with its key and what its columns mean."""
    text = "string"
    return [
        Table(
            "topics",
            "Subjects of discussion, a hierarchy: a topic may sit under a broader one.",
            [
                Column("slug", text, "The topic's identifier."),
                Column("name", text, "Its name."),
                Column("parent", text, "The broader topic's slug, if any.", required=False),
                Column("description", text, "What it covers.", required=False),
            ],
            ["slug"],
            lambda: _ordered(
                Topic.objects, ["slug"], ["slug", "name", "parent__slug", "description"]
            ),
            [(["parent"], "topics", ["slug"])],
        ),
        Table(
            "publishers",
            "Government bodies (or other organisations) that publish readouts.",
            [
                Column("slug", text, "The publisher's identifier."),
                Column("name", text, "Its name."),
                Column("country", text, "ISO 3166-1 alpha-2 code.", required=False),
                Column("website", text, "Its website.", required=False),
                Column("time_zone", text, "IANA time zone of its clock.", required=False),
                *IDENTIFIER_COLUMNS,
            ],
            ["slug"],
            lambda: _ordered(
                Publisher.objects,
                ["slug"],
                ["slug", "name", "country", "website", "time_zone", "wikidata", "identifiers"],
            ),
        ),
        Table(
            "participants",
            "People who take part in meetings.",
            [
                Column("slug", text, "The participant's identifier."),
                Column("name", text, "Their name."),
                Column("country", text, "ISO 3166-1 alpha-2 code represented.", required=False),
                Column("organization", text, "Organisation represented.", required=False),
                Column("aliases", text, "Other names, separated by newlines.", required=False),
                *IDENTIFIER_COLUMNS,
            ],
            ["slug"],
            lambda: _ordered(
                Participant.objects,
                ["slug"],
                ["slug", "name", "country", "organization", "aliases", "wikidata", "identifiers"],
            ),
        ),
        Table(
            "meetings",
            "Diplomatic contacts: calls, talks, visits, exchanges of messages.",
            [
                Column("slug", text, "The meeting's identifier."),
                Column("date", "date", "When it took place (its first day)."),
                Column("end_date", "date", "Its last day, if over several.", required=False),
                Column(
                    "kind",
                    text,
                    "phone_call, video_call, meeting, talks, visit, messages or other.",
                ),
                Column("title", text, "Its title."),
                Column("location", text, "Where it took place.", required=False),
            ],
            ["slug"],
            lambda: _ordered(
                Meeting.objects,
                ["slug"],
                ["slug", "date", "end_date", "kind", "title", "location"],
            ),
        ),
        Table(
            "attendances",
            "Who took part in each meeting, with the title they held at the time.",
            [
                Column("meeting", text, "The meeting's slug."),
                Column("participant", text, "The participant's slug."),
                Column("title", text, "Title held at the time.", required=False),
                Column("order", "integer", "Position in the meeting's list of participants."),
            ],
            ["meeting", "participant"],
            lambda: _ordered(
                Attendance.objects,
                ["meeting__slug", "participant__slug"],
                ["meeting__slug", "participant__slug", "title", "order"],
            ),
            [(["meeting"], "meetings", ["slug"]), (["participant"], "participants", ["slug"])],
        ),
        Table(
            "readouts",
            "Published accounts of meetings, one per publisher and language, verbatim.",
            [
                Column("meeting", text, "The meeting's slug."),
                Column("publisher", text, "The publisher's slug."),
                Column("language", text, "BCP 47 language code."),
                Column("title", text, "The readout's title."),
                Column("published_at", "datetime", "When it was published (UTC).", required=False),
                Column(
                    "published_offset",
                    "integer",
                    "The UTC offset it was published with, in minutes (480 for +08:00).",
                    required=False,
                ),
                Column("url", text, "Where it was published.", required=False),
                Column("body", text, "The published text, verbatim."),
            ],
            READOUT_KEY,
            lambda: _ordered(
                Readout.objects,
                ["meeting__slug", "publisher__slug", "language"],
                [
                    "meeting__slug",
                    "publisher__slug",
                    "language",
                    "title",
                    "published_at",
                    "published_offset",
                    "url",
                    "body",
                ],
            ),
            [(["meeting"], "meetings", ["slug"]), (["publisher"], "publishers", ["slug"])],
        ),
        Table(
            "statements",
            "Attributed passages of readouts; no speaker means the sides spoke jointly.",
            [
                Column("meeting", text, "The meeting's slug."),
                Column("publisher", text, "The readout's publisher's slug."),
                Column("language", text, "The readout's language."),
                Column("sequence", "integer", "Position in the readout, from 1."),
                Column(
                    "speaker",
                    text,
                    "The speaker's slug; empty for a joint statement.",
                    required=False,
                ),
                Column("text", text, "What the readout says was said."),
            ],
            STATEMENT_KEY,
            lambda: _ordered(
                Statement.objects,
                [
                    "readout__meeting__slug",
                    "readout__publisher__slug",
                    "readout__language",
                    "sequence",
                ],
                [
                    "readout__meeting__slug",
                    "readout__publisher__slug",
                    "readout__language",
                    "sequence",
                    "speaker__slug",
                    "text",
                ],
            ),
            [(READOUT_KEY, "readouts", READOUT_KEY), (["speaker"], "participants", ["slug"])],
        ),
        Table(
            "statement_topics",
            "The topics of each statement.",
            [
                Column("meeting", text, "The statement's meeting's slug."),
                Column("publisher", text, "Its readout's publisher's slug."),
                Column("language", text, "Its readout's language."),
                Column("sequence", "integer", "Its position in the readout."),
                Column("topic", text, "The topic's slug."),
            ],
            [*STATEMENT_KEY, "topic"],
            lambda: _ordered(
                Statement.topics.through.objects,
                [f"statement__readout__{n}__slug" for n in ("meeting", "publisher")]
                + ["statement__readout__language", "statement__sequence", "topic__slug"],
                [f"statement__readout__{n}__slug" for n in ("meeting", "publisher")]
                + ["statement__readout__language", "statement__sequence", "topic__slug"],
            ),
            [(STATEMENT_KEY, "statements", STATEMENT_KEY), (["topic"], "topics", ["slug"])],
        ),
        Table(
            "records",
            "Entries of independent records of contacts (the Office of the Historian's "
            "visits and trips), verbatim: that contacts happened, not anyone's account.",
            [
                Column("source", text, "Who keeps the record: us-office-of-the-historian."),
                Column("kind", text, "visit (to the country) or trip (abroad)."),
                Column("key", text, "The entry's own id in its source."),
                Column("url", text, "The entry's page.", required=False),
                Column("date", "date", "Its first day."),
                Column("end_date", "date", "Its last day, if over several.", required=False),
                Column(
                    "country",
                    text,
                    "ISO 3166-1 alpha-2 code: where the trip went, or where the visitor came from.",
                    required=False,
                ),
                Column("place", text, "The places named, if any.", required=False),
                Column("who", text, "The visitor or traveller, as the record names them."),
                Column("role", text, "The traveller's office.", required=False),
                Column("text", text, "The entry's description or remarks, verbatim."),
            ],
            RECORD_KEY,
            lambda: _ordered(
                Record.objects,
                RECORD_KEY,
                [*RECORD_KEY, "url", "date", "end_date", "country", "place", "who", "role", "text"],
            ),
        ),
        Table(
            "meeting_records",
            "Which records tell of which meetings (a record of a trip may tell of several).",
            [
                Column("meeting", text, "The meeting's slug."),
                Column("source", text, "The record's source."),
                Column("kind", text, "The record's kind."),
                Column("key", text, "The record's key in its source."),
            ],
            ["meeting", *RECORD_KEY],
            lambda: _ordered(
                Record.meetings.through.objects,
                ["meeting__slug", *(f"record__{k}" for k in RECORD_KEY)],
                ["meeting__slug", *(f"record__{k}" for k in RECORD_KEY)],
            ),
            [(["meeting"], "meetings", ["slug"]), (RECORD_KEY, "records", RECORD_KEY)],
        ),
    ]


def cell(value: object) -> object:
    """A value as a table holds it: dates ISO 8601, times in UTC with a Z."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "code"):  # a django-countries Country
        return value.code or None
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else None
    return None if value == "" else value


def arrow_schema(table: Table):
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("s", tz="UTC"),
    }
    return pa.schema(
        [pa.field(c.name, types[c.type], nullable=not c.required) for c in table.columns]
    )


def parquet_value(value: object, column: Column) -> object:
    if hasattr(value, "code"):
        value = value.code
    if isinstance(value, list):
        value = cell(value)
    if value in ("", None):
        return None
    if column.type == "datetime":
        return value.astimezone(UTC).replace(microsecond=0)
    return value


class Writer:
    """Writes the tables of a release into a folder, each as CSV and as Parquet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def table(self, table: Table) -> int:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = arrow_schema(table)
        csv_path = self.folder / "csv" / f"{table.name}.csv"
        parquet_path = self.folder / "parquet" / f"{table.name}.parquet"
        count = 0
        with (
            open(csv_path, "w", encoding="utf-8", newline="") as out,
            pq.ParquetWriter(
                parquet_path,
                schema,
                compression="zstd",
                # Nothing of the moment or of the writing machine in the file.
                write_statistics=True,
                store_schema=False,
            ) as parquet,
        ):
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([c.name for c in table.columns])
            batch: list[tuple] = []

            def flush() -> None:
                columns = [
                    [parquet_value(row[i], column) for row in batch]
                    for i, column in enumerate(table.columns)
                ]
                parquet.write_table(
                    pa.Table.from_arrays(
                        [
                            pa.array(values, type=schema.field(i).type)
                            for i, values in enumerate(columns)
                        ],
                        schema=schema,
                    )
                )
                batch.clear()

            for row in table.rows():
                writer.writerow(["" if (v := cell(value)) is None else v for value in row])
                batch.append(row)
                count += 1
                if len(batch) == BATCH:
                    flush()
            if batch or count == 0:
                flush()
        return count


def table_schema(table: Table) -> dict:
    schema: dict = {
        "fields": [
            {
                "name": c.name,
                "type": c.type,
                "description": c.description,
                **({"format": "%Y-%m-%dT%H:%M:%SZ"} if c.type == "datetime" else {}),
                **({"constraints": {"required": True}} if c.required else {}),
            }
            for c in table.columns
        ],
        "primaryKey": table.primary_key,
        "missingValues": [""],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": fields, "reference": {"resource": resource, "fields": keys}}
            for fields, resource, keys in table.foreign_keys
        ]
    return schema


def write_text(path: Path, pieces: Iterable[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for piece in pieces:
            out.write(piece)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release(folder: Path, released: datetime, sources: list[dict] | None = None) -> dict:
    """Write a release into `folder` (which must not exist yet). Returns the rows of
    each table by name."""
    folder.mkdir(parents=True)
    for sub in ("csv", "parquet", "documents"):
        (folder / sub).mkdir()
    meetings, params = meetings_for({})
    write_text(folder / "documents" / "readouts.json", export_documents(meetings, params))
    write_text(folder / "documents" / "django-fixture.json", export_django(meetings, params))
    writer = Writer(folder)
    counts = {table.name: writer.table(table) for table in tables()}
    package = datapackage(released, counts, sources or [])
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (folder / "CODEBOOK.md").write_text(codebook(released, counts), encoding="utf-8")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    (folder / "SHA256SUMS").write_text(
        "".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files),
        encoding="utf-8",
    )
    return counts


def datapackage(released: datetime, counts: dict[str, int], sources: list[dict]) -> dict:
    resources = []
    for table in tables():
        schema = table_schema(table)
        resources.append(
            {
                "name": table.name,
                "path": f"csv/{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": table.description,
                "rows": counts[table.name],
                "schema": schema,
            }
        )
    for table in tables():
        resources.append(
            {
                # A plain data resource: "tabular-data-resource" is for CSV (and JSON)
                # tables, which a Frictionless tool reads itself.
                "name": f"{table.name}-parquet",
                "path": f"parquet/{table.name}.parquet",
                "profile": "data-resource",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": f"The {table.name} table as Parquet, with the same columns.",
                "rows": counts[table.name],
                "schema": table_schema(table),
            }
        )
    resources += [
        {
            "name": "readout-documents",
            "path": "documents/readouts.json",
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            "description": "Every meeting as a readout document, the project's own format; "
            "loads with `manage.py load_readouts`.",
        },
        {
            "name": "django-fixture",
            "path": "documents/django-fixture.json",
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            "description": "The same records as a Django natural-key fixture (loaddata).",
        },
    ]
    return {
        # Not "tabular-data-package", which would have every resource a CSV table: the
        # Parquet files and the documents are in it too.
        "profile": "data-package",
        "name": "diplomatic-readouts",
        "title": "Diplomatic readouts",
        "description": "Diplomatic contacts (calls, talks, visits) as governments reported "
        "them: who met whom, when, in what form, who said what on which topic, and which "
        "government published each account.",
        "version": f"{released:%Y.%m.%d}",
        "created": released.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENCE],
        "sources": sources
        or [{"title": "Readouts published by the governments named as publishers"}, HISTORIAN],
        "keywords": ["diplomacy", "readouts", "international relations", "event data"],
        "x-software": f"diplomatic readouts database {__version__}",
        "resources": resources,
    }


def codebook(released: datetime, counts: dict[str, int]) -> str:
    lines = [
        "# Codebook: diplomatic readouts",
        "",
        f"Release {released:%Y.%m.%d} ({released.astimezone(UTC):%Y-%m-%d %H:%M} UTC). "
        "Licence: CC0 1.0 (public domain dedication).",
        "",
        "A *meeting* is one diplomatic contact; a *readout* is one government's published "
        "account of it, kept verbatim; *statements* are the attributed passages of a "
        "readout, each with its speaker (none: the sides jointly) and *topics*. Records "
        "are identified by slug; a readout by its meeting, publisher and language; a "
        "statement by its readout and sequence. A *record* is an entry of an independent "
        "record of contacts (the Office of the Historian's visits and trips), keyed by its "
        "source, kind and key; `meeting_records` links records to the meetings they tell "
        "of. Each table is in `csv/` (UTF-8, RFC 4180, "
        "empty = missing) and in `parquet/` (typed, missing = null); `datapackage.json` "
        "gives the same in Frictionless Data Package form, `SHA256SUMS` the files' "
        "checksums (`sha256sum -c SHA256SUMS`).",
        "",
    ]
    for table in tables():
        key = ", ".join(table.primary_key)
        lines += [
            f"## {table.name} ({counts[table.name]} rows; key: {key})",
            "",
            table.description,
            "",
            "| column | type | meaning |",
            "|---|---|---|",
            *(
                f"| {c.name} | {c.type}{'' if c.required else ', optional'} | {c.description} |"
                for c in table.columns
            ),
            "",
        ]
    return "\n".join(lines)
