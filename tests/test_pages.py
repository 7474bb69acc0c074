import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse

from readouts.loading import load
from readouts.models import Meeting, Participant, Publisher, Statement, Topic
from readouts.tree import TopicTree

from .factories import SEED, make_document, seed_document, variant, write_json

pytestmark = pytest.mark.django_db

SEED_MEETING = "/meetings/2022-10-27-wang-yi-sergey-lavrov/"


def russian_readout() -> dict:
    """A second account of the founding call, by another publisher."""
    doc = seed_document()
    doc["participants"] = [{"slug": "wang-yi"}, {"slug": "sergey-lavrov"}]
    doc["topics"] = []
    doc["readouts"] = [
        {
            "publisher": {
                "slug": "mid-rf",
                "name": "Ministry of Foreign Affairs of Russia",
                "country": "RU",
            },
            "language": "en",
            "title": "Sergey Lavrov's telephone conversation with Wang Yi",
            "published_at": "2022-10-27T20:00:00+03:00",
            "body": "The ministers discussed Ukraine.",
            "statements": [
                {
                    "speaker": "sergey-lavrov",
                    "topics": ["ukraine-issue"],
                    "text": "Lavrov informed his counterpart about the situation in Ukraine.",
                },
            ],
        }
    ]
    return doc


@pytest.fixture
def corpus(seeded, tmp_path):
    load([write_json(tmp_path / "more.json", [make_document(i) for i in range(8)])])


