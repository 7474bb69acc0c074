"""The page for a pair: two countries or two participants, and what each side said."""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from . import charts, pairs
from .models import Attendance, Readout, Topic
from .tree import TopicTree

LATEST_MEETINGS = 20


class PairView(TemplateView):
    template_name = "readouts/pair.html"

    def get(self, request: HttpRequest, a: str, b: str) -> HttpResponse:
        self.a, self.b = pairs.side(a), pairs.side(b)
        if self.a is None or self.b is None:
            unknown = a if self.a is None else b
            raise Http404(f"No country or participant “{unknown}”.")
        if (self.a.param, self.b.param) != (a, b):  # "us" → "US": one address for each pair
            return redirect("readouts:pair", a=self.a.param, b=self.b.param, permanent=True)
        return super().get(request, a=a, b=b)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        a, b = self.a, self.b
        meetings = pairs.between(a, b)
        pair = f"{a.param},{b.param}"
        context.update(
            a=a,
            b=b,
            chart=charts.per_month(meetings),
            reported=pairs.who_reported(meetings, a, b),
            latest=meetings.order_by("-date", "slug").prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("participant")),
                Prefetch(
                    "readouts", queryset=Readout.objects.select_related("publisher").defer("body")
                ),
            )[:LATEST_MEETINGS],
            topics=pairs.topics_stressed(meetings, a, b),
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
        topic = Topic.objects.filter(slug=slug).first() if slug else None
        if topic is not None:
            family = list(TopicTree.stored().family([topic.pk]))
            context["chosen"] = topic
            context["side_by_side"] = [
                (side, pairs.latest_statements(meetings, side, family)) for side in (a, b)
            ]
        elif slug:
            context["unknown_topic"] = slug
        return context


def list_url(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v})}"
