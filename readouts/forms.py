"""Admin forms: a statement's speaker attended its meeting, and no save overwrites
a change made since the form was opened."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.formats import date_format
from django.utils.timezone import localtime

from .models import Attendance, Participant, Topic
from .rules import attendances_of, statements_needing, unattended


def _version(instance, number: int):
    history = instance.history.order_by("-history_date", "-history_id")
    return history.filter(version=number).first()


def describe_changes(before, after, instance) -> str:
    """What changed between two versions of a record, from its edit history."""
    if before is None or after is None:
        return "it was changed since you opened it"
    who = after.history_user.get_username() if after.history_user else "a load or a script"
    when = date_format(localtime(after.history_date), "DATETIME_FORMAT")
    changes = [
        f"{instance._meta.get_field(change.field).verbose_name}: "
        f"{change.old!s:.80} → {change.new!s:.80}"
        for change in after.diff_against(before, foreign_keys_are_objs=False).changes
        if change.field != "version"
    ]
    what = "; ".join(changes) if changes else "no field you can see changed"
    return f"{who} changed it on {when} ({what})"


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change made since the form was opened, keeping what was typed.

    The refused form comes back with the other person's changes merged into the
    fields this person left alone, and with the stored version, so saving again
    keeps both.
    """

    # Not named "version": a model form may not name the model's non-editable field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set when the form edits an old version (restoring it): the version stored now.
    stored_version: int | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.stored_version or self.instance.version

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None:
            return data
        model = type(self.instance)
        # Locked until the admin's transaction ends, so two saves cannot interleave. A lock
        # "for no key update" lets others still check foreign keys to the row: two admins
        # each saving a record that points at the other's would otherwise deadlock.
        current = model.objects.select_for_update(no_key=True).filter(pk=self.instance.pk).first()
        opened = data.get("opened_version")
        if current is None or opened == current.version:
            self.instance.version = current.version if current else self.instance.version
            return data
        before = _version(self.instance, opened) if opened else None
        after = _version(self.instance, current.version)
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = str(current.version)
        if before is not None:
            self._merge(before.instance, current, data)
        raise ValidationError(
            f"Not saved: this {model._meta.verbose_name} was changed while you were editing "
            f"it — {describe_changes(before, after, self.instance)}. What you typed is kept "
            "below, with those changes in the fields you left alone: check it, then save "
            "again to keep it.",
            code="stale",
        )

    def _merge(self, opened, current, typed: dict) -> None:
        """Show the stored value in each field this person did not change."""
        for name in self.fields:
            try:
                model_field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many or name not in typed:
                continue
            old = model_field.value_from_object(opened)
            new = model_field.value_from_object(current)
            mine = typed[name].pk if hasattr(typed[name], "pk") else typed[name]
            if old == new or mine != old:
                continue
            widget = self.fields[name].widget
            parts = widget.decompress(new) if isinstance(widget, forms.MultiWidget) else None
            if parts is None:
                self.data[self.add_prefix(name)] = "" if new is None else str(new)
            else:  # a date and a time, say
                for i, part in enumerate(parts):
                    self.data[f"{self.add_prefix(name)}_{i}"] = "" if part is None else str(part)


def did_not_attend(participant: Participant) -> str:
    return (
        f"{participant.name} did not attend this meeting: "
        "add them to the meeting's participants first."
    )


class StatementFormSet(BaseInlineFormSet):
    """A statement's speaker must be a participant of the readout's meeting."""

    def clean(self) -> None:
        super().clean()
        meeting_id = self.instance.meeting_id
        if meeting_id is None:
            return
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        spoken = (
            (meeting_id, getattr(form.cleaned_data.get("speaker"), "pk", None), form)
            for form in kept
        )
        for form in unattended(spoken, attendances_of([meeting_id])):
            form.add_error("speaker", did_not_attend(form.cleaned_data["speaker"]))


class AttendanceFormSet(BaseInlineFormSet):
    """Nobody who speaks in the meeting's readouts may be removed from it."""

    def clean(self) -> None:
        super().clean()
        meeting = self.instance
        if meeting.pk is None:
            return
        remaining = {
            (meeting.pk, form.cleaned_data["participant"].pk)
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("participant")
            and not form.cleaned_data.get("DELETE")
        }
        speakers = Participant.objects.filter(statements__readout__meeting=meeting).distinct()
        missing = unattended(((meeting.pk, p.pk, p.name) for p in speakers), remaining)
        if missing:
            raise forms.ValidationError(
                f"{', '.join(missing)} speak(s) in this meeting's readouts: "
                "reassign or delete those statements before removing them."
            )


class StatementForm(VersionedForm):
    def clean(self) -> dict:
        data = super().clean()
        readout, speaker = data.get("readout"), data.get("speaker")
        if readout and speaker:
            spoken = [(readout.meeting_id, speaker.pk, speaker)]
            for person in unattended(spoken, attendances_of([readout.meeting_id])):
                self.add_error("speaker", did_not_attend(person))
        return data


class AttendanceForm(VersionedForm):
    """An attendance stays while its participant speaks in the meeting's readouts."""

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None or self.errors:
            return data
        # The stored pair: a restored version's instance holds older values.
        stored = Attendance.objects.filter(pk=self.instance.pk)
        meeting_id, participant_id = stored.values_list("meeting_id", "participant_id").get()
        after = attendances_of([meeting_id]) - {(meeting_id, participant_id)}
        after.add(
            (getattr(data.get("meeting"), "pk", None), getattr(data.get("participant"), "pk", None))
        )
        theirs = statements_needing([(meeting_id, participant_id)])
        spoken = theirs.values_list("readout__meeting_id", "speaker_id", "pk")
        speaking = unattended(spoken, after)
        if speaking:
            person = Participant.objects.get(pk=participant_id)
            raise forms.ValidationError(
                f"{person.name} speaks in this meeting's readouts ({len(speaking)} statement(s)): "
                "reassign or delete those statements before changing this attendance.",
                code="speaker",
            )
        return data


class TopicForm(VersionedForm):
    """Topics are re-parented one at a time, so no two changes make a cycle together."""

    def clean(self) -> dict:
        # Before the row lock of VersionedForm, and by everyone in the same order: the
        # tree is then read, and the cycle check made, after the other's commit. Taken
        # on every save, not only when the parent field changed: a restore's form starts
        # from the old version, so a parent it puts back does not show as changed.
        Topic.lock_tree()
        return super().clean()
