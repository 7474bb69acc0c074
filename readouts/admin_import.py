"""The admin's "Import readout from text": paste or upload, review the draft, save."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, auth, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django_countries import countries

from . import documents as doc
from .importing import MAX_TEXT, UnreadableText, Vocabulary, check, draft_text
from .loading import LoadError, load_documents
from .models import (
    Attendance,
    Meeting,
    MeetingKind,
    Participant,
    Publisher,
    Readout,
    Statement,
    Topic,
)
from .widgets import SafeAutocompleteSelect, SafeAutocompleteSelectMultiple

MAX_UPLOAD = 1_000_000  # bytes: a readout is a few kilobytes
# A readout in the archive comes to at most 17 statements. The review form takes about 6 ms of
# a worker's time to show each one (a paste of short paragraphs could make thousands), and
# posts back three fields for each, where Django reads at most DATA_UPLOAD_MAX_NUMBER_FIELDS.
MAX_REVIEW_STATEMENTS = 100


UNDATED = "undated-"  # how the importer begins the slug of a draft without a date


class SourceForm(forms.Form):
    text = forms.CharField(
        label="Readout text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Paste the readout: title on the first line, the date (and time) on the next "
        "(2022-10-27 23:38, or June 15, 2021 as a page prints it), then the paragraphs. "
        "Markdown with front matter works too.",
    )
    file = forms.FileField(label="Or upload a file", required=False, help_text=".txt or .md, UTF-8")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError("The file is larger than a readout can be (1 MB).")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        text = data.get("text") or ""
        if not text.strip():
            raise forms.ValidationError("Paste the text of a readout or upload a file.")
        if len(text) > MAX_TEXT:
            raise forms.ValidationError(
                f"The text is {len(text):,} characters long; a readout is at most "
                f"{MAX_TEXT:,}. Nothing was drafted."
            )
        return data


class MeetingDraftForm(forms.Form):
    join = forms.SlugField(
        max_length=200,
        required=False,
        label="Another readout of",
        help_text="A recorded meeting this readout is an account of: saving adds the readout "
        "(and anyone it names who is not yet a participant) to it. Empty for a new meeting.",
    )
    slug = forms.SlugField(max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=MeetingKind.choices)
    title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 100}))
    location = forms.CharField(max_length=200, required=False)
    publisher = forms.ModelChoiceField(
        queryset=Publisher.objects.all(),
        required=False,
        widget=SafeAutocompleteSelect(Readout._meta.get_field("publisher"), admin.site),
        help_text="Choose a recorded publisher, or give a new one below.",
    )
    publisher_slug = forms.SlugField(max_length=100, required=False, label="New publisher: slug")
    publisher_name = forms.CharField(max_length=200, required=False, label="New publisher: name")
    publisher_country = forms.ChoiceField(
        choices=[("", "—"), *countries], required=False, label="New publisher: country"
    )
    publisher_website = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label="New publisher: website"
    )
    readout_title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 100}))
    published_at = forms.CharField(required=False, label="Published")
    url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 100}))

    new_publisher_fields = (
        "publisher_slug",
        "publisher_name",
        "publisher_country",
        "publisher_website",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zone = self.publisher_zone()
        self.fields["published_at"].help_text = (
            f"As the publisher's clock showed it, in {zone}, such as 2022-10-27 23:38. "
            "Add an offset (+08:00) for a time given in another zone."
            if zone
            else "With its offset: 2022-10-27 23:38+08:00. The publisher records no time "
            "zone, so a time without an offset is read as UTC."
        )

    def publisher_zone(self) -> str:
        """The chosen publisher's time zone, as posted (or as drafted)."""
        chosen = self["publisher"].value()
        if isinstance(chosen, Publisher):
            return chosen.time_zone
        if chosen in (None, ""):
            return ""
        try:
            publisher = Publisher.objects.filter(pk=chosen).only("time_zone").first()
        except (ValueError, TypeError):
            return ""
        return publisher.time_zone if publisher else ""

    def new_publisher_given(self) -> bool:
        return any(self[name].value() for name in self.new_publisher_fields) or any(
            name in self.errors for name in self.new_publisher_fields
        )

    def clean_body(self) -> str:
        # Browsers send a textarea's lines with CRLF; the text is kept with LF, as the
        # importer reads it, so the same text pasted again is the same text.
        return unix_lines(self.cleaned_data["body"])

    def clean_published_at(self) -> str:
        """A time as the publisher's own clock shows it (or with an offset), kept with its
        offset: 23:38 in Beijing stays 23:38+08:00."""
        value = self.cleaned_data["published_at"].strip()
        if not value:
            return ""
        try:
            moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
        except ValueError:
            raise forms.ValidationError(
                "Give the date and time as 2022-10-27 23:38 (with an offset, +08:00, for a "
                "time in another zone than the publisher's)."
            ) from None
        if moment.tzinfo is None:
            zone = self.publisher_zone()
            moment = moment.replace(tzinfo=ZoneInfo(zone) if zone else dt.UTC)
        return moment.isoformat()

    def clean(self):
        data = super().clean()
        # A draft with no date is named "undated-…": once the date is given, the meeting
        # is named by it, as a dated draft would have been.
        slug, day = data.get("slug") or "", data.get("date")
        if day and slug.startswith(UNDATED) and not data.get("join"):
            data["slug"] = f"{day.isoformat()}-{slug.removeprefix(UNDATED)}"
        if not data.get("publisher") and not (
            data.get("publisher_slug") and data.get("publisher_name")
        ):
            raise forms.ValidationError(
                "Choose the publisher, or give a new publisher's slug and name."
            )
        if not data.get("publisher") and data.get("publisher_slug"):
            # Slugs are lower case: "White-House" would be a second White House.
            data["publisher_slug"] = data["publisher_slug"].lower()
            refuse_recorded_slug(self, Publisher, "publisher_slug", data["publisher_slug"])
        return data

    def publisher_entry(self) -> doc.PublisherEntry:
        data = self.cleaned_data
        if data["publisher"]:
            return doc.publisher(data["publisher"].slug)
        return doc.publisher(
            data["publisher_slug"],
            name=data["publisher_name"],
            country=data["publisher_country"],
            website=data["publisher_website"],
        )


def unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unused_slug(model, slug: str, limit: int) -> str:
    """The slug with the first free number after it: wang-yi-2, wang-yi-3…"""
    taken = set(
        model.objects.filter(slug__startswith=slug[: limit - 4]).values_list("slug", flat=True)
    )
    for n in range(2, 10_000):
        candidate = f"{slug[: limit - len(str(n)) - 1]}-{n}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"no free slug after {slug!r}")


def refuse_recorded_slug(form: forms.Form, model, field: str, slug: str) -> None:
    """A new record never updates a recorded one: its slug must be free. The form
    comes back offering the recorded one, or a free slug filled in instead."""
    recorded = model.objects.filter(slug=slug).first()
    if recorded is None:
        return
    limit = model._meta.get_field("slug").max_length
    fresh = unused_slug(model, slug, limit)
    form.data = form.data.copy()
    form.data[form.add_prefix(field)] = fresh
    noun = model._meta.verbose_name
    form.add_error(
        field,
        f"“{slug}” is already recorded as {recorded}. To use that {noun}, choose them "
        f"from the list; for a different {noun}, save again with the free slug "
        f"“{fresh}” now filled in.",
    )


class ParticipantDraftForm(forms.Form):
    existing = forms.ModelChoiceField(
        queryset=Participant.objects.all(),
        required=False,
        label="Participant",
        widget=SafeAutocompleteSelect(Attendance._meta.get_field("participant"), admin.site),
        help_text="Choose someone already recorded, or leave empty and give a new person below.",
    )
    slug = forms.SlugField(max_length=100, required=False)
    name = forms.CharField(max_length=200, required=False, label="New: name")
    country = forms.ChoiceField(choices=[("", "—"), *countries], required=False)
    organization = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=300, required=False, label="Title at the time")

    def clean(self):
        data = super().clean()
        existing = data.get("existing")
        if existing:
            data["slug"] = existing.slug
        elif data.get("name"):
            data["slug"] = (data.get("slug") or slugify(data["name"])[:100]).lower()
            if not data.get("DELETE"):
                refuse_recorded_slug(self, Participant, "slug", data["slug"])
        elif not self.has_changed() or data.get("DELETE"):
            return data
        else:
            raise forms.ValidationError("Choose a participant or give the new person's name.")
        return data