def get(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return response.content.decode()


def test_it_serves_every_page(seeded, client):
    for url in [
        "/",
        "/meetings/",
        SEED_MEETING,
        "/participants/",
        "/participants/wang-yi/",
        "/topics/",
        "/topics/ukraine-issue/",
        "/statements/",
    ]:
        page = get(client, url)
        assert "<h1>" in page and "</html>" in page


@pytest.mark.parametrize("url", ["/meetings/nope/", "/participants/nope/", "/topics/nope/"])
def test_it_answers_unknown_slugs_with_404(url, seeded, client):
    assert client.get(url).status_code == 404


def test_it_shows_counts_and_latest_meetings_on_home(corpus, client):
    page = get(client, "/")
    assert re.search(r"<strong>9</strong> meetings", page)
    assert re.search(r"<strong>28</strong> statements", page)
    assert 'action="/statements/"' in page
    assert page.index("Meeting number 0") < page.index("Wang Yi Speaks")  # newest first


def test_it_gives_the_size_of_big_tables_on_home_as_postgresql_estimates_it(
    corpus, client, monkeypatch
):
    from django.db import connection

    from readouts import counting

    monkeypatch.setattr(counting, "ESTIMATE_ABOVE", 20)  # only statements are bigger
    if connection.vendor != "postgresql":
        assert re.search(r"<a [^>]*><strong>28</strong> statements", get(client, "/"))
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    page = get(client, "/")
    assert re.search(r"about <strong>28</strong> statements", page)
    assert re.search(r"<a [^>]*><strong>9</strong> meetings", page)  # counted


def test_it_names_urls_in_a_namespace(seeded):
    meeting = Meeting.objects.get()
    assert meeting.get_absolute_url() == reverse("readouts:meeting_detail", args=[meeting.slug])
    assert Participant.objects.get(slug="wang-yi").get_absolute_url() == "/participants/wang-yi/"
    statement = Statement.objects.get(sequence=4)
    assert statement.get_absolute_url() == f"{SEED_MEETING}#statement-{statement.pk}"


# Filters


def titles(page: str) -> list[str]:
    return re.findall(r'<td><a href="/meetings/[^"]+/">([^<]+)</a></td>', page)


def test_it_filters_meetings_by_kind_and_date(corpus, client):
    assert titles(get(client, "/meetings/", kind="phone_call")) == [
        "Meeting number 4",
        "Meeting number 0",
        "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone",
    ]
    found = titles(get(client, "/meetings/", date_after="2023-03-01", date_before="2023-05-31"))
    assert found == ["Meeting number 4", "Meeting number 3", "Meeting number 2"]


def test_it_filters_meetings_by_country_participant_publisher_and_topic(corpus, client):
    page = get(client, "/meetings/", country="RU")
    assert titles(page) == [
        "Meeting number 1",
        "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone",
    ]
    # The form shows the filter in use, and offers only countries someone is from.
    assert '<option value="RU" selected>Russia</option>' in page
    assert '<option value="CN">China</option>' in page
    assert '<option value="AQ">' not in page
    assert titles(get(client, "/meetings/", participant="person-3")) == ["Meeting number 3"]
    page = get(client, "/meetings/", publisher="pub-1")
    assert len(titles(page)) == 3
    assert '<option value="pub-1" selected>' in page
    # A topic includes its subtopics: "trade" is the parent of every topic-N.
    assert len(titles(get(client, "/meetings/", topic="trade"))) == 8
    assert titles(get(client, "/meetings/", topic="international-and-regional-issues")) == [
        "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone"
    ]


def test_it_searches_meetings_by_text(corpus, client):
    found = titles(get(client, "/meetings/", q="Lavrov"))
    assert found == ["Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone"]


def test_it_finds_meetings_by_their_own_title_and_combines_filters_with_search(corpus, client):
    Meeting.objects.filter(title="Meeting number 6").update(title="Meeting number 6 in Reykjavik")
    # Only the meeting's title says Reykjavik, none of its readouts.
    assert titles(get(client, "/meetings/", q="Reykjavik")) == ["Meeting number 6 in Reykjavik"]
    kinds = dict(Meeting.objects.values_list("title", "kind"))
    for kind in ("phone_call", "visit"):
        found = titles(get(client, "/meetings/", q="Meeting number", kind=kind))
        assert found and all(kinds[title] == kind for title in found)
        expected = sum(1 for t, k in kinds.items() if k == kind and t.startswith("Meeting number"))
        assert len(found) == expected


def test_it_sorts_and_paginates_meetings(corpus, client):
    page = get(client, "/meetings/", ordering="date", per_page=3, page=2)
    assert titles(page) == ["Meeting number 2", "Meeting number 3", "Meeting number 4"]
    assert "9 meetings, showing 4–6" in page
    assert 'href="?ordering=date&amp;per_page=3&amp;page=3"' in page


def test_it_breaks_ties_in_a_sort_newest_first(corpus, client):
    by_size = titles(get(client, "/meetings/", ordering="-participants", per_page=100))
    meetings = {m.title: m for m in Meeting.objects.all()}
    size = {title: meetings[title].attendances.count() for title in by_size}
    expected = sorted(by_size, key=lambda t: (-size[t], -meetings[t].date.toordinal(), t))
    assert by_size == expected and len(set(size.values())) < len(by_size)
    names = re.findall(
        r'<a href="/participants/[^"]+/">([^<]+)</a>',
        get(client, "/participants/", ordering="-meetings", per_page=100),
    )
    counts = {p.name: p.attendances.count() for p in Participant.objects.all()}
    assert names == sorted(names, key=lambda n: (-counts[n], n))


def test_it_sorts_a_participant_with_no_meeting_as_having_none(corpus, client):
    # Counted as none, and still listed.
    Participant.objects.create(slug="nobody-yet", name="Nobody Yet")
    most = get(client, "/participants/", ordering="-meetings", per_page=100)
    names = re.findall(r'<a href="/participants/[^"]+/">([^<]+)</a>', most)
    assert names[-1] == "Nobody Yet" and len(names) == Participant.objects.count()
    fewest = get(client, "/participants/", ordering="meetings", per_page=100)
    assert re.findall(r'<a href="/participants/[^"]+/">([^<]+)</a>', fewest)[0] == "Nobody Yet"


def test_it_sorts_a_meeting_nobody_attends_as_having_none(corpus, client):
    # The table of meeting sizes holds 0 for it: it counts as none, and stays listed.
    Meeting.objects.create(
        slug="2021-01-01-nobody", date=date(2021, 1, 1), kind="phone_call", title="Nobody came"
    )
    most = titles(get(client, "/meetings/", ordering="-participants", per_page=100))
    fewest = titles(get(client, "/meetings/", ordering="participants", per_page=100))
    assert most[-1] == "Nobody came" and fewest[0] == "Nobody came"
    assert len(most) == len(fewest) == Meeting.objects.count()
    assert most[:-1] == titles(get(client, "/meetings/", ordering="-participants", per_page=9))
    # Sorting by size keeps the filters.
    visits = titles(get(client, "/meetings/", ordering="-participants", kind="visit"))
    assert visits == [t for t in most if Meeting.objects.get(title=t).kind == "visit"]


def test_it_keeps_bad_pages_and_sizes_harmless(corpus, client):
    assert len(titles(get(client, "/meetings/", page="abc"))) == 9
    last = get(client, "/meetings/", page="99999", per_page="4")
    assert "Page 3 of 3" in last and len(titles(last)) == 1
    assert len(titles(get(client, "/meetings/", per_page="-5"))) == 1
    assert len(titles(get(client, "/meetings/", per_page="100000"))) == 9
    assert len(titles(get(client, "/meetings/", per_page="x"))) == 9


def test_it_reports_filters_it_could_not_use(corpus, client):
    page = get(client, "/meetings/", date_after="2022-02-30", kind="zoom", ordering="nope")
    assert "Some filters were not understood" in page
    assert "Enter a valid date." in page
    assert "Select a valid choice. zoom is not one of the available choices." in page
    assert len(titles(page)) == 9  # the rest of the filters still apply


def test_it_offers_a_clear_filters_link_and_an_empty_state(corpus, client):
    page = get(client, "/meetings/", participant="nobody")
    assert "No meetings match these filters." in page
    assert '<a href="/meetings/">Clear filters</a>' in page
    assert "Clear filters" not in get(client, "/meetings/")


def test_it_never_lists_every_participant_or_topic_in_a_select(corpus, client):
    for url in ["/meetings/", "/statements/"]:
        page = get(client, url)
        assert 'value="person-1"' not in page and 'value="topic-1"' not in page
        assert 'data-suggest="/suggest/participants/"' in page
        assert 'data-suggest="/suggest/topics/"' in page


def test_it_suggests_participants_and_topics(corpus, client):
    found = client.get("/suggest/participants/", {"q": "Сергей"}).json()["results"]
    # A suggestion fills in the name, which the filters take (tests/test_names.py).
    assert found == [{"value": "Sergey Lavrov", "label": "Sergey Lavrov (RU)"}]
    topics = client.get("/suggest/topics/", {"q": "ukr"}).json()["results"]
    assert topics == [{"value": "Ukraine issue", "label": "Ukraine issue"}]
    assert client.get("/suggest/topics/", {"q": ""}).json() == {"results": []}
    assert client.get("/suggest/participants/", {"q": "person"}).json()["results"].__len__() == 10


def test_it_filters_participants_by_country_organization_and_alias(corpus, client):
    Participant.objects.filter(slug="person-1").update(organization="World Health Organization")
    names = lambda page: re.findall(r'<td><a href="/participants/[^"]+/">([^<]+)</a>', page)  # noqa: E731
    assert names(get(client, "/participants/", q="Sergei")) == ["Sergey Lavrov"]
    assert names(get(client, "/participants/", organization="health")) == ["Person person-1"]
    assert "Sergey Lavrov" in names(get(client, "/participants/", country="RU"))
    assert "Wang Yi" not in names(get(client, "/participants/", country="RU"))
    busiest = names(get(client, "/participants/", ordering="-meeting_count"))
    assert busiest[0] in {"Wang Yi", "Sergey Lavrov", "Person person-0"} or busiest


def statements(page: str) -> list[str]:
    return re.findall(r'<article class="statement" id="statement-(\d+)">', page)


def test_it_filters_statements(corpus, client):
    assert len(statements(get(client, "/statements/", speaker="wang-yi"))) == 2
    # Nobody by that name speaks: no statements (not the joint ones).
    assert statements(get(client, "/statements/", speaker="nobody")) == []
    assert client.get("/meetings/", {"participant": "nobody"}).context["paginator"].count == 0
    joint = get(client, "/statements/", speaker="joint")
    assert len(statements(joint)) == 1 + 8
    assert len(statements(get(client, "/statements/", country="RU"))) == 2
    # A topic includes its subtopics.
    on_topic = get(client, "/statements/", topic="international-and-regional-issues")
    assert len(statements(on_topic)) == 2
    assert len(statements(get(client, "/statements/", publisher="mfa-prc"))) == 4
    assert len(statements(get(client, "/statements/", date_before="2022-12-31"))) == 4


def test_it_counts_a_long_list_of_statements_only_so_far(corpus, client, monkeypatch):
    from readouts.views import StatementListView

    monkeypatch.setattr(StatementListView, "count_limit", 5)
    page = get(client, "/statements/", speaker="joint", per_page=2)  # 9 match
    assert "More than 5 statements, showing 1–2" in page
    assert "the pages list the first 5 in this order" in page
    assert "Download every match" in page
    assert "Page 1 of more than 3" in page and ">Last</a>" not in page
    # The pages end at the fifth statement; a page number past them shows the last.
    assert len(statements(get(client, "/statements/", speaker="joint", per_page=2, page=99))) == 1
    # A list within the limit is counted exactly.
    page = get(client, "/statements/", publisher="mfa-prc", per_page=2)
    assert "4 statements, showing 1–2" in page and "Page 1 of 2" in page
    assert "Download all 4 statements" in page and ">Last</a>" in page


def test_the_filter_selects_escape_names_and_keep_the_choice(seeded, client):
    Publisher.objects.create(slug="dfat", name='Foreign Affairs & "Trade" <AU>', country="AU")
    page = get(client, "/statements/", publisher="dfat")
    assert (
        '<option value="dfat" selected>Foreign Affairs &amp; &quot;Trade&quot; &lt;AU&gt;</option>'
        in page
    )
    assert '<select name="publisher" id="id_publisher">' in page
    assert '<select name="country" id="id_country">' in page
    assert '<option value="" selected>Any country</option>' in page
    # A publisher that isn't one chooses nothing, and the page says so (tests/test_names.py).
    page = get(client, "/meetings/", publisher="nobody")
    assert "<strong>Publisher</strong>: No publisher named “nobody”." in page
    assert titles(page) == []


def test_it_highlights_search_matches_and_escapes_text(seeded, client):
    Statement.objects.filter(sequence=4).update(
        text="The two sides <script>alert(1)</script> exchanged views on the Ukraine issue."
    )
    page = get(client, "/statements/", q="ukraine")
    assert "<mark>Ukraine</mark>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_it_searches_by_stem_on_postgresql_and_by_substring_elsewhere(seeded, client):
    from django.db import connection

    if connection.vendor == "postgresql":
        # "congratulate" and "congratulations" share a stem; results come ranked.
        page = get(client, "/statements/", q="congratulate")
        assert len(statements(page)) == 1 and "<mark>congratulations</mark>" in page
        assert Statement.objects.exclude(search_vector=None).count() == 4
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, "readouts_statement")
        assert indexes["readouts_statement_search_gin"]["type"] == "gin"
    else:
        page = get(client, "/statements/", q="warm congratulations")
        assert len(statements(page)) == 1
        assert "<mark>warm</mark> <mark>congratulations</mark>" in page
        assert Statement.objects.exclude(search_vector=None).count() == 0
    # Readout titles are searched too: every statement of the matching readout is found.
    assert len(statements(get(client, "/statements/", q="Speaks"))) == 4


