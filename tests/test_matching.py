"""A second government's readout joins the meeting it is an account of; a readout
drafted again is an update of the one recorded, never a second meeting.

The Russian and Chinese accounts used here are written for the tests
(tests/data/matching/README.md); the founding readout and the White House readout
are real.
"""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from readouts import documents as doc
from readouts.duplicates import likely_duplicate_participants
from readouts.importing import Vocabulary, draft_text
from readouts.importing.matching import changes, compatible, match
from readouts.loading import load
from readouts.models import Meeting, Participant, Publisher, Readout
from readouts.names import latin_lookalikes

from .admin_pages import review_data
from .factories import FIXTURES, SEED, snapshot, write_json

pytestmark = pytest.mark.django_db

DATA = FIXTURES.parent / "tests" / "data"
KNOWN = DATA / "importer" / "known-participants.json"
RUSSIAN = DATA / "matching" / "written-for-tests-mfa-russia-2022-10-27.md"
CHINESE = DATA / "matching" / "written-for-tests-mfa-prc-2021-11-15.md"
WHITE_HOUSE = (
    DATA
    / "matching"
    / (
        "2021-11-16-readout-of-president-bidens-virtual-meeting-with-president-xi-jinping-of-the-"
        "peoples-republic-of-china.md"
    )
)
IMPORT = "/admin/readouts/meeting/import-text/"


@pytest.fixture
def recorded(db):
    """The founding readout, the publishers and the people the archive names."""
    load([SEED, FIXTURES / "005-publishers.json", KNOWN])
    Publisher.objects.create(
        slug="mfa-russia",
        name="Ministry of Foreign Affairs of the Russian Federation",
        country="RU",
        website="https://mid.ru/en/",
        time_zone="Europe/Moscow",
    )


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_readout_text", *args, stdout=out)
    return out.getvalue()


def test_a_second_governments_readout_joins_the_founding_meeting(recorded, tmp_path, client):
    out = run(str(RUSSIAN), "--load")
    assert "joins the recorded meeting 2022-10-27-wang-yi-sergey-lavrov as another readout" in out
    meeting = Meeting.objects.get()
    assert sorted(r.publisher.slug for r in meeting.readouts.all()) == ["mfa-prc", "mfa-russia"]
    # The attendances are as recorded: the titles at the time, in their order.
    assert [a.participant.slug for a in meeting.attendances.order_by("order")] == [
        "wang-yi",
        "sergey-lavrov",
    ]
    assert meeting.attendances.get(participant__slug="wang-yi").title.startswith("Member of")
    # Both accounts on the meeting page, and on the pair page of the two countries.
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "2 readouts, side by side" in page and "No readout recorded from" not in page
    pair = client.get("/pairs/CN/RU/")
    assert pair.context["reported"]["both"] == 1
    # Loading it again changes nothing.
    before = snapshot()
    out = run(str(RUSSIAN), "--load")
    assert "updates the recorded readout of Ministry of Foreign Affairs of the Russian" in out
    assert "nothing would change" in out
    assert snapshot() == before


def test_both_governments_drafts_in_one_batch_make_one_meeting(recorded, tmp_path):
    out = run(str(WHITE_HOUSE), str(CHINESE), "--publisher", "mfa-prc", "-o", str(tmp_path))
    # The White House's file names its publisher by its address; --publisher is for the other.
    assert "joins the draft of" in out
    (written,) = tmp_path.iterdir()
    run(str(WHITE_HOUSE), str(CHINESE), "--publisher", "mfa-prc", "--load")
    meeting = Meeting.objects.get(slug=written.stem)
    assert meeting.date.isoformat() == "2021-11-15"  # the White House's day; Beijing's is the 16th
    assert sorted(r.publisher.slug for r in meeting.readouts.all()) == ["mfa-prc", "white-house"]
    assert sorted(a.participant.slug for a in meeting.attendances.all()) == [
        "joe-biden",
        "xi-jinping",
    ]


