from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Prefetch, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import path
from django.utils.html import format_html
from django_countries.filters import CountryFilter
from simple_history.admin import SimpleHistoryAdmin

from . import exporting
from .admin_import import import_view
from .admin_merge import MergeAdminMixin
from .counting import count_of
from .duplicates import likely_duplicate_participants, likely_duplicate_topics
from .forms import (
    AttendanceForm,
    AttendanceFormSet,
    StatementForm,
    StatementFormSet,
    TopicForm,
    VersionedForm,
)
from .merging import merge_participants, merge_topics
from .models import (
    Attendance,
    Meeting,
    Participant,
    Publisher,
    Readout,
    Record,
    Statement,
    Topic,
)
from .paginators import EstimatedCountPaginator
from .rules import broken_rule, statements_needing
from .views import download
from .widgets import SafeAutocompleteAdmin


def export_meetings(meetings: QuerySet[Meeting], what: str) -> StreamingHttpResponse:
    """Readout documents of some meetings, as a download."""
    meetings = meetings.order_by("date", "slug")
    pieces = exporting.export_documents(meetings, {"admin_selection": what})
    filename = exporting.export_filename("meetings", {"selected": what}, "json")
    return download(pieces, filename, "application/json")


@admin.action(description="Export selected as JSON", permissions=["view"])
def export_selected_meetings(modeladmin, request, queryset):
    return export_meetings(Meeting.objects.filter(pk__in=queryset.values("pk")), "meetings")


@admin.action(description="Export their meetings as JSON", permissions=["view"])
def export_participants_meetings(modeladmin, request, queryset):
    people = queryset.values_list("pk", flat=True)
    return export_meetings(Meeting.objects.attended_by(*people), "participants")


@admin.action(description="Export their meetings as JSON", permissions=["view"])
def export_topics_meetings(modeladmin, request, queryset):
    topics = queryset.values_list("pk", flat=True)
    return export_meetings(Meeting.objects.on_topics(topics), "topics")


