"""Drafts are never silently wrong: the importer's warnings, in the draft, the command and
the admin's review form."""

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command

from readouts import documents as doc
from readouts.importing import Vocabulary, check, draft_text
from readouts.loading import load
from readouts.models import Meeting, Participant, Publisher

from .admin_pages import review_data
from .factories import snapshot
from .test_importer import IMPORT, KNOWN, SEED_TEXT, TRUDEAU, administrator

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
# The White House readout of 2023-10-27: the counterpart's long title runs into his name.
WANG_YI = DATA / "warnings" / "2023-10-27-biden-wang-yi.md"
DEV_SETS = [DATA / "importer", DATA / "importer" / "held-out"]


@pytest.fixture
def vocabulary(seeded):
    load([KNOWN])
    return Vocabulary.from_database()


def codes(warnings) -> list[tuple[str, str]]:
    return [(w.field, w.code) for w in warnings]


def readout_text(title: str, body: str) -> str:
    return (
        "---\ndate: '2022-06-09'\npublished_time: 2022-06-09 18:00:00-04:00\n"
        "source_url: https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/"
        f'2022/06/09/x/\ntitle: "{title}"\n---\n\n{body}\n'
    )


def document(participants, statements, *, location="", title="A meeting", body="") -> dict:
    return doc.document(
        doc.meeting("2022-06-09-a-b", "2022-06-09", "meeting", title, location=location),
        participants,
        [
            doc.readout(
                doc.publisher("white-house"),
                title,
                body or " ".join(s["text"] for s in statements),
                statements=statements,
            )
        ],
    )


# --- each warning, raised where it should be and not elsewhere ---------------------------


def test_it_warns_of_the_office_drafted_as_a_person_and_the_title_cut_off(vocabulary):
    # Drafting this readout once proposed a new participant "Affairs Commission", titled
    # "Director of the Office of the Foreign": both wrong, and both are said.
    once = doc.participant(
        "affairs-commission",
        name="Affairs Commission",
        country="CN",
        title="Director of the Office of the Foreign",
    )
    warnings = check(
        document([doc.participant("joe-biden", title="President"), once], []), vocabulary
    )
    assert codes(warnings) == [
        ("participants[1].name", "not-a-person"),
        ("participants[1].title", "truncated-title"),
    ]
    assert "“Affairs Commission” reads as an office" in warnings[0].message
    assert "“Director of the Office of the Foreign” stops mid-phrase" in warnings[1].message
    # The importer now reads the two titles Wang Yi held at once, and warns of nothing there.
    draft = draft_text(WANG_YI.read_text(encoding="utf-8"), vocabulary)
    wang_yi = next(p for p in draft.document["participants"] if p["slug"] == "wang-yi")
    assert wang_yi["title"] == (
        "Director of the Office of the Foreign Affairs Commission and Foreign Minister"
    )
    assert not [w for w in draft.warnings if w.field.startswith("participants")]


@pytest.mark.parametrize(
    "name",
    ["Affairs Commission", "Prime Minister", "White House", "Women Leaders", "Diplomatic Advisor"],
)
def test_it_warns_of_a_new_person_whose_name_reads_as_an_office_body_or_group(vocabulary, name):
    entry = doc.participant("x", name=name, country="US", title="")
    assert codes(check(document([entry], []), vocabulary)) == [
        ("participants[0].name", "not-a-person")
    ]


@pytest.mark.parametrize(
    "name", ["Justin Trudeau", "Angus King", "Mario Draghi", "Moon Jae-in", "Samia Suluhu Hassan"]
)
def test_it_takes_a_persons_name_as_one(vocabulary, name):
    entry = doc.participant("x", name=name, country="US", title="Prime Minister")
    assert check(document([entry], []), vocabulary) == []


