"""Atom feeds of the list pages' filters: new meetings and new statements."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from readouts.loading import load
from readouts.models import Meeting, Readout, Statement

from .factories import SEED, make_document, write_json

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_MEETING = "2022-10-27-wang-yi-sergey-lavrov"


@pytest.fixture
def corpus(tmp_path):
    docs = [make_document(i) for i in range(12)]
    load([SEED, write_json(tmp_path / "corpus.json", docs)])


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "published": entry.findtext(f"{ATOM}published"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_it_feeds_new_meetings_for_a_participant(client, corpus):
    root = feed(client, "/meetings/feed.atom?participant=person-3")
    found = entries(root)
    expected = Meeting.objects.filter(attendances__participant__slug="person-3").order_by(
        "-date", "slug"
    )
    assert [e["link"] for e in found] == [
        f"http://testserver{m.get_absolute_url()}" for m in expected
    ]
    assert "participant person-3" in root.findtext(f"{ATOM}title")
    # The feed's own page is the list with the same filter.
    alternate = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href") == "http://testserver/meetings/?participant=person-3"
    # Each entry carries its publisher and when it was published.
    first = expected[0]
    readout = first.readouts.get()
    assert found[0]["author"] == readout.publisher.name
    assert datetime.fromisoformat(found[0]["published"]) == readout.published_at
    assert readout.publisher.name in found[0]["summary"]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("pair=CN,RU", {SEED_MEETING}),
        ("pair=RU,CN&kind=phone_call", {SEED_MEETING}),
        ("topic=ukraine-issue", {SEED_MEETING}),
        ("publisher=mfa-prc", {SEED_MEETING}),
        ("q=Lavrov", {SEED_MEETING}),
        ("publisher=pub-2", {f"meeting-{i}" for i in range(2, 12, 3)}),
        ("topic=topic-1", {"meeting-1", "meeting-6", "meeting-11"}),
    ],
)
def test_it_feeds_what_the_meetings_filter_chooses(client, corpus, query, slugs):
    found = entries(feed(client, f"/meetings/feed.atom?{query}"))
    assert {e["link"].split("/")[-2] for e in found} == slugs


def test_it_feeds_new_statements_by_a_speaker_or_with_a_phrase(client, corpus):
    found = entries(feed(client, "/statements/feed.atom?speaker=Sergey Lavrov"))
    (lavrov,) = Statement.objects.filter(speaker__slug="sergey-lavrov")
    assert [e["link"] for e in found] == [f"http://testserver{lavrov.get_absolute_url()}"]
    assert found[0]["title"].startswith("Sergey Lavrov: Lavrov extended")
    assert found[0]["author"] == "Ministry of Foreign Affairs of the People's Republic of China"
    phrase = entries(feed(client, "/statements/feed.atom?q=Ukraine"))
    assert [e["title"][:7] for e in phrase] == ["Joint: "]
    assert "Ukraine" in phrase[0]["summary"]


def test_it_answers_a_filter_it_cannot_use_with_400(client, corpus):
    for url in [
        "/meetings/feed.atom?participant=nobody-at-all",
        "/meetings/feed.atom?date_after=soon",
        "/meetings/feed.atom?colour=red",
        "/statements/feed.atom?speaker=Person",
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.content.decode().startswith("No feed: some filters were not understood.")


def test_it_links_each_list_page_to_its_feed(client, corpus):
    html = client.get("/meetings/?pair=CN,RU&page=1").content.decode()
    href = "/meetings/feed.atom?pair=CN%2CRU"
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{href}"' in html
    assert "Follow new meetings chosen by this filter (Atom feed)" in html
    assert client.get(href).status_code == 200
    html = client.get("/statements/?speaker=wang-yi").content.decode()
    assert 'href="/statements/feed.atom?speaker=wang-yi"' in html
    html = client.get("/participants/wang-yi/").content.decode()
    assert 'href="/meetings/feed.atom?participant=wang-yi"' in html
    assert 'href="/statements/feed.atom?speaker=wang-yi"' in html
    html = client.get("/topics/ukraine-issue/").content.decode()
    assert 'href="/meetings/feed.atom?topic=ukraine-issue"' in html
    html = client.get("/pairs/CN/RU/").content.decode()
    assert 'href="/meetings/feed.atom?pair=CN%2CRU"' in html


def test_it_dates_a_meeting_no_one_has_published_a_time_for_by_its_day(client, corpus):
    Readout.objects.filter(meeting__slug=SEED_MEETING).update(published_at=None)
    (entry,) = entries(feed(client, "/meetings/feed.atom?pair=CN,RU"))
    assert entry["published"] == "2022-10-27T00:00:00+00:00"


def rfc4287_problems(root: ET.Element) -> list[str]:
    """What RFC 4287 (4.1.1, 4.1.2) asks of a feed and its entries that this one lacks."""
    problems = []
    for name in ["id", "title", "updated"]:
        if not (root.findtext(f"{ATOM}{name}") or "").strip():
            problems.append(f"feed without {name}")
    feed_author = (root.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
    for entry in root.findall(f"{ATOM}entry"):
        for name in ["id", "title", "updated"]:
            if not (entry.findtext(f"{ATOM}{name}") or "").strip():
                problems.append(f"entry without {name}")
        authors = entry.findall(f"{ATOM}author")
        if any(not (a.findtext(f"{ATOM}name") or "").strip() for a in authors):
            problems.append("entry with an author without a name")
        if not authors and not feed_author:
            problems.append("entry without an author, in a feed without one")
    return problems


def test_its_feeds_are_valid_atom_with_a_meeting_known_only_from_a_record(client, corpus):
    Meeting.objects.create(
        slug="2023-01-05-a-visit", date="2023-01-05", kind="visit", title="A visit"
    )
    for url in ["/meetings/feed.atom", "/statements/feed.atom"]:
        root = feed(client, url)
        assert root.findall(f"{ATOM}entry")
        assert rfc4287_problems(root) == [], url
    root = feed(client, "/meetings/feed.atom")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Diplomatic readouts"
    (entry,) = [e for e in root.findall(f"{ATOM}entry") if "a-visit" in e.findtext(f"{ATOM}id")]
    assert entry.find(f"{ATOM}author") is None
    assert entry.findtext(f"{ATOM}updated") == "2023-01-05T00:00:00+00:00"


def test_it_dates_a_statement_s_update_by_its_readout(client, corpus):
    (entry,) = feed(client, "/statements/feed.atom?speaker=Sergey Lavrov").findall(f"{ATOM}entry")
    readout = Readout.objects.get(meeting__slug=SEED_MEETING)
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == readout.published_at


FEEDS = {
    # countries + publishers (filter form), the meetings, their readouts, attendances
    "/meetings/feed.atom": 5,
    # + the participant's key, the topic tree
    "/meetings/feed.atom?participant=hub&topic=root": 7,
    # countries + publishers, the statements with speakers, readouts, meetings, publishers
    "/statements/feed.atom?speaker=hub": 4,
}


@pytest.mark.parametrize("url", FEEDS)
def test_it_runs_the_same_queries_at_n_and_10n_rows(url, client, tmp_path):
    from .test_query_counts import VERSION, build, queries

    build(tmp_path, meetings=4, statements=3)
    small = queries(client, url)
    build(tmp_path, meetings=40, statements=30)
    large = queries(client, url)
    assert small == large == FEEDS[url] + VERSION