# Detail pages


def test_it_shows_a_meeting_with_participants_topics_and_statements(seeded, client):
    page = get(client, SEED_MEETING)
    assert "27 October 2022" in page and "phone call" in page
    assert "Sergey Lavrov</a>, Foreign Minister" in page and "(Russia)" in page
    assert 'href="/topics/ukraine-issue/"' in page
    assert 'published <time datetime="2022-10-27T23:38:00+08:00">' in page
    assert page.index("Wang Yi said that the 20th") < page.index("Lavrov extended")
    assert 'class="aligned"' not in page


def test_it_aligns_two_readouts_by_speaker(seeded, client, tmp_path):
    load([write_json(tmp_path / "ru.json", russian_readout())])
    page = get(client, SEED_MEETING)
    assert "2 readouts, side by side" in page
    rows = re.findall(r'<tr>\s*<th scope="row">(.*?)</th>(.*?)</tr>', page, re.S)
    assert [re.sub("<[^>]+>", "", speaker) for speaker, _ in rows] == [
        "Wang Yi",
        "Sergey Lavrov",
        "Joint",
    ]
    wang_cells = rows[0][1]
    assert "Not reported in this readout." in wang_cells  # Russia's readout omits Wang Yi
    assert "Lavrov informed his counterpart" in rows[1][1]