class NewTopicForm(forms.Form):
    """A topic the vocabulary lacks, created with the readout, for the statements ticked."""

    name = forms.CharField(max_length=200, required=False, label="New topic: name")
    slug = forms.SlugField(
        max_length=100, required=False, label="New topic: slug", help_text="From the name if empty."
    )
    parent = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        label="New topic: under",
        widget=SafeAutocompleteSelect(Topic._meta.get_field("parent"), admin.site),
        help_text="The broader topic it belongs under, if any.",
    )

    def clean(self):
        data = super().clean()
        if data.get("name"):
            data["slug"] = data.get("slug") or slugify(data["name"])[:100]
            if not data["slug"]:
                self.add_error("slug", "Give the new topic a slug (letters, digits, hyphens).")
            elif recorded := Topic.objects.filter(slug=data["slug"]).first():
                self.add_error(
                    "slug",
                    f"“{data['slug']}” is already recorded as the topic {recorded}: choose it "
                    "among the statements' topics, or give the new topic another slug.",
                )
        elif data.get("slug") or data.get("parent"):
            self.add_error("name", "Give the new topic's name.")
        return data

    def entry(self) -> doc.TopicEntry | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        parent = data.get("parent")
        return doc.topic(data["slug"], data["name"], parent=parent.slug if parent else None)


def may_add_topics(request) -> bool:
    return request.user.has_perm(f"readouts.{auth.get_permission_codename('add', Topic._meta)}")


JOINT = ("", "Both sides (joint)")


