"""Admin forms: a statement's speaker attended its meeting, and no save overwrites
a change made since the form was opened."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.formats import date_format
from django.utils.timezone import localtime

from .models import Attendance, Participant


def describe_changes(instance, opened: int, current: int) -> str:
    """What changed between two versions of a record, from its edit history."""
    history = instance.history.order_by("-history_date", "-history_id")
    before = history.filter(version=opened).first()
    after = history.filter(version=current).first()
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
    """Refuses to save over a change made since the form was opened, keeping what was typed."""

    # Not named "version": a model form may not name the model's non-editable field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self) -> dict:
        data = super().clean()
        if self.instance.pk is None:
            return data
        model = type(self.instance)
        # Locked until the admin's transaction ends, so two saves cannot interleave.
        current = (
            model.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        opened = data.get("opened_version")
        if current is None or opened == current:
            self.instance.version = current or self.instance.version
            return data
        # Shown again, the form carries the stored version: saving again keeps this input.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_version")] = str(current)
        changes = describe_changes(self.instance, opened, current) if opened else ""
        raise ValidationError(
            f"Not saved: this {model._meta.verbose_name} was changed while you were editing "
            f"it — {changes or 'it was changed since you opened it'}. What you typed is "
            "kept below: compare it with those changes, then save again to keep it.",
            code="stale",
        )


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
        attending = set(
            Attendance.objects.filter(meeting_id=meeting_id).values_list("participant", flat=True)
        )
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            speaker = data.get("speaker")
            if speaker and not data.get("DELETE") and speaker.pk not in attending:
                form.add_error("speaker", did_not_attend(speaker))


class AttendanceFormSet(BaseInlineFormSet):
    """Nobody who speaks in the meeting's readouts may be removed from it."""

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:
            return
        remaining = {
            form.cleaned_data["participant"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("participant")
            and not form.cleaned_data.get("DELETE")
        }
        speakers = Participant.objects.filter(statements__readout__meeting=self.instance).distinct()
        missing = [p.name for p in speakers if p.pk not in remaining]
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
            attended = Attendance.objects.filter(meeting_id=readout.meeting_id, participant=speaker)
            if not attended.exists():
                self.add_error("speaker", did_not_attend(speaker))
        return data