def test_it_shows_a_participant_over_time(seeded, client, tmp_path):
    later = variant(
        seed_document(),
        lambda d: d.update(
            meeting={
                **d["meeting"],
                "slug": "2023-02-22-wang-yi-sergey-lavrov",
                "date": "2023-02-22",
                "kind": "talks",
                "title": "Talks in Moscow",
            },
        ),
    )
    later["participants"][0]["title"] = (
        "Director of the Office of the Central Foreign Affairs Commission"
    )
    load([write_json(tmp_path / "later.json", later)])
    page = get(client, "/participants/wang-yi/")
    assert page.index("Talks in Moscow") < page.index("Wang Yi Speaks")  # newest first
    titles_held = page[page.index("Titles held") : page.index("Met most often")]
    assert titles_held.index("State Councilor") < titles_held.index("Director of the Office")
    assert "Sergey Lavrov</a> (RU): <a" in page
    assert 'href="/pairs/wang-yi/sergey-lavrov/"' in page
    assert "2 meetings</a>" in page
    assert "20th CPC National Congress</a></h3>" in page
    assert "4 statements</a>; the latest:" in page


def test_it_groups_only_a_prolific_speakers_latest_statements_by_topic(seeded, client, monkeypatch):
    from readouts import views

    page = get(client, "/participants/wang-yi/")
    assert "2 statements</a>; the latest:" in page  # 20th CPC National Congress
    monkeypatch.setattr(views, "TOPIC_SAMPLE", 1)
    page = get(client, "/participants/wang-yi/")
    assert "The topics of the latest 1 of 2 statements." in page
    assert "1 of them; " in page and "2 of them" not in page
    assert "all statements on this topic</a>" in page


