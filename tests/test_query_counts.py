"""Every page runs a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readouts.loading import load

from .factories import write_json

pytestmark = pytest.mark.django_db


def hub_document(i: int, statements: int) -> dict:
    """Meeting i: the hub and person-i, two readouts, statements on a subtopic."""
    people = ["hub", f"person-{i}"]
    return {
        "meeting": {
            "slug": f"m-{i}",
            "date": f"20{10 + i % 14}-{i % 12 + 1:02d}-01",
            "kind": "talks",
            "title": f"Talks {i}",
        },
        "participants": [
            {"slug": "hub", "name": "Hub Person", "country": "FR", "title": f"Minister {i % 3}"},
            {"slug": f"person-{i}", "name": f"Person {i}", "country": "DE", "title": "Envoy"},
        ],
        "topics": [
            {"slug": "root", "name": "Root", "parent": None},
            {"slug": "leaf", "name": "Leaf", "parent": "root"},
            {"slug": f"other-{i % 4}", "name": f"Other {i % 4}", "parent": None},
        ],
        "readouts": [
            {
                "publisher": {"slug": slug, "name": slug.upper(), "country": "FR"},
                "language": "en",
                "title": f"Readout {i} by {slug}",
                "published_at": "2020-01-01T10:00:00+01:00",
                "body": f"Talks {i} about cooperation.",
                "statements": [
                    {
                        "speaker": [*people, None][n % 3],
                        "topics": ["leaf", f"other-{i % 4}"],
                        "text": f"Statement {n} on cooperation in talks {i}.",
                    }
                    for n in range(statements)
                ],
            }
            for slug in ("pub-a", "pub-b")
        ],
        # Every other meeting is also known from a record (the Historian's visits).
        "records": [
            {
                "source": "us-office-of-the-historian",
                "kind": "visit",
                "key": str(i),
                "date": f"20{10 + i % 14}-{i % 12 + 1:02d}-01",
                "who": f"Person {i}",
                "text": "Working Visit.",
                "country": "DE",
            }
        ]
        if i % 2 == 0
        else [],
    }


def build(tmp_path, meetings: int, statements: int) -> None:
    docs = [hub_document(i, statements) for i in range(meetings)]
    load([write_json(tmp_path / f"hub-{meetings}.json", docs)])


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# Every page also first reads the data version, by which the page cache keeps pages
# (readouts/caching.py): one query more than listed here.
VERSION = 1
PAGES = {
    # count of each table (6; on PostgreSQL first the estimated sizes of all six)
    # + the ten latest meetings + their attendances with participants
    "/": 8,
    # countries in use + publishers (filter form), per-month chart (which gives the
    # count), the page of meetings, their attendances with participants, their
    # readouts with publishers, the records that know of them
    "/meetings/": 7,
    # + the topic tree (to find the topic named), the participant's key, the newest
    # meetings the search matches (a country's meetings are rows of the meeting-country
    # table, read in the same query)
    "/meetings/?q=cooperation&topic=root&publisher=pub-a&country=DE&participant=hub"
    "&date_after=2010-01-01&kind=talks": 10,
    # countries in use, count, the page of participants with meeting counts
    "/participants/": 3,
    "/participants/?q=person&country=DE&ordering=-meetings": 3,
    # countries in use + publishers (filter form), count, the page of statements with
    # speakers, readouts, meetings and publishers, their topics
    "/statements/": 5,
    # + the speaker's key, the topics' family (the publisher is one of the choices)
    "/statements/?q=cooperation&topic=root&speaker=hub&publisher=pub-b&country=FR": 7,
    # the topics, the data version their counts are kept under, and the counts (subtopics'
    # included; worked out on every request here, as the tests' cache keeps nothing)
    "/topics/": 3,
    # the meeting, attendances with participants, readouts with publishers,
    # their statements with speakers, the statements' topics, the records
    "/meetings/m-1/": 6,
    "/meetings/m-2/": 6,
    # the same, aligned by topic rather than by speaker
    "/meetings/m-1/?align=topic": 6,
    # the participant, meeting count, timeline, its counterparts prefetched, titles,
    # counterparts met most often, statement count, the latest statements, their
    # topic counts, latest per topic
    "/participants/hub/": 10,
    # the topic with its parent, subtopics, the topics' family, per-month chart (which
    # gives the meeting count), latest meetings, statement count, latest statements,
    # their topics
    "/topics/root/": 8,
    # each side's key (a participant; a country is read from the meeting-country table
    # in the queries that need it), the meetings counted
    # by month and by who reported them (one grouped query: the chart and the counts),
    # the keys of the latest meetings (read once), the topics split (one grouped query),
    # their topics, the newest meetings by key, their readouts with publishers
    "/pairs/FR/DE/": 6,
    "/pairs/hub/person-1/": 8,
    # + the chosen topic, the topic tree, the statements on it there with their speakers,
    # the chosen ones of each side with their topics (two)
    "/pairs/FR/DE/?topic=root": 11,
    # countries in use + publishers (filter form), per-month chart, the page of meetings,
    # their attendances with participants, their readouts with publishers, their records
    "/meetings/?pair=FR,DE&reported_by_country=FR&unreported_by_country=DE": 7,
    # contacts known from a record that Germany did not report: the same, without the pair
    "/meetings/?known_from=record&unreported_by_country=DE": 7,
    # per-month chart, the meetings counted by counterpart's country
    "/unreported/?country=DE": 2,
    "/unreported/?country=FR": 2,
    # countries in use + publishers, the side in "meeting_with" (a country: no query),
    # each side of the pair (a participant's key), count, the page of statements, their
    # topics
    "/statements/?meeting_with=DE&pair=hub,DE": 6,
}


ESTIMATED = {"/", "/participants/", "/statements/"}


@pytest.mark.parametrize("url", PAGES)
def test_it_runs_the_same_queries_at_n_and_10n_rows(url, client, tmp_path):
    build(tmp_path, meetings=4, statements=3)
    small = queries(client, url)
    build(tmp_path, meetings=40, statements=30)
    large = queries(client, url)
    # Unfiltered lists and home on PostgreSQL first ask the planner how big tables are.
    estimated = connection.vendor == "postgresql" and url in ESTIMATED
    assert small == large == PAGES[url] + VERSION + estimated
