"""The admin's "Import readout from text": paste or upload, review the draft, save."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, auth, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django_countries import countries

from . import documents as doc
from .importing import MAX_TEXT, UnreadableText, Vocabulary, draft_text
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

MAX_UPLOAD = 1_000_000  # bytes: a readout is a few kilobytes
# A readout in the archive comes to at most 17 statements. The review form takes about 6 ms of
# a worker's time to show each one (a paste of short paragraphs could make thousands), and
# posts back three fields for each, where Django reads at most DATA_UPLOAD_MAX_NUMBER_FIELDS.
MAX_REVIEW_STATEMENTS = 100


class SourceForm(forms.Form):
    text = forms.CharField(
        label="Readout text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Paste the readout: title on the first line, the date (and time) on the next, "
        "then the paragraphs. Markdown with front matter works too.",
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
    slug = forms.SlugField(max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=MeetingKind.choices)
    title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 100}))
    location = forms.CharField(max_length=200, required=False)
    publisher = forms.ModelChoiceField(
        queryset=Publisher.objects.all(),
        required=False,
        widget=AutocompleteSelect(Readout._meta.get_field("publisher"), admin.site),
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
    published_at = forms.CharField(required=False, help_text="ISO 8601 with an offset")
    url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "cols": 100}))

    def clean(self):
        data = super().clean()
        if not data.get("publisher") and not (
            data.get("publisher_slug") and data.get("publisher_name")
        ):
            raise forms.ValidationError(
                "Choose the publisher, or give a new publisher's slug and name."
            )
        if not data.get("publisher") and data.get("publisher_slug"):
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
        widget=AutocompleteSelect(Attendance._meta.get_field("participant"), admin.site),
        help_text="Choose someone already recorded, or leave empty and give a new person below.",
    )
    slug = forms.SlugField(max_length=100, required=False)
    name = forms.CharField(max_length=200, required=False)
    country = forms.ChoiceField(choices=[("", "—"), *countries], required=False)
    organization = forms.CharField(max_length=200, required=False)
    title = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60})
    )

    def clean(self):
        data = super().clean()
        existing = data.get("existing")
        if existing:
            data["slug"] = existing.slug
        elif data.get("name"):
            data["slug"] = data.get("slug") or slugify(data["name"])[:100]
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
        widget=AutocompleteSelect(Topic._meta.get_field("parent"), admin.site),
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


class StatementDraftForm(forms.Form):
    speaker = forms.CharField(
        required=False,
        help_text="a participant's slug; empty for both sides",
        widget=forms.TextInput(attrs={"list": "draft-speakers", "size": 24}),
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 100}))
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=AutocompleteSelectMultiple(Statement._meta.get_field("topics"), admin.site),
    )
    on_new_topic = forms.BooleanField(required=False, label="On the new topic")


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
                return _review(request, context, *_partsfrom(draft), notes=draft.notes)
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


def _partsfrom(draft):
    doc = draft.document
    readout = doc["readouts"][0]
    drafted = readout["publisher"]
    publisher = Publisher.objects.filter(slug=drafted.get("slug")).first()
    new_publisher = {
        f"publisher_{key}": drafted.get(key, "") for key in ("slug", "name", "country", "website")
    }
    meeting = MeetingDraftForm(
        initial={
            **doc["meeting"],
            "publisher": publisher,
            **({} if publisher else new_publisher),
            "readout_title": readout["title"],
            "published_at": readout["published_at"] or "",
            "url": readout["url"],
            "body": readout["body"],
        }
    )
    known = {p.slug: p for p in Participant.objects.filter(slug__in=[p.slug for p in draft.people])}
    people = ParticipantFormSet(
        prefix="people",
        initial=[
            {
                "existing": known.get(p.slug),
                "slug": p.slug,
                "name": "" if p.slug in known else p.name,
                "country": p.country or "",
                "organization": p.organization,
                "title": p.title,
            }
            for p in draft.people
        ],
    )
    topics = dict(Topic.objects.values_list("slug", "pk"))
    statements = StatementFormSet(
        prefix="statements",
        initial=[
            {
                "speaker": s["speaker"] or "",
                "text": s["text"],
                "topics": [topics[slug] for slug in s["topics"] if slug in topics],
            }
            for s in readout["statements"]
        ],
    )
    return meeting, people, statements, NewTopicForm(prefix="new_topic")


def may_add_topics(request) -> bool:
    return request.user.has_perm(f"readouts.{auth.get_permission_codename('add', Topic._meta)}")


def _review(request, context, meeting, people, statements, new_topic, notes=(), problems=()):
    media = context["media"] + meeting.media + people.media + statements.media
    return TemplateResponse(
        request,
        "admin/readouts/import_review.html",
        {
            **context,
            "title": "Review the draft",
            "meeting_form": meeting,
            "people": people,
            "statements": statements,
            # Only those who may add topics are offered to create one.
            "new_topic": new_topic if may_add_topics(request) else None,
            "notes": notes,
            "problems": problems,
            "media": media + new_topic.media,
        },
    )


def _save(model_admin, request, context):
    meeting = MeetingDraftForm(request.POST)
    people = ParticipantFormSet(request.POST, prefix="people")
    statements = StatementFormSet(request.POST, prefix="statements")
    new_topic = NewTopicForm(request.POST, prefix="new_topic")
    parts = (meeting, people, statements, new_topic)
    if not all([form.is_valid() for form in parts]):
        return _review(request, context, *parts)
    topic = new_topic.entry()
    if topic and not may_add_topics(request):
        raise PermissionDenied
    kept = [row for row in statements.cleaned_data if row and not row.get("DELETE")]
    if not topic and any(row.get("on_new_topic") for row in kept):
        new_topic.add_error("name", "Statements are ticked as on the new topic: give its name.")
        return _review(request, context, *parts)
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
    readout = doc.readout(
        meeting.publisher_entry(),
        m["readout_title"],
        m["body"],
        published_at=m["published_at"] or None,
        url=m["url"],
        statements=[
            doc.statement(
                row["speaker"] or None,
                row["text"],
                topics=[t.slug for t in row["topics"]]
                + ([topic["slug"]] if topic and row.get("on_new_topic") else []),
                sequence=i,
            )
            for i, row in enumerate(kept, 1)
        ],
    )
    document = doc.document(
        doc.meeting(
            m["slug"], m["date"].isoformat(), m["kind"], m["title"], location=m["location"]
        ),
        entries,
        [readout],
        topics=[topic] if topic else None,
    )
    if Meeting.objects.filter(slug=m["slug"]).exists():
        meeting.add_error(
            "slug", "A meeting with this slug is already recorded; give this one another."
        )
        return _review(request, context, *parts)
    try:
        load_documents(
            [("the reviewed draft", document)],
            user=request.user,
            command="admin: import readout from text",
        )
    except LoadError as exc:
        return _review(request, context, *parts, problems=[str(p) for p in exc.problems])
    saved = Meeting.objects.get(slug=m["slug"])
    messages.success(
        request,
        f"Imported “{saved.title}” with {len(document['readouts'][0]['statements'])} statement(s).",
    )
    return redirect("admin:readouts_meeting_change", saved.pk)