def test_it_shows_a_topic_with_subtopics_meetings_and_statements(seeded, client):
    page = get(client, "/topics/international-and-regional-issues/")
    assert 'href="/topics/ukraine-issue/"' in page
    assert "Wang Yi Speaks with Russian Foreign Minister" in page
    assert "The two sides also exchanged views" in page
    assert "<svg" in page and page.count("<rect") == 1
    assert "All 2 statements</a>" in page


def test_it_counts_a_statement_on_a_topic_and_its_subtopic_once(seeded, client):
    parent = Topic.objects.get(slug="international-and-regional-issues")
    child = parent.children.get(slug="ukraine-issue")
    assert "All 2 statements</a>" in get(client, f"/topics/{parent.slug}/")
    Statement.objects.filter(topics=child).first().topics.add(parent)
    assert "All 2 statements</a>" in get(client, f"/topics/{parent.slug}/")


@pytest.mark.parametrize("sample", [1, 3, 50])
def test_it_shows_a_topics_latest_meetings_and_statements(corpus, client, monkeypatch, sample):
    from readouts import views

    monkeypatch.setattr(views, "SAMPLE_SIZE", sample)
    family = Topic.objects.filter(Q(slug="trade") | Q(parent__slug="trade"))
    meetings = Meeting.objects.filter(readouts__statements__topics__in=family).distinct()
    statements = Statement.objects.filter(topics__in=family).distinct()
    response = client.get("/topics/trade/")
    assert list(response.context["meetings"]) == list(meetings.order_by("-date", "slug")[:sample])
    assert list(response.context["statements"]) == list(
        statements.order_by("-readout__meeting__date", "-pk")[:sample]
    )


