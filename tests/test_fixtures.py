"""The fixtures in fixtures/, the published schema and the models agree."""

import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from readouts import loading
from readouts.models import Attendance, Meeting, Participant, Publisher, Readout, Topic

from .factories import FIXTURES, SEED, seed_document

DATA = Path(__file__).resolve().parent / "data"
SCHEMA = json.loads(loading.SCHEMA_PATH.read_text(encoding="utf-8"))
FIXTURE_FILES = sorted(FIXTURES.rglob("*.json"))


def test_it_publishes_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_it_validates_every_fixture_against_the_schema(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    assert errors == []


def test_it_keeps_the_seed_readout_verbatim():
    seed_text = (DATA / "seed-000.txt").read_text(encoding="utf-8")
    title, stamp, body = seed_text.split("\n\n", 2)
    doc = seed_document()
    readout = doc["readouts"][0]
    assert doc["meeting"]["title"] == readout["title"] == title
    assert readout["body"] == body
    assert datetime.fromisoformat(readout["published_at"]).strftime("%Y-%m-%d %H:%M") == stamp
    assert readout["published_at"].endswith("+08:00")  # Beijing time


def test_it_makes_every_attributed_paragraph_a_statement():
    doc = seed_document()
    readout = doc["readouts"][0]
    paragraphs = readout["body"].split("\n\n")
    statements = readout["statements"]
    # The first paragraph introduces the call; every later one is attributed.
    assert [s["text"] for s in statements] == paragraphs[1:]
    assert [s["speaker"] for s in statements] == ["wang-yi", "wang-yi", "sergey-lavrov", None]
    assert paragraphs[-1].startswith("The two sides")
    assert {"ukraine-issue", "international-and-regional-issues"} <= set(statements[-1]["topics"])


def test_it_records_the_seed_meeting_and_participants():
    doc = seed_document()
    assert doc["meeting"]["date"] == "2022-10-27"
    assert doc["meeting"]["kind"] == "phone_call"
    people = {p["slug"]: p for p in doc["participants"]}
    assert people["wang-yi"]["country"] == "CN"
    assert people["wang-yi"]["title"] == (
        "Member of the Political Bureau of the CPC Central Committee, "
        "State Councilor and Foreign Minister"
    )
    assert people["sergey-lavrov"]["country"] == "RU"
    assert people["sergey-lavrov"]["title"] == "Foreign Minister"
    publisher = doc["readouts"][0]["publisher"]
    assert publisher["slug"] == "mfa-prc" and publisher["country"] == "CN"
    topics = {t["slug"] for t in doc["topics"]}
    assert {
        "20th-cpc-national-congress",
        "china-russia-relations",
        "ukraine-issue",
        "international-and-regional-issues",
    } <= topics


# The schema's limits are the models' limits.
SCHEMA_FIELDS = [
    ("meeting", "slug", Meeting, "slug"),
    ("meeting", "title", Meeting, "title"),
    ("meeting", "location", Meeting, "location"),
    ("participant", "slug", Participant, "slug"),
    ("participant", "name", Participant, "name"),
    ("participant", "organization", Participant, "organization"),
    ("participant", "title", Attendance, "title"),
    ("topic", "slug", Topic, "slug"),
    ("topic", "name", Topic, "name"),
    ("publisher", "slug", Publisher, "slug"),
    ("publisher", "name", Publisher, "name"),
    ("readout", "language", Readout, "language"),
    ("readout", "title", Readout, "title"),
]


@pytest.mark.parametrize("definition,prop,model,field", SCHEMA_FIELDS)
def test_it_keeps_schema_lengths_equal_to_model_lengths(definition, prop, model, field):
    spec = SCHEMA["$defs"][definition]["properties"][prop]
    assert spec["maxLength"] == model._meta.get_field(field).max_length


def test_it_keeps_url_lengths_and_kinds_in_agreement():
    assert SCHEMA["$defs"]["url"]["maxLength"] == Readout._meta.get_field("url").max_length
    assert SCHEMA["$defs"]["url"]["maxLength"] == Publisher._meta.get_field("website").max_length
    kinds = SCHEMA["$defs"]["meeting"]["properties"]["kind"]["enum"]
    assert kinds == list(Meeting.Kind.values)


def test_it_names_the_seed_fixture_first():
    assert FIXTURE_FILES[0] == SEED
