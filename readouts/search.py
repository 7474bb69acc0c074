"""Full-text search: stored, GIN-indexed vectors with ranking and highlights on
PostgreSQL; substring matching with highlights done here on SQLite."""

import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Meeting, Readout, Statement

CONFIG = "english"
# Private-use characters mark matches inside ts_headline's output, so the text
# can be escaped before the marks become <mark> elements.
START, STOP = "\ue000", "\ue001"


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _query(text: str) -> SearchQuery:
    # websearch syntax accepts anything a person types: quotes, "or", -exclusions.
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def _titles_matching(query: SearchQuery) -> QuerySet[Readout]:
    # A readout's vector holds its title with weight A and its body with weight B;
    # the index finds candidates, ts_filter keeps those matching in the title.
    title = Func(
        F("search_vector"), Value("{a}"), function="ts_filter", output_field=SearchVectorField()
    )
    return Readout.objects.annotate(title_vector=title).filter(
        search_vector=query, title_vector=query
    )


class AnyOf(Func):
    """`column = ANY(ARRAY(subquery))`: the ids are read once, and the comparison can use
    an index, so PostgreSQL can OR it with the full-text index in one bitmap scan (a
    plain `IN (subquery)` next to an OR is checked row by row)."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, column: str, ids: QuerySet) -> None:
        super().__init__(F(column), Subquery(ids.order_by()))


def search_statements(queryset: QuerySet[Statement], text: str) -> QuerySet[Statement]:
    """Statements whose text, or whose readout's title, matches."""
    if not full_text():
        return queryset.filter(Q(text__icontains=text) | Q(readout__title__icontains=text))
    query = _query(text)
    titled = _titles_matching(query).values("pk")
    return queryset.filter(Q(search_vector=query) | Q(AnyOf("readout_id", titled))).annotate(
        rank=SearchRank(F("search_vector"), query),
        headline=SearchHeadline(
            "text", query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
        ),
    )


def search_meetings(queryset: QuerySet[Meeting], text: str) -> QuerySet[Meeting]:
    """Meetings whose title matches, or one of whose readouts matches in title or body."""
    if full_text():
        readouts = Readout.objects.filter(meeting=OuterRef("pk"), search_vector=_query(text))
    else:
        readouts = Readout.objects.filter(
            Q(title__icontains=text) | Q(body__icontains=text), meeting=OuterRef("pk")
        )
    return queryset.filter(Q(title__icontains=text) | Exists(readouts))


def _terms(text: str) -> list[str]:
    words = re.findall(r"\w[\w'-]*", text)
    return sorted({w for w in words if len(w) > 1 and w.lower() != "or"}, key=len, reverse=True)


def highlight(text: str, query: str = "", headline: str | None = None) -> SafeString:
    """The text, escaped, with the query's matches in <mark>."""
    if headline:
        marked = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
        return mark_safe(marked)
    terms = _terms(query)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))