def test_it_counts_a_topics_statements_only_so_far(corpus, client, monkeypatch):
    from readouts import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    # "trade" is the parent of every generated topic: 8 meetings, 24 statements.
    page = get(client, "/topics/trade/")
    assert "More than 5 statements</a>" in page
    assert "All 8 meetings</a>" in page


def test_it_draws_meetings_per_month(corpus, client):
    page = get(client, "/meetings/")
    # Oct 2022 to Aug 2023 is eleven months, empty ones included.
    assert page.count("<rect") == 11
    assert "<title>October 2022: 1</title>" in page
    assert "<title>December 2022: 0</title>" in page
    assert "Meetings per month, Oct 2022 to Aug 2023: 9 in all" in page
    assert get(client, "/meetings/", kind="visit").count("<rect") == 5


def test_it_lists_topics_as_a_tree(seeded, client):
    page = get(client, "/topics/")
    start = page.index("International and regional issues")
    assert start < page.index("Ukraine issue") < page.index("</ul>", start + 1) + 200


def test_it_links_staff_to_the_admin_and_the_admin_to_the_site(seeded, client, admin_client):
    meeting = Meeting.objects.get()
    edit = f'href="/admin/readouts/meeting/{meeting.pk}/change/"'
    assert edit not in get(client, SEED_MEETING)
    assert edit in get(admin_client, SEED_MEETING)
    change = get(admin_client, f"/admin/readouts/meeting/{meeting.pk}/change/")
    assert "View on site" in change