def test_it_asks_did_you_mean_for_a_new_person_sharing_family_name_and_country(vocabulary):
    Participant.objects.create(
        slug="abdel-fattah-al-sisi", name="Abdel Fattah Al Sisi", country="EG"
    )
    Participant.objects.create(slug="kishida-fumio", name="Kishida Fumio", country="JP")
    vocabulary = Vocabulary.from_database()
    for name, country, meant in [
        ("Abdel Fattah El-Sísi", "EG", "Abdel Fattah Al Sisi"),  # accents and particles aside
        ("Fumio Kishida", "JP", "Kishida Fumio"),  # the family name written first
    ]:
        entry = doc.participant("new", name=name, country=country)
        (warning,) = check(document([entry], []), vocabulary)
        assert (warning.field, warning.code) == ("participants[0].name", "did-you-mean")
        assert f"did you mean {meant}?" in warning.message
    # Another country, or the person recorded themselves: nothing to ask.
    elsewhere = doc.participant("new", name="Omar Al Sisi", country="SD")
    assert check(document([elsewhere], []), vocabulary) == []
    recorded = doc.participant("abdel-fattah-al-sisi", title="President")
    assert check(document([recorded], []), vocabulary) == []


@pytest.mark.parametrize(
    ("title", "cut"),
    [
        ("Director of the Office of the Foreign", True),
        ("Minister of Foreign Affairs and", True),
        ("Deputy", True),
        ("Secretary of", True),
        ("Director of the Office of the Central Foreign Affairs Commission", False),
        ("Secretary-General", False),
        ("Minister of State", False),
        ("Chief Executive", False),
    ],
)
def test_it_warns_of_a_title_that_stops_mid_phrase(vocabulary, title, cut):
    entry = doc.participant("wang-yi", title=title)
    expected = [("participants[0].title", "truncated-title")] if cut else []
    assert codes(check(document([entry], []), vocabulary)) == expected


OPENING = (
    "Vice President Kamala Harris today met with Prime Minister Anthony Albanese of Australia."
)


def test_it_warns_of_an_opening_that_only_says_who_met_whom_but_is_attributed(vocabulary):
    people = [
        doc.participant("kamala-harris"),
        doc.participant("anthony-albanese", name="Anthony Albanese", country="AU"),
    ]
    said = "The Vice President underscored the strength of the alliance."
    attributed = [doc.statement("kamala-harris", f"{OPENING} {said}", sequence=1)]
    assert codes(check(document(people, attributed), vocabulary)) == [
        ("readouts[0].statements[0].text", "opening-attributed")
    ]
    left_out = [doc.statement("kamala-harris", said, sequence=1)]
    assert check(document(people, left_out, body=f"{OPENING} {said}"), vocabulary) == []
    # An opening that says more than who met whom is a statement.
    more = OPENING[:-1] + " to discuss the alliance."
    kept = [doc.statement("kamala-harris", f"{more} {said}", sequence=1)]
    assert check(document(people, kept), vocabulary) == []


def test_it_warns_when_the_drafter_keeps_a_bare_opening_as_a_statement(vocabulary):
    # A real readout (2022-09-27): the place after the counterpart keeps the opening in.
    text = readout_text(
        "Readout of Vice President Harris’s Meeting with Prime Minister Albanese of Australia",
        "Vice President Kamala Harris today met with Prime Minister Anthony Albanese of "
        "Australia, in Tokyo, Japan. The Vice President underscored the strength of the "
        "U.S.-Australia Alliance.",
    )
    draft = draft_text(text, vocabulary)
    assert ("readouts[0].statements[0].text", "opening-attributed") in codes(draft.warnings)


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        (
            "President Biden met today in Washington with Prime Minister Store of Norway.",
            "Washington",
        ),
        ("President Biden met with Prime Minister Draghi at the White House.", "White House"),
        (
            "President Biden met with President Chaves of Costa Rica on the margins of the "
            "Summit of the Americas in Los Angeles, California.",
            "Summit of the Americas",
        ),
        ("President Biden met with Prime Minister Draghi to discuss the war in Ukraine.", ""),
        ("On Thursday, June 9, President Biden spoke with Prime Minister Draghi.", ""),
    ],
)
def test_it_warns_of_a_place_named_but_no_location_drafted(vocabulary, opening, place):
    people = [
        doc.participant("joe-biden"),
        doc.participant("mario-draghi", name="Mario Draghi", country="IT"),
    ]
    statements = [doc.statement("joe-biden", "The President said so.", sequence=1)]
    found = check(
        document(people, statements, body=f"{opening}\nThe President said so."), vocabulary
    )
    if place:
        assert codes(found) == [("meeting.location", "place-not-drafted")]
        assert f"(“{place}”)" in found[0].message
    else:
        assert found == []
    located = document(people, statements, location=place or "Rome", body=opening)
    assert check(located, vocabulary) == []


