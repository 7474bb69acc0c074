"""The readout document, in code: its shapes and the builders everyone makes them with.

One JSON object per meeting, nested, naming other records by slug (see
docs/readout-format.md and its JSON Schema, docs/readout-document.schema.json).
The exporter writes these, the loader's plan reads them, the importer drafts
them, the admin's import page saves them, and the benchmarks' generators and the
tests' factories build them: through these types and builders, so that a field is
added or renamed here once (a test may still write a document out by hand, to say
exactly what it feeds the loader). A test keeps them in agreement with the schema
and with the models' field limits.

The builders leave out what is not given, as an author would: a participant
entry with only a slug names someone already recorded.
"""

from datetime import UTC, datetime, timedelta, timezone
from typing import Literal, NotRequired, TypedDict, get_args
from zoneinfo import ZoneInfo

# Plain Python, no Django: the benchmarks' corpus generator runs without the project.
Kind = Literal["phone_call", "video_call", "meeting", "talks", "visit", "messages", "other"]
KINDS: tuple[str, ...] = get_args(Kind)  # the same as MeetingKind's values (tested)


class MeetingEntry(TypedDict):
    slug: str
    date: str  # YYYY-MM-DD
    end_date: NotRequired[str | None]
    kind: Kind
    title: str
    location: NotRequired[str]


class Identifier(TypedDict):
    """An identifier in another database, as the Popolo standard writes it."""

    scheme: str  # "wikidata" (a QID: Q and digits), "viaf", ...
    identifier: str


class ParticipantEntry(TypedDict):
    """A participant of the meeting; with only a slug (and a title), one recorded."""

    slug: str
    name: NotRequired[str]
    country: NotRequired[str]  # ISO 3166-1 alpha-2, or ""
    organization: NotRequired[str]
    aliases: NotRequired[list[str]]
    former_slugs: NotRequired[list[str]]  # of duplicates merged into this participant
    distinct_from: NotRequired[list[str]]  # participants checked to be other people
    identifiers: NotRequired[list[Identifier]]  # Wikidata's first
    title: NotRequired[str]  # held at the time of this meeting


class TopicEntry(TypedDict):
    slug: str
    name: str
    parent: NotRequired[str | None]
    description: NotRequired[str]
    former_slugs: NotRequired[list[str]]  # of duplicates merged into this topic
    distinct_from: NotRequired[list[str]]  # topics checked to be others
    phrases: NotRequired[list[str]]  # that suggest it in a readout's text


class PublisherEntry(TypedDict):
    """With only a slug, a publisher recorded or defined elsewhere in the load."""

    slug: str
    name: NotRequired[str]
    country: NotRequired[str]
    website: NotRequired[str]
    hosts: NotRequired[list[str]]  # other web hosts its readouts are under
    time_zone: NotRequired[str]  # IANA name, for clock times given without an offset
    identifiers: NotRequired[list[Identifier]]  # Wikidata's first


class StatementEntry(TypedDict):
    sequence: NotRequired[int]  # from 1; by default the place in the list
    speaker: str | None  # a participant's slug; None for the sides together
    topics: NotRequired[list[str]]
    text: str


class ReadoutEntry(TypedDict):
    publisher: PublisherEntry
    language: str  # BCP 47
    title: str
    published_at: NotRequired[str | None]  # ISO 8601 with a UTC offset
    url: NotRequired[str]
    body: str
    statements: NotRequired[list[StatementEntry]]


RecordSource = Literal["us-office-of-the-historian"]
RECORD_SOURCES: tuple[str, ...] = get_args(RecordSource)  # the same as RecordSource's (tested)
RecordKind = Literal["visit", "trip"]
RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)


class RecordEntry(TypedDict):
    """An entry of an independent record that knows of the meeting (a visit, a trip): not
    a government's account. One entry can know of several meetings (a trip's contacts)."""

    source: RecordSource
    kind: RecordKind
    key: str  # the entry's id in its source
    url: NotRequired[str]  # its page
    date: str  # YYYY-MM-DD
    end_date: NotRequired[str | None]
    country: NotRequired[str]  # where the trip went, or the visitor came from
    place: NotRequired[str]
    who: str  # the visitor or traveller, as written
    role: NotRequired[str]  # the traveller's office, as written
    text: str  # the description or remarks, verbatim


class Document(TypedDict):
    """One meeting with its participants, topics, readouts and statements, and the records
    that know of it."""

    meeting: MeetingEntry
    participants: list[ParticipantEntry]
    topics: NotRequired[list[TopicEntry]]
    readouts: list[ReadoutEntry]
    records: NotRequired[list[RecordEntry]]


class ExportHeader(TypedDict):
    format: Literal["readout-documents"]
    version: str
    exported_at: str
    filter: dict[str, str]
    meetings: int


class Export(TypedDict):
    """A file of documents with the definitions they share."""

    export: ExportHeader
    topics: NotRequired[list[TopicEntry]]
    participants: NotRequired[list[ParticipantEntry]]
    publishers: NotRequired[list[PublisherEntry]]
    records: NotRequired[list[RecordEntry]]  # that know of no meeting in the file
    documents: list[Document]


