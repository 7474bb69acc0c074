"""Readout documents, the loader's own format, built from plain rows."""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import QuerySet

from .. import __version__
from .. import documents as doc
from ..models import (
    Attendance,
    Meeting,
    Participant,
    Publisher,
    Readout,
    Record,
    Statement,
    Topic,
    split_aliases,
)
from ..tree import TopicTree
from .selection import filter_params, now
from .streaming import CHUNK, stream_object


def topic_entry(topic: Topic, parents: dict[int, str]) -> doc.TopicEntry:
    # Former slugs (where a merge left some) and phrases are written only when there are some.
    return doc.topic(
        topic.slug,
        topic.name,
        parent=parents.get(topic.parent_id),
        description=topic.description,
        former_slugs=split_aliases(topic.former_slugs) or None,
        distinct_from=split_aliases(topic.distinct_from) or None,
        phrases=split_aliases(topic.phrases) or None,
    )


def participant_entry(person: Participant) -> doc.ParticipantEntry:
    return doc.participant(
        person.slug,
        name=person.name,
        country=person.country.code or "",
        organization=person.organization,
        aliases=split_aliases(person.aliases),
        former_slugs=split_aliases(person.former_slugs) or None,
        distinct_from=split_aliases(person.distinct_from) or None,
        identifiers=doc.joined_identifiers(person.wikidata, person.identifiers),
    )


def publisher_entry(
    slug: str,
    name: str,
    country: str | None,
    website: str,
    hosts: str,
    time_zone: str,
    wikidata: str,
    identifiers: list,
) -> doc.PublisherEntry:
    # Hosts, a time zone and identifiers are written only when a publisher has them.
    return doc.publisher(
        slug,
        name=name,
        country=country or "",
        website=website,
        hosts=split_aliases(hosts) or None,
        time_zone=time_zone or None,
        identifiers=doc.joined_identifiers(wikidata, identifiers),
    )


PUBLISHER_FIELDS = [
    "slug",
    "name",
    "country",
    "website",
    "hosts",
    "time_zone",
    "wikidata",
    "identifiers",
]


MEETING_FIELDS = ["id", "slug", "date", "end_date", "kind", "title", "location"]
RECORD_FIELDS = [
    "source",
    "kind",
    "key",
    "date",
    "who",
    "text",
    "url",
    "end_date",
    "country",
    "place",
    "role",
]
RECORD_ORDER = ["source", "kind", "key"]


def record_entry(
    source, kind, key, date, who, text, url, end_date, country, place, role
) -> doc.RecordEntry:
    return doc.record(
        source,
        kind,
        key,
        date.isoformat(),
        who,
        text,
        url=url,
        end_date=end_date.isoformat() if end_date else None,
        country=country or "",
        place=place,
        role=role,
    )


