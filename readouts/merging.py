"""Folding duplicates into one record: participants and topics, all or nothing.

The management commands (merge_participants, merge_topics) and the admin's merge
page call these. A merge keeps the rules: a statement's speaker attends its meeting
(the database checks it at the commit), no topic is its own ancestor, every
changed row moves its version on (stale forms are refused) and gets a history
entry saying it was a merge and who made it. The duplicates' slugs are kept on
the survivor (`former_slugs`), so documents, fixtures, links and filters that name
them find the survivor.

Two records a curator marked as not the same are not merged until the mark is removed.

A participant merge that would have to choose between two titles for one meeting
(both attend it with different titles) is refused with the list of those meetings,
and nothing changes: the analyst settles the titles first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction

from .models import Attendance, Meeting, Participant, Statement, Topic, split_aliases
from .tree import TopicTree

CHUNK = 500  # ids per IN (...) and rows per bulk update; SQLite allows 999 parameters


class MergeError(Exception):
    """A merge that cannot be made as asked; nothing was changed."""


@dataclass
class Conflict:
    """A meeting that the survivor and a duplicate attend with different titles."""

    meeting: Meeting
    titles: list[tuple[Participant, str]]

    def __str__(self) -> str:
        titles = "; ".join(f"{person.slug}: {title!r}" for person, title in self.titles)
        return f"{self.meeting} ({self.meeting.slug}): {titles}"


class MergeConflict(MergeError):
    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            f"{len(conflicts)} meeting(s) have them with different titles: give them the same "
            "title there (or leave one blank), then merge. " + " | ".join(map(str, conflicts))
        )


@dataclass
class MergeResult:
    survivor: models.Model
    merged: list[str]  # the duplicates' slugs
    moved: dict[str, int] = field(default_factory=dict)  # what moved, by kind

    def __str__(self) -> str:
        moved = ", ".join(f"{count} {what}" for what, count in self.moved.items())
        moved = moved or "nothing else moved"
        return f"Merged {', '.join(self.merged)} into {self.survivor.slug} ({moved})."


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def choose(model: type[models.Model], survivor: str, duplicates: Sequence[str]) -> tuple:
    """The survivor and the duplicates named by slug, or a MergeError saying what is wrong."""
    noun = model._meta.verbose_name
    if not duplicates:
        raise MergeError(f"Name at least one duplicate {noun} to merge into {survivor!r}.")
    if survivor in duplicates:
        raise MergeError(f"{survivor!r} is the {noun} to keep: it cannot also be a duplicate.")
    repeated = sorted({slug for slug in duplicates if duplicates.count(slug) > 1})
    if repeated:
        raise MergeError(f"Each duplicate once: {', '.join(repeated)} given more than once.")
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=[survivor, *duplicates])}
    unknown = [slug for slug in [survivor, *duplicates] if slug not in found]
    if unknown:
        raise MergeError(f"No {noun} with the slug {', '.join(map(repr, unknown))}.")
    return found[survivor], [found[slug] for slug in duplicates]


def _locked(model: type[models.Model], survivor_pk: int, duplicate_pks: Sequence[int]) -> tuple:
    """The records read again under a lock (PostgreSQL) inside the merge's transaction:
    a form or another merge that read them before waits, then finds a new version."""
    if survivor_pk in duplicate_pks or not duplicate_pks:
        raise MergeError("Choose one record to keep and at least one other to merge into it.")
    rows = model.objects.select_for_update().filter(pk__in=[survivor_pk, *duplicate_pks])
    found = {obj.pk: obj for obj in rows.order_by("pk")}
    if len(found) != len(set(duplicate_pks)) + 1:
        raise MergeError("One of the records was deleted meanwhile: nothing was merged.")
    return found[survivor_pk], [found[pk] for pk in duplicate_pks]


def _reasons(noun: str, survivor, duplicates, where: str) -> tuple[str, str]:
    names = ", ".join(repr(d.slug) for d in duplicates)
    plural = "s" if len(duplicates) > 1 else ""
    into = f"merged duplicate{plural} {names} into this {noun}"
    away = f"merged into {survivor.slug!r}"
    return (f"{into} {where}".strip(), f"{away} {where}".strip())


def _save_all(model, objs: list, fields: list[str], user, reason: str) -> None:
    """Rows changed by a merge: versions on, one UPDATE per chunk, and their history."""
    model.bulk_save(objs, fields, batch_size=CHUNK)
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=reason
    )


def _delete(obj: models.Model, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def _save(obj: models.Model, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def _former_slugs(survivor, duplicates) -> str:
    slugs = [*survivor.former_slug_list]
    for duplicate in duplicates:
        slugs += [duplicate.slug, *duplicate.former_slug_list]
    return "\n".join(dict.fromkeys(slug for slug in slugs if slug != survivor.slug))


def _names(record) -> set[str]:
    """The slugs that name a record: its own and those merged into it."""
    return {record.slug, *record.former_slug_list}


def _marks(record, other) -> bool:
    """Whether `record` is marked as not the same as `other`."""
    return bool(_names(other) & set(record.distinct_list))


def _add_mark(record, other, user, where: str) -> bool:
    """Mark `record` as not the same as `other`, unless it is already; True if it changed."""
    if _marks(record, other):
        return False
    record.distinct_from = "\n".join([*record.distinct_list, other.slug])
    _save(record, user, f"marked as not the same as {other.slug!r} {where}".strip())
    return True


def marked_distinct(records) -> str:
    """What stands in the way of merging these records when a curator marked two of them
    as not the same; "" when none."""
    for record in records:
        for other in records:
            if other is not record and _marks(record, other):
                return (
                    f"{record.slug!r} and {other.slug!r} are marked as not the same. If they "
                    "are one, remove the mark (“Not the same as”) on either one's page first."
                )
    return ""


def _refuse_distinct(records) -> None:
    marked = marked_distinct(records)
    if marked:
        raise MergeError(marked)


def _distinct_from(survivor, duplicates) -> str:
    """The records any of them was marked as not the same as, but none of the merged."""
    merged = _names(survivor).union(*(_names(duplicate) for duplicate in duplicates))
    slugs = [*survivor.distinct_list]
    for duplicate in duplicates:
        slugs += duplicate.distinct_list
    return "\n".join(dict.fromkeys(slug for slug in slugs if slug not in merged))


def conflicts_of(
    survivor: Participant, duplicates: Sequence[Participant], *, lock: bool = False
) -> list[Conflict]:
    """The meetings two of them attend with different titles (a blank title agrees with
    any): the merge would have to pick one."""
    people = {p.pk: p for p in [survivor, *duplicates]}
    groups = _attendances_by_meeting(list(people), lock=lock)
    found = []
    for group in groups.values():
        if len({a.title for a in group if a.title}) > 1:
            titles = [(people[a.participant_id], a.title) for a in group]
            found.append(Conflict(group[0].meeting, titles))
    return sorted(found, key=lambda c: (c.meeting.date, c.meeting.slug))


def _attendances_by_meeting(people: list[int], lock: bool) -> dict[int, list[Attendance]]:
    rows = (
        (Attendance.objects.select_for_update() if lock else Attendance.objects)
        .filter(participant_id__in=people)
        .select_related("meeting")
        .order_by("meeting_id", "order", "pk")
    )
    groups: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in rows:
        groups[attendance.meeting_id].append(attendance)
    return groups


def merge_participants(
    survivor: Participant, duplicates: Sequence[Participant], *, user=None, where: str = ""
) -> MergeResult:
    """Fold the duplicates into the survivor: their attendances and statements move to
    it, their names and aliases become its aliases, their slugs its former slugs, and
    they are deleted. Raises MergeConflict (or MergeError) with nothing changed."""
    with transaction.atomic():
        survivor, duplicates = _locked(Participant, survivor.pk, [d.pk for d in duplicates])
        _refuse_distinct([survivor, *duplicates])
        conflicts = conflicts_of(survivor, duplicates, lock=True)
        if conflicts:
            raise MergeConflict(conflicts)
        into, away = _reasons("participant", survivor, duplicates, where)
        result = MergeResult(survivor, [d.slug for d in duplicates])

        # One attendance per meeting: the survivor's where it has one, with the title
        # one of them gave and the first place any of them had.
        moving, folded = [], 0
        everyone = [survivor.pk, *(d.pk for d in duplicates)]
        for group in _attendances_by_meeting(everyone, lock=True).values():
            keep = next((a for a in group if a.participant_id == survivor.pk), group[0])
            title = keep.title or next((a.title for a in group if a.title), "")
            order = min(a.order for a in group)
            for other in group:
                if other is not keep:
                    _delete(other, user, away)
                    folded += 1
            if (keep.participant_id, keep.title, keep.order) != (survivor.pk, title, order):
                keep.participant_id, keep.title, keep.order = survivor.pk, title, order
                moving.append(keep)
        _save_all(Attendance, moving, ["participant", "title", "order"], user, away)

        statements = list(Statement.objects.filter(speaker__in=duplicates).order_by("pk"))
        for statement in statements:
            statement.speaker_id = survivor.pk
        _save_all(Statement, statements, ["speaker"], user, away)

        names = [survivor.alias_list]
        for duplicate in duplicates:
            names.append([duplicate.name, *duplicate.alias_list])
            survivor.country = survivor.country or duplicate.country
            survivor.organization = survivor.organization or duplicate.organization
        aliases = [name for group in names for name in group if name != survivor.name]
        survivor.aliases = "\n".join(split_aliases("\n".join(aliases)))
        survivor.former_slugs = _former_slugs(survivor, duplicates)
        survivor.distinct_from = _distinct_from(survivor, duplicates)
        for duplicate in duplicates:
            _delete(duplicate, user, away)
        _save(survivor, user, into)
        result.moved = {
            "attendances moved": len(moving),
            "attendances folded": folded,
            "statements moved": len(statements),
        }
        return result


def merge_topics(
    survivor: Topic, duplicates: Sequence[Topic], *, user=None, where: str = ""
) -> MergeResult:
    """Fold the duplicates into the survivor: their statements take the survivor
    instead (once each), their subtopics move under it, their slugs become its former
    slugs, and they are deleted. Refused, with nothing changed, when the tree would
    get a cycle (the survivor is under one of the duplicates)."""
    with transaction.atomic():
        Topic.lock_tree()  # no other change to the tree between the check and the writes
        survivor, duplicates = _locked(Topic, survivor.pk, [d.pk for d in duplicates])
        _refuse_distinct([survivor, *duplicates])
        gone = {d.pk for d in duplicates}
        tree = TopicTree.stored()
        parents = {
            pk: (survivor.pk if parent in gone else parent)
            for pk, parent in tree.parents.items()
            if pk not in gone
        }
        if TopicTree(parents).cycles():
            raise MergeError(
                f"{survivor.slug!r} is under {', '.join(repr(d.slug) for d in duplicates)}: "
                "merging would make it its own ancestor. Move it elsewhere in the tree first."
            )
        into, away = _reasons("topic", survivor, duplicates, where)
        result = MergeResult(survivor, [d.slug for d in duplicates])

        through = Statement.topics.through
        links = list(
            through.objects.filter(topic_id__in=gone)
            .order_by("pk")
            .values_list("pk", "statement_id")
        )
        statement_ids = sorted({statement for _, statement in links})
        has = set()
        for chunk in _chunks(statement_ids):
            rows = through.objects.filter(topic_id=survivor.pk, statement_id__in=chunk)
            has.update(rows.values_list("statement_id", flat=True))
        moving, dropping = [], []
        for pk, statement in links:
            (dropping if statement in has else moving).append(pk)
            has.add(statement)
        for chunk in _chunks(dropping):
            through.objects.filter(pk__in=chunk).delete()
        for chunk in _chunks(moving):
            through.objects.filter(pk__in=chunk).update(topic_id=survivor.pk)
        # Their topics changed: a statement form opened before the merge is stale.
        statements = []
        for chunk in _chunks(statement_ids):
            statements += Statement.objects.filter(pk__in=chunk).order_by("pk")
        _save_all(Statement, statements, [], user, away)

        children = list(Topic.objects.filter(parent_id__in=gone).order_by("pk"))
        for child in children:
            child.parent_id = survivor.pk
            _save(child, user, away)
        for duplicate in duplicates:
            survivor.description = survivor.description or duplicate.description
        survivor.former_slugs = _former_slugs(survivor, duplicates)
        survivor.distinct_from = _distinct_from(survivor, duplicates)
        for duplicate in duplicates:
            _delete(duplicate, user, away)
        _save(survivor, user, into)
        result.moved = {
            "statements retopicked": len(statement_ids),
            "subtopics moved": len(children),
        }
        return result


def mark_distinct(first, second, *, user=None, where: str = "") -> bool:
    """Record that two participants (or two topics) a curator checked are not the same:
    each lists the other as "not the same as", and the likely duplicates leave the pair
    out. False when they were marked already (nothing changed)."""
    model = type(first)
    with transaction.atomic():
        rows = model.objects.select_for_update().filter(pk__in=[first.pk, second.pk])
        found = {obj.pk: obj for obj in rows.order_by("pk")}
        if first.pk == second.pk or len(found) != 2:
            raise MergeError("one of them was merged or deleted meanwhile.")
        first, second = found[first.pk], found[second.pk]
        changed = _add_mark(first, second, user, where)
        return _add_mark(second, first, user, where) or changed


def sync_distinct(
    record, before: str, *, renamed_from: str = "", user=None, where: str = ""
) -> None:
    """After a record's "not the same as" changed from `before` (on its form): each
    record it now names names it too, and each it no longer names no longer does, so a
    mark made or taken back on either record's form holds for the pair. A record whose
    slug changed from `renamed_from` is named by its new slug in the others' marks."""
    model = type(record)
    if renamed_from and renamed_from != record.slug:
        marking = model.objects.select_for_update().filter(distinct_from__contains=renamed_from)
        for other in marking.exclude(pk=record.pk).order_by("pk"):
            if renamed_from in other.distinct_list:
                other.distinct_from = "\n".join(
                    record.slug if slug == renamed_from else slug for slug in other.distinct_list
                )
                reason = f"{renamed_from!r}, marked as not the same, is now {record.slug!r} {where}"
                _save(other, user, reason.strip())
    now, was = set(record.distinct_list), set(split_aliases(before))
    if now == was:
        return
    merged = model.objects.merged_slugs()
    names = _names(record)

    def others(slugs: set[str]):
        rows = model.objects.select_for_update().filter(slug__in={merged.get(s, s) for s in slugs})
        return rows.exclude(pk=record.pk).order_by("pk")

    for other in others(now - was):
        _add_mark(other, record, user, where)
    for other in others(was - now):
        kept = [slug for slug in other.distinct_list if slug not in names]
        if kept != other.distinct_list:
            other.distinct_from = "\n".join(kept)
            reason = f"no longer marked as not the same as {record.slug!r} {where}"
            _save(other, user, reason.strip())
