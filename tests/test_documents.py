"""The readout document has one owner in code (readouts/documents.py): its types, the
published JSON Schema and the models' field limits say the same thing."""

import json

import pytest

from readouts import documents as doc
from readouts.loading.schema import SCHEMA_PATH, is_valid
from readouts.models import (
    Attendance,
    Meeting,
    MeetingKind,
    Participant,
    Publisher,
    Readout,
    Record,
    RecordKind,
    RecordSource,
    Topic,
)

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]

SHAPES = {
    "document": doc.Document,
    "meeting": doc.MeetingEntry,
    "participant": doc.ParticipantEntry,
    "topic": doc.TopicEntry,
    "publisher": doc.PublisherEntry,
    "readout": doc.ReadoutEntry,
    "statement": doc.StatementEntry,
    "record": doc.RecordEntry,
    "export": doc.Export,
    "header": doc.ExportHeader,
}

# Each length the schema limits, and the model field that holds the value.
LIMITS = {
    ("meeting", "slug"): Meeting._meta.get_field("slug"),
    ("meeting", "title"): Meeting._meta.get_field("title"),
    ("meeting", "location"): Meeting._meta.get_field("location"),
    ("participant", "slug"): Participant._meta.get_field("slug"),
    ("participant", "name"): Participant._meta.get_field("name"),
    ("participant", "organization"): Participant._meta.get_field("organization"),
    ("participant", "title"): Attendance._meta.get_field("title"),
    ("topic", "slug"): Topic._meta.get_field("slug"),
    ("topic", "name"): Topic._meta.get_field("name"),
    ("topic", "parent"): Topic._meta.get_field("slug"),
    ("publisher", "slug"): Publisher._meta.get_field("slug"),
    ("publisher", "name"): Publisher._meta.get_field("name"),
    ("publisher", "website"): Publisher._meta.get_field("website"),
    ("publisher", "time_zone"): Publisher._meta.get_field("time_zone"),
    ("readout", "language"): Readout._meta.get_field("language"),
    ("readout", "title"): Readout._meta.get_field("title"),
    ("readout", "url"): Readout._meta.get_field("url"),
    ("record", "key"): Record._meta.get_field("key"),
    ("record", "url"): Record._meta.get_field("url"),
    ("record", "place"): Record._meta.get_field("place"),
    ("record", "who"): Record._meta.get_field("who"),
    ("record", "role"): Record._meta.get_field("role"),
}


# Lists kept in one text field, one item a line or a space: each item as long as the field
# it names (a slug) or as the rule that checks them allows (a host name, 253 by DNS).
ITEM_LIMITS = {
    ("participant", "former_slugs"): Participant._meta.get_field("slug").max_length,
    ("topic", "former_slugs"): Topic._meta.get_field("slug").max_length,
    ("participant", "distinct_from"): Participant._meta.get_field("slug").max_length,
    ("topic", "distinct_from"): Topic._meta.get_field("slug").max_length,
    ("publisher", "hosts"): 253,
}


def max_length(schema: dict) -> int | None:
    """The maxLength a property's schema sets, directly, through a $ref or in anyOf."""
    if "maxLength" in schema:
        return schema["maxLength"]
    if "$ref" in schema:
        return max_length(SCHEMA[schema["$ref"].rsplit("/", 1)[1]])
    for branch in schema.get("anyOf", []) + schema.get("allOf", []):
        found = max_length(branch)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("name", SHAPES)
def test_the_types_have_the_schemas_fields_and_requirements(name):
    shape, schema = SHAPES[name], SCHEMA[name]
    assert list(shape.__annotations__) == list(schema["properties"]), name
    assert shape.__required_keys__ == set(schema["required"]), name


@pytest.mark.parametrize(("part", "field"), LIMITS, ids=lambda v: str(v))
def test_the_schemas_lengths_are_the_models(part, field):
    assert max_length(SCHEMA[part]["properties"][field]) == LIMITS[(part, field)].max_length


@pytest.mark.parametrize("part", [name for name in SHAPES if "properties" in SCHEMA[name]])
def test_every_length_the_schema_limits_is_checked_against_the_models(part):
    limited = {
        field
        for field, schema in SCHEMA[part]["properties"].items()
        if max_length(schema) is not None
    }
    assert limited == {field for name, field in LIMITS if name == part}
    in_lists = {
        field: max_length(schema["items"])
        for field, schema in SCHEMA[part]["properties"].items()
        if schema.get("type") == "array" and max_length(schema.get("items", {})) is not None
    }
    assert in_lists == {field: n for (name, field), n in ITEM_LIMITS.items() if name == part}


def test_the_kinds_are_the_models():
    assert (
        list(doc.KINDS)
        == list(MeetingKind.values)
        == SCHEMA["meeting"]["properties"]["kind"]["enum"]
    )


def test_the_record_sources_and_kinds_are_the_models():
    assert list(doc.RECORD_SOURCES) == list(RecordSource.values)
    assert list(RecordSource.values) == SCHEMA["record"]["properties"]["source"]["enum"]
    assert list(doc.RECORD_KINDS) == list(RecordKind.values)
    assert list(RecordKind.values) == SCHEMA["record"]["properties"]["kind"]["enum"]


def test_it_builds_a_meeting_known_from_a_record_alone():
    entry = doc.record(
        "us-office-of-the-historian",
        "visit",
        "2991",
        "2020-01-07",
        "Prime Minister Kyriakos Mitsotakis",
        "Official Working Visit.",
        country="GR",
    )
    document = doc.document(
        doc.meeting("2020-01-07-a-visit", "2020-01-07", "visit", "A visit"),
        [doc.participant("kyriakos-mitsotakis", name="Kyriakos Mitsotakis", country="GR")],
        [],
        records=[entry],
    )
    assert is_valid("document", document)
    assert not is_valid("document", {**document, "records": [{**entry, "kind": "call"}]})
    # Without records, a document is as it always was.
    assert "records" not in doc.document(document["meeting"], [], [])


def test_the_builders_make_documents_the_schema_accepts():
    document = doc.document(
        doc.meeting("2022-10-27-a-call", "2022-10-27", "phone_call", "A call", location=""),
        [
            doc.participant("wang-yi", name="Wang Yi", country="CN", title="Foreign Minister"),
            doc.participant("sergey-lavrov", title="Foreign Minister"),
        ],
        [
            doc.readout(
                doc.publisher("mfa-prc", name="Ministry", country="CN", website="https://x.cn/"),
                "Wang Yi Speaks with Lavrov",
                "The text.",
                published_at="2022-10-27T23:38:00+08:00",
                statements=[
                    doc.statement("wang-yi", "Wang Yi said.", topics=["ukraine"], sequence=1),
                    doc.statement(None, "The two sides agreed."),
                ],
            )
        ],
        topics=[doc.topic("ukraine", "Ukraine", description="")],
    )
    assert is_valid("document", document)
    # What is not given is left out, as an author would: a participant named by slug.
    assert document["participants"][1] == {"slug": "sergey-lavrov", "title": "Foreign Minister"}
    assert "sequence" not in document["readouts"][0]["statements"][1]
