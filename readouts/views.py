"""The readers' pages: filtered lists, detail pages and suggestions for the filters."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.utils.http import content_disposition_header
from django.views.generic import DetailView, ListView, TemplateView, View
from django_filters.views import FilterView

from . import charts, exporting
from .caching import per_version, topics_version
from .counting import count_of, count_up_to, estimated_sizes, meetings_per_topic
from .filters import MeetingFilter, ParticipantFilter, StatementFilter
from .keys import among
from .models import (
    Attendance,
    Meeting,
    MeetingTopic,
    Participant,
    Publisher,
    Readout,
    Record,
    Statement,
    Topic,
)
from .paginators import EstimatedCountPaginator
from .tree import TopicTree

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
TIMELINE_LENGTH = 50
SAMPLE_SIZE = 20
TOPIC_SAMPLE = 1000  # a participant's latest statements, for their topics
COUNT_LIMIT = 10_000


class FilteredListView(FilterView):
    """A list filtered by its FilterSet from the query string (django-filter's FilterView:
    get_queryset() is the list before filtering), paginated leniently."""

    paginate_by = PAGE_SIZE
    strict = False  # a value the filter cannot use is left out, with a notice
    count_limit: int | None = None  # count a filtered list only this far (see the paginator)

    def get_paginate_by(self, queryset: QuerySet) -> int:
        try:
            size = int(self.request.GET.get("per_page", ""))
        except ValueError:
            return self.paginate_by
        return min(max(size, 1), MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset: QuerySet, page_size: int):
        # A bad or out-of-range page number shows the first or last page, not an error.
        paginator = EstimatedCountPaginator(
            queryset,
            page_size,
            known_count=self.filterset.known_count,
            count_limit=self.count_limit,
        )
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        filtering = {k: v for k, v in self.request.GET.items() if k not in {"page", "per_page"}}
        unmatched = self.filterset.unmatched
        context.update(
            form=form,
            ignored=[
                (form[name].label if name in form.fields else name, errors)
                for name, errors in form.errors.items()
                if name not in unmatched
            ],
            unmatched=[
                {
                    "label": form[name].label,
                    "text": error.text,
                    "noun": error.noun,
                    "more": error.more,
                    "candidates": [
                        (c.described, self.choosing(name, c.slug)) for c in error.candidates
                    ],
                }
                for name, error in unmatched.items()
            ],
            filtered=any(v.strip() for v in filtering.values()),
            search_limit=self.filterset.search_limit,
            limited=self.filterset.limited,
        )
        return context

    def choosing(self, name: str, slug: str) -> str:
        """This page's address with one filter naming a record by its slug."""
        params = self.request.GET.copy()
        params[name] = slug
        params.pop("page", None)
        return f"?{params.urlencode()}"


def rows_with_statements(readouts: list[Readout], attendances: list[Attendance]) -> list[dict]:
    """Statements of several readouts aligned by speaker, one row per speaker.

    Speakers come in the meeting's order, then joint statements; a cell left
    empty shows what one readout omits.
    """
    by_speaker: dict[int | None, list[list[Statement]]] = defaultdict(
        lambda: [[] for _ in readouts]
    )
    for column, readout in enumerate(readouts):
        for statement in readout.statements.all():
            by_speaker[statement.speaker_id][column].append(statement)
    order = [a.participant_id for a in attendances] + [None]
    order += [key for key in by_speaker if key not in order]
    names = {a.participant_id: a.participant for a in attendances}
    return [
        {"speaker": names.get(key), "joint": key is None, "cells": by_speaker[key]}
        for key in order
        if key in by_speaker
    ]


def rows_by_topic(readouts: list[Readout]) -> list[dict]:
    """Statements of several readouts aligned by topic, one row per topic, by name, then
    the statements with no topic. A statement on two topics shows in both rows; a topic
    that only one readout mentions says which (`only`)."""
    by_topic: dict[int | None, list[list[Statement]]] = defaultdict(lambda: [[] for _ in readouts])
    topics: dict[int, Topic] = {}
    for column, readout in enumerate(readouts):
        for statement in readout.statements.all():
            for topic in statement.topics.all() or [None]:
                if topic is not None:
                    topics[topic.pk] = topic
                by_topic[getattr(topic, "pk", None)][column].append(statement)
    order = [*sorted(topics, key=lambda pk: topics[pk].name), None]
    rows = []
    for key in order:
        if key not in by_topic:
            continue
        cells = by_topic[key]
        mentioned = [readout for readout, cell in zip(readouts, cells, strict=True) if cell]
        only = mentioned[0] if key is not None and len(mentioned) == 1 else None
        rows.append({"topic": topics.get(key), "cells": cells, "only": only})
    return rows


