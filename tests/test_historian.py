"""The Office of the Historian's visits and trips, imported beside the White House's
readouts: matched where a readout records the contact, new meetings where none does."""

import io

import pytest
from django.core.management import CommandError, call_command

from readouts import findings
from readouts.loading import load
from readouts.models import Meeting, Participant, Readout, Record

from .factories import FIXTURES, PROJECT, snapshot, write_json

pytestmark = pytest.mark.django_db

SAMPLE = PROJECT / "tests" / "data" / "historian"
VISITS = SAMPLE / "visits-2021.xml"
BIDEN = SAMPLE / "travels-president-biden-2021.xml"
BLINKEN = SAMPLE / "travels-secretary-blinken-2021.xml"
SOURCE = "us-office-of-the-historian"


@pytest.fixture
def white_house(db):
    """The White House's readouts of 2021-2022, as the demo data has them."""
    load([FIXTURES / "005-publishers.json", FIXTURES / "100-white-house-readouts.json"])


def run(*paths, **options) -> str:
    out = io.StringIO()
    call_command("import_historian_records", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def record(kind: str, key: str) -> Record:
    return Record.objects.get(source=SOURCE, kind=kind, key=key)


def attending(meeting: Meeting) -> set[str]:
    return set(meeting.attendances.values_list("participant__slug", flat=True))


def test_it_joins_a_visit_to_the_meeting_a_readout_records(white_house):
    output = run(VISITS, verbosity=2)
    (meeting,) = record("visit", "3022").meetings.all()  # President Ghani, 25 June 2021
    assert meeting.slug == "2021-06-25-ashraf-ghani-joe-biden"
    assert meeting.readouts.get().publisher.slug == "white-house"
    assert "Ashraf Ghani: joins the recorded meeting 2021-06-25-ashraf-ghani-joe-biden" in output


def test_it_makes_a_visit_no_readout_records_a_meeting_of_its_own(white_house):
    run(VISITS)
    (meeting,) = record("visit", "3018").meetings.all()  # Prime Minister Suga, 16 April 2021
    assert not meeting.readouts.exists()
    assert (meeting.date.isoformat(), meeting.kind) == ("2021-04-16", "visit")
    assert attending(meeting) == {"joe-biden", "suga-yoshihide"}
    suga = meeting.attendances.get(participant__slug="suga-yoshihide")
    assert (suga.title, suga.participant.country.code) == ("Prime Minister", "JP")
    entry = record("visit", "3018")
    assert (entry.who, entry.text, entry.country.code) == (
        "Prime Minister Suga Yoshihide",
        "Official Working Visit.",
        "JP",
    )
    assert entry.url == "https://history.state.gov/departmenthistory/visits/2021"


def test_it_matches_people_to_those_recorded_never_duplicating_them(white_house):
    before = Participant.objects.count()
    run(VISITS, BIDEN)
    # "President Volodymyr Zelensky" is the recorded Volodymyr Zelenskyy; the President
    # receiving the visits is the recorded Joe Biden, not "Joseph R. Biden" again.
    assert "volodymyr-zelenskyy" in attending(record("visit", "3028").meetings.get())
    assert not Participant.objects.filter(name__in=["Volodymyr Zelensky", "Joseph R. Biden"])
    new = set(Participant.objects.values_list("slug", flat=True)[before:])
    assert "suga-yoshihide" in Participant.objects.values_list("slug", flat=True)
    assert not {slug for slug in new if "biden" in slug or "zelensk" in slug}


def test_a_trip_becomes_each_contact_its_remarks_name(white_house):
    run(BIDEN)
    brussels = record("trip", "4114")  # "Met with King Philippe and Prime Minister ..."
    assert brussels.text == (
        "Met with King Philippe and Prime Minister Alexander De Croo. Attended the NATO Summit."
    )
    people = [attending(m) - {"joe-biden"} for m in brussels.meetings.order_by("slug")]
    assert sorted(map(sorted, people)) == [["alexander-de-croo"], ["philippe"]]
    de_croo = Meeting.objects.get(attendances__participant__slug="alexander-de-croo")
    assert de_croo.attendances.get(participant__slug="alexander-de-croo").title == "Prime Minister"
    assert (de_croo.kind, de_croo.location) == ("meeting", "Brussels, Belgium")
    # A trip naming nobody met (the climate conference in Glasgow) makes no meeting.
    assert not Record.objects.filter(key="4118").exists()


def test_a_trip_joins_the_readouts_meeting_and_its_second_counterpart_joins_too(white_house):
    output = run(BIDEN, verbosity=2)
    (geneva,) = record("trip", "4115").meetings.all()
    assert geneva.slug == "2021-06-15-guy-parmelin-joe-biden"
    assert {"guy-parmelin", "ignazio-cassis"} <= attending(geneva)
    assert geneva.readouts.count() == 1
    assert "Ignazio Cassis: joins the recorded meeting 2021-06-15-guy-parmelin-joe-biden" in output


def test_one_trip_entered_twice_is_one_meeting_with_both_records(white_house):
    run(BLINKEN)
    first, second = record("trip", "3992"), record("trip", "4019")
    (meeting,) = first.meetings.all()
    assert list(second.meetings.all()) == [meeting]
    assert attending(meeting) == {"antony-blinken", "toshimitsu-motegi"}
    # "Antony John Blinken", the traveller, is the Antony Blinken recorded, not another.
    assert list(Participant.objects.filter(name__contains="Blinken").values_list("slug")) == [
        ("antony-blinken",)
    ]


def test_it_reports_a_family_name_alone_that_nobody_has_and_drafts_no_contact(white_house):
    output = run(BLINKEN)
    assert "Foreign Secretary Raab: only a family name" in output
    # "President Zelenskyy" and "Foreign Minister Kuleba" alone are the ones recorded.
    kyiv = record("trip", "3999").meetings.all()
    assert [attending(m) - {"antony-blinken"} for m in kyiv.order_by("slug")] == [
        {"dmytro-kuleba"},
        {"volodymyr-zelenskyy"},
    ]
    # Tokyo (twice), London (Boris Johnson), Kyiv (two): the second Tokyo entry is the first's.
    assert "matched to meetings recorded already 1, new meetings 4" in output


def test_it_does_not_join_another_contact_of_the_same_two_countries(db, tmp_path):
    load([FIXTURES / "005-publishers.json"])
    other = {
        "meeting": {
            "slug": "2021-04-16-harris-motegi",
            "date": "2021-04-16",
            "kind": "meeting",
            "title": "Vice President Harris meets Foreign Minister Motegi",
        },
        "participants": [
            {"slug": "kamala-harris", "name": "Kamala Harris", "country": "US"},
            {"slug": "toshimitsu-motegi", "name": "Toshimitsu Motegi", "country": "JP"},
        ],
        "readouts": [
            {
                "publisher": {"slug": "white-house"},
                "language": "en",
                "title": "Readout of the Vice President's meeting",
                "body": "The Vice President met Foreign Minister Motegi.",
            }
        ],
    }
    load([write_json(tmp_path / "other.json", other)])
    run(VISITS)
    suga = record("visit", "3018").meetings.get()
    assert suga.slug != "2021-04-16-harris-motegi"
    assert attending(suga) == {"joe-biden", "suga-yoshihide"}


def test_it_changes_nothing_when_run_again(white_house):
    run(VISITS, BIDEN, BLINKEN)
    before = snapshot()
    output = run(VISITS, BIDEN, BLINKEN)
    assert "Nothing to change: the database already matches." in output
    assert "new meetings 0" in output
    assert snapshot() == before


def test_it_writes_the_documents_the_loader_reads_instead(white_house, tmp_path):
    target = tmp_path / "records.json"
    run(VISITS, BIDEN, BLINKEN, output=str(target))
    assert not Record.objects.exists()
    load([target])
    assert Record.objects.count() == 10  # 11 entries; the Glasgow trip names nobody met


def test_it_takes_the_entries_between_two_days(white_house):
    run(VISITS, since="2021-06-01", until="2021-07-31")
    assert sorted(Record.objects.values_list("key", flat=True)) == ["3022", "3024"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("<visits>\n  <visit>\n    <id>1</id>\n  </visits>\n", ":4: not well-formed XML"),
        ("<trips>\n<visit><id>1</id></visit>\n</trips>", ":2: <visit> where a <trip> was expected"),
        (
            "<visits>\n<visit><id>7</id><start-date>2021-02-30</start-date>"
            "<visitor>X Y</visitor></visit>\n</visits>",
            ":2: visit 7: <start-date> '2021-02-30' is not a date",
        ),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE visits [<!ENTITY a "aaaa">]>\n<visits/>',
            ":2: a DOCTYPE is not accepted",
        ),
        ("<readouts/>", ":1: <readouts> is not the Historian's <visits> or <trips>"),
    ],
)
def test_it_refuses_a_bad_file_naming_it_and_the_line_and_writes_nothing(
    white_house, tmp_path, text, said
):
    bad = tmp_path / "bad.xml"
    bad.write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(VISITS, bad)
    assert f"{bad}{said}" in str(refused.value)
    assert "nothing was loaded" in str(refused.value)
    assert snapshot() == before


