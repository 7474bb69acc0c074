"""The meetings and what they refer to as a flat Django natural-key fixture."""

from collections.abc import Iterable, Iterator

from django.core import serializers
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from ..models import Attendance, Meeting, Participant, Publisher, Readout, Record, Topic
from ..tree import TopicTree
from .documents import topics_in_scope
from .selection import filter_params, meetings_with_everything
from .streaming import CHUNK, iterate, stream_list


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
    topics = _depth_first(topics_in_scope(meetings, everything))
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
    for meeting in iterate(meetings_with_everything(meetings), chunk_size):
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
    # Records after every meeting they name: loaddata looks their meetings up by slug.
    records = Record.objects.order_by("source", "kind", "key")
    linked = Meeting.objects.order_by("slug")
    if not everything:
        chosen = meetings.order_by().values("pk")
        records = records.filter(
            Exists(
                Record.meetings.through.objects.filter(record=OuterRef("pk"), meeting__in=chosen)
            )
        )
        # Only the meetings the file holds: loaddata looks each one up.
        linked = linked.filter(pk__in=chosen)
    records = records.prefetch_related(Prefetch("meetings", queryset=linked.only("pk", "slug")))
    for record in iterate(records, chunk_size):
        yield from _fixture_entries([record])


def export_django(
    meetings: QuerySet[Meeting],
    params: dict[str, str] | None = None,
    *,
    indent: int | None = 2,
    chunk_size: int = CHUNK,
) -> Iterator[str]:
    """The meetings and what they refer to as a Django natural-key fixture."""
    everything = not filter_params(params or {})
    yield from stream_list(_fixture_objects(meetings, everything, chunk_size), indent)
