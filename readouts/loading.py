"""Load readout documents and Django natural-key fixtures: check everything, then write.

The loader reads every file first, validates every document against the
published JSON Schema (docs/readout-document.schema.json) and against the
database, and only then writes, in one transaction. Any problem is reported
with the file, the JSON path and what is wrong, and nothing is written.
Loading the same files again changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.core.validators import URLValidator
from django.db import DatabaseError, models, transaction
from django.db.models import Exists, OuterRef
from django_countries import countries

from .models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "readout-document.schema.json"
CHUNK = 500  # rows per IN (...) lookup and per bulk write; SQLite allows 999 parameters
MAX_PROBLEMS = 50
PROGRESS_EVERY = 1000

ProgressCallback = Callable[[str, int, int], None]


# Reporting ----------------------------------------------------------------


def json_path(parts: Iterable[str | int]) -> str:
    """Format a path as people write it: readouts[0].statements[3].speaker."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by file and JSON path."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class LoadError(Exception):
    """The input was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


REPORTED_MODELS = [Topic, Publisher, Participant, Meeting, Attendance, Readout, Statement]


@dataclass
class LoadReport:
    files: int = 0
    documents: int = 0
    fixture_objects: int = 0
    dry_run: bool = False
    tallies: dict[type[models.Model], Tally] = field(
        default_factory=lambda: {model: Tally() for model in REPORTED_MODELS}
    )

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated or t.deleted for t in self.tallies.values())


@dataclass(frozen=True)
class Origin:
    file: str
    path: tuple[str | int, ...]

    def at(self, *more: str | int) -> Origin:
        return Origin(self.file, self.path + more)

    def problem(self, message: str) -> Problem:
        return Problem(self.file, json_path(self.path), message)

    def __str__(self) -> str:
        return f"{self.file} at {json_path(self.path) or 'the top level'}"


# Reading files --------------------------------------------------------------


@dataclass
class Source:
    file: str
    documents: list[tuple[Origin, dict]] = field(default_factory=list)
    fixture: list[dict] | None = None


def collect_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                problems.append(Problem(str(path), "", "the folder holds no .json files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "", "no such file or folder"))
    # A file named twice (directly and through its folder) is read once.
    seen, unique = set(), []
    for path in files:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique, problems


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"the key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def read_source(path: Path) -> Source | Problem:
    """Parse one file and tell a readout document file from a Django fixture by its shape."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(name, "", f"cannot be read: {exc.strerror}")
    if not raw.strip():
        return Problem(name, "", "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(name, "", f"is not UTF-8 text (byte {exc.start})")
    try:
        data = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        return Problem(name, "", f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except (ValueError, RecursionError) as exc:
        return Problem(name, "", f"invalid JSON: {exc}")

    source = Source(name)
    top = Origin(name, ())
    if isinstance(data, dict) and "model" not in data:
        source.documents.append((top, data))
    elif isinstance(data, list) and data and isinstance(data[0], dict) and "model" in data[0]:
        source.fixture = data
    elif isinstance(data, list):
        source.documents.extend((top.at(i), doc) for i, doc in enumerate(data))
    else:
        return Problem(
            name,
            "",
            "is neither a readout document (an object with meeting, participants and "
            "readouts, or a list of them) nor a Django fixture (a list of objects with "
            "model and fields)",
        )
    return source


# Schema --------------------------------------------------------------------


@cache
def schema() -> dict:
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def document_validator() -> jsonschema.protocols.Validator:
    """A validator for one document, so errors carry the document's own paths."""
    full = schema()
    subschema = {"$ref": "#/$defs/document", "$defs": full["$defs"]}
    cls = jsonschema.validators.validator_for(full)
    return cls(subschema)


JSON_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _expected(types: str | list[str]) -> str:
    names = [JSON_TYPES[t] for t in ([types] if isinstance(types, str) else types)]
    return " or ".join(names)


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _schema_message(error: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """Turn a jsonschema error into (path, a sentence an author understands)."""
    path = list(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        return [*path, missing], "this required field is missing"
    if kind == "additionalProperties":
        allowed = ", ".join(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return path, f"unknown field(s) {', '.join(map(repr, extra))}; allowed: {allowed}"
    if kind == "type":
        return path, f"expected {_expected(error.validator_value)}, got {_describe(value)}"
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return path, f"{_short(value)} is not one of: {choices}"
    if kind == "maxLength":
        return path, f"too long: {len(value)} characters, at most {error.validator_value}"
    if kind in {"minLength", "pattern"} and isinstance(value, str) and not value.strip():
        return path, "must not be empty"
    if kind == "pattern":
        described = {
            "^[-a-zA-Z0-9_]+$": "a slug (letters, digits, hyphens and underscores)",
            "^([A-Z]{2})?$": "an ISO 3166-1 alpha-2 country code in capitals, such as CN",
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "a date written YYYY-MM-DD",
            "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language tag such as en, zh or pt-BR",
        }.get(error.validator_value, "in the expected form")
        if "\\r\\n" in error.validator_value or "\r\n" in error.validator_value:
            described = "a single line"
        return path, f"{_short(value)} is not {described}"
    if kind == "minimum":
        return path, f"must be at least {error.validator_value}, got {value}"
    if kind == "maximum":
        return path, f"must be at most {error.validator_value}, got {value}"
    if kind == "uniqueItems":
        return path, "lists the same item more than once"
    if kind == "anyOf":
        # "a slug or null" and the like: report the branch matching the value's type.
        for sub in sorted(error.context or [], key=lambda e: len(e.relative_schema_path)):
            if sub.validator != "type":
                return _schema_message(sub)
        types = [s.get("type", "string") for s in error.validator_value if "type" in s] or []
        refs = [s for s in error.validator_value if "$ref" in s]
        names = [JSON_TYPES.get(t, t) for t in types] + ["a string"] * bool(refs)
        return path, f"expected {' or '.join(sorted(set(names)))}, got {_describe(value)}"
    return path, error.message


# Validating documents -------------------------------------------------------


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


@dataclass
class MeetingPlan:
    fields: dict[str, Any]
    origin: Origin
    attendances: dict[str, AttendancePlan] = field(default_factory=dict)
    readouts: dict[tuple[str, str], ReadoutPlan] = field(default_factory=dict)


class Plan:
    """Everything a load will write, validated, keyed by natural keys."""

    def __init__(self) -> None:
        self.topics: dict[str, Definition] = {}
        self.publishers: dict[str, Definition] = {}
        self.participants: dict[str, Definition] = {}
        self.meetings: dict[str, MeetingPlan] = {}
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
                        f"{noun} {slug!r} is given {_short(value)} here but "
                        f"{_short(known.fields[key])} in {known.origins[key]}"
                    )
                )
            elif key not in known.fields:
                known.fields[key] = value
                known.origins[key] = origin

    def add_document(self, origin: Origin, doc: Any) -> None:
        errors = sorted(document_validator().iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            for error in errors:
                path, message = _schema_message(error)
                self.problems.append(origin.at(*path).problem(message))
            return
        meeting = self._meeting(origin.at("meeting"), doc["meeting"])
        if meeting is None:
            return
        for i, entry in enumerate(doc["participants"]):
            self._participant(meeting, origin.at("participants", i), entry, i)
        for i, entry in enumerate(doc.get("topics", [])):
            where = origin.at("topics", i)
            fields = {k: entry[k] for k in ("name", "parent", "description") if k in entry}
            self.define(self.topics, "topic", entry["slug"], fields, where)
        for i, entry in enumerate(doc["readouts"]):
            self._readout(meeting, origin.at("readouts", i), entry)

    def _meeting(self, origin: Origin, data: dict) -> MeetingPlan | None:
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
                            f"meeting {slug!r} is given {_short(str(value))} here but "
                            f"{_short(str(plan.fields[key]))} in {plan.origin}"
                        )
                    )
        return plan

    def _participant(self, meeting: MeetingPlan, origin: Origin, entry: dict, order: int) -> None:
        slug = entry["slug"]
        fields = {k: entry[k] for k in ("name", "country", "organization") if k in entry}
        if "aliases" in entry:
            fields["aliases"] = "\n".join(alias.strip() for alias in entry["aliases"])
        if fields.get("country") and fields["country"] not in countries:
            self.problems.append(
                origin.at("country").problem(f"unknown country code {fields['country']!r}")
            )
        self.define(self.participants, "participant", slug, fields, origin)
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
                    f"participant {slug!r} is given the title {_short(title)} here but "
                    f"{_short(known.title)} in {known.origin}"
                )
            )
        elif known.title is None:
            known.title = title

    def _readout(self, meeting: MeetingPlan, origin: Origin, data: dict) -> None:
        publisher = data["publisher"]
        fields = {k: publisher[k] for k in ("name", "country", "website") if k in publisher}
        if fields.get("country") and fields["country"] not in countries:
            self.problems.append(
                origin.at("publisher", "country").problem(
                    f"unknown country code {fields['country']!r}"
                )
            )
        self._url(origin.at("publisher", "website"), fields.get("website", ""))
        self.define(self.publishers, "publisher", publisher["slug"], fields, origin.at("publisher"))
        self._url(origin.at("url"), data.get("url", ""))
        values = {
            "title": data["title"],
            "published_at": self._timestamp(origin.at("published_at"), data.get("published_at")),
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
                    f"unparseable timestamp {_short(value)}; write ISO 8601 with a UTC offset, "
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
        if value:
            try:
                URLValidator()(value)
            except ValidationError:
                self.problems.append(origin.problem(f"{_short(value)} is not a valid URL"))


# Checking against the database and writing ----------------------------------


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _by_slug(model: type[models.Model], slugs: Iterable[str]) -> dict[str, models.Model]:
    wanted = sorted(set(slugs))
    found = {}
    for chunk in _chunks(wanted):
        found.update((obj.slug, obj) for obj in model.objects.filter(slug__in=chunk))
    return found


class Writer:
    """Resolves a validated plan against the database and writes it."""

    def __init__(self, plan: Plan, report: LoadReport, progress: ProgressCallback) -> None:
        self.plan = plan
        self.report = report
        self.progress = progress
        self.problems: list[Problem] = []

    def check(self) -> None:
        plan = self.plan
        topic_refs = {
            t
            for m in plan.meetings.values()
            for r in m.readouts.values()
            for s in r.statements
            for t in s.topics
        }
        parent_refs = {d.fields["parent"] for d in plan.topics.values() if d.fields.get("parent")}
        self.topics = _by_slug(Topic, topic_refs | parent_refs | set(plan.topics))
        self.publishers = _by_slug(Publisher, plan.publishers)
        self.participants = _by_slug(Participant, plan.participants)
        self.meetings = _by_slug(Meeting, plan.meetings)

        self._require_names(plan.participants, self.participants, "participant")
        self._require_names(plan.publishers, self.publishers, "publisher")
        self._check_topics(topic_refs)
        self._check_speakers()

    def _require_names(self, defs: dict[str, Definition], existing: dict, noun: str) -> None:
        for slug, definition in defs.items():
            if slug not in existing and "name" not in definition.fields:
                self.problems.append(
                    definition.origin.at("slug").problem(
                        f"unknown {noun} {slug!r}: it is not in the database, so give its name "
                        f"(and other fields) to create it"
                    )
                )

    def _check_topics(self, referenced: set[str]) -> None:
        plan = self.plan
        known = set(plan.topics) | set(self.topics)
        for meeting in plan.meetings.values():
            for readout in meeting.readouts.values():
                for statement in readout.statements:
                    for i, slug in enumerate(statement.topics):
                        if slug not in known:
                            self.problems.append(
                                statement.origin.at("topics", i).problem(
                                    f"unknown topic {slug!r}: define it under the document's "
                                    "topics or load it first"
                                )
                            )
        for definition in plan.topics.values():
            parent = definition.fields.get("parent")
            if parent and parent not in known:
                self.problems.append(
                    definition.origin.at("parent").problem(f"unknown parent topic {parent!r}")
                )
        # A cycle can run through topics already in the database.
        parents = {slug: (t.parent.slug if t.parent_id else None) for slug, t in self._ancestry()}
        for slug, definition in plan.topics.items():
            if "parent" in definition.fields:
                parents[slug] = definition.fields["parent"]
        for slug, definition in plan.topics.items():
            seen, current = {slug}, parents.get(slug)
            while current is not None:
                if current in seen:
                    self.problems.append(
                        definition.origin.at("parent").problem(
                            f"topic {slug!r} would be its own ancestor"
                        )
                    )
                    break
                seen.add(current)
                current = parents.get(current)

    def _ancestry(self) -> Iterator[tuple[str, Topic]]:
        """Database topics involved in this load and all their ancestors."""
        frontier = {t.pk for t in self.topics.values()}
        topics = {}
        while frontier:
            batch = list(
                Topic.objects.filter(pk__in=list(frontier)[:CHUNK]).select_related("parent")
            )
            frontier -= {t.pk for t in batch} | set(topics)
            for topic in batch:
                topics[topic.pk] = topic
                if topic.parent_id and topic.parent_id not in topics:
                    frontier.add(topic.parent_id)
        return ((t.slug, t) for t in topics.values())

    def _check_speakers(self) -> None:
        existing = defaultdict(set)
        meeting_ids = [m.pk for m in self.meetings.values()]
        for chunk in _chunks(meeting_ids):
            rows = Attendance.objects.filter(meeting_id__in=chunk).values_list(
                "meeting__slug", "participant__slug"
            )
            for meeting_slug, participant_slug in rows:
                existing[meeting_slug].add(participant_slug)
        known = set(self.plan.participants) | set(self.participants)
        speakers = {
            s.speaker
            for m in self.plan.meetings.values()
            for r in m.readouts.values()
            for s in r.statements
            if s.speaker
        }
        known |= set(_by_slug(Participant, speakers - known))
        for slug, meeting in self.plan.meetings.items():
            attending = set(meeting.attendances) | existing[slug]
            for readout in meeting.readouts.values():
                for statement in readout.statements:
                    speaker = statement.speaker
                    if speaker is None or speaker in attending:
                        continue
                    if speaker in known:
                        message = (
                            f"speaker {speaker!r} did not attend this meeting; "
                            "add them to the document's participants"
                        )
                    else:
                        message = (
                            f"unknown speaker {speaker!r}: not a participant of this meeting "
                            "nor in the database"
                        )
                    self.problems.append(statement.origin.at("speaker").problem(message))

    # Writing: each step compares with what is stored and touches only what differs.

    def write(self) -> None:
        self._write_topics()
        self._upsert(
            Publisher, self.publishers, self.plan.publishers, {"country": "", "website": ""}
        )
        self._upsert(
            Participant,
            self.participants,
            self.plan.participants,
            {"country": "", "organization": "", "aliases": ""},
        )
        meetings = {slug: plan.fields for slug, plan in self.plan.meetings.items()}
        self._upsert(Meeting, self.meetings, meetings, {})
        self._write_attendances()
        self._write_readouts()

    def _upsert(
        self,
        model: type[models.Model],
        existing: dict[str, models.Model],
        wanted: dict[str, Definition] | dict[str, dict],
        defaults: dict[str, Any],
    ) -> set[str]:
        """Create and update rows by slug; return the slugs created."""
        tally = self.report.tallies[model]
        creating, updating, changed = [], [], set()
        for slug, spec in wanted.items():
            fields = spec.fields if isinstance(spec, Definition) else spec
            obj = existing.get(slug)
            if obj is None:
                obj = existing[slug] = model(slug=slug, **{**defaults, **fields})
                creating.append(obj)
                continue
            diff = [name for name, value in fields.items() if getattr(obj, name) != value]
            for name in diff:
                setattr(obj, name, fields[name])
            if diff:
                updating.append(obj)
                changed.update(diff)
            else:
                tally.unchanged += 1
        model.objects.bulk_create(creating, batch_size=CHUNK)
        if updating:
            model.objects.bulk_update(updating, sorted(changed), batch_size=CHUNK)
        tally.created += len(creating)
        tally.updated += len(updating)
        return {obj.slug for obj in creating} | {obj.slug for obj in updating}

    def _write_topics(self) -> None:
        # Parents may be defined later in the load: write the rows, then the links.
        wanted = {
            slug: {k: v for k, v in d.fields.items() if k != "parent"}
            for slug, d in self.plan.topics.items()
        }
        touched = self._upsert(Topic, self.topics, wanted, {"description": ""})
        relinking = []
        for slug, definition in self.plan.topics.items():
            if "parent" not in definition.fields:
                continue
            parent = definition.fields["parent"]
            topic = self.topics[slug]
            parent_id = self.topics[parent].pk if parent else None
            if topic.parent_id != parent_id:
                topic.parent_id = parent_id
                relinking.append(topic)
        Topic.objects.bulk_update(relinking, ["parent"], batch_size=CHUNK)
        # A topic whose only change is its parent was counted unchanged above.
        moved = sum(1 for topic in relinking if topic.slug not in touched)
        tally = self.report.tallies[Topic]
        tally.unchanged -= moved
        tally.updated += moved

    def _write_attendances(self) -> None:
        tally = self.report.tallies[Attendance]
        stored = {}
        ids = [m.pk for m in self.meetings.values()]
        for chunk in _chunks(ids):
            for att in Attendance.objects.filter(meeting_id__in=chunk):
                stored[(att.meeting_id, att.participant_id)] = att
        creating, updating = [], []
        for slug, meeting_plan in self.plan.meetings.items():
            meeting = self.meetings[slug]
            for participant_slug, spec in meeting_plan.attendances.items():
                participant = self.participants[participant_slug]
                att = stored.get((meeting.pk, participant.pk))
                if att is None:
                    creating.append(
                        Attendance(
                            meeting=meeting,
                            participant=participant,
                            order=spec.order,
                            title=spec.title or "",
                        )
                    )
                    continue
                title = att.title if spec.title is None else spec.title
                if (att.order, att.title) != (spec.order, title):
                    att.order, att.title = spec.order, title
                    updating.append(att)
                else:
                    tally.unchanged += 1
        Attendance.objects.bulk_create(creating, batch_size=CHUNK)
        Attendance.objects.bulk_update(updating, ["order", "title"], batch_size=CHUNK)
        tally.created += len(creating)
        tally.updated += len(updating)

    def _write_readouts(self) -> None:
        readout_tally = self.report.tallies[Readout]
        stored = {}
        ids = [m.pk for m in self.meetings.values()]
        for chunk in _chunks(ids):
            for readout in Readout.objects.filter(meeting_id__in=chunk):
                stored[(readout.meeting_id, readout.publisher_id, readout.language)] = readout
        creating, updating, changed = [], [], set()
        planned: list[tuple[Readout, ReadoutPlan]] = []
        for slug, meeting_plan in self.plan.meetings.items():
            meeting = self.meetings[slug]
            for (publisher_slug, language), spec in meeting_plan.readouts.items():
                publisher = self.publishers[publisher_slug]
                readout = stored.get((meeting.pk, publisher.pk, language))
                if readout is None:
                    readout = Readout(
                        meeting=meeting, publisher=publisher, language=language, **spec.fields
                    )
                    creating.append(readout)
                else:
                    diff = [k for k, v in spec.fields.items() if getattr(readout, k) != v]
                    for name in diff:
                        setattr(readout, name, spec.fields[name])
                    if diff:
                        updating.append(readout)
                        changed.update(diff)
                    else:
                        readout_tally.unchanged += 1
                planned.append((readout, spec))
        Readout.objects.bulk_create(creating, batch_size=CHUNK)
        if updating:
            Readout.objects.bulk_update(updating, sorted(changed), batch_size=CHUNK)
        readout_tally.created += len(creating)
        readout_tally.updated += len(updating)
        self._write_statements(planned)

    def _write_statements(self, planned: list[tuple[Readout, ReadoutPlan]]) -> None:
        tally = self.report.tallies[Statement]
        through = Statement.topics.through
        stored: dict[tuple[int, int], Statement] = {}
        stored_topics: dict[int, set[int]] = defaultdict(set)
        ids = [readout.pk for readout, _ in planned]
        for chunk in _chunks(ids):
            for statement in Statement.objects.filter(readout_id__in=chunk):
                stored[(statement.readout_id, statement.sequence)] = statement
            rows = through.objects.filter(statement__readout_id__in=chunk)
            for statement_id, topic_id in rows.values_list("statement_id", "topic_id"):
                stored_topics[statement_id].add(topic_id)

        creating: list[tuple[Statement, set[int]]] = []
        updating: list[Statement] = []
        retopic: dict[int, set[int]] = {}
        keep = set()
        for done, (readout, spec) in enumerate(planned, 1):
            for item in spec.statements:
                speaker_id = self.participants[item.speaker].pk if item.speaker else None
                topic_ids = {self.topics[slug].pk for slug in item.topics}
                key = (readout.pk, item.sequence)
                keep.add(key)
                statement = stored.get(key)
                if statement is None:
                    new = Statement(
                        readout=readout,
                        sequence=item.sequence,
                        speaker_id=speaker_id,
                        text=item.text,
                    )
                    creating.append((new, topic_ids))
                    continue
                same_row = (statement.speaker_id, statement.text) == (speaker_id, item.text)
                same_topics = stored_topics[statement.pk] == topic_ids
                if not same_row:
                    statement.speaker_id, statement.text = speaker_id, item.text
                    updating.append(statement)
                if not same_topics:
                    retopic[statement.pk] = topic_ids
                if same_row and same_topics:
                    tally.unchanged += 1
                elif same_row:
                    tally.updated += 1
            if done % PROGRESS_EVERY == 0:
                self.progress("writing readouts", done, len(planned))

        stale = [s.pk for key, s in stored.items() if key not in keep]
        for chunk in _chunks(stale):
            through.objects.filter(statement_id__in=chunk).delete()
            Statement.objects.filter(pk__in=chunk).delete()
        tally.deleted += len(stale)

        Statement.objects.bulk_create([s for s, _ in creating], batch_size=CHUNK)
        Statement.objects.bulk_update(updating, ["speaker", "text"], batch_size=CHUNK)
        tally.created += len(creating)
        tally.updated += len(updating)
        for chunk in _chunks(list(retopic)):
            through.objects.filter(statement_id__in=chunk).delete()
        links = [
            through(statement_id=statement.pk, topic_id=topic_id)
            for statement, topic_ids in creating
            for topic_id in sorted(topic_ids)
        ] + [
            through(statement_id=pk, topic_id=topic_id)
            for pk, topic_ids in retopic.items()
            for topic_id in sorted(topic_ids)
        ]
        through.objects.bulk_create(links, batch_size=CHUNK)


# Django fixtures ---------------------------------------------------------------


APP_MODELS = {f"readouts.{m._meta.model_name}" for m in REPORTED_MODELS}


def _same_as_stored(obj: models.Model, m2m: dict[str, list]) -> bool:
    model = type(obj)
    stored = model._base_manager.filter(pk=obj.pk).first()
    if stored is None:
        return False
    for f in model._meta.concrete_fields:
        if not f.primary_key and f.value_from_object(stored) != f.value_from_object(obj):
            return False
    for name, pks in m2m.items():
        current = set(getattr(stored, name).values_list("pk", flat=True))
        if current != set(pks):
            return False
    return True


def load_fixture(source: Source, report: LoadReport) -> list[Problem]:
    """Load a Django natural-key fixture, counting created, updated and unchanged rows."""
    problems: list[Problem] = []
    assert source.fixture is not None
    for i, item in enumerate(source.fixture):
        label = item.get("model") if isinstance(item, dict) else None
        if not isinstance(label, str) or label.lower() not in APP_MODELS:
            problems.append(
                Problem(
                    source.file,
                    f"[{i}].model",
                    f"{_short(label)} is not a model of the readouts database "
                    f"({', '.join(sorted(APP_MODELS))})",
                )
            )
    if problems:
        return problems

    saved = []
    position = 0  # the fixture entry being read, for error paths
    try:
        objects = serializers.deserialize("python", source.fixture, handle_forward_references=True)
        for item in objects:
            obj = item.object
            try:
                obj.full_clean(
                    exclude=[f.name for f in item.deferred_fields],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    where = f"[{position}]" + (f".fields.{name}" if name != "__all__" else "")
                    problems.extend(Problem(source.file, where, m) for m in messages)
                position += 1
                continue
            tally = report.tallies[type(obj)]
            if obj.pk is None:
                tally.created += 1
            elif not item.deferred_fields and _same_as_stored(obj, item.m2m_data):
                tally.unchanged += 1
                position += 1
                continue
            else:
                tally.updated += 1
            item.save()
            saved.append((position, item))
            position += 1
        for saved_at, item in saved:
            if item.deferred_fields:
                position = saved_at
                item.save_deferred_fields()
    except DeserializationError as exc:
        problems.append(Problem(source.file, f"[{position}]", str(exc)))
    except (DatabaseError, ValueError, TypeError, LookupError) as exc:
        problems.append(Problem(source.file, f"[{position}]", f"cannot be stored: {exc}"))
    if problems:
        return problems

    statement_ids = {item.object.pk: i for i, item in saved if isinstance(item.object, Statement)}
    if statement_ids:
        attended = Attendance.objects.filter(
            meeting=OuterRef("readout__meeting"), participant=OuterRef("speaker")
        )
        stray = Statement.objects.filter(pk__in=list(statement_ids), speaker__isnull=False)
        for pk, speaker, meeting in stray.exclude(Exists(attended)).values_list(
            "pk", "speaker__slug", "readout__meeting__slug"
        ):
            problems.append(
                Problem(
                    source.file,
                    f"[{statement_ids[pk]}].fields.speaker",
                    f"speaker {speaker!r} did not attend meeting {meeting!r}",
                )
            )
    return problems


# The whole load ---------------------------------------------------------------------


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def load(
    paths: Sequence[str | Path] | None = None,
    *,
    dry_run: bool = False,
    progress: ProgressCallback = _no_progress,
) -> LoadReport:
    """Load files or folders of readout documents and Django fixtures, all or nothing.

    Raises LoadError, with every problem found, when anything is wrong; the
    database is then exactly as it was.
    """
    if not paths:
        paths = [str(p) for p in settings.READOUTS_FIXTURE_DIRS]
    files, problems = collect_files(paths)
    report = LoadReport(files=len(files), dry_run=dry_run)
    sources = []
    for done, path in enumerate(files, 1):
        result = read_source(path)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            sources.append(result)
        if done % PROGRESS_EVERY == 0:
            progress("reading files", done, len(files))

    plan = Plan()
    documents = [doc for source in sources for doc in source.documents]
    for done, (origin, doc) in enumerate(documents, 1):
        plan.add_document(origin, doc)
        if done % PROGRESS_EVERY == 0:
            progress("validating documents", done, len(documents))
    report.documents = len(documents)
    problems.extend(plan.problems)
    if problems:
        raise LoadError(problems)

    try:
        with transaction.atomic():
            for source in sources:
                if source.fixture is not None:
                    report.fixture_objects += len(source.fixture)
                    problems.extend(load_fixture(source, report))
            if problems:
                raise LoadError(problems)
            writer = Writer(plan, report, progress)
            writer.check()
            if writer.problems:
                raise LoadError(writer.problems)
            writer.write()
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        raise LoadError(
            [Problem("(database)", "", f"the database refused the load: {exc}")]
        ) from exc
    return report
