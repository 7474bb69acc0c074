"""The API's lists and records: GET (and HEAD, OPTIONS) only."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed

from ..counting import count_of
from ..filters import MeetingFilter, ParticipantFilter, ReadoutFilter, StatementFilter
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
from . import serializers

READ_ONLY = ["get", "head", "options"]
SLUG = "[-a-zA-Z0-9_]+"  # as the pages' <slug:…> addresses take them
RECORD_ORDER = ["date", "source", "kind", "key"]


def statements() -> QuerySet[Statement]:
    return Statement.objects.select_related("speaker").prefetch_related("topics")


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    http_method_names = READ_ONLY
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def initial(self, request, *args, **kwargs) -> None:
        # A write is refused as a method this API does not have (405), before asking who
        # is writing (which would answer 403 for a missing sign-in or CSRF token).
        if request.method.lower() not in self.http_method_names:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # A record is found by its address alone; the filters are the lists'.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


@extend_schema_view(
    list=extend_schema(summary="Meetings, filtered as on the meetings page, newest first"),
    retrieve=extend_schema(summary="A meeting with its readouts and their statements"),
)
class MeetingViewSet(ReadOnlyViewSet):
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        attendances = Attendance.objects.select_related("participant")
        readouts = Readout.objects.select_related("publisher", "meeting")
        if self.action == "retrieve":
            readouts = readouts.prefetch_related(Prefetch("statements", queryset=statements()))
        else:
            readouts = readouts.defer("body")  # listed without their text
        meetings = Meeting.objects.order_by("-date", "slug").prefetch_related(
            Prefetch("attendances", queryset=attendances),
            Prefetch("readouts", queryset=readouts.order_by("publisher__slug", "language")),
        )
        if self.action == "retrieve":
            meetings = meetings.prefetch_related(
                Prefetch("records", queryset=Record.objects.order_by(*RECORD_ORDER))
            )
        return meetings

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.MeetingDetailSerializer
        return serializers.MeetingSerializer


@extend_schema_view(
    list=extend_schema(summary="Participants, filtered as on the participants page"),
    retrieve=extend_schema(summary="A participant"),
)
class ParticipantViewSet(ReadOnlyViewSet):
    filterset_class = ParticipantFilter
    serializer_class = serializers.ParticipantSerializer

    def get_queryset(self) -> QuerySet[Participant]:
        # Counted only to sort by (ordering=-meetings), as the page does.
        return Participant.objects.alias(
            meeting_count=count_of(Attendance.objects.all(), "participant")
        ).order_by("name", "slug")


@extend_schema_view(
    list=extend_schema(summary="Topics, by slug"), retrieve=extend_schema(summary="A topic")
)
class TopicViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TopicSerializer
    queryset = Topic.objects.select_related("parent").order_by("slug")


@extend_schema_view(
    list=extend_schema(summary="Publishers, by slug"),
    retrieve=extend_schema(summary="A publisher"),
)
class PublisherViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PublisherSerializer
    queryset = Publisher.objects.order_by("slug")


class ByNaturalKey:
    """A record addressed by its natural key, its parts separated by slashes."""

    lookup_field = "key"
    parts: tuple[str, ...] = ()

    def get_object(self):
        values = self.kwargs["key"].split("/")
        queryset = self.get_queryset()
        lookup = dict(zip(self.parts, values, strict=True))
        obj = get_object_or_404(queryset, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj


@extend_schema_view(
    list=extend_schema(summary="Readouts, newest meetings first"),
    retrieve=extend_schema(summary="A readout, verbatim, with its statements"),
)
class ReadoutViewSet(ByNaturalKey, ReadOnlyViewSet):
    filterset_class = ReadoutFilter
    serializer_class = serializers.ReadoutSerializer
    lookup_field = "key"
    lookup_value_regex = f"{SLUG}/{SLUG}/{SLUG}"
    parts = ("meeting__slug", "publisher__slug", "language")

    def get_queryset(self) -> QuerySet[Readout]:
        return (
            Readout.objects.select_related("meeting", "publisher")
            .prefetch_related(Prefetch("statements", queryset=statements()))
            .order_by("-meeting__date", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Statements, filtered as on the statements page"),
    retrieve=extend_schema(summary="A statement"),
)
class StatementViewSet(ByNaturalKey, ReadOnlyViewSet):
    filterset_class = StatementFilter
    serializer_class = serializers.StatementSerializer
    lookup_field = "key"
    lookup_value_regex = f"{SLUG}/{SLUG}/{SLUG}/[0-9]{{1,9}}"
    parts = ("readout__meeting__slug", "readout__publisher__slug", "readout__language", "sequence")

    def get_queryset(self) -> QuerySet[Statement]:
        return (
            Statement.objects.select_related("speaker", "readout__meeting", "readout__publisher")
            .defer("readout__body")
            .prefetch_related("topics")
            .order_by(*StatementFilter.NEWEST_FIRST)
        )