class StatementDraftForm(forms.Form):
    """A statement; its speaker is a row of the participants above, whoever it ends up being."""

    speaker = forms.ChoiceField(required=False, choices=[JOINT])
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=SafeAutocompleteSelectMultiple(Statement._meta.get_field("topics"), admin.site),
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    on_new_topic = forms.BooleanField(required=False, label="On the new topic")

    def clean_text(self) -> str:
        return unix_lines(self.cleaned_data["text"])

    def __init__(self, *args, speakers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = [JOINT, *speakers]
        self.fields["speaker"].widget.attrs["class"] = "draft-speaker"


ParticipantFormSet = forms.formset_factory(ParticipantDraftForm, extra=1, can_delete=True)
StatementFormSet = forms.formset_factory(StatementDraftForm, extra=1, can_delete=True)


def import_view(model_admin, request):
    """Step 1 reads the text and drafts; step 2 shows the draft for review and saves it."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = _context(model_admin, request)
    if request.method == "POST" and "review" in request.POST:
        return _save(model_admin, request, context)
    source = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and source.is_valid():
        try:
            draft = draft_text(source.cleaned_data["text"], Vocabulary.from_database())
        except UnreadableText as exc:
            source.add_error(None, f"This text cannot be read as a readout: {exc}.")
        else:
            statements = len(draft.document["readouts"][0]["statements"]) if draft.document else 0
            if draft.document is None:
                source.add_error(None, f"Nothing to draft: {draft.reason}.")
            elif statements > MAX_REVIEW_STATEMENTS:
                source.add_error(
                    None,
                    f"The draft has {statements:,} statements; the review form shows at most "
                    f"{MAX_REVIEW_STATEMENTS}. Import this text in parts, or with the "
                    "import_readout_text command.",
                )
            else:
                return _review(
                    request,
                    context,
                    *_forms_from(draft),
                    notes=draft.notes,
                    warnings=draft.warnings,
                    match=draft.match,
                )
    return TemplateResponse(
        request, "admin/readouts/import_source.html", {**context, "form": source}
    )


def _context(model_admin, request) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Meeting._meta,
        "title": "Import readout from text",
        "media": model_admin.media,
    }


def too_large(request) -> TemplateResponse | None:
    """The import page again, for a paste larger than Django reads (None: not the import page).

    Django refuses a request body over DATA_UPLOAD_MAX_MEMORY_SIZE before any view runs, so
    this is what the site's handler400 answers on the import page, to those who may import.
    """
    model_admin = admin.site.get_model_admin(Meeting)
    if request.path != reverse("admin:readouts_meeting_import_text") or not (
        admin.site.has_permission(request) and model_admin.has_add_permission(request)
    ):
        return None
    refusal = (
        f"The text is larger than {filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}; "
        f"a readout is at most {MAX_TEXT:,} characters. Nothing was drafted."
    )
    return TemplateResponse(
        request,
        "admin/readouts/import_source.html",
        # An empty form: the text cannot be shown again, as Django did not read it.
        {**_context(model_admin, request), "form": SourceForm(), "refusal": refusal},
        status=400,
    )


def _forms_from(draft):
    document = draft.document
    readout = document["readouts"][0]
    drafted = readout["publisher"]
    publisher = Publisher.objects.filter(slug=drafted.get("slug")).first()
    new_publisher = {
        f"publisher_{key}": drafted.get(key, "") for key in ("slug", "name", "country", "website")
    }
    joining = draft.match.meeting if draft.match else None
    meeting = MeetingDraftForm(
        initial={
            **document["meeting"],
            "join": joining.slug if joining else "",
            "publisher": publisher,
            **({} if publisher else new_publisher),
            "readout_title": readout["title"],
            "published_at": _local_time(readout["published_at"], publisher),
            "url": readout["url"],
            "body": readout["body"],
        }
    )
    people_rows = _people_rows(draft)
    known = {
        p.slug: p for p in Participant.objects.filter(slug__in=[row["slug"] for row in people_rows])
    }
    people = ParticipantFormSet(
        prefix="people",
        initial=[
            {
                **row,
                # A recorded person is saved as recorded: the form shows their record's
                # country and organisation, not what the draft read in the text.
                **(
                    {
                        "existing": known[row["slug"]],
                        "name": "",
                        "country": known[row["slug"]].country.code,
                        "organization": known[row["slug"]].organization,
                    }
                    if row["slug"] in known
                    else {}
                ),
            }
            for row in people_rows
        ],
    )
    rows = {row["slug"]: str(i) for i, row in enumerate(people_rows)}
    speakers = _speaker_choices(people)
    # A speaker the draft gives who is no participant stays as drafted (and warned of).
    speakers += [
        (s["speaker"], f"{s['speaker']} (not a participant)")
        for s in readout["statements"]
        if s["speaker"] and s["speaker"] not in rows
    ]
    topics = dict(Topic.objects.values_list("slug", "pk"))
    statements = StatementFormSet(
        prefix="statements",
        form_kwargs={"speakers": speakers},
        initial=[
            {
                "speaker": rows.get(s["speaker"], s["speaker"]) if s["speaker"] else "",
                "text": s["text"],
                "topics": [topics[slug] for slug in s["topics"] if slug in topics],
            }
            for s in readout["statements"]
        ],
    )
    return meeting, people, statements


def _people_rows(draft) -> list[dict]:
    """The participants rows of a draft: as drafted, or, for another readout of a recorded
    meeting, its participants (with their titles as recorded) and then those only this
    readout names."""
    drafted = {
        p.slug: {
            "slug": p.slug,
            "name": p.name,
            "country": p.country or "",
            "organization": p.organization,
            "title": p.title,
        }
        for p in draft.people
    }
    joining = draft.match.meeting if draft.match else None
    if joining is None:
        return list(drafted.values())
    titles = dict(joining.attendances.values_list("participant__slug", "title"))
    rows = []
    for entry in draft.document["participants"]:
        slug = entry["slug"]
        if slug in titles:
            rows.append(
                {"slug": slug, "name": "", "country": "", "organization": "", "title": titles[slug]}
            )
        else:
            rows.append(
                drafted.get(slug)
                or {
                    "slug": slug,
                    "name": "",
                    "country": "",
                    "organization": "",
                    "title": entry.get("title", ""),
                }
            )
    return rows


def _local_time(published_at: str | None, publisher: Publisher | None) -> str:
    """The published time as the publisher's own clock showed it, where its zone is recorded."""
    if not published_at:
        return ""
    if not (publisher and publisher.time_zone):
        return published_at
    moment = dt.datetime.fromisoformat(published_at).astimezone(ZoneInfo(publisher.time_zone))
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")


def _speaker_choices(people) -> list[tuple[str, str]]:
    """Each row of the participants, by name: a statement's speaker is chosen by row."""
    existing = {}
    for form in people.forms:
        value = form["existing"].value()
        existing[form.prefix] = value.pk if isinstance(value, Participant) else value
    names = dict(
        Participant.objects.filter(
            pk__in=[v for v in existing.values() if str(v).isdigit()]
        ).values_list("pk", "name")
    )
    choices = []
    for i, form in enumerate(people.forms):
        pk = existing[form.prefix]
        name = names.get(int(pk)) if str(pk).isdigit() else None
        label = name or form["name"].value() or form["slug"].value()
        choices.append((str(i), label or f"Participant {i + 1} (not given yet)"))
    return choices


def _statement_formset(data, people):
    return StatementFormSet(
        data, prefix="statements", form_kwargs={"speakers": _speaker_choices(people)}
    )


FIELD_PATH = re.compile(
    r"^(?P<part>meeting|participants\[(?P<p>\d+)\]|readouts\[0\]"
    r"(?:\.statements\[(?P<s>\d+)\])?)\.(?P<field>\w+)$"
)
READOUT_FIELDS = {
    "title": "readout_title",
    "published_at": "published_at",
    "url": "url",
    "body": "body",
    "publisher": "publisher",
}


def _place_warnings(warnings, meeting, people, statements) -> list[tuple[str, str]]:
    """Each warning onto the form field it is about (form.draft_warnings, shown there), and
    the list for the top of the page: (where, what)."""
    for form in [meeting, *people.forms, *statements.forms]:
        form.draft_warnings = {}
    summary = []
    for warning in warnings:
        match = FIELD_PATH.match(warning.field)
        form, name, where = None, "", "The draft"
        if match and match.group("p") is not None and int(match.group("p")) < len(people.forms):
            row = int(match.group("p"))
            form, name = people.forms[row], match.group("field")
            where = f"Participant {row + 1}"
        elif match and match.group("s") is not None:
            row = int(match.group("s"))
            if row < len(statements.forms):
                form, name = statements.forms[row], match.group("field")
                where = f"Statement {row + 1}"
        elif match and match.group("part") == "meeting":
            form, name, where = meeting, match.group("field"), "Meeting"
        elif match:
            form, name = meeting, READOUT_FIELDS.get(match.group("field"), "")
            where = "Readout"
        if form is not None and name in form.fields:
            form.draft_warnings.setdefault(name, []).append(warning.message)
            where = f"{where}, {form.fields[name].label or name.replace('_', ' ')}"
        summary.append((where, warning.message))
    return summary


def _document_from_forms(meeting, people, statements) -> dict:
    """The readout document as the review form stands (edited, perhaps not valid yet), with
    a row for every row of the form, to check for warnings."""
    pks = {}
    for form in people.forms:
        value = form["existing"].value()
        pks[form.prefix] = value.pk if isinstance(value, Participant) else value
    slugs = dict(
        Participant.objects.filter(
            pk__in=[v for v in pks.values() if str(v).isdigit()]
        ).values_list("pk", "slug")
    )
    participants, row_slugs = [], []
    for form in people.forms:
        pk = pks[form.prefix]
        slug = slugs.get(int(pk)) if str(pk).isdigit() else None
        deleted = form["DELETE"].value() if "DELETE" in form.fields else False
        if deleted:
            entry = doc.participant("")
        elif slug:
            entry = doc.participant(slug, title=form["title"].value() or "")
        else:
            name = (form["name"].value() or "").strip()
            slug = form["slug"].value() or slugify(name)[:100]
            entry = doc.participant(
                slug,
                name=name,
                country=form["country"].value() or "",
                title=form["title"].value() or "",
            )
        participants.append(entry)
        row_slugs.append(slug or "")
    rows = []
    for form in statements.forms:
        value = form["speaker"].value() or ""
        speaker = (
            row_slugs[int(value)] if value.isdigit() and int(value) < len(row_slugs) else value
        )
        rows.append(doc.statement(speaker or None, form["text"].value() or ""))

    def value(name: str) -> str:
        return str(meeting[name].value() or "")

    # What the warnings read of the meeting and the readout; the publisher is not among it.
    drafted = doc.meeting(
        value("slug"), value("date"), value("kind"), value("title"), location=value("location")
    )
    account = doc.readout({}, value("readout_title"), value("body"), statements=rows)
    return doc.document(drafted, participants, [account])


def _review(
    request,
    context,
    meeting,
    people,
    statements,
    notes=(),
    problems=(),
    warnings=None,
    match=None,
    new_topic=None,
):
    new_topic = new_topic or NewTopicForm(prefix="new_topic")
    if match and match.candidates:  # offered as the analyst types in "Another readout of"
        meeting.fields["join"].widget.attrs["list"] = "join-candidates"
    if warnings is None:  # the form as edited: checked again, so no warning is lost
        warnings = check(
            _document_from_forms(meeting, people, statements), Vocabulary.from_database()
        )
    return TemplateResponse(
        request,
        "admin/readouts/import_review.html",
        {
            **context,
            "title": "Review the draft",
            "meeting_form": meeting,
            "people": people,
            "statements": statements,
            "notes": notes,
            "problems": problems,
            "warnings": _place_warnings(warnings, meeting, people, statements),
            "match": match,
            "joining": _joining(meeting),
            # Only those who may add topics are offered to create one.
            "new_topic": new_topic if may_add_topics(request) else None,
            "media": context["media"]
            + meeting.media
            + people.media
            + statements.media
            + new_topic.media,
        },
    )


def _joining(meeting_form) -> Meeting | None:
    """The recorded meeting the review adds its readout to, with its readouts."""
    slug = meeting_form["join"].value()
    if not slug:
        return None
    return (
        Meeting.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("readouts", queryset=Readout.objects.select_related("publisher").defer("body"))
        )
        .first()
    )