def _chunks_of(meetings: QuerySet[Meeting], chunk_size: int) -> Iterator[list[dict]]:
    chunk = []
    for row in meetings.values(*MEETING_FIELDS).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def documents(meetings: QuerySet[Meeting], chunk_size: int = CHUNK) -> Iterator[doc.Document]:
    """Readout documents, built from plain rows: five queries per chunk of meetings.

    No model instance is made of any row: at scale that was the export's main cost.
    """
    through = Statement.topics.through
    topic_slugs = dict(Topic.objects.values_list("id", "slug"))  # topics are few
    for chunk in _chunks_of(meetings, chunk_size):
        ids = [row["id"] for row in chunk]
        people = defaultdict(list)
        for meeting_id, title, slug, name, country, organization, *person in (
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
                "participant__former_slugs",
                "participant__distinct_from",
                "participant__wikidata",
                "participant__identifiers",
            )
        ):
            aliases, former, distinct, *known = person
            people[meeting_id].append(
                doc.participant(
                    slug,
                    name=name,
                    country=country or "",
                    organization=organization,
                    aliases=split_aliases(aliases),
                    former_slugs=split_aliases(former) or None,
                    distinct_from=split_aliases(distinct) or None,
                    identifiers=doc.joined_identifiers(*known),
                    title=title,
                )
            )
        readouts = defaultdict(list)
        by_id: dict[int, doc.ReadoutEntry] = {}
        for pk, meeting_id, language, title, published_at, offset, url, body, *publisher in (
            Readout.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "publisher__slug", "language")
            .values_list(
                "id",
                "meeting_id",
                "language",
                "title",
                "published_at",
                "published_offset",
                "url",
                "body",
                *(f"publisher__{name}" for name in PUBLISHER_FIELDS),
            )
        ):
            readout = doc.readout(
                publisher_entry(*publisher),
                title,
                body,
                language=language,
                published_at=doc.timestamp(published_at, offset),
                url=url,
            )
            readouts[meeting_id].append(readout)
            by_id[pk] = readout
        statements = []
        for pk, readout_id, sequence, speaker, text in (
            Statement.objects.filter(readout_id__in=list(by_id))
            .order_by("readout_id", "sequence")
            .values_list("id", "readout_id", "sequence", "speaker__slug", "text")
        ):
            statement = doc.statement(speaker, text, sequence=sequence)
            by_id[readout_id]["statements"].append(statement)
            statements.append((pk, statement))
        topics = defaultdict(list)
        for statement_id, topic_id in through.objects.filter(
            statement_id__in=[pk for pk, _ in statements]
        ).values_list("statement_id", "topic_id"):
            topics[statement_id].append(topic_slugs[topic_id])
        for pk, statement in statements:
            statement["topics"] = sorted(topics[pk])
        records = defaultdict(list)
        for meeting_id, *fields in (
            Record.meetings.through.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", *(f"record__{name}" for name in RECORD_ORDER))
            .values_list("meeting_id", *(f"record__{name}" for name in RECORD_FIELDS))
        ):
            records[meeting_id].append(record_entry(*fields))
        for row in chunk:
            meeting = doc.meeting(
                row["slug"],
                row["date"].isoformat(),
                row["kind"],
                row["title"],
                end_date=row["end_date"].isoformat() if row["end_date"] else None,
                location=row["location"],
                with_end_date=True,
            )
            yield doc.document(
                meeting, people[row["id"]], readouts[row["id"]], records=records[row["id"]]
            )


def topics_in_scope(meetings: QuerySet[Meeting], everything: bool) -> list[Topic]:
    """All topics, or those the meetings' statements use with their ancestors."""
    topics = {t.pk: t for t in Topic.objects.order_by("slug")}
    if everything:
        return list(topics.values())
    used = Statement.topics.through.objects.filter(statement__readout__meeting__in=meetings)
    tree = TopicTree({pk: t.parent_id for pk, t in topics.items()})
    wanted = tree.with_ancestors(used.values_list("topic_id", flat=True).distinct())
    return [t for t in topics.values() if t.pk in wanted]


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
    header: doc.ExportHeader = {
        "format": "readout-documents",
        "version": __version__,
        "exported_at": now().isoformat().replace("+00:00", "Z"),
        "filter": params,
        "meetings": meetings.count(),
    }
    topics = topics_in_scope(meetings, everything)
    slugs = {t.pk: t.slug for t in topics}
    head = [("export", header), ("topics", [topic_entry(t, slugs) for t in topics])]
    if everything:
        # Records no document mentions, so that an export of everything loses nothing.
        alone = Participant.objects.filter(attendances__isnull=True).order_by("slug")
        unused = Publisher.objects.filter(readouts__isnull=True).order_by("slug")
        head += [
            ("participants", [participant_entry(p) for p in alone]),
            ("publishers", [publisher_entry(*p) for p in unused.values_list(*PUBLISHER_FIELDS)]),
        ]
        unlinked = Record.objects.filter(meetings__isnull=True).order_by(*RECORD_ORDER)
        if unlinked.exists():
            # Written only when there are some: exports without records stay as they were.
            head.append(
                ("records", [record_entry(*r) for r in unlinked.values_list(*RECORD_FIELDS)])
            )
    yield from stream_object(head, "documents", documents(meetings, chunk_size), indent)
