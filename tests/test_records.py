"""Meetings known from a record that is not a readout: loaded, exported, loaded back."""

import json

import pytest
from django.core.management import call_command

from readouts import documents as doc
from readouts.exporting import export_django, export_documents, meetings_for
from readouts.loading import LoadError, load
from readouts.models import Meeting, Readout, Record

from .factories import seed_document, write_json

pytestmark = pytest.mark.django_db

HISTORIAN = "us-office-of-the-historian"


def trip(key: str = "4114", **changes) -> doc.RecordEntry:
    entry = doc.record(
        HISTORIAN,
        "trip",
        key,
        "2021-06-13",
        "Joseph R. Biden",
        "Met with King Philippe and Prime Minister Alexander De Croo. Attended the NATO Summit.",
        url="https://history.state.gov/departmenthistory/travels/president/biden-joseph-r",
        end_date="2021-06-15",
        country="BE",
        place="Brussels",
        role="president",
    )
    return {**entry, **changes}


def contact(slug: str, counterpart: str, name: str, record: doc.RecordEntry) -> doc.Document:
    return doc.document(
        doc.meeting(slug, "2021-06-13", "meeting", f"Joe Biden and {name}", end_date="2021-06-15"),
        [
            doc.participant("joe-biden", name="Joe Biden", country="US", title="President"),
            doc.participant(counterpart, name=name, country="BE"),
        ],
        [],
        records=[record],
    )


def both_contacts(record: doc.RecordEntry | None = None) -> list[doc.Document]:
    record = record or trip()
    return [
        contact("2021-06-13-biden-philippe", "king-philippe", "King Philippe", record),
        contact("2021-06-13-biden-de-croo", "alexander-de-croo", "Alexander De Croo", record),
    ]


def test_it_loads_one_record_of_two_contacts(tmp_path):
    report = load([write_json(tmp_path / "trip.json", both_contacts())])
    assert report.tallies[Record].created == 1
    record = Record.objects.get()
    assert record.natural_key() == (HISTORIAN, "trip", "4114")
    assert sorted(record.meetings.values_list("slug", flat=True)) == [
        "2021-06-13-biden-de-croo",
        "2021-06-13-biden-philippe",
    ]
    assert not Readout.objects.exists()


def test_it_changes_nothing_when_loaded_again(tmp_path):
    path = write_json(tmp_path / "trip.json", both_contacts())
    load([path])
    again = load([path])
    assert not again.changed
    assert again.tallies[Record].unchanged == 1


def test_it_counts_a_record_that_knows_of_one_more_meeting_as_changed(tmp_path):
    first, second = both_contacts()
    load([write_json(tmp_path / "one.json", [first])])
    report = load([write_json(tmp_path / "two.json", [second])])
    assert report.tallies[Record].updated == 1
    assert Record.objects.get().meetings.count() == 2


def test_it_refuses_a_record_given_two_ways(tmp_path):
    first, second = both_contacts()
    second["records"] = [trip(text="Met with King Philippe.")]
    with pytest.raises(LoadError) as refused:
        load([write_json(tmp_path / "both.json", [first, second])])
    assert "record 'us-office-of-the-historian/trip/4114' is given" in str(
        refused.value.problems[0]
    )
    assert "[1].records[0].text" in refused.value.problems[0].path
    assert not Record.objects.exists()


def test_it_adds_a_record_to_a_meeting_known_from_a_readout(tmp_path):
    seed = seed_document()
    load([write_json(tmp_path / "seed.json", seed)])
    seed["records"] = [trip(date="2022-10-27", end_date=None)]
    load([write_json(tmp_path / "with-record.json", seed)])
    meeting = Meeting.objects.get()
    assert meeting.readouts.count() == 1
    assert meeting.records.get().key == "4114"


def test_it_exports_the_records_with_their_meetings(tmp_path, monkeypatch):
    load([write_json(tmp_path / "trip.json", both_contacts())])
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    assert [d["records"] for d in exported["documents"]] == [[trip()], [trip()]]
    assert "records" not in exported  # every record knows of a meeting


def test_it_exports_a_record_that_knows_of_no_meeting_and_loads_it_back(tmp_path):
    load([write_json(tmp_path / "trip.json", both_contacts())])
    Meeting.objects.all().delete()
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    assert exported["records"] == [trip()]
    Record.objects.all().delete()
    load([write_json(tmp_path / "back.json", exported)])
    assert Record.objects.get().text == trip()["text"]


def test_a_django_fixture_of_a_filter_names_only_the_meetings_it_holds(tmp_path):
    load([write_json(tmp_path / "trip.json", both_contacts())])
    meetings, params = meetings_for({"participant": "king-philippe"})
    entries = json.loads("".join(export_django(meetings, params)))
    (record,) = [e for e in entries if e["model"] == "readouts.record"]
    assert record["fields"]["meetings"] == [["2021-06-13-biden-philippe"]]
    everything, _ = meetings_for({})
    path = tmp_path / "fixture.json"
    path.write_text("".join(export_django(everything, {})), encoding="utf-8")
    Record.objects.all().delete()
    Meeting.objects.all().delete()
    call_command("loaddata", str(path), verbosity=0)
    assert Record.objects.get().meetings.count() == 2