def test_it_warns_of_a_speaker_who_is_not_a_participant(vocabulary):
    people = [doc.participant("joe-biden")]
    statements = [
        doc.statement("joe-biden", "The President said so.", sequence=1),
        doc.statement("sergey-lavrov", "Lavrov said so.", sequence=2),
        doc.statement(None, "The two sides agreed.", sequence=3),
    ]
    assert codes(check(document(people, statements), vocabulary)) == [
        ("readouts[0].statements[1].speaker", "speaker-not-participant")
    ]


def test_it_warns_of_a_place_drafted_as_a_person(vocabulary):
    people = [
        doc.participant("joe-biden"),
        doc.participant("northern-ireland", name="Northern Ireland", country=""),
    ]
    warnings = check(document(people, []), vocabulary)
    assert codes(warnings) == [("participants[1].name", "not-a-person")]
    assert "country or territory" in warnings[0].message
    # Nor does the drafter make one of a state's long name.
    draft = draft_text(
        readout_text(
            "Readout of Vice President Harris’s Meeting with Prime Minister Boris Johnson of "
            "the United Kingdom of Great Britain and Northern Ireland",
            "Vice President Kamala Harris met with Prime Minister Boris Johnson today.",
        ),
        vocabulary,
    )
    assert [p["slug"] for p in draft.document["participants"]] == ["kamala-harris", "boris-johnson"]


def test_it_warns_of_a_statement_opening_on_someone_not_taking_part(vocabulary):
    people = [doc.participant("joe-biden"), doc.participant("sergey-lavrov")]
    statements = [
        doc.statement(
            "joe-biden",
            "The President said so. Secretary of State Antony Blinken also emphasized the "
            "importance of diplomacy.",
            sequence=1,
        ),
        # A participant by office and family name: no warning.
        doc.statement("sergey-lavrov", "Foreign Minister Lavrov noted the talks.", sequence=2),
    ]
    warnings = check(document(people, statements), vocabulary)
    assert codes(warnings) == [
        ("readouts[0].statements[0].speaker", "named-speaker-not-participant")
    ]
    assert "“Secretary of State Antony Blinken” speaks" in warnings[0].message
    assert "given to Joe Biden" in warnings[0].message


def test_a_clean_draft_has_no_warnings(vocabulary):
    for path in (TRUDEAU, SEED_TEXT):
        draft = draft_text(path.read_text(encoding="utf-8"), vocabulary)
        assert draft.document and draft.warnings == [], path.name


# --- few false alarms ----------------------------------------------------------------------


