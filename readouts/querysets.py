"""The query vocabulary: "meetings matching X" and "statements matching X", written once.

The filters, the pages, the admin's actions, the findings and the exporter
all choose rows through these methods (`Meeting.objects.on_topics([pk])
.attended_by(pk)`), so that what "on a topic" or "with someone from a
country" means is decided here only.

Each condition is an EXISTS over the related rows, never a join: a meeting is
listed once however many of its statements match, and no DISTINCT (with its
sort) is needed. Participants and publishers are given by key, looked up first:
PostgreSQL then plans with what it knows of that participant (the busiest speak
in tens of thousands of statements) instead of an average guess.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _models():
    # The models import this module for their managers.
    from . import models as m

    return m


def readouts_from(code: str) -> models.QuerySet:
    """The readouts of a country's government: those of the publishers whose record
    gives that country (the publishers found once a query, a meeting's readouts then
    asked of an index alone)."""
    return _models().Readout.objects.filter(publisher__in=publishers_of(code))


def publishers_of(code: str) -> models.QuerySet:
    """The publishers that speak for a country's government: their records say so."""
    return _models().Publisher.objects.filter(country=code).order_by().values("pk")


def reported() -> Exists:
    """Whether a meeting (the outer query's) has a readout."""
    return Exists(_models().Readout.objects.filter(meeting=OuterRef("pk")))


def recorded() -> Exists:
    """Whether an independent record (a visit, a trip) knows of a meeting (the outer
    query's)."""
    return Exists(_models().Record.meetings.through.objects.filter(meeting=OuterRef("pk")))


class MeetingQuerySet(models.QuerySet):
    def on_topics(self, topic_ids: Iterable[int]) -> MeetingQuerySet:
        """Meetings with a statement on one of these topics or on one of their subtopics.
        Read from the derived meeting-topic table, which has a row for each topic with its
        subtopics, not through every statement's links."""
        on_topic = _models().MeetingTopic.objects.filter(
            topic_id__in=list(topic_ids), meeting=OuterRef("pk")
        )
        return self.filter(Exists(on_topic))

    def attended_by(self, *participant_ids: int) -> MeetingQuerySet:
        """Meetings one of these participants attended."""
        attending = _models().Attendance.objects.filter(
            meeting=OuterRef("pk"), participant_id__in=participant_ids
        )
        return self.filter(Exists(attending))

    def with_country(self, code: str) -> MeetingQuerySet:
        """Meetings attended by someone from a country: their rows in the derived
        meeting-country table, one range of its key."""
        rows = _models().MeetingCountry.objects.filter(country=code, meeting=OuterRef("pk"))
        return self.filter(Exists(rows))

    def reported_by(self, *publisher_ids: int) -> MeetingQuerySet:
        """Meetings with a readout from one of these publishers."""
        readouts = _models().Readout.objects.filter(
            meeting=OuterRef("pk"), publisher_id__in=publisher_ids
        )
        return self.filter(Exists(readouts))

    def reported_from(self, code: str) -> MeetingQuerySet:
        """Meetings with a readout from a publisher of a country (its government's
        account: which publishers speak for which country is their records' country)."""
        return self.filter(Exists(readouts_from(code).filter(meeting=OuterRef("pk"))))

    def known_from_records(self) -> MeetingQuerySet:
        """Meetings an independent record (a visit, a trip) knows of."""
        return self.filter(recorded())

    def known_from_readouts(self) -> MeetingQuerySet:
        """Meetings some government's readout tells of."""
        return self.filter(reported())

    def without_readouts(self) -> MeetingQuerySet:
        """Meetings no government's readout tells of (yet)."""
        return self.filter(~reported())

    def unreported_from(self, code: str) -> MeetingQuerySet:
        """Meetings with no readout from any publisher of a country."""
        return self.filter(~Exists(readouts_from(code).filter(meeting=OuterRef("pk"))))


def spoken(*, by: int | None = None, from_country: str = "", via: str = "") -> Q:
    """Statements spoken by a participant (by key) or by someone from a country, as a
    condition; `via` asks it of the statement a related row points to ("statement__")."""
    if by is not None:
        return Q(**{f"{via}speaker_id": by})
    return Q(**{f"{via}speaker__country": from_country})


class StatementQuerySet(models.QuerySet):
    def on_topics(self, topic_ids: Iterable[int]) -> StatementQuerySet:
        """Statements on one of these topics."""
        links = _models().Statement.topics.through.objects.filter(
            statement=OuterRef("pk"), topic_id__in=list(topic_ids)
        )
        return self.filter(Exists(links))

    def spoken_by(self, participant_id: int) -> StatementQuerySet:
        return self.filter(spoken(by=participant_id))

    def joint(self) -> StatementQuerySet:
        """What the sides said together: statements with no one speaker."""
        return self.filter(speaker__isnull=True)

    def by_speakers_from(self, code: str) -> StatementQuerySet:
        return self.filter(spoken(from_country=code))

    def reported_by(self, *publisher_ids: int) -> StatementQuerySet:
        return self.filter(readout__publisher_id__in=publisher_ids)

    def in_meetings(self, meetings: models.QuerySet) -> StatementQuerySet:
        """Statements made in some meetings (a MeetingQuerySet, e.g. those of a pair)."""
        return self.filter(readout__meeting__in=meetings.order_by().values("pk"))
