"""Atom feeds of the list pages: whatever a meetings or statements page's filter
chooses, its newest rows as a feed (Django's syndication framework), so a reader can
follow a participant, a pair of countries, a topic, a publisher, a search or a
speaker. The filter is the page's, by the same parameters; a value it cannot use
answers 400 with why, as a download does, never a feed of something else."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from . import exporting
from .filters import MeetingFilter, StatementFilter
from .models import Attendance, Meeting, Readout, Statement

ENTRIES = 50


@dataclass
class Chosen:
    rows: QuerySet
    used: dict[str, str]


def described(used: dict[str, str]) -> str:
    """The filter, for a feed's title: "participant wang-yi, pair US,CN"."""
    return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in used.items())


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class FilteredFeed(Feed):
    feed_type = Atom1Feed
    noun = ""
    list_url = ""
    filterset_class = None
    model = None
    # The feed's own author (RFC 4287 4.1.1): an entry no publisher has reported, a
    # meeting known only from a record, then has one, and names none of its own.
    author_name = "Diplomatic readouts"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except exporting.ExportError as exc:
            problems = "\n".join(f"  {label}: {message}" for label, message in exc.labelled)
            return HttpResponseBadRequest(
                f"No feed: some filters were not understood.\n{problems}\n",
                content_type="text/plain; charset=utf-8",
            )

    def get_object(self, request: HttpRequest) -> Chosen:
        # The page's own limit on a search (its newest 1,000 matches) holds the newest
        # entries a feed shows, at a page's cost.
        rows, used = exporting.choose(
            self.filterset_class, self.model, request.GET.dict(), every_match=False
        )
        return Chosen(rows, used)

    def title(self, chosen: Chosen) -> str:
        what = described(chosen.used)
        return f"Diplomatic readouts: new {self.noun}" + (f" ({what})" if what else "")

    def link(self, chosen: Chosen) -> str:
        query = urlencode(chosen.used)
        return reverse(self.list_url) + (f"?{query}" if query else "")

    def subtitle(self, chosen: Chosen) -> str:
        what = described(chosen.used) or "all"
        return f"The newest {ENTRIES} {self.noun} chosen by the filter: {what}."

    def feed_url(self, chosen: Chosen) -> str:
        query = urlencode(chosen.used)
        return reverse(f"{self.list_url}_feed") + (f"?{query}" if query else "")


class MeetingFeed(FilteredFeed):
    """New meetings: for a participant, a pair, a topic, a publisher, a search."""

    noun = "meetings"
    list_url = "readouts:meeting_list"
    filterset_class = MeetingFilter
    model = Meeting

    def items(self, chosen: Chosen) -> list[Meeting]:
        readouts = (
            Readout.objects.select_related("publisher")
            .defer("body")
            .order_by("publisher__slug", "language")
        )
        attendances = Attendance.objects.select_related("participant")
        return list(
            chosen.rows.order_by("-date", "slug").prefetch_related(
                Prefetch("readouts", queryset=readouts),
                Prefetch("attendances", queryset=attendances),
            )[:ENTRIES]
        )

    def item_title(self, meeting: Meeting) -> str:
        return meeting.title

    def item_description(self, meeting: Meeting) -> str:
        people = format_html_join(
            ", ",
            "{} ({})",
            (
                (a.participant.name, a.participant.country.code or "–")
                for a in meeting.attendances.all()
            ),
        )
        reported = format_html_join(
            "; ",
            "{} at {}",
            (
                (
                    r.publisher.name,
                    f"{r.published_at:%Y-%m-%d %H:%M} UTC" if r.published_at else "an unknown time",
                )
                for r in meeting.readouts.all()
            ),
        )
        return format_html(
            "<p>{}, {}: {}.</p><p>Reported by {}.</p>",
            meeting.get_kind_display().capitalize(),
            f"{meeting.date:%d %B %Y}",
            people,
            reported or "no one yet",
        )

    def published(self, meeting: Meeting) -> list[datetime]:
        return sorted(r.published_at for r in meeting.readouts.all() if r.published_at)

    def item_pubdate(self, meeting: Meeting) -> datetime:
        times = self.published(meeting)
        return times[0] if times else midnight(meeting.date)

    def item_updateddate(self, meeting: Meeting) -> datetime:
        times = self.published(meeting)
        return times[-1] if times else midnight(meeting.date)

    def item_author_name(self, meeting: Meeting) -> str | None:
        # None, not "": no <author> rather than one without a name.
        names = dict.fromkeys(r.publisher.name for r in meeting.readouts.all())
        return "; ".join(names) or None

    def item_categories(self, meeting: Meeting) -> list[str]:
        return [meeting.get_kind_display()]


class StatementFeed(FilteredFeed):
    """New statements: by a speaker, with a phrase, on a topic."""

    noun = "statements"
    list_url = "readouts:statement_list"
    filterset_class = StatementFilter
    model = Statement

    def items(self, chosen: Chosen) -> list[Statement]:
        return list(
            chosen.rows.select_related("speaker", "readout__meeting", "readout__publisher")
            .defer("readout__body")
            .order_by(*StatementFilter.NEWEST_FIRST)[:ENTRIES]
        )

    def item_title(self, statement: Statement) -> str:
        speaker = statement.speaker.name if statement.speaker else "Joint"
        text = statement.text if len(statement.text) <= 100 else statement.text[:99] + "…"
        return f"{speaker}: {text}"

    def item_description(self, statement: Statement) -> str:
        meeting = statement.readout.meeting
        return format_html(
            "<blockquote>{}</blockquote><p>{}, {}; reported by {}.</p>",
            statement.text,
            meeting.title,
            f"{meeting.date:%d %B %Y}",
            statement.readout.publisher.name,
        )

    def item_pubdate(self, statement: Statement) -> datetime:
        readout = statement.readout
        return readout.published_at or midnight(readout.meeting.date)

    def item_updateddate(self, statement: Statement) -> datetime:
        return self.item_pubdate(statement)

    def item_author_name(self, statement: Statement) -> str:
        return statement.readout.publisher.name