@pytest.mark.parametrize("folder", DEV_SETS, ids=["dev", "held-out"])
def test_the_hand_checked_documents_raise_no_warning_but_the_missing_location(vocabulary, folder):
    # What an analyst checked by hand is right: nothing in it reads as wrong, except that
    # the checked documents leave the location out where the text names a place.
    for path in sorted((folder / "expected").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        warnings = check(document, vocabulary)
        found = {w.code for w in warnings}
        assert found <= {"place-not-drafted", "family-name-only"}, (path.name, found)
        # One word is checked as a name only where the readout gives no more of it
        # ("Indian External Affairs Minister Jaishankar").
        for warning in warnings:
            if warning.code == "family-name-only":
                name = warning.message.split("”")[0].lstrip("“")
                body = document["readouts"][0]["body"]
                assert not re.search(rf"\b[A-Z][a-z]+ {name}\b(?<!Minister {name})", body)


# "Han" and "Ardern" (drafted from "Prime Minister Han of the Republic of Korea": wrong, the
# people are Han Duck-soo and Jacinda Ardern), and "Jaishankar" (as the readout names him).
FAMILY_NAME_ONLY = 3


def test_the_dev_sets_drafts_raise_few_warnings_and_each_is_a_real_problem(vocabulary):
    """The dev and held-out readouts (62 drafted) give 16 warnings: 14 places not drafted as
    the location (all real places of the meetings), "Diplomatic Advisor" proposed as a person,
    and "Fumio Kishida" proposed new when Kishida Fumio is known. None is a false alarm; the
    counts may only go down as the drafting improves."""
    found = Counter()
    for folder in DEV_SETS:
        for path in sorted((folder / "readouts").iterdir()):
            draft = draft_text(path.read_text(encoding="utf-8"), vocabulary)
            found.update(w.code for w in draft.warnings)
    assert found["place-not-drafted"] <= 14
    assert found["not-a-person"] <= 1
    assert found["did-you-mean"] <= 1
    assert found["family-name-only"] <= FAMILY_NAME_ONLY
    assert found.keys() <= {"place-not-drafted", "not-a-person", "did-you-mean", "family-name-only"}


# --- the command and the review form -------------------------------------------------------


def test_the_command_prints_the_warnings_and_still_writes_the_draft(vocabulary, tmp_path, capsys):
    source = tmp_path / "harris-albanese.md"
    source.write_text(
        readout_text(
            "Readout of Vice President Harris’s Meeting with Prime Minister Albanese of Australia",
            "Vice President Kamala Harris today met with Prime Minister Anthony Albanese of "
            "Australia, in Tokyo, Japan. The Vice President underscored the strength of the "
            "U.S.-Australia Alliance.",
        ),
        encoding="utf-8",
    )
    out_dir = tmp_path / "drafts"
    call_command("import_readout_text", str(source), "-o", str(out_dir))
    out = capsys.readouterr().out
    assert "  warning: readouts[0].statements[0].text: the opening sentence only says" in out
    assert "1 draft(s) have warnings" in out
    assert [p.name for p in out_dir.iterdir()] == ["2022-06-09-anthony-albanese-kamala-harris.json"]


def as_drafted_once(data: dict) -> dict:
    """The review form as the importer once drafted the Wang Yi readout: an office given
    as a new person, with a title cut off."""
    row = next(
        key[: -len("-slug")]
        for key, value in data.items()
        if key.startswith("people-") and key.endswith("-slug") and value == "wang-yi"
    )
    data[f"{row}-existing"] = ""
    data[f"{row}-name"] = "Affairs Commission"
    data[f"{row}-slug"] = "affairs-commission"
    data[f"{row}-country"] = "CN"
    data[f"{row}-title"] = "Director of the Office of the Foreign"
    return data


def test_the_review_form_shows_each_warning_at_its_field_and_saves_anyway(vocabulary, client):
    administrator(client)
    drafted = client.post(IMPORT, {"text": WANG_YI.read_text(encoding="utf-8")})
    data = as_drafted_once(review_data(drafted))
    data["date"] = "not a date"  # the form comes back, checked as edited
    response = client.post(IMPORT, data)
    page = response.content.decode()
    # A summary at the top, and each warning beside its field.
    assert "2 warnings" in page
    assert page.index("draft-warnings") < page.index('name="people-1-name"')
    name_field = page.index('id="id_people-1-name"')
    warning = page.index('id="id_people-1-name_warning_1"')
    assert name_field < warning < page.index('id="id_people-1-slug"')
    assert "Warning: “Affairs Commission” reads as an office" in page
    assert page.index('id="id_people-1-title"') < page.index('id="id_people-1-title_warning_1"')

    # Saved as edited, warnings and all: the analyst decides, and is told again.
    data["date"] = "2023-10-27"
    response = client.post(IMPORT, data)
    assert response.status_code == 302
    assert Participant.objects.get(slug="affairs-commission").name == "Affairs Commission"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Participant 2, New: name: “Affairs Commission” reads as" in m for m in told)


def test_the_review_form_checks_the_draft_as_edited(vocabulary, client):
    administrator(client)
    drafted = client.post(IMPORT, {"text": WANG_YI.read_text(encoding="utf-8")})
    data = as_drafted_once(review_data(drafted))
    # The analyst fixes the name but leaves a mistake elsewhere: the form comes back with
    # the error, and with the title's warning still there (the name's is gone).
    data["people-1-name"] = "Zhao Leji"
    data["people-1-slug"] = "zhao-leji"
    data["date"] = "not a date"
    before = snapshot()
    response = client.post(IMPORT, data)
    assert snapshot() == before
    assert codes_on_page(response) == [("Participant 2, Title at the time", "truncated")]
    data["people-1-title"] = "Director of the Office of the Foreign Affairs Commission"
    data["date"] = "2023-10-27"
    response = client.post(IMPORT, data)
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if "warning" in str(m)]


