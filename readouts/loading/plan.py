"""Validating documents without the database, into a plan keyed by natural keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django_countries import countries

from .. import documents as doc
from .report import Origin, Problem, json_path
from .schema import schema_problems, shorten


@dataclass
class Definition:
    """What a load says about one topic, publisher or participant, merged across documents."""

    fields: dict[str, Any]
    origin: Origin
    origins: dict[str, Origin] = field(default_factory=dict)


@dataclass
class AttendancePlan:
    order: int
    title: str | None
    origin: Origin


@dataclass
class StatementPlan:
    sequence: int
    speaker: str | None
    text: str
    topics: tuple[str, ...]
    origin: Origin


@dataclass
class ReadoutPlan:
    publisher: str
    language: str
    fields: dict[str, Any]
    statements: list[StatementPlan]
    origin: Origin
    raw: dict


# A record by its natural key written "source/kind/key" ("us-office-of-the-historian/trip/4114").
RecordKey = str


def record_key(source: str, kind: str, key: str) -> RecordKey:
    return f"{source}/{kind}/{key}"


def record_natural_key(name: RecordKey) -> tuple[str, str, str]:
    source, kind, key = name.split("/", 2)
    return source, kind, key


@dataclass
class MeetingPlan:
    fields: dict[str, Any]
    origin: Origin
    attendances: dict[str, AttendancePlan] = field(default_factory=dict)
    readouts: dict[tuple[str, str], ReadoutPlan] = field(default_factory=dict)
    records: dict[RecordKey, Origin] = field(default_factory=dict)


@cache
def time_zones() -> set[str]:
    return available_timezones()


@lru_cache(maxsize=4096)  # publishers' websites come again and again
def _valid_url(value: str) -> bool:
    try:
        URLValidator()(value)
    except ValidationError:
        return False
    return True


class Plan:
    """Everything a load will write, validated, keyed by natural keys."""

    def __init__(self) -> None:
        self.topics: dict[str, Definition] = {}
        self.publishers: dict[str, Definition] = {}
        self.participants: dict[str, Definition] = {}
        self.meetings: dict[str, MeetingPlan] = {}
        self.records: dict[RecordKey, Definition] = {}
        self.problems: list[Problem] = []

    # Definitions can repeat across documents as long as they agree.
    def define(
        self, registry: dict[str, Definition], noun: str, slug: str, fields: dict, origin: Origin
    ) -> None:
        known = registry.get(slug)
        if known is None:
            registry[slug] = Definition(dict(fields), origin, {k: origin for k in fields})
            return
        for key, value in fields.items():
            if key in known.fields and known.fields[key] != value:
                self.problems.append(
                    origin.at(key).problem(
                        f"{noun} {slug!r} is given {shorten(value)} here but "
                        f"{shorten(known.fields[key])} in {known.origins[key]}"
                    )
                )
            elif key not in known.fields:
                known.fields[key] = value
                known.origins[key] = origin

    def _valid(self, definition: str, origin: Origin, data: Any) -> bool:
        problems = schema_problems(definition, origin, data)
        self.problems.extend(problems)
        return not problems

    def add_export(self, origin: Origin, data: doc.Export) -> None:
        """An export's shared definitions, `data` holding its documents' list empty: they
        are added one by one."""
        if not self._valid("export", origin, data):
            return
        for i, entry in enumerate(data.get("topics", [])):
            self._topic(origin.at("topics", i), entry)
        for i, entry in enumerate(data.get("participants", [])):
            self._participant_definition(origin.at("participants", i), entry)
        for i, entry in enumerate(data.get("publishers", [])):
            self._publisher(origin.at("publishers", i), entry)
        for i, entry in enumerate(data.get("records", [])):
            self._record(origin.at("records", i), entry)

    def add_document(self, origin: Origin, document: Any, *, checked: bool = False) -> None:
        """A document (any JSON until it is `checked` against the schema, here or already)."""
        if not checked and not self._valid("document", origin, document):
            return
        valid: doc.Document = document
        meeting = self._meeting(origin.at("meeting"), valid["meeting"])
        if meeting is None:
            return
        for i, entry in enumerate(valid["participants"]):
            self._participant(meeting, origin.at("participants", i), entry, i)
        for i, entry in enumerate(valid.get("topics", [])):
            self._topic(origin.at("topics", i), entry)
        for i, entry in enumerate(valid["readouts"]):
            self._readout(meeting, origin.at("readouts", i), entry)
        for i, entry in enumerate(valid.get("records", [])):
            key = self._record(origin.at("records", i), entry)
            if key is not None:
                meeting.records.setdefault(key, origin.at("records", i))

    def _record(self, origin: Origin, entry: doc.RecordEntry) -> RecordKey | None:
        """A record's entry, the same wherever it is given (a trip's, in each of its contacts)."""
        count = len(self.problems)
        fields = {
            "url": entry.get("url", ""),
            "date": self._date(origin.at("date"), entry["date"]),
            "end_date": self._date(origin.at("end_date"), entry.get("end_date")),
            "country": entry.get("country", ""),
            "place": entry.get("place", ""),
            "who": entry["who"],
            "role": entry.get("role", ""),
            "text": entry["text"],
        }
        self._url(origin.at("url"), fields["url"])
        self._country(origin, fields)
        if fields["date"] and fields["end_date"] and fields["end_date"] < fields["date"]:
            self.problems.append(origin.at("end_date").problem("the end date is before the date"))
        if len(self.problems) > count:
            return None
        key = record_key(entry["source"], entry["kind"], entry["key"])
        self.define(self.records, "record", key, fields, origin)
        return key

    def _topic(self, origin: Origin, entry: doc.TopicEntry) -> None:
        fields = {k: entry[k] for k in ("name", "parent", "description") if k in entry}
        if "former_slugs" in entry:
            fields["former_slugs"] = "\n".join(entry["former_slugs"])
        if "distinct_from" in entry:
            fields["distinct_from"] = "\n".join(entry["distinct_from"])
        if "phrases" in entry:
            fields["phrases"] = "\n".join(phrase.strip() for phrase in entry["phrases"])
        self.define(self.topics, "topic", entry["slug"], fields, origin)

    def _country(self, origin: Origin, fields: dict) -> None:
        if fields.get("country") and fields["country"] not in countries:
            self.problems.append(
                origin.at("country").problem(f"unknown country code {fields['country']!r}")
            )

    def _identifiers(self, origin: Origin, fields: dict, entry: dict) -> None:
        """Popolo identifiers, kept as the Wikidata ID and the others; given, they replace
        what is recorded, as aliases do."""
        if "identifiers" not in entry:
            return
        given = entry["identifiers"]
        if sum(item["scheme"] == "wikidata" for item in given) > 1:
            self.problems.append(
                origin.at("identifiers").problem("give one Wikidata ID (scheme 'wikidata')")
            )
        fields["wikidata"], fields["identifiers"] = doc.split_identifiers(given)

    def _participant_definition(self, origin: Origin, entry: doc.ParticipantEntry) -> None:
        fields = {k: entry[k] for k in ("name", "country", "organization") if k in entry}
        if "aliases" in entry:
            fields["aliases"] = "\n".join(alias.strip() for alias in entry["aliases"])
        if "former_slugs" in entry:
            fields["former_slugs"] = "\n".join(entry["former_slugs"])
        if "distinct_from" in entry:
            fields["distinct_from"] = "\n".join(entry["distinct_from"])
        self._identifiers(origin, fields, entry)
        self._country(origin, fields)
        self.define(self.participants, "participant", entry["slug"], fields, origin)

    def _publisher(self, origin: Origin, entry: doc.PublisherEntry) -> None:
        fields = {k: entry[k] for k in ("name", "country", "website", "time_zone") if k in entry}
        if "hosts" in entry:
            fields["hosts"] = "\n".join(entry["hosts"])
        self._identifiers(origin, fields, entry)
        self._country(origin, fields)
        self._url(origin.at("website"), fields.get("website", ""))
        zone = fields.get("time_zone", "")
        if zone and zone not in time_zones():
            self.problems.append(
                origin.at("time_zone").problem(
                    f"unknown time zone {shorten(zone)}; give an IANA name such as Asia/Shanghai"
                )
            )
        self.define(self.publishers, "publisher", entry["slug"], fields, origin)

    def _meeting(self, origin: Origin, data: doc.MeetingEntry) -> MeetingPlan | None:
        count = len(self.problems)
        fields = {
            "date": self._date(origin.at("date"), data["date"]),
            "end_date": self._date(origin.at("end_date"), data.get("end_date")),
            "kind": data["kind"],
            "title": data["title"],
            "location": data.get("location", ""),
        }
        if fields["date"] and fields["end_date"] and fields["end_date"] < fields["date"]:
            self.problems.append(origin.at("end_date").problem("the end date is before the date"))
        if len(self.problems) > count:
            return None
        slug = data["slug"]
        plan = self.meetings.get(slug)
        if plan is None:
            plan = self.meetings[slug] = MeetingPlan(fields, origin)
        else:
            for key, value in fields.items():
                if plan.fields[key] != value:
                    self.problems.append(
                        origin.at(key).problem(
                            f"meeting {slug!r} is given {shorten(str(value))} here but "
                            f"{shorten(str(plan.fields[key]))} in {plan.origin}"
                        )
                    )
        return plan

    def _participant(
        self, meeting: MeetingPlan, origin: Origin, entry: doc.ParticipantEntry, order: int
    ) -> None:
        slug = entry["slug"]
        self._participant_definition(origin, entry)
        title = entry.get("title")
        known = meeting.attendances.get(slug)
        if known is None:
            meeting.attendances[slug] = AttendancePlan(order, title, origin)
        elif known.origin.file == origin.file and known.origin.path[:-2] == origin.path[:-2]:
            self.problems.append(
                origin.at("slug").problem(
                    f"participant {slug!r} is listed twice (also at {json_path(known.origin.path)})"
                )
            )
        elif title is not None and known.title is not None and title != known.title:
            self.problems.append(
                origin.at("title").problem(
                    f"participant {slug!r} is given the title {shorten(title)} here but "
                    f"{shorten(known.title)} in {known.origin}"
                )
            )
        elif known.title is None:
            known.title = title

    def rename(self, participants: dict[str, str], topics: dict[str, str]) -> None:
        """Name merged participants and topics by the slug they were merged into: their
        definitions go (the merge folded them), their attendances fold into the
        survivor's, their statements and links follow."""
        for slug in participants:
            self.participants.pop(slug, None)
        for slug in topics:
            self.topics.pop(slug, None)
        for definition in self.topics.values():
            parent = definition.fields.get("parent")
            if parent in topics:
                definition.fields["parent"] = topics[parent]
        for meeting in self.meetings.values():
            if participants and any(slug in participants for slug in meeting.attendances):
                meeting.attendances = self._folded(meeting.attendances, participants)
            for readout in meeting.readouts.values():
                for statement in readout.statements:
                    statement.speaker = participants.get(statement.speaker, statement.speaker)
                    if topics:
                        named = (topics.get(slug, slug) for slug in statement.topics)
                        statement.topics = tuple(dict.fromkeys(named))

    def _folded(
        self, attendances: dict[str, AttendancePlan], renames: dict[str, str]
    ) -> dict[str, AttendancePlan]:
        folded: dict[str, AttendancePlan] = {}
        named: dict[str, str] = {}  # the slug each folded attendance was listed under first
        for slug, attendance in attendances.items():
            target = renames.get(slug, slug)
            known = folded.get(target)
            if known is None:
                folded[target], named[target] = attendance, slug
            elif attendance.title and known.title and attendance.title != known.title:
                self.problems.append(
                    attendance.origin.at("title").problem(
                        f"participants {named[target]!r} and {slug!r} are one since a merge "
                        f"({target!r}), but are given the titles {shorten(known.title)} and "
                        f"{shorten(attendance.title)} in this meeting"
                    )
                )
            else:
                known.order = min(known.order, attendance.order)
                known.title = known.title or attendance.title
        return folded

    def _readout(self, meeting: MeetingPlan, origin: Origin, data: doc.ReadoutEntry) -> None:
        publisher = data["publisher"]
        self._publisher(origin.at("publisher"), publisher)
        self._url(origin.at("url"), data.get("url", ""))
        published = self._timestamp(origin.at("published_at"), data.get("published_at"))
        values = {
            "title": data["title"],
            "published_at": published,
            "published_offset": doc.offset_minutes(published),
            "url": data.get("url", ""),
            "body": data["body"],
        }
        statements, used = [], {}
        for i, entry in enumerate(data.get("statements", [])):
            where = origin.at("statements", i)
            sequence = entry.get("sequence", i + 1)
            if sequence in used:
                self.problems.append(
                    where.at("sequence").problem(
                        f"duplicate sequence {sequence} (also used by statements[{used[sequence]}])"
                    )
                )
            used.setdefault(sequence, i)
            topics = tuple(entry.get("topics", []))
            statements.append(
                StatementPlan(sequence, entry["speaker"], entry["text"], topics, where)
            )
        key = (publisher["slug"], data["language"])
        plan = ReadoutPlan(publisher["slug"], data["language"], values, statements, origin, data)
        known = meeting.readouts.get(key)
        if known is None:
            meeting.readouts[key] = plan
        elif known.raw != data:
            self.problems.append(
                origin.problem(
                    f"the readout by {key[0]!r} in {key[1]!r} is given differently here "
                    f"than in {known.origin}"
                )
            )

    def _date(self, origin: Origin, value: str | None) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            self.problems.append(origin.problem(f"impossible date {value!r} ({exc})"))
            return None

    def _timestamp(self, origin: Origin, value: str | None) -> datetime | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.problems.append(
                origin.problem(
                    f"unparseable timestamp {shorten(value)}; write ISO 8601 with a UTC offset, "
                    "e.g. 2022-10-27T23:38:00+08:00"
                )
            )
            return None
        if moment.tzinfo is None:
            self.problems.append(
                origin.problem(f"timestamp {value!r} has no UTC offset; add one, e.g. +08:00")
            )
            return None
        return moment

    def _url(self, origin: Origin, value: str) -> None:
        if value and not _valid_url(value):
            self.problems.append(origin.problem(f"{shorten(value)} is not a valid URL"))