class HomeView(TemplateView):
    template_name = "readouts/home.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        tables = [
            ("meetings", Meeting, "readouts:meeting_list"),
            ("participants", Participant, "readouts:participant_list"),
            ("statements", Statement, "readouts:statement_list"),
            ("topics", Topic, "readouts:topic_list"),
            ("readouts", Readout, None),
            ("publishers", Publisher, None),
        ]
        # The biggest tables are sized as PostgreSQL estimates them, the rest counted.
        estimates = estimated_sizes(*(model for _, model, _ in tables))
        context["counts"] = [
            (noun, estimates.get(model) or model.objects.count(), model in estimates, url_name)
            for noun, model, url_name in tables
        ]
        context["latest"] = Meeting.objects.prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("participant"))
        )[:10]
        return context


class MeetingListView(FilteredListView):
    filterset_class = MeetingFilter
    template_name = "readouts/meeting_list.html"

    def get_queryset(self) -> QuerySet[Meeting]:
        return Meeting.objects.order_by("-date", "slug").prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("participant")),
            # Who reported each meeting; the readouts' full text stays in the database.
            Prefetch(
                "readouts", queryset=Readout.objects.select_related("publisher").defer("body")
            ),
            # Which records know of each meeting; their text stays in the database.
            Prefetch(
                "records", queryset=Record.objects.order_by("source", "kind", "key").defer("text")
            ),
        )

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(chart=self.filterset.chart, **kwargs)


class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "readouts/meeting_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        meeting = self.object
        attendances = list(meeting.attendances.select_related("participant"))
        statements = Statement.objects.select_related("speaker").prefetch_related("topics")
        readouts = list(
            meeting.readouts.select_related("publisher").prefetch_related(
                Prefetch("statements", queryset=statements)
            )
        )
        topics = {
            topic.pk: topic
            for readout in readouts
            for statement in readout.statements.all()
            for topic in statement.topics.all()
        }
        align = "topic" if self.request.GET.get("align") == "topic" else "speaker"
        if len(readouts) < 2:
            aligned = None
        elif align == "topic":
            aligned = rows_by_topic(readouts)
        else:
            aligned = rows_with_statements(readouts, attendances)
        # Which governments of the sides have told their account, by the publishers' country.
        sides = list(
            dict.fromkeys(a.participant.country for a in attendances if a.participant.country)
        )
        reporting = {readout.publisher.country for readout in readouts}
        records = list(meeting.records.order_by("source", "kind", "key"))
        context.update(
            records=records,
            record_sources=sorted({record.get_source_display() for record in records}),
            unreported=[country for country in sides if country not in reporting],
            # The first participant's country with each other one: the contact's sides.
            pairs=[(sides[0], other) for other in sides[1:6]],
            attendances=attendances,
            readouts=readouts,
            topics=sorted(topics.values(), key=lambda t: t.name),
            align=align,
            aligned=aligned,
        )
        return context


class ParticipantListView(FilteredListView):
    filterset_class = ParticipantFilter
    template_name = "readouts/participant_list.html"

    def get_queryset(self) -> QuerySet[Participant]:
        return Participant.objects.annotate(
            meeting_count=count_of(Attendance.objects.all(), "participant")
        ).order_by("name")


@dataclass
class TitleHeld:
    title: str
    first: object
    last: object
    meetings: int


