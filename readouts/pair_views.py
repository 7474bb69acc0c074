"""The page for a pair: two countries or two participants, and what each side said; and
the contacts a record knows of that a government published no readout of."""

from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views.generic import TemplateView
from django_countries import countries

from . import charts, pairs
from .models import Attendance, Meeting, Readout, Topic
from .tree import TopicTree

LATEST_MEETINGS = 20


class PairView(TemplateView):
    template_name = "readouts/pair.html"

    @cached_property
    def sides(self) -> tuple[pairs.Side | None, pairs.Side | None]:
        """The two sides the address names (None for one it names no one by)."""
        return pairs.side(self.kwargs["a"]), pairs.side(self.kwargs["b"])

    def get(self, request: HttpRequest, a: str, b: str) -> HttpResponse:
        first, second = self.sides
        if first is None or second is None:
            unknown = a if first is None else b
            raise Http404(f"No country or participant “{unknown}”.")
        if first == second:
            raise Http404("A pair is two different countries or participants.")
        # "us" → "US", a merged duplicate's slug → the participant kept: one address a pair.
        if (first.param, second.param) != (a, b):
            return redirect("readouts:pair", a=first.param, b=second.param, permanent=True)
        return super().get(request, a=a, b=b)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        a, b = self.sides
        meetings = pairs.between(a, b)
        pair = f"{a.param},{b.param}"
        months, reported = pairs.reporting(meetings, a, b)
        latest = pairs.latest(meetings)  # newest first; the topics split reads their statements
        topics, topics_found = pairs.topics_stressed(latest, a, b)
        context.update(
            a=a,
            b=b,
            chart=charts.chart(months),
            reported=reported,
            # The newest of those, as the meetings list orders them: looked up by key.
            latest=Meeting.objects.filter(pk__in=latest[:LATEST_MEETINGS])
            .order_by("-date", "slug")
            .only("pk", "slug", "date", "title")
            .prefetch_related(
                Prefetch(
                    "readouts",
                    queryset=Readout.objects.select_related("publisher").only(
                        "meeting", "publisher", "publisher__name", "publisher__slug"
                    ),
                ),
            ),
            topics=topics,
            topics_found=topics_found,
            topic_sample=pairs.TOPIC_SAMPLE,
            list_all=list_url("readouts:meeting_list", pair=pair),
            feed=list_url("readouts:meeting_list_feed", pair=pair),
            only_a=list_url(
                "readouts:meeting_list",
                pair=pair,
                reported_by_country=a.country,
                unreported_by_country=b.country,
            ),
            only_b=list_url(
                "readouts:meeting_list",
                pair=pair,
                reported_by_country=b.country,
                unreported_by_country=a.country,
            ),
            recorded_not_a=list_url(
                "readouts:meeting_list",
                pair=pair,
                known_from="record",
                unreported_by_country=a.country,
            ),
            recorded_not_b=list_url(
                "readouts:meeting_list",
                pair=pair,
                known_from="record",
                unreported_by_country=b.country,
            ),
            downloads={
                "meetings": [
                    ("JSON", list_url("readouts:meeting_export_json", pair=pair)),
                    ("CSV", list_url("readouts:meeting_export_csv", pair=pair)),
                ],
                "statements": [
                    ("JSON", list_url("readouts:statement_export_json", pair=pair)),
                    ("CSV", list_url("readouts:statement_export_csv", pair=pair)),
                ],
            },
            statements_url=list_url("readouts:statement_list", pair=pair),
        )
        slug = self.request.GET.get("topic", "")
        tree = TopicTree.stored() if slug else None
        key = tree.key_of(slug) if tree else None  # a merged topic's slug: the topic kept
        if key is not None:
            family = list(tree.family([key]))
            context["chosen"] = Topic.objects.get(pk=key)
            said = pairs.latest_statements(latest, (a, b), family)
            context["side_by_side"] = list(zip((a, b), said, strict=True))
        elif slug:
            context["unknown_topic"] = slug
        return context


class UnreportedView(TemplateView):
    """Contacts known from a record (the Office of the Historian's visits and trips) that
    the government concerned published no readout of, by month and by country."""

    template_name = "readouts/unreported.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        code = self.request.GET.get("country", "US").strip().upper()
        if len(code) != 2 or not countries.alpha2(code):
            context["unknown_country"] = self.request.GET.get("country", "")
            code = "US"
        meetings = Meeting.objects.known_from_records().with_country(code).unreported_from(code)
        params = {"known_from": "record", "unreported_by_country": code}
        by_country = (
            Attendance.objects.filter(meeting__in=meetings.order_by().values("pk"))
            .exclude(participant__country__in=[code, ""])
            .values("participant__country")
            .annotate(meetings=Count("meeting", distinct=True))
            .order_by("-meetings", "participant__country")
        )
        context.update(
            country=code,
            government=countries.name(code),
            chart=charts.per_month(meetings),
            by_country=[
                {
                    "code": row["participant__country"],
                    "name": countries.name(row["participant__country"]),
                    "meetings": row["meetings"],
                    "url": list_url(
                        "readouts:meeting_list", **params, country=row["participant__country"]
                    ),
                }
                for row in by_country
            ],
            list_all=list_url("readouts:meeting_list", **params),
            downloads=[
                ("JSON", list_url("readouts:meeting_export_json", **params)),
                ("CSV", list_url("readouts:meeting_export_csv", **params)),
            ],
        )
        return context


def list_url(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"