def test_it_requires_login_when_configured(seeded, client, settings):
    settings.MIDDLEWARE = login_required_settings()["MIDDLEWARE"]
    for url in [
        "/",
        "/meetings/",
        SEED_MEETING,
        "/statements/",
        "/topics/",
        "/meetings/export.json",
        "/suggest/topics/?q=ukr",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    assert client.get("/admin/login/").status_code == 200
    client.force_login(User.objects.create_user("reader", password="x"))
    assert client.get("/meetings/").status_code == 200


def login_required_settings() -> dict:
    """The settings as READOUTS_LOGIN_REQUIRED=1 makes them."""
    import os
    import runpy
    from pathlib import Path

    from diplomacy import settings as module

    previous = os.environ.get("READOUTS_LOGIN_REQUIRED")
    os.environ["READOUTS_LOGIN_REQUIRED"] = "1"
    try:
        return runpy.run_path(str(Path(module.__file__)))
    finally:
        if previous is None:
            del os.environ["READOUTS_LOGIN_REQUIRED"]
        else:
            os.environ["READOUTS_LOGIN_REQUIRED"] = previous


def test_it_is_open_to_all_by_default(seeded, client, settings):
    assert settings.READOUTS_LOGIN_REQUIRED is False
    assert client.get("/meetings/").status_code == 200


def test_it_loads_the_seed_for_every_page(seeded):
    assert SEED.exists()


def test_it_ranks_only_the_newest_matches_of_a_very_common_word(corpus, client, monkeypatch):
    from readouts.filters import ReadoutsFilterSet

    monkeypatch.setattr(ReadoutsFilterSet, "search_limit", 5)
    page = get(client, "/statements/", q="Statement")
    assert len(statements(page)) == 5
    assert "these are the best matches among the newest 5" in page
    newest = Statement.objects.filter(text__icontains="Statement").order_by("-pk")[:5]
    assert set(statements(page)) == {str(s.pk) for s in newest}


def test_a_statement_search_keeps_the_other_filters_and_the_chosen_order(
    corpus, client, monkeypatch
):
    from readouts.filters import ReadoutsFilterSet

    monkeypatch.setattr(ReadoutsFilterSet, "search_limit", 4)
    page = get(client, "/statements/", q="Statement", publisher="pub-1", ordering="-date")
    # The newest four matches from that publisher, then sorted as asked.
    matching = Statement.objects.filter(
        text__icontains="Statement", readout__publisher__slug="pub-1"
    )
    newest = matching.order_by("-pk")[:4]
    expected = Statement.objects.filter(pk__in=[s.pk for s in newest]).order_by(
        "-readout__meeting__date", "readout_id", "sequence"
    )
    assert statements(page) == [str(s.pk) for s in expected]
    assert "these are the best matches among the newest 4" in page


def test_it_lists_only_the_newest_meetings_a_very_common_word_matches(corpus, client, monkeypatch):
    from readouts.filters import ReadoutsFilterSet

    monkeypatch.setattr(ReadoutsFilterSet, "search_limit", 3)
    page = get(client, "/meetings/", q="Meeting number", ordering="date")
    # The newest three matches, then sorted as asked; the chart counts the same three.
    assert titles(page) == ["Meeting number 5", "Meeting number 6", "Meeting number 7"]
    assert "these are the newest 3 of them" in page
    assert "3 in all" in page
    assert "Download every match" in page
    monkeypatch.setattr(ReadoutsFilterSet, "search_limit", 100)
    page = get(client, "/meetings/", q="Meeting number")
    assert "these are the newest" not in page
    assert "Download all 8 meetings" in page


def test_a_readouts_published_time_shows_in_its_publishers_time_zone(seeded, client):
    from readouts.models import Publisher, Readout

    # No time zone recorded for the publisher: the offset the readout was published with.
    page = get(client, SEED_MEETING)
    assert "27 October 2022, 23:38 (UTC+08:00)" in page
    Readout.objects.update(published_offset=None)  # a readout from before offsets were kept
    page = get(client, SEED_MEETING)
    assert "27 October 2022, 15:38 (UTC)" in page
    Publisher.objects.filter(slug="mfa-prc").update(time_zone="Asia/Shanghai")
    page = get(client, SEED_MEETING)
    assert 'datetime="2022-10-27T23:38:00+08:00"' in page
    assert "27 October 2022, 23:38 (Asia/Shanghai time, UTC+08:00)" in page


def test_a_topics_page_counts_each_subtopics_meetings_as_the_topics_list_does(seeded, client):
    parent = Topic.objects.get(slug="international-and-regional-issues")
    for child in parent.children.all():
        family = TopicTree.stored().family([child.pk])
        meetings = (
            Meeting.objects.filter(readouts__statements__topics__in=family).distinct().count()
        )
        assert meetings > 0
        label = f"{child.name}</a> ({meetings} meeting{'s' if meetings != 1 else ''})"
        assert label in get(client, f"/topics/{parent.slug}/")


def test_the_statements_page_with_no_filters_lists_the_newest_first(corpus, client):
    def meetings_listed(page: str) -> list[str]:
        return list(dict.fromkeys(re.findall(r'href="/meetings/([^/"?#]+)/#statement', page)))

    bare = meetings_listed(get(client, "/statements/"))  # no query string at all
    chosen = meetings_listed(get(client, "/statements/", ordering=""))
    newest = list(
        Meeting.objects.filter(readouts__statements__isnull=False)
        .distinct()
        .order_by("-date")
        .values_list("slug", flat=True)
    )
    assert bare == chosen
    assert bare[0] == newest[0] and newest[0] != "2022-10-27-wang-yi-sergey-lavrov"