class FollowsMergedSlugs:
    """A merged participant's or topic's page moves for good to the one it was merged
    into: links and bookmarks to the old slug keep working."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            survivor = self.model.objects.merged_into(kwargs["slug"])
            if survivor is None:
                raise
            return HttpResponsePermanentRedirect(survivor.get_absolute_url())


class ParticipantDetailView(FollowsMergedSlugs, DetailView):
    model = Participant
    template_name = "readouts/participant_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        person = self.object
        others = Attendance.objects.select_related("participant").exclude(participant=person)
        timeline = (
            person.attendances.select_related("meeting")
            .prefetch_related(Prefetch("meeting__attendances", queryset=others, to_attr="others"))
            .order_by("-meeting__date", "-meeting__slug")[:TIMELINE_LENGTH]
        )
        titles = (
            person.attendances.exclude(title="")
            .values("title")
            .annotate(first=Min("meeting__date"), last=Max("meeting__date"), meetings=Count("pk"))
            .order_by("first", "title")
        )
        # Someone attends a meeting once, so each shared meeting is one attendance.
        counterparts = (
            Participant.objects.filter(
                attendances__meeting__in=person.attendances.values("meeting")
            )
            .exclude(pk=person.pk)
            .annotate(together=Count("attendances"))
            .order_by("-together", "name")[:10]
        )
        statement_count = person.statements.count()
        # The topics of the latest statements only: the busiest speak in tens of thousands.
        latest = list(
            person.statements.order_by("-readout__meeting__date", "-pk").values_list(
                "pk", flat=True
            )[:TOPIC_SAMPLE]
        )
        context.update(
            meeting_count=person.attendances.count(),
            timeline=timeline,
            titles=[TitleHeld(**row) for row in titles],
            counterparts=counterparts,
            statement_count=statement_count,
            statements_by_topic=statements_by_topic(latest),
            topic_sample=TOPIC_SAMPLE if statement_count > TOPIC_SAMPLE else None,
        )
        return context


def statements_by_topic(statements: list[int], per_topic: int = 3, topics: int = 12) -> list[dict]:
    """The most used topics among some statements, each with its latest few (two queries)."""
    links = among(Statement.topics.through.objects.all(), statements, "statement_id")
    counts = list(
        links.values("topic_id", "topic__name", "topic__slug")
        .annotate(n=Count("statement_id"))
        .order_by("-n", "topic__name")[:topics]
    )
    latest = (
        links.filter(topic_id__in=[row["topic_id"] for row in counts])
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("topic_id"),
                order_by=[F("statement__readout__meeting__date").desc(), F("statement_id").desc()],
            )
        )
        .filter(position__lte=per_topic)
        .select_related("statement__readout__meeting", "statement__speaker")
        .defer("statement__readout__body")
    )
    samples = defaultdict(list)
    for link in latest:
        samples[link.topic_id].append(link.statement)
    return [
        {
            "name": row["topic__name"],
            "slug": row["topic__slug"],
            "count": row["n"],
            "statements": samples[row["topic_id"]],
        }
        for row in counts
    ]


class TopicListView(ListView):
    template_name = "readouts/topic_list.html"

    def get_queryset(self) -> list[dict]:
        # The tree, and each topic's meetings counted as the topic filter chooses them
        # (its subtopics' included) on the derived meeting-topic table; statements are
        # counted on a topic's own page (counting them reads every topic link).
        topics = {topic.pk: topic for topic in Topic.objects.order_by("name")}
        tree = TopicTree({pk: topic.parent_id for pk, topic in topics.items()})
        # Counting reads the whole derived table: once per version of the topics and their
        # meetings, for every reader.
        meetings = per_version("meetings-per-topic", meetings_per_topic, version=topics_version())
        nodes = {
            pk: {"topic": topic, "meetings": meetings.get(pk, 0), "children": []}
            for pk, topic in topics.items()
        }
        roots = []
        for pk in tree.parents_first(topics):
            parent = tree.parents[pk]
            (nodes[parent]["children"] if parent in nodes else roots).append(nodes[pk])
        return roots


class TopicDetailView(FollowsMergedSlugs, DetailView):
    model = Topic
    template_name = "readouts/topic_detail.html"

    def get_queryset(self) -> QuerySet[Topic]:
        return Topic.objects.select_related("parent")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        topic = self.object
        family = TopicTree.stored().family([topic.pk])
        on_topic = Statement.topics.through.objects.filter(topic__in=family)
        meetings = Meeting.objects.on_topics([topic.pk])
        statements = (
            Statement.objects.on_topics(family)
            .select_related("speaker", "readout__meeting", "readout__publisher")
            .defer("readout__body")
            .prefetch_related("topics")
            .order_by("-readout__meeting__date", "-pk")
        )
        chart = charts.on_topic(topic.pk)
        if chart:
            # The latest meetings, and so the latest statements, are in the chart's
            # last months: looking only there is quicker for a topic of few meetings.
            since = chart.newest_since(SAMPLE_SIZE)
            meetings = meetings.filter(date__gte=since)
            statements = statements.filter(readout__meeting__date__gte=since)
        # Counted on the topic links alone: each names a statement, and looking the
        # statements up as well took longer than the links.
        statement_count, more_statements = count_up_to(on_topic, COUNT_LIMIT, "statement_id")
        context.update(
            # Each subtopic's meetings, its own subtopics' included, as the topics list
            # counts them (one row each in the derived meeting-topic table).
            children=topic.children.annotate(
                meeting_count=count_of(MeetingTopic.objects.all(), "topic")
            ),
            meeting_count=chart.total if chart else 0,
            meetings=meetings.order_by("-date", "slug")[:SAMPLE_SIZE] if chart else [],
            chart=chart,
            statement_count=statement_count,
            more_statements=more_statements,
            statements=statements[:SAMPLE_SIZE] if chart else [],
        )
        return context


class StatementListView(FilteredListView):
    filterset_class = StatementFilter
    template_name = "readouts/statement_list.html"
    # A country's or a topic's statements can be half a million: counting them all
    # took longer than the rest of the page.
    count_limit = COUNT_LIMIT

    def get_queryset(self) -> QuerySet[Statement]:
        # A readout's body is its whole text, which a list of statements never shows.
        return (
            Statement.objects.select_related("speaker", "readout__meeting", "readout__publisher")
            .defer("readout__body")
            .prefetch_related("topics")
        )

    def get_filterset_kwargs(self, filterset_class) -> dict:
        return {**super().get_filterset_kwargs(filterset_class), "ranked": True}

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(query=self.filterset.searched, **kwargs)


def download(pieces: Iterable[str], filename: str, content_type: str) -> StreamingHttpResponse:
    """An export as a streamed download."""
    response = StreamingHttpResponse(pieces, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ExportView(View):
    """Everything the list page's filter chooses, every page of it, streamed."""

    noun = ""

    def rows(self, params: dict[str, str]) -> tuple[QuerySet, dict[str, str]]:
        raise NotImplementedError

    def get(self, request: HttpRequest, extension: str) -> HttpResponse:
        try:
            rows, used = self.rows(request.GET.dict())
        except exporting.ExportError as exc:
            # The page leaves such a value out with a notice; a download that did so
            # would silently hold more than the link says.
            problems = "\n".join(f"  {label}: {message}" for label, message in exc.labelled)
            return HttpResponseBadRequest(
                "Nothing was downloaded: some filters were not understood.\n"
                f"{problems}\nCorrect them in the link, or on the list page, and try again.\n",
                content_type="text/plain; charset=utf-8",
            )
        absolute = request.build_absolute_uri
        if extension == "csv":
            pieces = self.csv(rows, absolute)
            content_type = "text/csv"
        else:
            pieces = self.json(rows, used, absolute)
            content_type = "application/json"
        filename = exporting.export_filename(self.noun, used, extension)
        return download(pieces, filename, content_type)


