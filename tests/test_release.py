"""`manage.py release_data`: a citable, deterministic release folder, read back by the
tools a researcher would use (pandas, pyarrow, DuckDB) and checked against the database."""

import hashlib
import json
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from readouts.loading import load
from readouts.models import (
    Attendance,
    Meeting,
    Participant,
    Readout,
    Record,
    Statement,
    Topic,
)

from .conftest import export_everything
from .factories import SEED, make_document, write_json

pytestmark = pytest.mark.django_db

EPOCH = "1795737600"  # 2026-11-27
TABLES = [
    "topics",
    "publishers",
    "participants",
    "meetings",
    "attendances",
    "readouts",
    "statements",
    "statement_topics",
    "records",
    "meeting_records",
]


@pytest.fixture
def released(tmp_path, monkeypatch):
    docs = [make_document(i) for i in range(12)]
    load([SEED, write_json(tmp_path / "corpus.json", docs)])
    # What the generated corpus lacks: a meeting over days, a readout with no time.
    Meeting.objects.filter(slug="meeting-1").update(end_date="2023-02-04")
    Readout.objects.filter(meeting__slug="meeting-2").update(published_at=None)
    Participant.objects.filter(slug="wang-yi").update(
        aliases="王毅\nWang, Yi",
        wikidata="Q22686",
        identifiers=[{"scheme": "viaf", "identifier": "12345"}],
    )
    # The Office of the Historian's records: one of two meetings, one of none.
    trip = Record.objects.create(
        source=Record.Source.US_HISTORIAN,
        kind=Record.Kind.TRIP,
        key="blinken-secretary-2023-02",
        url="https://history.state.gov/departmenthistory/travels/secretary/blinken-antony-j",
        date="2023-02-03",
        end_date="2023-02-05",
        country="CN",
        place="Beijing",
        who="Antony J. Blinken",
        role="Secretary of State",
        text="Met with Foreign Minister Wang.",
    )
    trip.meetings.add(*Meeting.objects.filter(slug__in=["meeting-1", "meeting-3"]))
    Record.objects.create(
        source=Record.Source.US_HISTORIAN,
        kind=Record.Kind.VISIT,
        key="v-1",
        date="2023-03-01",
        who="Someone",
        text="A visit.",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    call_command("release_data", str(tmp_path / "out"))
    return tmp_path / "out" / "readouts-2026.11.27"


def csv_table(folder, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "csv" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_it_writes_every_table_as_csv_matching_the_database(released):
    meetings = csv_table(released, "meetings")
    expected = {
        (m.slug, m.date.isoformat(), m.end_date.isoformat() if m.end_date else "", m.kind, m.title)
        for m in Meeting.objects.all()
    }
    rows = meetings[["slug", "date", "end_date", "kind", "title"]].itertuples(index=False)
    assert {tuple(row) for row in rows} == expected
    # In key order, compared byte by byte, whichever database wrote it.
    assert list(meetings["slug"]) == sorted(meetings["slug"])
    attendances = csv_table(released, "attendances")
    keys = list(zip(attendances["meeting"], attendances["participant"], strict=True))
    assert keys == sorted(keys)
    assert {tuple(r) for r in attendances[["meeting", "participant", "title"]].values} == {
        (a.meeting.slug, a.participant.slug, a.title) for a in Attendance.objects.all()
    }
    statements = csv_table(released, "statements")
    assert len(statements) == Statement.objects.count()
    assert {tuple(r) for r in statements[["meeting", "sequence", "speaker", "text"]].values} == {
        (s.readout.meeting.slug, str(s.sequence), s.speaker.slug if s.speaker else "", s.text)
        for s in Statement.objects.all()
    }
    links = csv_table(released, "statement_topics")
    assert len(links) == Statement.topics.through.objects.count()
    readouts = csv_table(released, "readouts").set_index("meeting")
    seed = Readout.objects.get(meeting__slug="2022-10-27-wang-yi-sergey-lavrov")
    assert readouts.loc[seed.meeting.slug, "body"] == seed.body  # verbatim, newlines and all
    assert readouts.loc[seed.meeting.slug, "published_at"] == "2022-10-27T15:38:00Z"
    assert readouts.loc["meeting-2", "published_at"] == ""
    people = csv_table(released, "participants").set_index("slug")
    assert people.loc["wang-yi", "aliases"] == "王毅\nWang, Yi"
    assert people.loc["wang-yi", "wikidata"] == "Q22686"
    assert json.loads(people.loc["wang-yi", "identifiers"]) == [
        {"scheme": "viaf", "identifier": "12345"}
    ]
    assert people.loc["sergey-lavrov", "identifiers"] == ""


def test_it_writes_the_same_tables_as_typed_parquet(released):
    meetings = pq.read_table(released / "parquet" / "meetings.parquet").to_pylist()
    assert {(m["slug"], m["date"], m["end_date"]) for m in meetings} == set(
        Meeting.objects.values_list("slug", "date", "end_date")
    )
    readouts = {
        r["meeting"]: r
        for r in pq.read_table(released / "parquet" / "readouts.parquet").to_pylist()
    }
    seed = readouts["2022-10-27-wang-yi-sergey-lavrov"]
    assert seed["published_at"] == datetime(2022, 10, 27, 15, 38, tzinfo=UTC)
    assert readouts["meeting-2"]["published_at"] is None
    statements = pq.read_table(released / "parquet" / "statements.parquet").to_pandas()
    assert statements["sequence"].dtype == "int64"
    assert statements["speaker"].isna().sum() == Statement.objects.filter(speaker=None).count()
    for name in TABLES:
        frame = pq.read_table(released / "parquet" / f"{name}.parquet").to_pandas()
        assert list(frame.columns) == list(csv_table(released, name).columns), name
        assert len(frame) == len(csv_table(released, name)), name


def test_it_describes_the_tables_as_a_frictionless_data_package(released):
    package = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC0-1.0"
    assert package["created"] == "2026-11-27T00:00:00Z"
    assert package["sources"]
    resources = {r["name"]: r for r in package["resources"]}
    for name in TABLES:
        resource = resources[name]
        assert resource["profile"] == "tabular-data-resource"
        table = csv_table(released, name)
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(table.columns)
        assert resource["rows"] == len(table)
        key = resource["schema"]["primaryKey"]
        assert not table.duplicated(subset=key).any(), name
        for foreign in resource["schema"].get("foreignKeys", []):
            target = csv_table(released, foreign["reference"]["resource"])
            given = table[foreign["fields"]].replace("", pd.NA).dropna()
            known = set(map(tuple, target[foreign["reference"]["fields"]].values))
            assert set(map(tuple, given.values)) <= known, (name, foreign)
        assert (released / resources[f"{name}-parquet"]["path"]).is_file()
    for resource in package["resources"]:
        assert (released / resource["path"]).is_file()
    codebook = (released / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "## statements" in codebook and "CC0" in codebook


def test_it_releases_the_office_of_the_historian_s_records_linked_to_meetings(released):
    records = csv_table(released, "records").set_index(["source", "kind", "key"])
    assert len(records) == Record.objects.count() == 2
    trip = records.loc[("us-office-of-the-historian", "trip", "blinken-secretary-2023-02")]
    assert (trip["date"], trip["end_date"], trip["country"]) == ("2023-02-03", "2023-02-05", "CN")
    visit = records.loc[("us-office-of-the-historian", "visit", "v-1")]
    assert (visit["end_date"], visit["country"], visit["role"]) == ("", "", "")
    links = csv_table(released, "meeting_records")
    assert list(links.columns) == ["meeting", "source", "kind", "key"]
    assert sorted(links["meeting"]) == ["meeting-1", "meeting-3"]
    parquet = pq.read_table(released / "parquet" / "records.parquet").to_pylist()
    assert {r["key"]: r["end_date"] for r in parquet} == {
        "blinken-secretary-2023-02": date(2023, 2, 5),
        "v-1": None,
    }
    package = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert resources["meeting_records"]["schema"]["foreignKeys"] == [
        {"fields": ["meeting"], "reference": {"resource": "meetings", "fields": ["slug"]}},
        {
            "fields": ["source", "kind", "key"],
            "reference": {"resource": "records", "fields": ["source", "kind", "key"]},
        },
    ]
    assert any("Office of the Historian" in s["title"] for s in package["sources"])
    codebook = (released / "CODEBOOK.md").read_text(encoding="utf-8")
    assert "## records (2 rows; key: source, kind, key)" in codebook
    assert "## meeting_records (2 rows; key: meeting, source, kind, key)" in codebook


def test_its_package_keeps_to_the_profiles_it_declares(released):
    """What `frictionless validate` asks: a "tabular-data-package" has only tabular
    resources, so this one is a "data-package" with CSV tables as tabular resources; every
    resource says its rows; and each column is declared as the type it is stored as."""
    package = json.loads((released / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "data-package"
    for resource in package["resources"]:
        tabular = resource["format"] == "csv"
        expected = "tabular-data-resource" if tabular else "data-resource"
        assert resource.get("profile") == expected, resource["name"]
        if "schema" in resource:
            table = pq.read_table(
                released / "parquet" / f"{resource['name'].split('-')[0]}.parquet"
            )
            assert resource["rows"] == table.num_rows, resource["name"]
            for declared in resource["schema"]["fields"]:
                stored = table.schema.field(declared["name"]).type
                if declared["type"] == "string":
                    assert str(stored) == "string", (resource["name"], declared["name"])
    people = {r["name"]: r for r in package["resources"]}["participants"]
    (identifiers,) = [f for f in people["schema"]["fields"] if f["name"] == "identifiers"]
    assert identifiers["type"] == "string"
    stored = csv_table(released, "participants").set_index("slug").loc["wang-yi", "identifiers"]
    assert json.loads(stored) == [{"scheme": "viaf", "identifier": "12345"}]


def test_it_ships_the_exporters_documents_and_checksums_of_every_file(released):
    documents = (released / "documents" / "readouts.json").read_text(encoding="utf-8")
    assert documents == export_everything()  # SOURCE_DATE_EPOCH is still set
    fixture = json.loads((released / "documents" / "django-fixture.json").read_text())
    assert {entry["model"] for entry in fixture} >= {"readouts.meeting", "readouts.statement"}
    sums = dict(
        reversed(line.split("  ", 1)) for line in (released / "SHA256SUMS").read_text().splitlines()
    )
    files = {
        p.relative_to(released).as_posix()
        for p in released.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    assert set(sums) == files
    for path, digest in sums.items():
        assert hashlib.sha256((released / path).read_bytes()).hexdigest() == digest


def test_it_writes_the_same_bytes_for_the_same_data(released, tmp_path):
    call_command("release_data", str(tmp_path / "out"), name="again")
    again = tmp_path / "out" / "again"
    files = sorted(p.relative_to(released) for p in released.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for path in files:
        assert (released / path).read_bytes() == (again / path).read_bytes(), path
    # A change to the data changes the release.
    Topic.objects.filter(slug="trade").update(description="Trade and the economy.")
    call_command("release_data", str(tmp_path / "out"), name="changed")
    changed = tmp_path / "out" / "changed"
    assert (changed / "csv/topics.csv").read_bytes() != (released / "csv/topics.csv").read_bytes()


def test_it_never_overwrites_a_release(released, tmp_path):
    with pytest.raises(CommandError, match="exists already"):
        call_command("release_data", str(tmp_path / "out"))


def test_duckdb_queries_the_folder_as_it_is(released):
    db = duckdb.connect()
    meetings_per_participant = db.execute(
        f"""
        SELECT a.participant, count(*) AS meetings
        FROM read_csv('{released}/csv/attendances.csv', header = true) a
        JOIN read_parquet('{released}/parquet/meetings.parquet') m ON a.meeting = m.slug
        GROUP BY a.participant ORDER BY a.participant
        """
    ).fetchall()
    expected = {}
    for slug in Attendance.objects.values_list("participant__slug", flat=True):
        expected[slug] = expected.get(slug, 0) + 1
    assert dict(meetings_per_participant) == expected
    (count,) = db.execute(
        f"SELECT count(*) FROM read_parquet('{released}/parquet/statements.parquet') "
        "WHERE speaker IS NULL"
    ).fetchone()
    assert count == Statement.objects.filter(speaker=None).count()