def test_a_meeting_known_only_from_the_record_says_so(white_house, client):
    run(VISITS)
    suga = record("visit", "3018").meetings.get()
    page = client.get(suga.get_absolute_url()).content.decode()
    assert "Known from the Office of the Historian’s record; no readout recorded" in page
    assert "Official Working Visit." in page
    ghani = client.get("/meetings/2021-06-25-ashraf-ghani-joe-biden/").content.decode()
    assert "Known from the Office of the Historian’s record</h2>" in ghani


def test_the_filter_lists_the_contacts_with_no_white_house_readout(white_house, client):
    run(VISITS)
    url = "/meetings/?known_from=record&unreported_by_country=US"
    page = client.get(url).content.decode()
    assert "2021-04-16-suga-yoshihide-joe-biden" in page
    assert "2021-06-25-ashraf-ghani-joe-biden" not in page
    assert "4 meetings" not in page and "3 meetings" in page  # Suga, Merkel, Zelenskyy
    download = client.get("/meetings/export.json?known_from=record&unreported_by_country=US")
    content = b"".join(download.streaming_content).decode()
    assert '"key": "3018"' in content and '"key": "3022"' not in content


def test_the_unreported_page_counts_them_by_country_and_month(white_house, client):
    run(VISITS)
    page = client.get("/unreported/").content.decode()
    assert "Known from a record, no readout from United States" in page
    for country in ("Japan", "Germany", "Ukraine"):
        assert f'<tr><th scope="row">{country}</th>' in page
    assert "Afghanistan" not in page  # the White House reported President Ghani's visit
    assert '<tr><th scope="row">April 2021</th><td>1</td></tr>' in page
    assert "/meetings/export.csv?known_from=record&amp;unreported_by_country=US" in page


