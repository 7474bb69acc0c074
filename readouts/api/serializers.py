"""The API's records: the readout document's fields, other records named by slug, and
each record's address in the API (`url`) and on the site (`page`)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
)


def absolute(serializer: serializers.Serializer, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def readout_key(readout: Readout) -> str:
    return f"{readout.meeting.slug}/{readout.publisher.slug}/{readout.language}"


class Linked(serializers.Serializer):
    """A record with its API address and its page."""

    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    route = ""

    def key(self, obj) -> str:
        return obj.slug

    def get_url(self, obj) -> str:
        return absolute(self, reverse(f"api:{self.route}-detail", args=[self.key(obj)]))

    def get_page(self, obj) -> str:
        return absolute(self, obj.get_absolute_url())


class IdentifierSerializer(serializers.Serializer):
    """An identifier in another database, as Popolo writes it."""

    scheme = serializers.CharField()
    identifier = serializers.CharField()


class ParticipantSerializer(Linked, serializers.ModelSerializer):
    route = "participant"
    country = serializers.CharField(source="country.code")
    aliases = serializers.ListField(source="alias_list", child=serializers.CharField())
    identifiers = IdentifierSerializer(source="identifier_list", many=True, read_only=True)

    class Meta:
        model = Participant
        fields = [
            "url",
            "page",
            "slug",
            "name",
            "country",
            "organization",
            "aliases",
            "wikidata",
            "identifiers",
        ]


class PublisherSerializer(Linked, serializers.ModelSerializer):
    route = "publisher"
    country = serializers.CharField(source="country.code")
    identifiers = IdentifierSerializer(source="identifier_list", many=True, read_only=True)

    class Meta:
        model = Publisher
        fields = [
            "url",
            "page",
            "slug",
            "name",
            "country",
            "website",
            "time_zone",
            "wikidata",
            "identifiers",
        ]


class TopicSerializer(Linked, serializers.ModelSerializer):
    route = "topic"
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Topic
        fields = ["url", "page", "slug", "name", "parent", "description"]


class AttendanceSerializer(serializers.ModelSerializer):
    """A participant of a meeting, with the title they held at the time."""

    participant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="participant.name")
    country = serializers.CharField(source="participant.country.code")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["participant", "name", "country", "title", "url"]

    def get_url(self, obj: Attendance) -> str:
        return absolute(self, reverse("api:participant-detail", args=[obj.participant.slug]))


class StatementInReadoutSerializer(serializers.ModelSerializer):
    """A statement as its readout lists it: the speaker by slug (null: the sides
    together) and its topics by slug."""

    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = ["sequence", "speaker", "text", "topics"]


@extend_schema_field(OpenApiTypes.DATETIME)
class PublishedTimeField(serializers.Field):
    """A readout's published time at the offset it was published with, as in documents."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, readout: Readout) -> str | None:
        return doc.timestamp(readout.published_at, readout.published_offset)


class ReadoutSummarySerializer(serializers.ModelSerializer):
    """Who reported a meeting, and where: the readout without its text."""

    url = serializers.SerializerMethodField()
    published_at = PublishedTimeField()
    publisher = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source_url = serializers.URLField(source="url")

    class Meta:
        model = Readout
        fields = ["url", "publisher", "language", "title", "published_at", "source_url"]

    def get_url(self, obj: Readout) -> str:
        return absolute(self, reverse("api:readout-detail", args=[readout_key(obj)]))


class ReadoutSerializer(ReadoutSummarySerializer):
    """One publisher's account of a meeting, verbatim, with its statements."""

    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    statements = StatementInReadoutSerializer(many=True, read_only=True)

    class Meta(ReadoutSummarySerializer.Meta):
        fields = ["url", "meeting", *ReadoutSummarySerializer.Meta.fields[1:], "body", "statements"]


class ReadoutInMeetingSerializer(ReadoutSerializer):
    class Meta(ReadoutSerializer.Meta):
        fields = [name for name in ReadoutSerializer.Meta.fields if name != "meeting"]


class MeetingSerializer(Linked, serializers.ModelSerializer):
    """A meeting, its participants and who reported it."""

    route = "meeting"
    participants = AttendanceSerializer(source="attendances", many=True, read_only=True)
    readouts = ReadoutSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "url",
            "page",
            "slug",
            "date",
            "end_date",
            "kind",
            "title",
            "location",
            "participants",
            "readouts",
        ]


class RecordSerializer(serializers.ModelSerializer):
    """An entry of an independent record of contacts (the Office of the Historian's
    visits and trips), verbatim, keyed by its source, kind and key."""

    source_url = serializers.URLField(source="url")
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Record
        fields = [
            "source",
            "kind",
            "key",
            "source_url",
            "date",
            "end_date",
            "country",
            "place",
            "who",
            "role",
            "text",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its readouts in full, each with its statements, and the records
    that tell of it."""

    readouts = ReadoutInMeetingSerializer(many=True, read_only=True)
    records = RecordSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "records"]


class StatementSerializer(serializers.ModelSerializer):
    """A statement, with the meeting and the readout it is in."""

    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    meeting = serializers.CharField(source="readout.meeting.slug")
    date = serializers.DateField(source="readout.meeting.date")
    readout = serializers.SerializerMethodField()
    publisher = serializers.CharField(source="readout.publisher.slug")
    language = serializers.CharField(source="readout.language")
    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "url",
            "page",
            "meeting",
            "date",
            "readout",
            "publisher",
            "language",
            "sequence",
            "speaker",
            "text",
            "topics",
        ]

    def get_url(self, obj: Statement) -> str:
        key = f"{readout_key(obj.readout)}/{obj.sequence}"
        return absolute(self, reverse("api:statement-detail", args=[key]))

    def get_page(self, obj: Statement) -> str:
        return absolute(self, obj.get_absolute_url())

    def get_readout(self, obj: Statement) -> str:
        return absolute(self, reverse("api:readout-detail", args=[readout_key(obj.readout)]))