class CurationAdmin(SafeAutocompleteAdmin, SimpleHistoryAdmin):
    """History with field-by-field changes and restore; stale forms refused."""

    class Media:
        css = {"all": ["readouts/admin.css"]}

    form = VersionedForm
    paginator = EstimatedCountPaginator
    show_full_result_count = False  # a second count of the whole table on every page
    list_per_page = 50  # rendering a changelist row costs about as much as its query

    # A country cell through the field's choices translates every country name, per row.
    @admin.display(description="country", ordering="country")
    def country_name(self, obj) -> str:
        return obj.country.name

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        match = request.resolver_match
        if obj is not None and match and match.url_name.endswith("_simple_history"):
            # Restoring an old version: the form is fresh against the version stored now.
            stored = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True)
            form = type(form.__name__, (form,), {"stored_version": stored.first()})
        return form

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self._valid_keys(object_id)
        return super().history_view(request, object_id, extra_context)

    def _valid_keys(self, object_id: str, version_id: str = "0") -> None:
        """A key in the address that is no number is a page that does not exist (the
        history views would look it up as it is, and fail)."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            int(version_id)
        except (ValidationError, ValueError):
            raise Http404("No such record or version.") from None

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        """Restoring a version is a change: it needs the change permission (the
        Revert button is only hidden from those without it), and it runs in one
        transaction, as the change form does (the version check locks the row)."""
        self._valid_keys(object_id, version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        may = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not may:
            raise PermissionDenied

        def restore() -> HttpResponse:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super(CurationAdmin, self).history_form_view(
                    request, object_id, version_id, extra_context
                )

        return self._unless_refused(request, restore)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        parent = super().changeform_view
        return self._unless_refused(
            request, lambda: parent(request, object_id, form_url, extra_context)
        )

    def delete_view(self, request, object_id, extra_context=None):
        parent = super().delete_view
        return self._unless_refused(request, lambda: parent(request, object_id, extra_context))

    def changelist_view(self, request, extra_context=None):
        parent = super().changelist_view
        return self._unless_refused(request, lambda: parent(request, extra_context))

    def _unless_refused(self, request: HttpRequest, view) -> HttpResponse:
        """The page again with a message when the database refuses a write that breaks a
        rule the forms did not catch (the database enforces it on every path).

        The database may refuse only at the commit, after the view has said "changed
        successfully": what the view says is held until the write has gone through."""
        request.held_messages = []
        try:
            response = view()
        except IntegrityError as exc:
            message = broken_rule(exc)
            if message is None:
                raise
        else:
            for args, kwargs in request.held_messages:
                super().message_user(request, *args, **kwargs)
            return response
        finally:
            del request.held_messages
        self.message_user(request, f"Nothing was saved: {message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def message_user(self, request: HttpRequest, *args, **kwargs) -> None:
        held = getattr(request, "held_messages", None)
        if held is None:
            super().message_user(request, *args, **kwargs)
        else:
            held.append((args, kwargs))

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # Saving a form with nothing changed makes no new version (and no history entry).
        if change and not self._differs(obj, form):
            return
        obj._change_reason = self._reason(request, "changed" if change else "added")
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for obj in formset.save(commit=False):
            obj._change_reason = self._reason(request, "changed" if obj.pk else "added")
            obj.save()
        for obj in formset.deleted_objects:
            obj._change_reason = self._reason(request, "deleted")
            obj.delete()
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj) -> None:
        obj._change_reason = self._reason(request, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One by one, as the delete page does, so that each keeps its reason.
        for obj in queryset:
            self.delete_model(request, obj)

    @staticmethod
    def _reason(request: HttpRequest, done: str) -> str:
        """What the history says of a change made here: where it was made."""
        match = request.resolver_match
        if match and match.url_name.endswith("_simple_history"):
            return "restored an earlier version in the admin"
        return f"{done} in the admin"

    def set_history_delta_changes(self, request: HttpRequest, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        # Changes made elsewhere (the shell) have no reason: show none rather than "None".
        for record in historical_records:
            if record.history_change_reason is None:
                record.history_change_reason = ""

    @staticmethod
    def _differs(obj, form) -> bool:
        # Against the stored row, not the form's initial values: a restored version's
        # form starts from the old version.
        stored = type(obj)._base_manager.filter(pk=obj.pk).first()
        if stored is None:
            return True
        many = {f.name for f in obj._meta.many_to_many}
        if many & set(form.changed_data):
            return True
        return any(
            f.value_from_object(stored) != f.value_from_object(obj)
            for f in obj._meta.concrete_fields
            if f.name in form.fields
        )


class AttendanceInline(SafeAutocompleteAdmin, admin.TabularInline):
    model = Attendance
    form = VersionedForm
    formset = AttendanceFormSet
    autocomplete_fields = ["participant"]
    fields = ["participant", "title", "order", "opened_version"]
    extra = 0


# Django 6 makes https the default scheme of URL form fields; use it already.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ReadoutInline(SafeAutocompleteAdmin, admin.StackedInline):
    model = Readout
    form = VersionedForm
    formfield_overrides = HTTPS_URLS
    autocomplete_fields = ["publisher"]
    fields = [("publisher", "language"), "title", ("published_at", "url"), "body", "opened_version"]
    show_change_link = True  # statements are edited on the readout's own page
    extra = 0


class StatementInline(SafeAutocompleteAdmin, admin.StackedInline):
    model = Statement
    form = VersionedForm
    formset = StatementFormSet
    autocomplete_fields = ["speaker", "topics"]
    fields = [("sequence", "speaker"), "text", "topics", "opened_version"]
    ordering = ["sequence"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(CurationAdmin):
    list_display = ["date", "title", "kind", "participant_names", "readout_count"]
    # A date filter rather than date_hierarchy, whose year links need a pass over every
    # meeting on each page view.
    list_filter = ["kind", "date", "readouts__publisher"]
    search_fields = ["title", "slug", "location", "participants__name"]
    prepopulated_fields = {"slug": ["date", "title"]}
    fields = ["title", "slug", ("date", "end_date"), ("kind", "location"), "opened_version"]
    inlines = [AttendanceInline, ReadoutInline]
    actions = [export_selected_meetings]
    change_list_template = "admin/readouts/meeting/change_list.html"

    def get_urls(self):
        return [
            path(
                "import-text/",
                self.admin_site.admin_view(partial(import_view, self)),
                name="readouts_meeting_import_text",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return (
            super()
            .get_queryset(request)
            .annotate(readout_count=count_of(Readout.objects.all(), "meeting"))
            .order_by(*Meeting._meta.ordering)
            .prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("participant"))
            )
        )

    @admin.display(description="participants")
    def participant_names(self, meeting: Meeting) -> str:
        return ", ".join(a.participant.name for a in meeting.attendances.all())

    @admin.display(description="readouts", ordering="readout_count")
    def readout_count(self, meeting: Meeting) -> int:
        return meeting.readout_count


@admin.register(Participant)
class ParticipantAdmin(MergeAdminMixin, CurationAdmin):
    list_display = ["name", "country_name", "organization", "meeting_count"]
    list_filter = [("country", CountryFilter)]
    search_fields = ["name", "aliases", "slug", "organization"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["former_slugs"]
    actions = [export_participants_meetings, "merge_selected"]
    merge_function = merge_participants
    likely_duplicates = likely_duplicate_participants

    def merge_summary(self, participant: Participant) -> str:
        meetings = participant.attendances.count()
        statements = participant.statements.count()
        aliases = ", ".join(participant.alias_list) or "none"
        return f"{meetings} meeting(s), {statements} statement(s); aliases: {aliases}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participant]:
        queryset = (
            super()
            .get_queryset(request)
            .annotate(meeting_count=count_of(Attendance.objects.all(), "participant"))
        )
        return queryset.order_by("name")

    @admin.display(description="meetings", ordering="meeting_count")
    def meeting_count(self, participant: Participant) -> int:
        return participant.meeting_count


@admin.register(Attendance)
class AttendanceAdmin(CurationAdmin):
    form = AttendanceForm
    list_display = ["participant", "title", "meeting"]
    list_select_related = ["participant", "meeting"]
    search_fields = ["participant__name", "title", "meeting__title"]
    autocomplete_fields = ["meeting", "participant"]
    ordering = ["-pk"]  # the latest recorded first, along the primary key

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Someone who speaks in a meeting's readouts keeps their attendance: the delete
        page (and the bulk action) lists their statements as what stands in the way."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        needing = (
            statements_needing((a.meeting_id, a.participant_id) for a in objs)
            .select_related("speaker", "readout__meeting")
            .order_by("readout__meeting__date", "readout_id", "sequence")
        )
        protected = list(protected) + [
            format_html(
                "Statement by {} in “{}” (a speaker must attend the meeting): {}…",
                statement.speaker.name,
                statement.readout.meeting.title,
                statement.text[:80],
            )
            for statement in needing[:50]
        ]
        return deleted, counts, perms_needed, protected


@admin.register(Publisher)
class PublisherAdmin(CurationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "country_name", "website", "readout_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Publisher]:
        queryset = (
            super()
            .get_queryset(request)
            .annotate(readout_count=count_of(Readout.objects.all(), "publisher"))
        )
        return queryset.order_by("name")

    @admin.display(description="readouts", ordering="readout_count")
    def readout_count(self, publisher: Publisher) -> int:
        return publisher.readout_count


@admin.register(Readout)
class ReadoutAdmin(CurationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["title", "publisher", "language", "published_at", "meeting_date"]
    list_select_related = ["publisher", "meeting"]
    list_filter = ["publisher", "language", "published_at"]
    search_fields = ["title", "meeting__title", "meeting__slug"]
    autocomplete_fields = ["meeting", "publisher"]
    inlines = [StatementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Readout]:
        # __str__ names the publisher, also in autocomplete results.
        return super().get_queryset(request).select_related("publisher", "meeting")

    @admin.display(description="meeting date", ordering="meeting__date")
    def meeting_date(self, readout: Readout):
        return readout.meeting.date


@admin.register(Record)
class RecordAdmin(CurationAdmin):
    list_display = ["date", "kind", "key", "who", "country_name", "source"]
    list_filter = ["source", "kind"]
    search_fields = ["key", "who", "text", "place"]
    autocomplete_fields = ["meetings"]
    ordering = ["-date", "kind", "key"]


@admin.register(Statement)
class StatementAdmin(CurationAdmin):
    form = StatementForm
    list_display = ["excerpt", "speaker", "readout", "sequence"]
    list_select_related = ["speaker", "readout__publisher"]
    list_filter = [("speaker", admin.EmptyFieldListFilter), "readout__publisher"]
    search_fields = ["text", "speaker__name", "readout__title"]
    autocomplete_fields = ["readout", "speaker", "topics"]

    @admin.display(description="statement")
    def excerpt(self, statement: Statement) -> str:
        return statement.text[:100]


@admin.register(Topic)
class TopicAdmin(MergeAdminMixin, CurationAdmin):
    form = TopicForm
    list_display = ["name", "parent", "statement_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description", "phrases"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["former_slugs"]
    actions = [export_topics_meetings, "merge_selected"]
    merge_function = merge_topics
    likely_duplicates = likely_duplicate_topics

    def merge_summary(self, topic: Topic) -> str:
        parent = topic.parent.name if topic.parent_id else "no parent"
        return (
            f"under {parent}; {topic.statements.count()} statement(s), "
            f"{topic.children.count()} subtopic(s)"
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        # Meta.ordering does not apply to a GROUP BY query (autocomplete pages need one).
        queryset = (
            super()
            .get_queryset(request)
            .annotate(statement_count=count_of(Statement.topics.through.objects.all(), "topic"))
        )
        return queryset.order_by("name")

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, topic: Topic) -> int:
        return topic.statement_count
