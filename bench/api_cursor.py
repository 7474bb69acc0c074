"""The API's cursor pages at a million rows: the first page against one 90% of the way
through, for meetings and for statements, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/api_bench python bench/api_cursor.py

The database must be migrated and empty: the rows are made with generate_series (a
million meetings; a readout for every tenth, with ten statements each), then each page
is fetched three times through the test client and the best time printed. An offset
would read and drop 900,000 rows for the deep page; the cursor starts at its key.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from readouts.models import Meeting, Statement  # noqa: E402
from readouts.paginators import Keyset  # noqa: E402

ROWS = """
INSERT INTO readouts_meeting (slug, date, kind, title, location, version)
SELECT 'm-' || i, date '2000-01-01' + (i % 9000), 'talks', 'Talks ' || i, '', 1
FROM generate_series(1, 1000000) i;
INSERT INTO readouts_publisher
    (slug, name, country, website, hosts, time_zone, version, wikidata, identifiers)
VALUES ('pub', 'Pub', 'FR', '', '', '', 1, '', '[]');
INSERT INTO readouts_readout (meeting_id, publisher_id, language, title, url, body, version)
SELECT id, (SELECT id FROM readouts_publisher), 'en', 'Readout', '', 'Body', 1
FROM readouts_meeting WHERE id % 10 = 0;
INSERT INTO readouts_statement (readout_id, sequence, text, version)
SELECT r.id, s, 'Statement ' || s, 1 FROM readouts_readout r, generate_series(1, 10) s;
ANALYZE;
"""


def best_of_three(client: Client, url: str) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:300]
    return min(times)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL")
    if not Meeting.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(ROWS)
    client = Client(HTTP_HOST="127.0.0.1")
    lists = {
        "/api/meetings/?per_page=100": Meeting.objects.order_by("-date", "slug"),
        "/api/statements/?per_page=100": Statement.objects.order_by(
            "-readout__meeting__date", "readout_id", "sequence"
        ),
    }
    print("| list | rows | first page | 90% of the way |\n|---|---|---|---|")
    for url, ordered in lists.items():
        keyset = Keyset(ordered)
        rows = ordered.count()
        deep = keyset.encode(keyset.queryset[int(rows * 0.9)])
        first = best_of_three(client, url)
        later = best_of_three(client, f"{url}&cursor={deep}")
        print(f"| {url} | {rows:,} | {first * 1000:.0f} ms | {later * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