def test_the_review_page_adds_a_second_readout_to_the_recorded_meeting(recorded, client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    response = client.post(IMPORT, {"text": RUSSIAN.read_text(encoding="utf-8")})
    page = response.content.decode()
    assert "Another readout of a recorded meeting" in page
    data = review_data(response)
    assert data["join"] == "2022-10-27-wang-yi-sergey-lavrov"
    response = client.post(IMPORT, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.readouts.count() == 2
    assert (
        meeting.title == "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone"
    )


def contact(slug: str, day: str, kind: str, people: list[tuple[str, str]]) -> dict:
    return doc.document(
        doc.meeting(slug, day, kind, f"Contact {slug}"),
        [doc.participant(p, name=p.replace("-", " ").title(), country=c) for p, c in people],
        [],
    )


def recorded_contacts(tmp_path, *documents) -> None:
    load([write_json(tmp_path / "contacts.json", list(documents))])


def test_it_finds_the_same_contact_within_a_day_and_of_a_compatible_kind(db, tmp_path):
    recorded_contacts(
        tmp_path,
        contact("call", "2023-05-10", "phone_call", [("ana-a", "US"), ("bo-b", "CN")]),
    )
    draft = contact("x", "2023-05-11", "video_call", [("bo-b", "CN"), ("ana-a", "US")])
    assert match(draft).meeting.slug == "call"
    assert (
        match(contact("x", "2023-05-12", "phone_call", [("ana-a", "US"), ("bo-b", "CN")])).meeting
        is None
    )
    assert (
        match(contact("x", "2023-05-10", "visit", [("ana-a", "US"), ("bo-b", "CN")])).meeting
        is None
    )
    assert compatible("talks", "meeting") and compatible("other", "visit")
    assert not compatible("phone_call", "meeting")


def test_it_matches_by_the_pair_of_countries_where_the_names_differ(db, tmp_path):
    recorded_contacts(
        tmp_path,
        contact("call", "2023-05-10", "phone_call", [("ana-a", "US"), ("bo-b", "CN")]),
    )
    # The other government names its own official differently: the countries agree.
    other = contact("x", "2023-05-10", "phone_call", [("ana-a", "US"), ("bo-bee", "CN")])
    assert match(other).meeting.slug == "call"
    # A third country is another contact.
    third = contact("x", "2023-05-10", "phone_call", [("cy-c", "FR"), ("bo-bee", "CN")])
    assert match(third).meeting is None


def test_several_candidates_are_left_for_the_analyst_to_choose(db, tmp_path):
    people = [("ana-a", "US"), ("bo-b", "CN")]
    recorded_contacts(
        tmp_path,
        contact("first", "2023-05-10", "phone_call", people),
        contact("second", "2023-05-11", "phone_call", people),
    )
    found = match(contact("x", "2023-05-10", "phone_call", people))
    # The nearer in date is not taken for granted: both are offered.
    assert found.meeting is None
    assert [m.slug for m in found.candidates] == ["first", "second"]


def test_a_readout_is_recognised_by_its_source_or_by_publisher_language_and_title(recorded):
    vocabulary = Vocabulary.from_database()
    seed = Readout.objects.get()
    draft = draft_text((DATA / "seed-000.txt").read_text(encoding="utf-8"), vocabulary)
    assert draft.match.readout == seed  # the same publisher, language and title that day
    assert draft.document["meeting"]["slug"] == seed.meeting.slug


def test_the_review_page_offers_the_candidates_and_joins_the_one_chosen(recorded, client, tmp_path):
    people = [
        doc.participant("sergey-lavrov", title="Foreign Minister"),
        doc.participant("wang-yi"),
    ]
    # Another call of the two on the next day: the Russian account could be either.
    other = doc.document(
        doc.meeting("2022-10-28-wang-yi-sergey-lavrov", "2022-10-28", "phone_call", "Again"),
        people,
        [],
    )
    load([write_json(tmp_path / "other.json", other)])
    client.force_login(User.objects.create_superuser("root", password="x"))
    response = client.post(IMPORT, {"text": RUSSIAN.read_text(encoding="utf-8")})
    page = response.content.decode()
    assert "Several recorded meetings could be this contact." in page
    assert '<datalist id="join-candidates">' in page
    data = review_data(response)
    assert data["join"] == ""  # a new meeting unless the analyst chooses one
    data["join"] = "2022-10-28-wang-yi-sergey-lavrov"
    assert client.post(IMPORT, data).status_code == 302
    chosen = Meeting.objects.get(slug="2022-10-28-wang-yi-sergey-lavrov")
    assert [r.publisher.slug for r in chosen.readouts.all()] == ["mfa-russia"]
    assert Meeting.objects.count() == 2


def test_two_readouts_by_one_publisher_are_two_contacts(recorded, tmp_path):
    # Biden called Trudeau, then Trudeau was among the leaders on a call the same day:
    # the White House told of each, so they are two meetings, not one with two readouts.
    call = tmp_path / "call.md"
    group = tmp_path / "group.md"
    front = (
        "---\ntitle: {title}\ndate: 2022-02-11\n"
        "source_url: https://bidenwhitehouse.archives.gov/briefing-room/{path}/\n---\n\n"
    )
    call.write_text(
        front.format(
            title="Readout of President Biden's Call with Prime Minister Justin Trudeau of Canada",
            path="trudeau",
        )
        + "President Biden spoke today with Prime Minister Justin Trudeau of Canada. "
        "The leaders discussed the blockade of the Ambassador Bridge.\n",
        encoding="utf-8",
    )
    group.write_text(
        front.format(
            title="Readout of President Biden's Call with Prime Minister Justin Trudeau "
            "of Canada and Chancellor Olaf Scholz of Germany",
            path="leaders",
        )
        + "President Biden spoke today with Prime Minister Justin Trudeau of Canada and "
        "Chancellor Olaf Scholz of Germany. The leaders discussed Russia's military build-up.\n",
        encoding="utf-8",
    )
    out = run(str(call), str(group), "-o", str(tmp_path / "drafts"))
    assert "joins the draft of" not in out, out
    assert len(list((tmp_path / "drafts").iterdir())) == 2, out
    run(str(call), str(group), "--load")
    assert Meeting.objects.filter(date="2022-02-11").count() == 2
    assert Readout.objects.filter(publisher__slug="white-house").count() == 2


def test_a_recorded_meeting_its_publisher_reported_already_is_another_contact(db, tmp_path):
    recorded_contacts(
        tmp_path,
        doc.document(
            doc.meeting("group", "2023-05-10", "phone_call", "A call of leaders"),
            [
                doc.participant("ana-a", name="Ana A", country="US"),
                doc.participant("bo-b", name="Bo B", country="CA"),
            ],
            [doc.readout(doc.publisher("wh", name="WH", country="US"), "The group call", "Text.")],
        ),
    )
    draft = contact("x", "2023-05-10", "phone_call", [("ana-a", "US"), ("bo-b", "CA")])
    draft["readouts"] = [doc.readout(doc.publisher("wh"), "The call of two", "Other text.")]
    assert match(draft).meeting is None
    draft["readouts"] = [doc.readout(doc.publisher("pmo", name="PMO", country="CA"), "Call", "T.")]
    assert match(draft).meeting.slug == "group"


def test_a_second_governments_readout_without_a_source_loads_once(recorded):
    # Dated the 16th by Beijing's clock; it joined the White House's meeting of the 15th.
    run(str(WHITE_HOUSE), "--load")
    run(str(CHINESE), "--publisher", "mfa-prc", "--load")
    before = snapshot()
    out = run(str(CHINESE), "--publisher", "mfa-prc", "--load")
    assert "updates the recorded readout of Ministry of Foreign Affairs" in out, out
    assert "nothing would change" in out
    assert snapshot() == before
    assert Meeting.objects.filter(date__range=("2021-11-14", "2021-11-17")).count() == 1


def test_text_pasted_with_windows_line_ends_is_the_same_text_again(recorded, client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    pasted = RUSSIAN.read_text(encoding="utf-8").replace("\n", "\r\n")
    data = review_data(client.post(IMPORT, {"text": pasted}))
    data["body"] = data["body"].replace("\n", "\r\n")  # as a browser sends a textarea
    assert client.post(IMPORT, data).status_code == 302
    body = Readout.objects.get(publisher__slug="mfa-russia").body
    assert "\r" not in body
    again = client.post(IMPORT, {"text": pasted})
    assert again.context["match"].changes == []


def test_an_update_of_a_recorded_readout_says_whom_it_would_add(recorded):
    run(str(RUSSIAN), "--load")
    draft = draft_text(RUSSIAN.read_text(encoding="utf-8"))
    assert draft.match.readout is not None and draft.match.changes == []
    # A draft that names someone the meeting does not have (the importer's misreading,
    # say) is not "nothing would change": it says whom saving would add.
    document = dict(draft.document)
    document["participants"] = [
        *document["participants"],
        doc.participant("andersson-of-sweden", name="Andersson Of Sweden", country="FI"),
    ]
    assert changes(document, draft.match.readout) == [
        "adds to the meeting: Andersson Of Sweden (andersson-of-sweden)"
    ]
    statements = document["readouts"][0]["statements"]
    document["readouts"] = [
        {**document["readouts"][0], "statements": [{**statements[0], "speaker": "wang-yi"}]}
    ]
    said = changes(document, draft.match.readout)
    assert f"statements: {len(statements)} recorded, 1 drafted" in said


def test_a_name_typed_with_a_cyrillic_look_alike_letter_reads_as_latin(db):
    # The White House's page of 2022-05-19 spells "Niinistӧ" with a Cyrillic "ӧ".
    assert latin_lookalikes("President Sauli Niinist\u04e7 of Finland") == (
        "President Sauli Niinistö of Finland"
    )
    assert latin_lookalikes("Сергей Лавров") == "Сергей Лавров"  # a Cyrillic word stays
    Participant.objects.create(slug="sauli-niinisto", name="Sauli Niinistö", country="FI")
    Participant.objects.create(slug="niinist", name="Niinist\u04e7", country="FI")
    (pair,) = likely_duplicate_participants()
    assert {pair.first.slug, pair.second.slug} == {"sauli-niinisto", "niinist"}
    text = (
        "Readout\n2022-05-19\n\nPresident Biden met with President Sauli Niinist\u04e7 of Finland."
    )
    draft = draft_text(text, match_recorded=False)
    # The text stays as published; the name is read as the person recorded.
    assert "Sauli Niinist\u04e7" in draft.document["readouts"][0]["body"]
    assert "sauli-niinisto" in [p["slug"] for p in draft.document["participants"]]
    assert "niinist" not in [p["slug"] for p in draft.document["participants"]]
