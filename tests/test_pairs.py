"""Both sides of a contact: the pair page, one-sided contacts and who has not reported.

The documents here are written for the tests: three US-China contacts (one reported
by both governments, one by each alone) and a US-France one.
"""

import pytest
from django.urls import reverse

from readouts import documents as doc
from readouts.loading import load
from readouts.models import Meeting, Participant, Record, Topic

from .admin_pages import form_data
from .factories import write_json

pytestmark = pytest.mark.django_db

WH = doc.publisher("white-house", name="The White House", country="US")
MFA = doc.publisher("mfa-prc", name="Ministry of Foreign Affairs of the PRC", country="CN")
PEOPLE = {
    "joe-biden": doc.participant("joe-biden", name="Joe Biden", country="US", title="President"),
    "xi-jinping": doc.participant("xi-jinping", name="Xi Jinping", country="CN", title="President"),
    "emmanuel-macron": doc.participant(
        "emmanuel-macron", name="Emmanuel Macron", country="FR", title="President"
    ),
}
TOPICS = [doc.topic("taiwan", "Taiwan"), doc.topic("trade", "Trade and economy")]


def contact(slug: str, day: str, people: list[str], readouts: list) -> dict:
    meeting = doc.meeting(slug, day, "phone_call", f"Call {slug}")
    return doc.document(meeting, [PEOPLE[p] for p in people], readouts, topics=TOPICS)


def account(publisher, title: str, said: list[tuple[str | None, str, list[str]]]) -> dict:
    body = " ".join(text for _, text, _ in said)
    statements = [doc.statement(who, text, topics=topics) for who, text, topics in said]
    return doc.readout(publisher, title, body, statements=statements)


@pytest.fixture
def contacts(tmp_path):
    documents = [
        contact(
            "both",
            "2023-11-15",
            ["joe-biden", "xi-jinping"],
            [
                account(
                    WH,
                    "Biden and Xi, as the US tells it",
                    [
                        (
                            "joe-biden",
                            "President Biden stressed peace across the Taiwan Strait.",
                            ["taiwan"],
                        ),
                        ("xi-jinping", "President Xi raised trade.", ["trade"]),
                    ],
                ),
                account(
                    MFA,
                    "Xi and Biden, as China tells it",
                    [
                        (
                            "xi-jinping",
                            "Xi Jinping said Taiwan is the most sensitive issue.",
                            ["taiwan"],
                        ),
                    ],
                ),
            ],
        ),
        contact(
            "only-us",
            "2023-06-01",
            ["joe-biden", "xi-jinping"],
            [
                account(
                    WH,
                    "A call only the US reported",
                    [("joe-biden", "Biden raised trade.", ["trade"])],
                ),
            ],
        ),
        contact(
            "only-cn",
            "2023-03-01",
            ["joe-biden", "xi-jinping"],
            [
                account(
                    MFA,
                    "A call only China reported",
                    [("xi-jinping", "Xi spoke of Taiwan.", ["taiwan"])],
                ),
            ],
        ),
        contact(
            "us-fr",
            "2023-02-01",
            ["joe-biden", "emmanuel-macron"],
            [
                account(
                    WH, "Biden and Macron", [("joe-biden", "Biden spoke of trade.", ["trade"])]
                ),
            ],
        ),
    ]
    load([write_json(tmp_path / "contacts.json", documents)])


def titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["object_list"]]


def test_it_counts_who_reported_a_pairs_meetings(client, contacts):
    page = client.get(reverse("readouts:pair", args=["US", "CN"]))
    assert page.status_code == 200
    assert page.context["reported"] == {
        "total": 3,
        "both": 1,
        "only_a": 1,
        "only_b": 1,
        "neither": 0,
        "recorded_not_a": 0,
        "recorded_not_b": 0,
    }
    assert page.context["chart"].total == 3
    html = page.content.decode()
    assert "United States of America and China" in html
    assert "Call us-fr" not in html  # France is not one of the pair


def test_it_counts_the_contacts_a_record_knows_of_that_a_side_did_not_report(client, contacts):
    # Records of the call only China reported and of the one only the US reported.
    for key, slug in [("cn", "only-cn"), ("us", "only-us")]:
        record = Record.objects.create(
            source=Record.Source.US_HISTORIAN,
            kind=Record.Kind.VISIT,
            key=key,
            date=Meeting.objects.get(slug=slug).date,
            country="CN",
            who="President Xi Jinping",
            text="Talks.",
        )
        record.meetings.add(Meeting.objects.get(slug=slug))
    page = client.get(reverse("readouts:pair", args=["US", "CN"]))
    reported = page.context["reported"]
    assert (reported["recorded_not_a"], reported["recorded_not_b"]) == (1, 1)
    assert (reported["only_a"], reported["only_b"], reported["both"]) == (1, 1, 1)
    # The chart counts the same meetings month by month: March, June and November 2023.
    chart = page.context["chart"]
    assert {bar.month.month: bar.count for bar in chart.bars if bar.count} == {3: 1, 6: 1, 11: 1}


