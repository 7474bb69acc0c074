"""export_readouts --format plover: a PLOVER CONSULT event per readout, valid against
the schema of the PLOVER fields it uses (docs/plover-consult.schema.json)."""

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from readouts.exporting import export_plover, meetings_for
from readouts.loading import load
from readouts.models import Meeting, Participant, Readout, Statement

from .factories import SEED, make_document, write_json

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "docs" / "plover-consult.schema.json").read_text()
)
SEED_MEETING = "2022-10-27-wang-yi-sergey-lavrov"


def events(**params) -> list[dict]:
    meetings, used = meetings_for(params)
    lines = "".join(export_plover(meetings, used)).splitlines()
    records = [json.loads(line) for line in lines]
    for record in records:
        jsonschema.validate(record, SCHEMA, format_checker=jsonschema.FormatChecker())
    return records


def test_it_writes_a_consult_event_per_readout(seeded):
    (record,) = events()
    readout = Readout.objects.get()
    assert record["id"] == f"{SEED_MEETING}/mfa-prc/en"
    assert record["link"] == SEED_MEETING
    assert record["date"] == "2022-10-27"
    assert record["event"] == ["CONSULT"] and record["quad_code"] == 1
    assert record["mode"] == ["phone"]
    assert [a["code"] for a in record["source"]] == ["CHN", "RUS"]
    assert record["source"][1] == {
        "code": "RUS",
        "sector": "GOV",
        "actor_text": "Sergey Lavrov",
        "office": "Foreign Minister",
    }
    assert "recipient" not in record
    statements = list(readout.statements.order_by("sequence"))
    assert record["event_text"] == [s.text for s in statements]
    assert [s["speaker"] for s in record["statements"]] == [
        "Wang Yi",
        "Wang Yi",
        "Sergey Lavrov",
        None,
    ]
    assert "ukraine-issue" in record["statements"][3]["topics"]
    cite = record["cite_info"]
    assert cite["publication"] == readout.publisher.name
    assert cite["title"] == readout.title
    assert cite["citation"].endswith(", 2022-10-27")
    assert record["published_at"] == "2022-10-27T15:38:00Z"


@pytest.mark.parametrize(
    ("kind", "location", "countries", "organization", "mode", "source", "recipient"),
    [
        ("video_call", "", ["CN", "RU"], "", "phone", {"CHN", "RUS"}, set()),
        ("messages", "", ["CN", "RU"], "", "phone", {"CHN", "RUS"}, set()),
        ("talks", "Moscow, Russia", ["CN", "RU"], "", "visit", {"CHN"}, {"RUS"}),
        ("visit", "Beijing, China", ["CN", "RU"], "", "visit", {"RUS"}, {"CHN"}),
        ("visit", "Beijing", ["CN", "RU"], "", "visit", {"CHN", "RUS"}, set()),
        ("meeting", "Bali, Indonesia", ["CN", "RU"], "", "third-party", {"CHN", "RUS"}, set()),
        ("meeting", "", ["CN", "RU", "FR"], "", "multilateral", {"CHN", "RUS", "FRA"}, set()),
        ("meeting", "", ["CN", ""], "NATO", "multilateral", {"CHN", "IGO"}, set()),
        ("talks", "", ["CN", "RU"], "", None, {"CHN", "RUS"}, set()),
    ],
)
def test_it_chooses_the_mode_from_kind_participants_and_location(
    tmp_path, kind, location, countries, organization, mode, source, recipient
):
    people = [
        {
            "slug": f"person-{i}",
            "name": f"Person {i}",
            "country": country,
            **({"organization": organization} if not country else {}),
            "title": "Minister",
        }
        for i, country in enumerate(countries)
    ]
    document = {
        "meeting": {
            "slug": "m",
            "date": "2023-05-01",
            "kind": kind,
            "title": "A contact",
            "location": location,
        },
        "participants": people,
        "readouts": [
            {
                "publisher": {"slug": "pub", "name": "Publisher", "country": "CN"},
                "language": "en",
                "title": "A readout",
                "body": "They talked.",
                "statements": [{"speaker": None, "text": "They talked."}],
            }
        ],
    }
    load([write_json(tmp_path / "doc.json", document)])
    (record,) = events()
    assert record.get("mode") == ([mode] if mode else None)
    assert {a["code"] for a in record["source"]} == source
    assert {a["code"] for a in record.get("recipient", [])} == recipient
    if location:
        assert record["comment"] == f"Location: {location}"


def test_every_readout_of_a_corpus_is_a_valid_record_linked_to_its_meeting(tmp_path):
    docs = [make_document(i) for i in range(12)]
    load([SEED, write_json(tmp_path / "corpus.json", docs)])
    Meeting.objects.filter(slug="meeting-3").update(end_date="2023-04-06")
    records = events()
    assert len(records) == Readout.objects.count()
    assert len({r["id"] for r in records}) == len(records)
    assert {r["link"] for r in records} == set(Meeting.objects.values_list("slug", flat=True))
    assert sum(len(r["event_text"]) for r in records) == Statement.objects.count()
    (multi_day,) = [r for r in records if r["link"] == "meeting-3"]
    assert multi_day["enddate"] == "2023-04-06"
    assert events(country="RU") and all(
        "RUS" in {a["code"] for a in r["source"] + r.get("recipient", [])}
        for r in events(country="RU")
    )


def test_the_command_writes_json_lines(seeded):
    out = io.StringIO()
    call_command("export_readouts", "--format", "plover", stdout=out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line)["id"] == f"{SEED_MEETING}/mfa-prc/en"
    assert Participant.objects.count() == 2