def _speakers(people, statements) -> list[str | None] | None:
    """Each statement's speaker's slug (None: both sides), from the participant row chosen;
    None, with the errors on the form, when a row chosen is removed or empty."""
    rows = people.cleaned_data
    speakers = []
    for form in statements.forms:
        row = form.cleaned_data
        if not row or row.get("DELETE"):
            speakers.append(None)
            continue
        value = row.get("speaker") or ""
        person = rows[int(value)] if value.isdigit() and int(value) < len(rows) else None
        if value and (not person or person.get("DELETE") or not person.get("slug")):
            form.add_error(
                "speaker",
                "This participant is removed from the draft or not given; choose another "
                "speaker, or both sides.",
            )
        speakers.append(person["slug"] if value and person else None)
    return None if any(form.errors for form in statements.forms) else speakers


def _save(model_admin, request, context):
    meeting = MeetingDraftForm(request.POST)
    people = ParticipantFormSet(request.POST, prefix="people")
    statements = _statement_formset(request.POST, people)
    new_topic = NewTopicForm(request.POST, prefix="new_topic")
    forms_valid = [form.is_valid() for form in (meeting, people, statements, new_topic)]
    if not all(forms_valid):
        return _review(request, context, meeting, people, statements, new_topic=new_topic)
    topic = new_topic.entry()
    if topic and not may_add_topics(request):
        raise PermissionDenied
    speakers = _speakers(people, statements)
    if speakers is None:
        return _review(request, context, meeting, people, statements, new_topic=new_topic)
    m = meeting.cleaned_data
    entries = [
        doc.participant(row["slug"], title=row["title"])
        if row.get("existing")
        else doc.participant(
            row["slug"],
            name=row["name"],
            country=row["country"],
            organization=row["organization"],
            title=row["title"],
        )
        for row in people.cleaned_data
        if row and not row.get("DELETE") and row.get("slug")
    ]
    kept = [
        (row, speaker)
        for row, speaker in zip(statements.cleaned_data, speakers, strict=True)
        if row and not row.get("DELETE")
    ]
    if not topic and any(row.get("on_new_topic") for row, _ in kept):
        new_topic.add_error("name", "Statements are ticked as on the new topic: give its name.")
        return _review(request, context, meeting, people, statements, new_topic=new_topic)
    readout = doc.readout(
        meeting.publisher_entry(),
        m["readout_title"],
        m["body"],
        published_at=m["published_at"] or None,
        url=m["url"],
        statements=[
            doc.statement(
                speaker,
                row["text"],
                topics=[t.slug for t in row["topics"]]
                + ([topic["slug"]] if topic and row.get("on_new_topic") else []),
                sequence=i,
            )
            for i, (row, speaker) in enumerate(kept, 1)
        ],
    )
    slug = m["join"] or m["slug"]
    document = doc.document(
        doc.meeting(slug, m["date"].isoformat(), m["kind"], m["title"], location=m["location"]),
        entries,
        [readout],
        topics=[topic] if topic else None,
    )
    if m["join"] and not Meeting.objects.filter(slug=m["join"]).exists():
        meeting.add_error("join", "No meeting with this slug is recorded.")
        return _review(request, context, meeting, people, statements, new_topic=new_topic)
    if not m["join"] and Meeting.objects.filter(slug=m["slug"]).exists():
        meeting.add_error(
            "slug",
            "A meeting with this slug is already recorded. If this readout is an account of "
            "it, give its slug under “Another readout of”; otherwise give this one another.",
        )
        return _review(request, context, meeting, people, statements, new_topic=new_topic)
    # Saved as the analyst decided; what is still warned of is said once more, not dropped.
    left = check(_document_from_forms(meeting, people, statements), Vocabulary.from_database())
    try:
        report = load_documents(
            [("the reviewed draft", document)],
            user=request.user,
            command="admin: import readout from text",
        )
    except LoadError as exc:
        return _review(
            request,
            context,
            meeting,
            people,
            statements,
            problems=[str(p) for p in exc.problems],
            new_topic=new_topic,
        )
    saved = Meeting.objects.get(slug=slug)
    count = len(document["readouts"][0]["statements"])
    if not report.changed:
        messages.info(
            request, f"Nothing changed: the readout of “{saved.title}” is recorded as drafted."
        )
    elif m["join"] and not report.tallies[Readout].created:
        messages.success(
            request,
            f"Updated the recorded readout of “{saved.title}”, with {count} statement(s).",
        )
    else:
        messages.success(
            request,
            f"Added the readout to the recorded meeting “{saved.title}”, with {count} statement(s)."
            if m["join"]
            else f"Imported “{saved.title}” with {count} statement(s).",
        )
    for where, message in _place_warnings(left, meeting, people, statements):
        messages.warning(request, f"Saved as it was, with a warning: {where}: {message}")
    return redirect("admin:readouts_meeting_change", saved.pk)