def test_it_splits_the_topics_by_reporting_government_and_by_speaker(client, contacts):
    page = client.get(reverse("readouts:pair", args=["joe-biden", "xi-jinping"]))
    split = {row.topic.slug: (row.reported, row.spoken) for row in page.context["topics"]}
    assert split["taiwan"] == ({"a": 1, "b": 2, "other": 0}, {"a": 1, "b": 2, "joint": 0})
    assert split["trade"] == ({"a": 2, "b": 0, "other": 0}, {"a": 1, "b": 1, "joint": 0})


def test_it_puts_each_sides_latest_statements_on_a_topic_side_by_side(client, contacts):
    page = client.get(reverse("readouts:pair", args=["US", "CN"]) + "?topic=taiwan")
    (us, us_said), (_, cn_said) = page.context["side_by_side"]
    assert us.param == "US" and [s.text for s in us_said] == [
        "President Biden stressed peace across the Taiwan Strait."
    ]
    assert [s.text for s in cn_said] == [
        "Xi Jinping said Taiwan is the most sensitive issue.",
        "Xi spoke of Taiwan.",
    ]
    unknown = client.get(reverse("readouts:pair", args=["US", "CN"]) + "?topic=nowhere")
    assert "There is no topic “nowhere”." in unknown.content.decode()


def test_a_merged_topics_slug_chooses_the_topic_kept(client, contacts):
    Topic.objects.filter(slug="taiwan").update(former_slugs="cross-strait")
    page = client.get(reverse("readouts:pair", args=["US", "CN"]) + "?topic=cross-strait")
    assert page.context["chosen"].slug == "taiwan"
    (_, us_said), _ = page.context["side_by_side"]
    assert [s.text for s in us_said] == ["President Biden stressed peace across the Taiwan Strait."]


def test_it_answers_an_unknown_side_with_404_and_one_address_per_pair(client, contacts):
    assert client.get(reverse("readouts:pair", args=["US", "ZZ"])).status_code == 404
    assert client.get(reverse("readouts:pair", args=["US", "nobody"])).status_code == 404
    moved = client.get(reverse("readouts:pair", args=["us", "cn"]))
    assert moved.status_code == 301 and moved.url == reverse("readouts:pair", args=["US", "CN"])


def test_it_lists_the_contacts_only_one_government_reported(client, contacts):
    only_us = client.get("/meetings/?pair=US,CN&reported_by_country=US&unreported_by_country=CN")
    assert titles(only_us) == ["Call only-us"]
    assert only_us.context["chart"].total == 1
    only_cn = client.get(
        "/meetings/?pair=joe-biden,xi-jinping&reported_by_country=CN&unreported_by_country=US"
    )
    assert titles(only_cn) == ["Call only-cn"]
    # Without a pair: every contact China took part in and did not report.
    assert titles(client.get("/meetings/?unreported_by_country=CN")) == ["Call only-us"]
    download = client.get(
        "/meetings/export.json?pair=US,CN&reported_by_country=US&unreported_by_country=CN"
    )
    text = b"".join(download.streaming_content).decode()
    assert '"slug": "only-us"' in text and '"slug": "only-cn"' not in text
    assert '"slug": "both"' not in text


def test_it_says_which_sides_have_no_readout_on_the_meeting_page(client, contacts):
    html = client.get("/meetings/only-us/").content.decode()
    assert "No readout recorded from" in html and "China" in html
    assert reverse("readouts:pair", args=["US", "CN"]) in html
    both = client.get("/meetings/both/").content.decode()
    assert "No readout recorded from" not in both


def test_it_links_a_participants_counterparts_to_their_pair_page(client, contacts):
    html = client.get("/participants/joe-biden/").content.decode()
    assert reverse("readouts:pair", args=["joe-biden", "xi-jinping"]) in html


def test_it_filters_statements_made_in_meetings_with_someone(client, contacts):
    said = client.get("/statements/?meeting_with=FR")
    assert [s.text for s in said.context["object_list"]] == ["Biden spoke of trade."]
    pair = client.get("/statements/?pair=US,CN&speaker=xi-jinping")
    assert len(pair.context["object_list"]) == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/meetings/?pair=US", "Give two countries or participants"),
        ("/meetings/?pair=US,ZZ", "No country or participant “ZZ”"),
        ("/statements/?meeting_with=nobody", "No country or participant “nobody”"),
    ],
)
def test_it_says_what_it_could_not_use_instead_of_an_empty_list(client, contacts, url, message):
    page = client.get(url)
    assert page.status_code == 200
    assert message in page.content.decode()
    download = client.get(url.replace("/?", "/export.csv?"))
    assert download.status_code == 400 and message in download.content.decode()


