"""The read-only JSON API under /api/: the pages' filters, cursor pagination, records by
slug, its OpenAPI description, and what it refuses."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readouts.loading import load
from readouts.models import Meeting, Participant, Record, Statement

from .factories import SEED, make_document, snapshot, write_json

pytestmark = pytest.mark.django_db

SEED_MEETING = "2022-10-27-wang-yi-sergey-lavrov"


@pytest.fixture
def corpus(tmp_path):
    """The founding readout and 12 generated meetings."""
    docs = [make_document(i) for i in range(12)]
    load([SEED, write_json(tmp_path / "corpus.json", docs)])


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] in {"application/json", "application/vnd.oai.openapi+json"}
    return response.json()


def every_page(client, url: str) -> list[dict]:
    rows, pages = [], 0
    while url:
        page = get(client, url)
        rows += page["results"]
        url, pages = page["next"], pages + 1
        assert pages < 100
    return rows


def test_it_lists_a_meeting_with_its_participants_and_readouts(client, seeded):
    (meeting,) = get(client, "/api/meetings/")["results"]
    assert meeting["slug"] == SEED_MEETING
    assert meeting["url"] == f"http://testserver/api/meetings/{SEED_MEETING}/"
    assert meeting["page"] == f"http://testserver/meetings/{SEED_MEETING}/"
    assert [p["participant"] for p in meeting["participants"]] == ["wang-yi", "sergey-lavrov"]
    assert meeting["participants"][1]["title"] == "Foreign Minister"
    (readout,) = meeting["readouts"]
    assert readout["publisher"] == "mfa-prc"
    assert readout["published_at"] == "2022-10-27T23:38:00+08:00"  # as published, in Beijing
    assert "body" not in readout  # listed without the text


def test_it_nests_readouts_and_statements_in_a_meeting(client, seeded):
    meeting = get(client, f"/api/meetings/{SEED_MEETING}/")
    (readout,) = meeting["readouts"]
    assert readout["body"].startswith("On October 27, 2022")
    statements = readout["statements"]
    assert [s["speaker"] for s in statements] == ["wang-yi", "wang-yi", "sergey-lavrov", None]
    assert "ukraine-issue" in statements[-1]["topics"]
    assert [s["sequence"] for s in statements] == list(range(1, len(statements) + 1))


def test_it_lists_the_records_that_tell_of_a_meeting_in_its_detail(client, seeded):
    assert get(client, f"/api/meetings/{SEED_MEETING}/")["records"] == []
    record = Record.objects.create(
        source=Record.Source.US_HISTORIAN,
        kind=Record.Kind.VISIT,
        key="lavrov-2022-10",
        url="https://history.state.gov/departmenthistory/visits/russia",
        date="2022-10-27",
        country="RU",
        who="Foreign Minister Sergey Lavrov",
        text="Talks.",
    )
    record.meetings.add(Meeting.objects.get(slug=SEED_MEETING))
    (found,) = get(client, f"/api/meetings/{SEED_MEETING}/")["records"]
    assert found == {
        "source": "us-office-of-the-historian",
        "kind": "visit",
        "key": "lavrov-2022-10",
        "source_url": "https://history.state.gov/departmenthistory/visits/russia",
        "date": "2022-10-27",
        "end_date": None,
        "country": "RU",
        "place": "",
        "who": "Foreign Minister Sergey Lavrov",
        "role": "",
        "text": "Talks.",
    }
    (listed,) = get(client, "/api/meetings/")["results"]
    assert "records" not in listed  # listed with its readouts' summaries only


def test_it_gives_every_record_a_stable_address_by_slug(client, seeded):
    readout_url = f"/api/readouts/{SEED_MEETING}/mfa-prc/en/"
    readout = get(client, readout_url)
    assert readout["url"] == "http://testserver" + readout_url
    assert readout["meeting"] == SEED_MEETING
    statement = get(client, f"/api/statements/{SEED_MEETING}/mfa-prc/en/3/")
    assert statement["speaker"] == "sergey-lavrov"
    assert statement["readout"] == "http://testserver" + readout_url
    assert get(client, "/api/participants/wang-yi/")["country"] == "CN"
    assert get(client, "/api/topics/ukraine-issue/")["slug"] == "ukraine-issue"
    assert get(client, "/api/publishers/mfa-prc/")["country"] == "CN"
    # Every record links to its own address, which gives it back.
    for listing in ["participants", "topics", "publishers", "readouts", "statements"]:
        for row in every_page(client, f"/api/{listing}/"):
            assert get(client, row["url"].removeprefix("http://testserver"))["url"] == row["url"]
    get(client, f"/api/readouts/{SEED_MEETING}/mfa-prc/fr/", status=404)
    get(client, "/api/participants/nobody/", status=404)


def test_it_filters_with_the_pages_parameters(client, corpus):
    def slugs(url: str) -> list[str]:
        return [row["slug"] for row in every_page(client, url)]

    chosen = {m.slug for m in Meeting.objects.filter(attendances__participant__slug="person-3")}
    assert set(slugs("/api/meetings/?participant=Person person-3")) == chosen
    assert set(slugs("/api/meetings/?participant=person-3")) == chosen
    assert slugs("/api/meetings/?pair=CN,RU") == [SEED_MEETING]
    assert slugs("/api/meetings/?kind=phone_call&date_before=2022-12-31") == [SEED_MEETING]
    on_trade = set(slugs("/api/meetings/?topic=trade"))  # with its subtopics
    assert on_trade == {f"meeting-{i}" for i in range(12)}
    assert set(slugs("/api/meetings/?q=Lavrov")) == {SEED_MEETING}
    russians = Participant.objects.filter(country="RU").order_by("name", "slug")
    assert slugs("/api/participants/?country=RU&per_page=2") == [p.slug for p in russians]
    joint = every_page(client, "/api/statements/?speaker=joint")
    assert joint and {row["speaker"] for row in joint} == {None}
    assert len(joint) == Statement.objects.filter(speaker=None).count()
    by_publisher = every_page(client, "/api/readouts/?publisher=pub-1")
    assert {r["publisher"] for r in by_publisher} == {"pub-1"} and len(by_publisher) == 4


def test_it_pages_by_cursor_through_every_row_in_the_lists_order(client, corpus):
    rows = every_page(client, "/api/meetings/?per_page=2")
    expected = list(Meeting.objects.order_by("-date", "slug").values_list("slug", flat=True))
    assert [row["slug"] for row in rows] == expected
    by_title = every_page(client, "/api/meetings/?per_page=3&ordering=-title")
    by_title_in_db = Meeting.objects.order_by("-title", "-date", "slug")
    expected = list(by_title_in_db.values_list("slug", flat=True))
    assert [row["slug"] for row in by_title] == expected
    # Statements tie on their meeting's date: the key breaks the tie, none is lost.
    statements = every_page(client, "/api/statements/?per_page=4")
    assert len(statements) == Statement.objects.count()
    assert len({row["url"] for row in statements}) == len(statements)
    by_size = every_page(client, "/api/meetings/?per_page=5&ordering=-participants")
    assert sorted(row["slug"] for row in by_size) == sorted(
        Meeting.objects.values_list("slug", flat=True)
    )


def test_it_reads_a_later_page_by_key_never_by_offset(client, corpus):
    first = get(client, "/api/meetings/?per_page=2")
    with CaptureQueriesContext(connection) as captured:
        get(client, first["next"])
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert not re.search(r"\bOFFSET\b", sql)
    assert "LIMIT 3" in sql


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/meetings/?date_after=yesterday", "date"),
        ("/api/meetings/?kind=lunch", "kind"),
        ("/api/meetings/?participant=nobody-at-all", "participant"),
        ("/api/meetings/?pair=US", "pair"),
        ("/api/meetings/?ordering=colour", "ordering"),
        ("/api/meetings/?page=2", "page"),
        ("/api/meetings/?colour=red", "colour"),
        ("/api/meetings/?cursor=not-a-cursor", "cursor"),
        ("/api/meetings/?per_page=0", "per_page"),
        ("/api/meetings/?per_page=%C2%B2", "per_page"),
        ("/api/meetings/?per_page=101", "per_page"),
        ("/api/statements/?speaker=Person", "speaker"),
        ("/api/topics/?q=trade", "q"),
        ("/api/readouts/?publisher=nobody", "publisher"),
    ],
)
def test_it_answers_a_bad_parameter_with_400_and_what_was_wrong(client, corpus, url, field):
    errors = get(client, url, status=400)
    assert list(errors) == [field]
    assert errors[field] and all(isinstance(m, str) and m for m in errors[field])


def test_it_refuses_a_cursor_edited_or_from_another_order(client, corpus):
    cursor = get(client, "/api/meetings/?per_page=2")["next"].split("cursor=")[1]
    assert get(client, f"/api/meetings/?ordering=title&cursor={cursor}", status=400)["cursor"]
    forged = {"order": ["-date", "slug"], "after": ["not a date", "x"]}
    text = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
    assert get(client, f"/api/meetings/?cursor={text}", status=400)["cursor"]
    forged["after"] = [None, "x"]
    text = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
    assert get(client, f"/api/meetings/?cursor={text}", status=400)["cursor"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_writes_nothing(client, seeded, method):
    before = snapshot()
    for url in ["/api/meetings/", f"/api/meetings/{SEED_MEETING}/", "/api/participants/wang-yi/"]:
        response = getattr(client, method)(url, {"title": "x"}, content_type="application/json")
        assert response.status_code == 405, (url, response.status_code)
    assert snapshot() == before


def test_it_asks_for_a_signed_in_reader_when_the_site_does(client, seeded, settings):
    settings.READOUTS_LOGIN_REQUIRED = True
    for url in ["/api/", "/api/meetings/", f"/api/meetings/{SEED_MEETING}/", "/api/schema/"]:
        assert client.get(url).status_code == 403, url
    client.force_login(User.objects.create_user("reader"))
    assert get(client, "/api/meetings/")["results"][0]["slug"] == SEED_MEETING
    settings.READOUTS_LOGIN_REQUIRED = False
    client.logout()
    assert get(client, "/api/meetings/")["results"]


def test_it_describes_itself_in_openapi_with_the_pages_filters(client, seeded):
    schema = get(client, "/api/schema/")
    assert schema["openapi"].startswith("3.")
    parameters = {p["name"] for p in schema["paths"]["/api/meetings/"]["get"]["parameters"]}
    assert {"q", "date_after", "date_before", "kind", "country", "participant", "topic"} <= (
        parameters
    )
    assert {"publisher", "pair", "ordering", "cursor", "per_page"} <= parameters
    statement_parameters = {
        p["name"] for p in schema["paths"]["/api/statements/"]["get"]["parameters"]
    }
    assert {"speaker", "meeting_with", "topic"} <= statement_parameters
    assert "post" not in schema["paths"]["/api/meetings/"]
    assert "/api/meetings/{slug}/" in schema["paths"]


def test_describing_itself_leaves_the_pages_filters_working(client, seeded):
    # The description reads the FilterSets' filters: the pages' choices and names, worked
    # out per request, must still be so afterwards.
    get(client, "/api/schema/")
    page = client.get("/meetings/?country=RU&publisher=mfa-prc&topic=ukraine-issue")
    assert page.status_code == 200
    assert not page.context["ignored"] and not page.context["unmatched"]
    assert [m.slug for m in page.context["object_list"]] == [SEED_MEETING]
    assert get(client, "/api/statements/?country=RU&publisher=mfa-prc")["results"]


def test_it_serves_swagger_ui_from_the_site_itself(client, seeded):
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    # Scripts and styles as files of this site: the policy forbids inline ones.
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


# Queries of each API list, whatever the page size: the filter form's choices (countries
# in use, publishers) where the list has those filters, the page, and its prefetches.
API_PAGES = {
    # countries + publishers, the meetings, attendances with participants, readouts
    "/api/meetings/?per_page=100": 5,
    # + the participant's key, the topics' tree
    "/api/meetings/?per_page=100&participant=hub&topic=root&ordering=-participants": 7,
    # countries, the participants
    "/api/participants/?per_page=100&ordering=-meetings": 2,
    # countries + publishers, the statements with speakers, readouts, meetings, publishers,
    # their topics
    "/api/statements/?per_page=100": 4,
    # + the speaker's key
    "/api/statements/?per_page=100&speaker=hub": 5,
    # publishers, the readouts with meetings and publishers, statements, their topics
    "/api/readouts/?per_page=100": 4,
    # the topics with their parents
    "/api/topics/?per_page=100": 1,
    "/api/publishers/?per_page=100": 1,
    # the meeting, attendances, readouts, their statements, the statements' topics, records
    "/api/meetings/m-1/": 6,
}


@pytest.mark.parametrize("url", API_PAGES)
def test_it_runs_the_same_queries_at_n_and_10n_rows(url, client, tmp_path):
    from .test_query_counts import VERSION, build, queries

    build(tmp_path, meetings=4, statements=3)
    small = queries(client, url)
    build(tmp_path, meetings=40, statements=30)
    large = queries(client, url)
    assert small == large == API_PAGES[url] + VERSION


def forged_cursor(order: list, after: list) -> str:
    text = json.dumps({"order": order, "after": after})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("url", ["/api/meetings/", "/api/readouts/", "/api/statements/"])
@pytest.mark.parametrize("bad", [1, True, 1.5, {"a": 1}, [1], 2**63, -(2**63) - 1, "x"])
def test_it_refuses_a_cursor_whose_values_are_not_of_their_fields_types(client, corpus, url, bad):
    """Each value of an edited cursor in turn: a number for a date, a string for a key..."""
    cursor = parse_qs(urlsplit(get(client, f"{url}?per_page=2")["next"]).query)["cursor"][0]
    given = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    for i in range(len(given["after"])):
        after = list(given["after"])
        if type(bad) is type(after[i]) and (type(bad) is str or -(2**63) <= bad < 2**63):
            continue  # a string for a string, a key for a key, may well be a fine value
        after[i] = bad
        errors = get(client, f"{url}?cursor={forged_cursor(given['order'], after)}", status=400)
        assert list(errors) == ["cursor"] and errors["cursor"][0], (after, errors)


@pytest.mark.parametrize(
    "url",
    [
        "/api/meetings/no-such-meeting/",
        "/api/participants/nobody/",
        "/api/readouts/no-such-meeting/mfa-prc/en/",
        "/api/statements/no-such-meeting/mfa-prc/en/1/",
        "/api/readouts/only-a-meeting/",
        "/api/meetings/a%20b/",
        "/api/statements/x/y/z/not-a-number/",
        "/api/no-such-list/",
    ],
)
def test_it_answers_an_address_that_leads_nowhere_with_a_json_404(client, seeded, url):
    assert get(client, url, status=404) == {"detail": "Not found."}


def test_it_answers_a_page_that_leads_nowhere_with_the_site_s_404(client, seeded):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