class MeetingExportView(ExportView):
    noun = "meetings"

    def rows(self, params):
        return exporting.meetings_for(params)

    def csv(self, meetings, absolute):
        return exporting.meetings_csv(meetings, absolute)

    def json(self, meetings, used, absolute):
        return exporting.export_documents(meetings, used)


class StatementExportView(ExportView):
    noun = "statements"

    def rows(self, params):
        return exporting.statements_for(params)

    def csv(self, statements, absolute):
        return exporting.statements_csv(statements, absolute)

    def json(self, statements, used, absolute):
        return exporting.statements_json(statements, absolute)


def suggest(request: HttpRequest, model: type[Participant] | type[Topic]) -> JsonResponse:
    """Up to ten matches by name (and alias) for a filter's text input. A suggestion
    puts the name in the box where it names one record, the slug where others share it."""
    term = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    results = []
    if term:
        match = Q(name__icontains=term) | Q(slug__istartswith=term)
        if model is Participant:
            match |= Q(aliases__icontains=term)
        found = list(model.objects.filter(match).order_by("name")[:10])
        shared = set(
            model.objects.filter(name__in={obj.name for obj in found})
            .values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        results = [
            {"value": obj.slug if obj.name in shared else obj.name, "label": str(obj)}
            for obj in found
        ]
    return JsonResponse({"results": results})


def suggest_participants(request: HttpRequest) -> JsonResponse:
    return suggest(request, Participant)


def suggest_topics(request: HttpRequest) -> JsonResponse:
    return suggest(request, Topic)
