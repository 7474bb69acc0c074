"""Checking a plan against the database, then writing only what differs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import models

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
from ..rules import unattended
from ..tree import TopicTree
from .bulk import insert, insert_history, insert_pairs
from .plan import (
    Definition,
    Plan,
    ReadoutPlan,
    RecordKey,
    StatementPlan,
    record_key,
    record_natural_key,
)
from .report import LoadReport, Problem

CHUNK = 500  # rows per IN (...) lookup and per bulk write; SQLite allows 999 parameters

ProgressCallback = Callable[[str, int, int], None]


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _by_slug(model: type[models.Model], slugs: Iterable[str]) -> dict[str, models.Model]:
    wanted = sorted(set(slugs))
    found = {}
    for chunk in _chunks(wanted):
        found.update((obj.slug, obj) for obj in model.objects.filter(slug__in=chunk))
    return found


def _records(names: Iterable[RecordKey]) -> dict[RecordKey, Record]:
    """The stored records of these natural keys, by key."""
    wanted = sorted(set(names))
    found = {}
    for chunk in _chunks(wanted):
        keys = {record_natural_key(name)[2] for name in chunk}
        for obj in Record.objects.filter(key__in=keys):
            name = record_key(obj.source, obj.kind, obj.key)
            if name in chunk:
                found[name] = obj
    return found


class Writer:
    """Resolves a validated plan against the database and writes it."""

    def __init__(
        self,
        plan: Plan,
        report: LoadReport,
        progress: ProgressCallback,
        progress_every: int,
        user=None,
        reason: str = "",
    ) -> None:
        self.user = user
        self.reason = reason
        self.plan = plan
        self.report = report
        self.progress = progress
        self.progress_every = progress_every
        self.problems: list[Problem] = []

    def check(self) -> None:
        plan = self.plan
        self._resolve_merged()
        if self.problems:
            return
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
        speakers = {
            s.speaker
            for m in plan.meetings.values()
            for r in m.readouts.values()
            for s in r.statements
            if s.speaker
        }
        # Speakers may attend through an attendance already stored, unnamed in the load;
        # an attendee named by a merged slug attends as the participant it was merged
        # into, whom the load need not define.
        attendees = {slug for m in plan.meetings.values() for slug in m.attendances}
        self.participants = _by_slug(Participant, set(plan.participants) | speakers | attendees)
        self.meetings = _by_slug(Meeting, plan.meetings)
        self.records = _records(plan.records)

        self._require_names(plan.participants, self.participants, "participant")
        self._require_names(plan.publishers, self.publishers, "publisher")
        self._check_topics()
        self._check_speakers()
        self._check_distinct(plan.participants)
        self._check_distinct(plan.topics)

    def _check_distinct(self, defs: dict[str, Definition]) -> None:
        """A record is not marked as not the same as itself. A mark may name a record that
        is not in the database: an export of some meetings carries the marks of their
        people, who may be marked against people it leaves out; the mark holds once they
        are loaded."""
        for own, definition in defs.items():
            if own in split_aliases(definition.fields.get("distinct_from", "")):
                self.problems.append(
                    definition.origin.at("distinct_from").problem(
                        f"{own!r} cannot be marked as not the same as itself"
                    )
                )

    def _resolve_merged(self) -> None:
        """Slugs of merged participants and topics lead to what they were merged into."""
        plan = self.plan
        people = set(plan.participants) | {
            slug
            for m in plan.meetings.values()
            for slug in [
                *m.attendances,
                *(s.speaker for r in m.readouts.values() for s in r.statements if s.speaker),
            ]
        }
        topics = set(plan.topics) | {
            slug
            for m in plan.meetings.values()
            for r in m.readouts.values()
            for s in r.statements
            for slug in s.topics
        }
        topics |= {d.fields["parent"] for d in plan.topics.values() if d.fields.get("parent")}
        plan.rename(
            self._merged(Participant, people, plan.participants, "participant"),
            self._merged(Topic, topics, plan.topics, "topic"),
        )
        self.problems.extend(plan.problems)

    def _merged(
        self, model, named: set[str], defs: dict[str, Definition], noun: str
    ) -> dict[str, str]:
        """The named slugs that are merged ones, each with the slug it leads to: as the
        database has them, and as the load's own definitions give them."""
        merged = model.objects.merged_slugs()
        declared = {}
        for slug, definition in defs.items():
            for former in split_aliases(definition.fields.get("former_slugs", "")):
                declared[former] = (slug, definition)
        taken = _by_slug(model, set(declared) | (named & set(merged)))
        for former, (slug, definition) in declared.items():
            if former in taken:
                self.problems.append(
                    definition.origin.at("former_slugs").problem(
                        f"{former!r} is the slug of another {noun}, so it cannot lead to {slug!r}"
                    )
                )
            merged[former] = slug
        return {slug: merged[slug] for slug in named if slug in merged and slug not in taken}

    def _require_names(self, defs: dict[str, Definition], existing: dict, noun: str) -> None:
        for slug, definition in defs.items():
            if slug not in existing and "name" not in definition.fields:
                self.problems.append(
                    definition.origin.at("slug").problem(
                        f"unknown {noun} {slug!r}: it is not in the database, so give its name "
                        f"(and other fields) to create it"
                    )
                )

    def _check_topics(self) -> None:
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
        # A cycle can run through topics already in the database. Re-parenting waits for
        # any other change to the tree, as the admin's does, so two cannot make one.
        if any("parent" in d.fields for d in plan.topics.values()):
            Topic.lock_tree()
        parents = dict(Topic.objects.values_list("slug", "parent__slug"))
        for slug, definition in plan.topics.items():
            if "parent" in definition.fields:
                parents[slug] = definition.fields["parent"]
        for slug in TopicTree(parents).cycles():
            if slug in plan.topics:
                self.problems.append(
                    plan.topics[slug]
                    .origin.at("parent")
                    .problem(f"topic {slug!r} would be its own ancestor")
                )

    def _check_speakers(self) -> None:
        # Speakers may attend through an attendance already stored, unnamed in the load.
        attending = set()
        meeting_ids = [m.pk for m in self.meetings.values()]
        for chunk in _chunks(meeting_ids):
            rows = Attendance.objects.filter(meeting_id__in=chunk)
            attending.update(rows.values_list("meeting__slug", "participant__slug"))
        for slug, meeting in self.plan.meetings.items():
            attending.update((slug, participant) for participant in meeting.attendances)
        spoken = (
            (slug, statement.speaker, statement)
            for slug, meeting in self.plan.meetings.items()
            for readout in meeting.readouts.values()
            for statement in readout.statements
        )
        known = set(self.plan.participants) | set(self.participants)
        for statement in unattended(spoken, attending):
            speaker = statement.speaker
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

    # Writing: each step compares with what is stored and touches only what differs,
    # keeping the edit history and the versions that guard the admin's forms.

    def _create(self, model: type[models.Model], objs: Iterable, count: int | None = None) -> list:
        """Insert new rows: a list, or a generator of `count` objects built as they are written."""
        objs = insert(model, objs, len(objs) if count is None else count)
        self._record(model, objs, update=False)
        self.report.tallies[model].created += len(objs)
        return objs

    def _update(self, model: type[models.Model], objs: list, fields: list[str], count=True) -> None:
        model.bulk_save(objs, fields, batch_size=CHUNK)
        self._record(model, objs, update=True)
        if count:
            self.report.tallies[model].updated += len(objs)

    def _record(self, model: type[models.Model], objs: list, update: bool) -> None:
        insert_history(model, objs, update=update, user=self.user, reason=self.reason)

    def write(self) -> None:
        self._write_topics()
        self._upsert(
            Publisher,
            self.publishers,
            self.plan.publishers,
            {"country": "", "website": "", "hosts": "", "time_zone": "", "wikidata": ""},
        )
        self._upsert(
            Participant,
            self.participants,
            self.plan.participants,
            {"country": "", "organization": "", "aliases": "", "wikidata": ""},
        )
        meetings = {slug: plan.fields for slug, plan in self.plan.meetings.items()}
        self._upsert(Meeting, self.meetings, meetings, {})
        self._write_attendances()
        self._write_readouts()
        self._write_records()

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
            if fields.get("former_slugs") is not None:
                # A load never forgets a merge: the slugs merged into a record stay its own.
                known = split_aliases(obj.former_slugs)
                given = split_aliases(fields["former_slugs"])
                fields = {**fields, "former_slugs": "\n".join(dict.fromkeys(known + given))}
            diff = [name for name, value in fields.items() if getattr(obj, name) != value]
            for name in diff:
                setattr(obj, name, fields[name])
            if diff:
                updating.append(obj)
                changed.update(diff)
            else:
                tally.unchanged += 1
        self._create(model, creating)
        self._update(model, updating, sorted(changed))
        return {obj.slug for obj in creating} | {obj.slug for obj in updating}

    def _write_topics(self) -> None:
        # Parents may be defined later in the load: write the rows, then the links.
        wanted = {
            slug: {k: v for k, v in d.fields.items() if k != "parent"}
            for slug, d in self.plan.topics.items()
        }
        touched = self._upsert(Topic, self.topics, wanted, {"description": "", "phrases": ""})
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
        # A topic whose only change is its parent was counted unchanged above.
        moved = sum(1 for topic in relinking if topic.slug not in touched)
        self._update(Topic, relinking, ["parent"], count=False)
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
                            meeting_id=meeting.pk,
                            participant_id=participant.pk,
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
        self._create(Attendance, creating)
        self._update(Attendance, updating, ["order", "title"])

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
        self._create(Readout, creating)
        self._update(Readout, updating, sorted(changed))
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

        creating: list[tuple[int, StatementPlan, int | None, set[int]]] = []
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
                    creating.append((readout.pk, item, speaker_id, topic_ids))
                    continue
                same_row = (statement.speaker_id, statement.text) == (speaker_id, item.text)
                same_topics = stored_topics[statement.pk] == topic_ids
                if same_row and same_topics:
                    tally.unchanged += 1
                    continue
                statement.speaker_id, statement.text = speaker_id, item.text
                updating.append(statement)
                if not same_topics:
                    retopic[statement.pk] = topic_ids
            if done % self.progress_every == 0:
                self.progress("writing readouts", done, len(planned))

        # Statements a document no longer lists: one by one, so the history keeps them.
        stale = [s for key, s in stored.items() if key not in keep]
        for statement in stale:
            statement._history_user = self.user
            statement._change_reason = self.reason
            statement.delete()
        tally.deleted += len(stale)

        # Built while they are copied: see insert().
        new = (
            Statement(
                readout_id=readout_id, sequence=item.sequence, speaker_id=speaker_id, text=item.text
            )
            for readout_id, item, speaker_id, _ in creating
        )
        added = self._create(Statement, new, count=len(creating))
        self._update(Statement, updating, ["speaker", "text"])
        for chunk in _chunks(list(retopic)):
            through.objects.filter(statement_id__in=chunk).delete()
        links = [
            (statement.pk, topic_id)
            for statement, (*_, topic_ids) in zip(added, creating, strict=True)
            for topic_id in sorted(topic_ids)
        ] + [(pk, topic_id) for pk, topic_ids in retopic.items() for topic_id in sorted(topic_ids)]
        insert_pairs(through, ["statement_id", "topic_id"], links)

    def _write_records(self) -> None:
        """Records by natural key, then their links to the meetings that list them. A
        link a document does not list stays, as a readout it does not list does."""
        tally = self.report.tallies[Record]
        creating, updating, changed = [], [], set()
        for name, definition in self.plan.records.items():
            fields = definition.fields
            obj = self.records.get(name)
            if obj is None:
                source, kind, key = record_natural_key(name)
                obj = self.records[name] = Record(source=source, kind=kind, key=key, **fields)
                creating.append(obj)
                continue
            diff = [field for field, value in fields.items() if getattr(obj, field) != value]
            for field in diff:
                setattr(obj, field, fields[field])
            if diff:
                updating.append(obj)
                changed.update(diff)
        through = Record.meetings.through
        stored = set()
        ids = [obj.pk for obj in self.records.values() if obj.pk is not None]
        for chunk in _chunks(ids):
            rows = through.objects.filter(record_id__in=chunk)
            stored.update(rows.values_list("record_id", "meeting_id"))
        self._create(Record, creating)
        links, relinked = [], {}
        for slug, meeting_plan in self.plan.meetings.items():
            meeting = self.meetings[slug]
            for name in meeting_plan.records:
                record = self.records[name]
                if (record.pk, meeting.pk) not in stored:
                    stored.add((record.pk, meeting.pk))
                    links.append((record.pk, meeting.pk))
                    relinked[record.pk] = record
        # A stored record that gains a meeting is changed: its version moves on, its
        # history keeps the change.
        new = {obj.pk for obj in creating}
        updated = {obj.pk for obj in updating}
        updating += [obj for pk, obj in relinked.items() if pk not in new and pk not in updated]
        self._update(Record, updating, sorted(changed))
        tally.unchanged += len(self.plan.records) - len(creating) - len(updating)
        insert_pairs(through, ["record_id", "meeting_id"], links)