def test_the_pair_page_counts_the_contacts_a_record_knows_of(white_house, client):
    run(VISITS)
    page = client.get("/pairs/US/JP/").content.decode()
    # Prime Minister Suga's visit: known from the record, with no readout from either side.
    link = "/meetings/?pair=US%2CJP&amp;known_from=record&amp;unreported_by_country=US"
    assert f'no readout from United States of America</th><td><a href="{link}">1</a>' in page


def test_a_meeting_known_from_a_record_is_not_a_finding_of_one_without_a_readout(white_house):
    run(VISITS)
    suga = str(record("visit", "3018").meetings.get())
    assert suga not in {f.subject for f in findings.meetings_without_readouts()}
    Record.objects.all().delete()
    assert suga in {f.subject for f in findings.meetings_without_readouts()}
    assert Readout.objects.exists()


def trips_file(tmp_path, *trips: tuple[str, str, str, str]) -> str:
    """A file of the Secretary's trips: (id, date, country id and name, remarks) each."""
    body = "".join(
        f'<trip role="secretary" who="blinken-antony-j"><id>{key}</id><role>secretary</role>'
        f"<name>Antony John Blinken</name><start-date>{day}</start-date>"
        f'<country id="{country.split("|")[0]}">{country.split("|")[1]}</country>'
        f"<locale>Somewhere</locale><remarks>{remarks}</remarks></trip>\n"
        for key, day, country, remarks in trips
    )
    path = tmp_path / "trips.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<trips>{body}</trips>\n', "utf-8")
    return path


def test_names_that_start_with_an_accented_capital_are_read(db, tmp_path):
    load([FIXTURES / "005-publishers.json"])
    trips = trips_file(
        tmp_path,
        (
            "4089",
            "2022-10-03",
            "colombia|Colombia",
            "Met with President Gustavo Petro, Vice President Francia Márquez, and Foreign "
            "Minister Álvaro Leyva.",
        ),
        (
            "4125",
            "2023-02-19",
            "turkiye|Türkiye",
            "Saw U.S. efforts and met with Turkish Foreign Minister Mevlüt\n            Çavuşoğlu.",
        ),
    )
    output = run(trips)
    bogota = [attending(m) - {"antony-blinken"} for m in record("trip", "4089").meetings.all()]
    assert sorted(map(sorted, bogota)) == [["alvaro-leyva"], ["francia-marquez"], ["gustavo-petro"]]
    (ankara,) = record("trip", "4125").meetings.all()
    cavusoglu = ankara.attendances.exclude(participant__slug="antony-blinken").get().participant
    assert cavusoglu.name == "Mevlüt Çavuşoğlu"
    assert "only a family name" not in output
    assert "people named who could not be told 0" in output


