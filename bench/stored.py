"""What storing derived rows would give the slowest queries of some pages.

DESIGN.md stores a meeting's topics once, as the topics of its statements, and
a meeting's participants once, as its attendances. The topic pages' month chart
stays over target because of it (docs/benchmarks.md); the meeting list sorted by
participants, which reads a view of meeting sizes, is timed for comparison.
This times, on a database loaded by the benchmark
(DATABASE_URL), each of those queries as the pages run it now against the same
answer read from tables that would store it. The tables are built in a scratch
schema, which is dropped at the end; nothing else is written. Each pair must give
the same rows, or the script stops. Run by bench/run.py after the pages; prints
JSON, and a table on stderr.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/readouts_bench_large python bench/stored.py
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sets Django up as for the pages, and tells which topics they time.
import pages
from django.db import connection

from readouts.charts import month_counts
from readouts.filters import MeetingFilter
from readouts.models import Meeting
from readouts.tree import TopicTree
from readouts.views import MeetingListView

SCHEMA = "stored_what_if"
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
PAGE = 25

# The two stores: a meeting's topics with the meeting's month (a chart counts
# meetings per month, so the month is stored too), and a meeting's participant
# count, kept in order. The first alone, without the month, is timed as well.
BUILD = f"""
CREATE SCHEMA {SCHEMA};
CREATE TABLE {SCHEMA}.meeting_topic AS
    SELECT DISTINCT l.topic_id, r.meeting_id, DATE_TRUNC('month', m.date::timestamp)::date AS month
    FROM readouts_statement_topics l
    JOIN readouts_statement s ON s.id = l.statement_id
    JOIN readouts_readout r ON r.id = s.readout_id
    JOIN readouts_meeting m ON m.id = r.meeting_id;
ALTER TABLE {SCHEMA}.meeting_topic ADD PRIMARY KEY (topic_id, meeting_id);
CREATE INDEX ON {SCHEMA}.meeting_topic (topic_id, month, meeting_id);
CREATE TABLE {SCHEMA}.meeting_count AS
    SELECT m.id, m.date, m.slug, COUNT(a.id) AS participants
    FROM readouts_meeting m LEFT JOIN readouts_attendance a ON a.meeting_id = m.id
    GROUP BY m.id;
CREATE INDEX ON {SCHEMA}.meeting_count (participants DESC, date DESC, slug);
"""


def timed(sql: str, params) -> tuple[list[tuple], float, float]:
    """The rows, and the p50 and p95 milliseconds of REPEAT runs after two warm-ups."""
    times = []
    with connection.cursor() as cursor:
        for i in range(REPEAT + 2):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if i >= 2:
                times.append((time.perf_counter() - started) * 1000)
    return rows, statistics.median(times), pages.percentile(times, 95)


def chart_now(family: list[int]) -> tuple[str, list]:
    """The topic page's chart query (TopicDetailView, charts.per_month)."""
    rows = month_counts(Meeting.objects.on_topics(family)).values_list("month", "count")
    return rows.query.sql_with_params()


def sorted_now() -> tuple[str, list]:
    """The meeting list's first page sorted by participants, as the page filters it."""
    filtered = MeetingFilter(
        {"ordering": "-participants"}, queryset=MeetingListView().base_queryset()
    )
    return filtered.qs.values_list("pk", flat=True)[:PAGE].query.sql_with_params()


def main() -> None:
    root, subtopic, _ = pages.topics()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute(BUILD)
            cursor.execute(f"VACUUM ANALYZE {SCHEMA}.meeting_topic")
            cursor.execute(f"VACUUM ANALYZE {SCHEMA}.meeting_count")
            built = time.perf_counter() - started
            cursor.execute(f"SELECT COUNT(*) FROM {SCHEMA}.meeting_topic")
            pairs = cursor.fetchone()[0]
        results = []
        for label, slug in [("a root", root), ("a subtopic", subtopic)]:
            family = sorted(TopicTree.stored().family_of(slug))
            now = timed(*chart_now(family))
            by_meeting = timed(
                f"""SELECT DATE_TRUNC('month', m.date::timestamp)::date AS month, COUNT(*)
                FROM readouts_meeting m WHERE EXISTS (SELECT 1 FROM {SCHEMA}.meeting_topic t
                WHERE t.topic_id = ANY(%s) AND t.meeting_id = m.id) GROUP BY 1 ORDER BY 1""",
                [family],
            )
            by_month = timed(
                f"""SELECT month, COUNT(DISTINCT meeting_id) FROM {SCHEMA}.meeting_topic
                WHERE topic_id = ANY(%s) GROUP BY 1 ORDER BY 1""",
                [family],
            )
            assert now[0] == by_meeting[0] == by_month[0], f"the charts of {slug} differ"
            results.append((f"chart of {label} ({slug}), meeting–topic table", now, by_meeting))
            results.append((f"chart of {label} ({slug}), with the month stored", now, by_month))
        now = timed(*sorted_now())
        stored = timed(
            f"SELECT id FROM {SCHEMA}.meeting_count ORDER BY participants DESC, date DESC, slug "
            f"LIMIT {PAGE}",
            [],
        )
        assert [row[0] for row in now[0]] == [row[0] for row in stored[0]], "the sorts differ"
        results.append(("meetings sorted by participants, first page, stored count", now, stored))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")

    report = {
        "seconds": built,
        "pairs": pairs,
        "queries": [
            {"query": name, "p50": p50, "p95": p95, "stored_p50": s50, "stored_p95": s95}
            for name, (_, p50, p95), (_, s50, s95) in results
        ],
    }
    for row in report["queries"]:
        print(
            f"{row['query']:60} {row['p50']:7.1f} {row['p95']:7.1f}  stored "
            f"{row['stored_p50']:7.1f} {row['stored_p95']:7.1f} ms",
            file=sys.stderr,
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