def test_it_aligns_two_readouts_by_topic_and_marks_what_one_leaves_out(client, contacts):
    page = client.get("/meetings/both/?align=topic")
    rows = {row["topic"].slug: row for row in page.context["aligned"]}
    assert [[s.text for s in cell] for cell in rows["taiwan"]["cells"]] == [
        ["President Biden stressed peace across the Taiwan Strait."],
        ["Xi Jinping said Taiwan is the most sensitive issue."],
    ]
    assert rows["taiwan"]["only"] is None
    assert rows["trade"]["only"].publisher.slug == "white-house"
    html = page.content.decode()
    assert "only in The White House’s readout" in html
    assert "Not mentioned in this readout." in html
    by_speaker = client.get("/meetings/both/")
    assert by_speaker.context["align"] == "speaker"
    assert '<a href="?align=topic#readouts-heading">topic</a>' in by_speaker.content.decode()


def test_it_reads_the_topics_of_a_busy_pairs_latest_meetings_only(client, contacts, monkeypatch):
    from readouts import pairs

    monkeypatch.setattr(pairs, "TOPIC_SAMPLE", 1)
    page = client.get("/pairs/US/CN/")
    # The latest is the meeting both reported: Taiwan twice, trade once.
    totals = {row.topic.slug: row.total for row in page.context["topics"]}
    assert totals == {"taiwan": 2, "trade": 1}
    assert "their latest 1 meetings" in page.content.decode()


def test_a_pair_is_two_different_sides(client, contacts):
    assert client.get("/pairs/US/US/").status_code == 404
    page = client.get("/meetings/?pair=US,US")
    assert "Give two different countries or participants." in page.content.decode()


def test_the_sides_of_a_pair_can_be_typed_by_name(client, contacts):
    by_name = client.get("/meetings/", {"pair": "Joe Biden,xi jinping"})
    by_slug = client.get("/meetings/", {"pair": "joe-biden,xi-jinping"})
    assert titles(by_name) == titles(by_slug) and len(titles(by_slug)) == 3
    said = client.get("/statements/", {"meeting_with": "Emmanuel Macron"})
    assert [s.text for s in said.context["object_list"]] == ["Biden spoke of trade."]
    unknown = client.get("/meetings/", {"pair": "Joe Biden,Nobody Known"})
    assert "No country or participant “Nobody Known”" in unknown.content.decode()


def test_export_readouts_chooses_one_sided_contacts_as_the_list_does(contacts, capsys):
    import json

    from django.core.management import call_command

    call_command(
        "export_readouts",
        "--pair",
        "US,CN",
        "--reported-by-country",
        "US",
        "--unreported-by-country",
        "CN",
    )
    exported = json.loads(capsys.readouterr().out)
    assert [d["meeting"]["slug"] for d in exported["documents"]] == ["only-us"]
    assert exported["export"]["filter"]["pair"] == "US,CN"


def test_the_topics_split_says_when_it_shows_only_the_most_stated(client, contacts, monkeypatch):
    from readouts import pairs

    page = client.get("/pairs/US/CN/")
    every = len(page.context["topics"])
    assert every >= 2 and page.context["topics_found"] == every
    assert "topics with the most statements" not in page.content.decode()
    monkeypatch.setattr(pairs, "TOPICS_SHOWN", 1)
    page = client.get("/pairs/US/CN/")
    assert len(page.context["topics"]) == 1
    assert f"the 1 topics with the most statements, of {every}" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_participants_country_changed_in_the_admin_moves_their_contacts(admin_client, contacts):
    """A country's contacts are read from the derived meeting-country table: a change of
    country saved in the admin (committed, as in production) shows on the next request,
    and restoring the earlier version brings it back."""
    macron = Participant.objects.get(slug="emmanuel-macron")
    url = f"/admin/readouts/participant/{macron.pk}/change/"
    data = {**form_data(admin_client.get(url)), "country": "DE"}
    assert admin_client.post(url, data).status_code == 302

    germany = admin_client.get(reverse("readouts:pair", args=["US", "DE"]))
    assert germany.context["reported"]["total"] == 1
    assert "Call us-fr" in germany.content.decode()
    assert (
        admin_client.get(reverse("readouts:pair", args=["US", "FR"])).context["reported"]["total"]
        == 0
    )
    listed = admin_client.get("/meetings/", {"country": "DE"})
    assert titles(listed) == ["Call us-fr"]

    first = macron.history.order_by("history_date").first()
    restore = f"/admin/readouts/participant/{macron.pk}/history/{first.history_id}/"
    assert admin_client.post(restore, form_data(admin_client.get(restore))).status_code == 302
    assert titles(admin_client.get("/meetings/", {"country": "FR"})) == ["Call us-fr"]
    pair = admin_client.get(reverse("readouts:pair", args=["US", "DE"]))
    assert pair.context["reported"]["total"] == 0