def test_a_person_named_in_a_list_who_cannot_be_read_is_counted(db, tmp_path):
    load([FIXTURES / "005-publishers.json"])
    trips = trips_file(
        tmp_path,
        (
            "4063",
            "2022-03-29",
            "morocco|Morocco",
            "Met with Prime Minister Aziz Akhannouch and Foreign Minister Nasser Bourita and\n"
            "            Crown Prince of Abu Dhabi Sheikh Mohammed bin Zayed Al Nahyan.",
        ),
    )
    output = run(trips, verbosity=2)
    assert "people named who could not be told 1" in output
    assert "Sheikh Mohammed bin Zayed Al Nahyan: not read as a name" in output
    assert record("trip", "4063").meetings.count() == 2  # Akhannouch and Bourita


def test_a_recorded_name_written_longer_is_the_person_recorded(white_house, tmp_path):
    visits = tmp_path / "visits.xml"
    visits.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<visits>'
        "<visit><id>3104</id><start-date>2022-12-13</start-date><end-date>2022-12-15</end-date>"
        "<visitor>President Abdel Fattah Said Alsisi</visitor>"
        '<from id="egypt">Egypt</from><description>Attended the Summit.</description></visit>'
        "<visit><id>3108</id><start-date>2022-12-13</start-date><end-date>2022-12-15</end-date>"
        "<visitor>President Felix Antoine\n  Tshisekedi Tshilombo</visitor>"
        '<from id="congo-democratic-republic">Democratic Republic of the Congo (Zaire)</from>'
        "<description>Attended the Summit.</description></visit></visits>\n",
        "utf-8",
    )
    before = Participant.objects.count()
    run(visits)
    assert Participant.objects.count() == before
    assert "abdel-fattah-al-sisi" in attending(record("visit", "3104").meetings.get())
    (kinshasa,) = record("visit", "3108").meetings.all()
    assert kinshasa.slug == "2022-12-14-felix-tshisekedi-joe-biden"
    assert "felix-tshisekedi" in attending(kinshasa)
    assert not any("tshilombo" in slug or "alsisi" in slug for slug in attending(kinshasa))


def test_two_people_one_entry_names_are_two_contacts_not_one_meeting(db, tmp_path):
    # "Met with Prime Minister Boris Johnson and Queen Elizabeth II": the Queen does not
    # join the recorded meeting with Johnson as if she were someone of it named otherwise.
    load([FIXTURES / "005-publishers.json"])
    recorded = {
        "meeting": {
            "slug": "2022-10-03-antony-blinken-boris-johnson",
            "date": "2022-10-03",
            "kind": "meeting",
            "title": "Secretary Blinken meets Prime Minister Johnson",
        },
        "participants": [
            {"slug": "antony-blinken", "name": "Antony Blinken", "country": "US"},
            {"slug": "boris-johnson", "name": "Boris Johnson", "country": "GB"},
        ],
        "readouts": [
            {
                "publisher": {"slug": "white-house"},
                "language": "en",
                "title": "Readout of the Secretary's meeting",
                "body": "The Secretary met Prime Minister Johnson.",
            }
        ],
    }
    load([write_json(tmp_path / "recorded.json", recorded)])
    trips = trips_file(
        tmp_path,
        (
            "4090",
            "2022-10-03",
            "united-kingdom|United Kingdom",
            "Met with Prime Minister Boris Johnson and Queen Elizabeth II.",
        ),
    )
    run(trips)
    met = sorted(sorted(attending(m)) for m in record("trip", "4090").meetings.all())
    assert met == [["antony-blinken", "boris-johnson"], ["antony-blinken", "elizabeth-ii"]]
    johnson = Meeting.objects.get(slug="2022-10-03-antony-blinken-boris-johnson")
    assert attending(johnson) == {"antony-blinken", "boris-johnson"}
