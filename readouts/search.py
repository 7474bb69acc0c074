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

from .keys import among
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
    return queryset.filter(Q(search_vector=query) | Q(AnyOf("readout_id", titled)))


def search_readouts(queryset: QuerySet[Readout], text: str) -> QuerySet[Readout]:
    """Readouts whose title or text matches."""
    if not full_text():
        return queryset.filter(Q(title__icontains=text) | Q(body__icontains=text))
    return queryset.filter(search_vector=_query(text))


def statement_ranking(text: str) -> dict[str, Func]:
    """How well each statement matches (rank) and its text with the matches marked
    (headline), as annotations for the page that shows them (downloads need neither);
    none on SQLite, where highlight() marks them."""
    if not full_text():
        return {}
    query = _query(text)
    return {
        "rank": SearchRank(F("search_vector"), query),
        "headline": SearchHeadline(
            "text", query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
        ),
    }


class TitleVector(Func):
    """A meeting title's words, as its full-text index (migration 0007) holds them."""

    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search_meetings(
    queryset: QuerySet[Meeting], text: str, newest: int | None = None
) -> QuerySet[Meeting]:
    """Meetings whose title matches, or one of whose readouts matches in title or body;
    with `newest`, only that many of them, the most recent."""
    if full_text():
        query = _query(text)
        readouts = Readout.objects.filter(meeting=OuterRef("pk"), search_vector=query)
        queryset = queryset.alias(title_vector=TitleVector("title"))
        by_title = Q(title_vector=query)
    else:
        readouts = Readout.objects.filter(
            Q(title__icontains=text) | Q(body__icontains=text), meeting=OuterRef("pk")
        )
        by_title = Q(title__icontains=text)
    if newest is None:
        return queryset.filter(by_title | Exists(readouts))
    # The newest matches are looked up once, here, so that the page, its count and its
    # chart each read only them.
    order = ("-date", "-pk")
    if not full_text():
        matching = queryset.filter(by_title | Exists(readouts))
        newest_ids = matching.order_by(*order).values_list("pk", flat=True)[:newest]
        return queryset.filter(pk__in=list(newest_ids))
    # Each way of matching on its own, newest first: without an OR between them
    # PostgreSQL walks the meetings by date and stops after `newest` matches for a
    # common word, or starts from the full-text indexes for a rare one.
    by_readout = queryset.filter(Exists(readouts)).order_by(*order).values("pk")[:newest]
    titled = queryset.filter(by_title).order_by(*order).values("pk")[:newest]
    either = Meeting.objects.filter(pk__in=by_readout.union(titled, all=True))
    newest_ids = either.order_by(*order).values_list("pk", flat=True)[:newest]
    return among(queryset, list(newest_ids))


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