def codes_on_page(response) -> list[tuple[str, str]]:
    return [
        (where, "truncated" if "stops mid-phrase" in message else message)
        for where, message in response.context["warnings"]
    ]


def test_the_review_form_shows_and_takes_the_published_time_in_the_publishers_zone(
    vocabulary, client
):
    administrator(client)
    response = client.post(IMPORT, {"text": TRUDEAU.read_text(encoding="utf-8")})
    form = response.context["meeting_form"]
    assert form.initial["published_at"] == "2021-04-21 14:52:55"
    assert "America/New_York" in form.fields["published_at"].help_text
    data = review_data(response)
    data["published_at"] = "2021-04-21 23:38"  # as the White House's clock shows it
    assert client.post(IMPORT, data).status_code == 302
    readout = Meeting.objects.get(slug="2021-04-21-justin-trudeau-joe-biden").readouts.get()
    assert readout.published_at == dt.datetime(2021, 4, 22, 3, 38, tzinfo=dt.UTC)


def test_the_review_form_gives_the_offset_where_the_publisher_records_no_zone(vocabulary, client):
    administrator(client)
    response = client.post(IMPORT, {"text": SEED_TEXT.read_text(encoding="utf-8")})
    assert response.context["meeting_form"].initial["published_at"] == "2022-10-27 23:38"
    Publisher.objects.filter(slug="mfa-prc").update(time_zone="")
    response = client.post(IMPORT, {"text": SEED_TEXT.read_text(encoding="utf-8")})
    form = response.context["meeting_form"]
    assert form.initial["published_at"] == "2022-10-27T23:38:00+00:00"
    assert "records no time zone" in form.fields["published_at"].help_text


def test_it_warns_of_someone_drafted_as_a_recorded_person_by_family_name_alone(vocabulary):
    Participant.objects.create(slug="boris-johnson", name="Boris Johnson", country="GB")
    vocabulary = Vocabulary.from_database()
    text = readout_text(
        "Readout of President Biden’s Call with Prime Minister Rishi Johnson of the United Kingdom",
        "President Biden spoke today with Prime Minister Rishi Johnson of the United Kingdom. "
        "The leaders discussed Ukraine.",
    )
    draft = draft_text(text, vocabulary)
    johnson = [w for w in draft.warnings if w.code == "matched-by-family-name"]
    if any(p["slug"] == "boris-johnson" for p in draft.document["participants"]):
        assert johnson and "“Rishi Johnson”, drafted as the recorded Boris Johnson" in (
            johnson[0].message
        )
    else:  # proposed as someone new: then "did you mean" says the same
        assert [w for w in draft.warnings if w.code == "did-you-mean"]


def test_it_asks_did_you_mean_for_a_family_name_written_first_in_the_record(vocabulary):
    Participant.objects.create(slug="kishida-fumio", name="Kishida Fumio", country="JP")
    vocabulary = Vocabulary.from_database()
    entry = doc.participant("hiroshi-kishida", name="Hiroshi Kishida", country="JP", title="")
    warnings = check(document([entry], []), vocabulary)
    assert [w.code for w in warnings] == ["did-you-mean"]
    assert "did you mean Kishida Fumio?" in warnings[0].message
