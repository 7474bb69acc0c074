"""Django natural-key fixtures (dumpdata --natural-foreign --natural-primary)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, models

from ..models import Attendance, Statement, Topic
from ..rules import attendances_of, unattended
from ..tree import TopicTree
from .report import PROBLEM_LIMIT, REPORTED_MODELS, LoadReport, Origin, Problem
from .schema import shorten

if TYPE_CHECKING:
    from .reading import Source

APP_MODELS = {f"readouts.{m._meta.model_name}" for m in REPORTED_MODELS}


def foreign_entry(origin: Origin, item: Any) -> Problem | None:
    """A fixture's entry for a model not of this app, refused as the file is read."""
    label = item.get("model") if isinstance(item, dict) else None
    if isinstance(label, str) and label.lower() in APP_MODELS:
        return None
    return origin.at("model").problem(
        f"{shorten(label)} is not a model of the readouts database "
        f"({', '.join(sorted(APP_MODELS))})"
    )


def _same_as_stored(obj: models.Model, stored: models.Model, m2m: dict[str, list]) -> bool:
    model = type(obj)
    for f in model._meta.concrete_fields:
        if (
            f.serialize
            and not f.primary_key
            and f.value_from_object(stored) != f.value_from_object(obj)
        ):
            return False
    for name, pks in m2m.items():
        current = set(getattr(stored, name).values_list("pk", flat=True))
        if current != set(pks):
            return False
    return True


def _merged_away(obj: models.Model, stored: models.Model | None, entry: dict) -> bool:
    """An entry for a duplicate that was merged, or for its attendance: its natural key
    found the survivor's, which the merge already folded it into."""
    if stored is None:
        return False
    if isinstance(stored, Attendance):
        named = entry.get("fields", {}).get("participant")
        return isinstance(named, list) and named[:1] != [stored.participant.slug]
    former = getattr(stored, "former_slug_list", None)
    return bool(former) and obj.slug != stored.slug and obj.slug in former


def load_fixture(source: Source, report: LoadReport, user=None, reason: str = "") -> list[Problem]:
    """Load a Django natural-key fixture, counting created, updated and unchanged rows,
    and keeping the edit history as the loader does for documents.

    Its entries are those of this app's models: the reader refused the file otherwise.
    """
    problems: list[Problem] = []
    assert source.fixture is not None

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
                if len(problems) >= PROBLEM_LIMIT:
                    break
                position += 1
                continue
            model = type(obj)
            tally = report.tallies[model]
            stored = model._base_manager.filter(pk=obj.pk).first() if obj.pk else None
            if _merged_away(obj, stored, source.fixture[position]):
                # Its slug was merged into the stored record: the merge folded it there.
                tally.unchanged += 1
                position += 1
                continue
            if stored is not None and getattr(stored, "former_slugs", ""):
                # A load never forgets a merge: the slugs merged into a record stay its own.
                obj.former_slugs = "\n".join(
                    dict.fromkeys([*stored.former_slug_list, *obj.former_slug_list])
                )
            if stored is None:
                tally.created += 1
            elif not item.deferred_fields and _same_as_stored(obj, stored, item.m2m_data):
                tally.unchanged += 1
                position += 1
                continue
            else:
                tally.updated += 1
                obj.bump_version(stored.version)
            item.save()
            model.history.bulk_history_create(
                [obj], update=stored is not None, default_user=user, default_change_reason=reason
            )
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
        stored = Statement.objects.filter(pk__in=list(statement_ids), speaker__isnull=False)
        rows = list(stored.values_list("readout__meeting_id", "speaker_id", "pk"))
        for pk in unattended(rows, attendances_of({meeting for meeting, _, _ in rows})):
            speaker, meeting = (
                stored.filter(pk=pk).values_list("speaker__slug", "readout__meeting__slug").get()
            )
            problems.append(
                Problem(
                    source.file,
                    f"[{statement_ids[pk]}].fields.speaker",
                    f"speaker {speaker!r} did not attend meeting {meeting!r}",
                )
            )
    if any(isinstance(item.object, Topic) for _, item in saved):
        tree = TopicTree.stored()
        slugs = {pk: slug for slug, pk in tree.by_slug.items()}
        for pk in tree.cycles():
            problems.append(
                Problem(source.file, "", f"topic {slugs[pk]!r} would be its own ancestor")
            )
    return problems