def _given(**fields) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def meeting(
    slug: str,
    date: str,
    kind: str,
    title: str,
    *,
    end_date: str | None = None,
    location: str | None = None,
    with_end_date: bool = False,
) -> MeetingEntry:
    entry = {"slug": slug, "date": date}
    if with_end_date or end_date is not None:
        entry["end_date"] = end_date
    entry |= {"kind": kind, "title": title}
    if location is not None:
        entry["location"] = location
    return entry


def participant(
    slug: str,
    *,
    name: str | None = None,
    country: str | None = None,
    organization: str | None = None,
    aliases: list[str] | None = None,
    former_slugs: list[str] | None = None,
    distinct_from: list[str] | None = None,
    identifiers: list[Identifier] | None = None,
    title: str | None = None,
) -> ParticipantEntry:
    return _given(
        slug=slug,
        name=name,
        country=country,
        organization=organization,
        aliases=aliases,
        former_slugs=former_slugs,
        distinct_from=distinct_from,
        identifiers=identifiers,
        title=title,
    )


def topic(
    slug: str,
    name: str,
    *,
    parent: str | None = None,
    description: str | None = None,
    former_slugs: list[str] | None = None,
    distinct_from: list[str] | None = None,
    phrases: list[str] | None = None,
) -> TopicEntry:
    return {"slug": slug, "name": name, "parent": parent} | _given(
        description=description,
        former_slugs=former_slugs,
        distinct_from=distinct_from,
        phrases=phrases,
    )


def publisher(
    slug: str,
    *,
    name: str | None = None,
    country: str | None = None,
    website: str | None = None,
    hosts: list[str] | None = None,
    time_zone: str | None = None,
    identifiers: list[Identifier] | None = None,
) -> PublisherEntry:
    return _given(
        slug=slug,
        name=name,
        country=country,
        website=website,
        hosts=hosts,
        time_zone=time_zone,
        identifiers=identifiers,
    )


def split_identifiers(given: list[Identifier]) -> tuple[str, list[Identifier]]:
    """A Popolo identifiers list as the records keep it: the Wikidata ID, and the others."""
    wikidata = next((i["identifier"] for i in given if i.get("scheme") == "wikidata"), "")
    return wikidata, [i for i in given if i.get("scheme") != "wikidata"]


def joined_identifiers(wikidata: str, others: list[Identifier]) -> list[Identifier] | None:
    """The other way: Wikidata's first; None when there are none (left out of a document)."""
    given = [{"scheme": "wikidata", "identifier": wikidata}] if wikidata else []
    return given + list(others or []) or None


def statement(
    speaker: str | None,
    text: str,
    *,
    topics: list[str] | None = None,
    sequence: int | None = None,
) -> StatementEntry:
    entry = _given(sequence=sequence)
    return entry | {"speaker": speaker, "topics": list(topics or []), "text": text}


def readout(
    publisher: PublisherEntry,
    title: str,
    body: str,
    *,
    language: str = "en",
    published_at: str | None = None,
    url: str = "",
    statements: list[StatementEntry] | None = None,
) -> ReadoutEntry:
    return {
        "publisher": publisher,
        "language": language,
        "title": title,
        "published_at": published_at,
        "url": url,
        "body": body,
        "statements": list(statements or []),
    }


def offset_minutes(moment: datetime | None) -> int | None:
    """The UTC offset a timestamp was given with, in minutes (480 for +08:00)."""
    if moment is None or moment.utcoffset() is None:
        return None
    return int(moment.utcoffset().total_seconds() // 60)


def local_time(moment: datetime | None, offset: int | None, zone: str = "") -> datetime | None:
    """An instant on the publisher's clock: in its time zone where one is given, else at
    the offset it was published with, else in UTC."""
    if moment is None:
        return None
    if zone:
        return moment.astimezone(ZoneInfo(zone))
    return moment.astimezone(UTC if offset is None else timezone(timedelta(minutes=offset)))


def timestamp(moment: datetime | None, offset: int | None) -> str | None:
    """A published time as documents write it: ISO 8601, at the offset it was given with
    (UTC where none was kept), so 2022-10-27T23:38:00+08:00 round-trips unchanged."""
    return local_time(moment, offset).isoformat() if moment else None


def record(
    source: str,
    kind: str,
    key: str,
    date: str,
    who: str,
    text: str,
    *,
    url: str = "",
    end_date: str | None = None,
    country: str = "",
    place: str = "",
    role: str = "",
) -> RecordEntry:
    return {
        "source": source,
        "kind": kind,
        "key": key,
        "url": url,
        "date": date,
        "end_date": end_date,
        "country": country,
        "place": place,
        "who": who,
        "role": role,
        "text": text,
    }


def document(
    meeting: MeetingEntry,
    participants: list[ParticipantEntry],
    readouts: list[ReadoutEntry],
    *,
    topics: list[TopicEntry] | None = None,
    records: list[RecordEntry] | None = None,
) -> Document:
    entry: Document = {"meeting": meeting, "participants": participants}
    if topics is not None:
        entry["topics"] = topics
    entry["readouts"] = readouts
    if records:
        entry["records"] = records
    return entry
