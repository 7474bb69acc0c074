import gc
import io
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readouts.loading import LoadError, load
from readouts.models import Attendance, Meeting, Participant, Readout, Statement, Topic

from .factories import SEED, make_document, seed_document, snapshot, variant, write_json

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("load_readouts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_loads_the_seed_with_counts(seeded):
    created = {m._meta.model_name: t.created for m, t in seeded.tallies.items()}
    assert created == {
        "topic": 7,
        "publisher": 1,
        "participant": 2,
        "meeting": 1,
        "attendance": 2,
        "readout": 1,
        "statement": 4,
        "record": 0,
    }
    meeting = Meeting.objects.get(slug="2022-10-27-wang-yi-sergey-lavrov")
    assert meeting.date == date(2022, 10, 27)
    assert meeting.kind == Meeting.Kind.PHONE_CALL
    titles = {a.participant.slug: a.title for a in meeting.attendances.all()}
    assert titles["sergey-lavrov"] == "Foreign Minister"
    assert titles["wang-yi"].endswith("State Councilor and Foreign Minister")
    readout = meeting.readouts.get()
    assert readout.published_at == datetime(2022, 10, 27, 15, 38, tzinfo=UTC)
    speakers = [s.speaker.slug if s.speaker else None for s in readout.statements.all()]
    assert speakers == ["wang-yi", "wang-yi", "sergey-lavrov", None]
    assert set(readout.statements.last().topics.values_list("slug", flat=True)) == {
        "ukraine-issue",
        "international-and-regional-issues",
    }
    assert (
        Topic.objects.get(slug="ukraine-issue").parent.slug == "international-and-regional-issues"
    )
    assert Participant.objects.get(slug="sergey-lavrov").alias_list[0] == "Sergei Lavrov"


def test_it_changes_nothing_when_loaded_twice(seeded):
    before = snapshot()
    report = load([SEED])
    assert not report.changed
    assert report.tallies[Statement].unchanged == 4
    assert report.tallies[Topic].unchanged == 7
    assert snapshot() == before


def test_it_reports_counts_from_the_command():
    first = run_command(str(SEED))
    assert "statements" in first and "Loaded, recorded as load run #" in first
    second = run_command(str(SEED))
    assert "Nothing to change" in second
    assert re.search(r"^statements +0 +0 +4 +0$", second, re.MULTILINE)


def test_it_loads_fixtures_folder_by_default():
    run_command()
    assert Meeting.objects.filter(slug="2022-10-27-wang-yi-sergey-lavrov").exists()


def test_it_updates_changed_records_and_drops_removed_statements(seeded, tmp_path):
    def edit(doc):
        doc["meeting"]["title"] = "A corrected title"
        doc["readouts"][0]["statements"][0]["text"] = "Wang Yi said something else."
        del doc["readouts"][0]["statements"][3]
        doc["topics"][2]["parent"] = None  # china-russia-relations, its only change

    report = load([write_json(tmp_path / "v2.json", variant(seed_document(), edit))])
    assert report.tallies[Meeting].updated == 1
    assert report.tallies[Statement].updated == 1
    assert report.tallies[Statement].unchanged == 2
    assert report.tallies[Statement].deleted == 1
    assert report.tallies[Topic].updated == 1
    assert report.tallies[Topic].unchanged == 6
    assert Meeting.objects.get().title == "A corrected title"
    assert Statement.objects.count() == 3
    assert Topic.objects.get(slug="china-russia-relations").parent is None


def test_it_counts_a_statement_whose_only_change_is_its_topics(seeded, tmp_path):
    doc = variant(seed_document(), lambda d: d["readouts"][0]["statements"][0]["topics"].clear())
    report = load([write_json(tmp_path / "v2.json", doc)])
    assert report.tallies[Statement].updated == 1
    assert not Statement.objects.get(sequence=1).topics.exists()


def test_it_keeps_the_offset_a_readout_was_published_with(seeded, tmp_path):
    readout = Readout.objects.get()
    assert readout.published_offset == 8 * 60  # the seed gives 23:38 +08:00
    assert readout.published_local.isoformat() == "2022-10-27T23:38:00+08:00"

    # The same instant written in UTC: only the offset changes, and it is an update.
    def in_utc(doc):
        doc["readouts"][0]["published_at"] = "2022-10-27T15:38:00+00:00"

    report = load([write_json(tmp_path / "v2.json", variant(seed_document(), in_utc))])
    assert report.tallies[Readout].updated == 1
    readout.refresh_from_db()
    assert readout.published_at == datetime(2022, 10, 27, 15, 38, tzinfo=UTC)
    assert readout.published_offset == 0


def test_it_writes_nothing_on_a_dry_run(tmp_path):
    before = snapshot()
    report = load([SEED], dry_run=True)
    assert report.tallies[Statement].created == 4
    assert snapshot() == before
    output = run_command("--dry-run", str(SEED))
    assert "Dry run: nothing was written." in output
    assert not Meeting.objects.exists()


def test_it_shows_progress_on_large_inputs(tmp_path):
    write_json(tmp_path / "many.json", [make_document(i) for i in range(5)])
    err = io.StringIO()
    call_command("load_readouts", str(tmp_path), progress_every=2, stdout=io.StringIO(), stderr=err)
    assert "validating documents: 4 of 5" in err.getvalue()
    assert "writing readouts: 4 of 5" in err.getvalue()
    assert Meeting.objects.count() == 5


def test_the_command_turns_garbage_collection_back_on(tmp_path):
    # The command pauses the collector while it loads; a loaded or refused file must
    # leave it as it was, or the process would grow without bound afterwards.
    good = write_json(tmp_path / "good.json", make_document(1))
    bad = write_json(tmp_path / "bad.json", {"meeting": {}})
    run_command(str(good))
    assert gc.isenabled()
    with pytest.raises(CommandError, match="nothing was loaded"):
        run_command(str(bad))
    assert gc.isenabled()
    gc.disable()
    try:
        run_command(str(good))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_it_names_existing_participants_by_slug(seeded, tmp_path):
    doc = {
        "meeting": {
            "slug": "2023-02-22-lavrov-wang",
            "date": "2023-02-22",
            "kind": "talks",
            "title": "Talks in Moscow",
        },
        "participants": [
            {
                "slug": "wang-yi",
                "title": "Director of the Office of the Central Foreign Affairs Commission",
            },
            {"slug": "sergey-lavrov"},
        ],
        "readouts": [
            {
                "publisher": {"slug": "mfa-prc"},
                "language": "en",
                "title": "Talks",
                "body": "They talked.",
                "statements": [
                    {
                        "speaker": "sergey-lavrov",
                        "topics": ["ukraine-issue"],
                        "text": "Lavrov said.",
                    }
                ],
            }
        ],
    }
    report = load([write_json(tmp_path / "second.json", doc)])
    assert report.tallies[Participant].unchanged == 2
    assert report.tallies[Meeting].created == 1
    wang = Participant.objects.get(slug="wang-yi")
    assert list(wang.attendances.order_by("meeting__date").values_list("title", flat=True)) == [
        "Member of the Political Bureau of the CPC Central Committee, State Councilor and "
        "Foreign Minister",
        "Director of the Office of the Central Foreign Affairs Commission",
    ]


def test_it_loads_a_list_of_documents_and_shared_definitions(tmp_path):
    docs = [make_document(i) for i in range(6)]
    load([write_json(tmp_path / "docs.json", docs)])
    assert Meeting.objects.count() == 6
    assert Topic.objects.filter(slug="trade").count() == 1
    assert Statement.objects.count() == 18


def test_it_loads_its_own_django_fixture_and_round_trips(seeded, tmp_path):
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "readouts",
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        output=str(dump),
    )
    report = load([dump])
    assert not report.changed
    Meeting.objects.all().delete()
    Participant.objects.all().delete()
    Topic.objects.filter(parent__isnull=False).delete()
    Topic.objects.all().delete()
    report = load([dump])
    assert report.tallies[Statement].created == 4
    again = tmp_path / "again.json"
    call_command(
        "dumpdata",
        "readouts",
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        output=str(again),
    )
    assert again.read_bytes() == dump.read_bytes()


# Bad input: a clear message naming file and path, and every table as it was.


def seed_edit(edit):
    return lambda: [make_document(1), variant(seed_document(), edit)]


def set_path(doc, path, value):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    doc[last] = value


BAD_DOCUMENTS = {
    "wrong type for a field": (
        seed_edit(lambda d: set_path(d, ["meeting", "title"], 5)),
        "[1].meeting.title: expected a string, got a whole number",
    ),
    "unknown meeting kind": (
        seed_edit(lambda d: set_path(d, ["meeting", "kind"], "zoom")),
        "[1].meeting.kind: 'zoom' is not one of: phone_call, video_call, meeting",
    ),
    "impossible date": (
        seed_edit(lambda d: set_path(d, ["meeting", "date"], "2022-02-30")),
        "[1].meeting.date: impossible date '2022-02-30'",
    ),
    "unparseable timestamp": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "published_at"], "27 Oct 2022, 11pm")),
        "[1].readouts[0].published_at: unparseable timestamp '27 Oct 2022, 11pm'",
    ),
    "timestamp without offset": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "published_at"], "2022-10-27T23:38")),
        "[1].readouts[0].published_at: timestamp '2022-10-27T23:38' has no UTC offset",
    ),
    "unknown country code": (
        seed_edit(lambda d: set_path(d, ["participants", 1, "country"], "XX")),
        "[1].participants[1].country: unknown country code 'XX'",
    ),
    "lower-case country code": (
        seed_edit(lambda d: set_path(d, ["participants", 1, "country"], "ru")),
        "[1].participants[1].country: 'ru' is not an ISO 3166-1 alpha-2 country code",
    ),
    "unknown speaker": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "statements", 2, "speaker"], "nobody")),
        "[1].readouts[0].statements[2].speaker: unknown speaker 'nobody'",
    ),
    "speaker who did not attend": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "statements", 2, "speaker"], "person-1")),
        "[1].readouts[0].statements[2].speaker: speaker 'person-1' did not attend this meeting",
    ),
    "duplicate statement sequence": (
        seed_edit(lambda d: [s.update(sequence=1) for s in d["readouts"][0]["statements"][:2]]),
        "[1].readouts[0].statements[1].sequence: duplicate sequence 1 (also used by statements[0])",
    ),
    "over-long field": (
        seed_edit(lambda d: set_path(d, ["meeting", "title"], "x" * 501)),
        "[1].meeting.title: too long: 501 characters, at most 500",
    ),
    "missing required field": (
        seed_edit(lambda d: d["meeting"].pop("date")),
        "[1].meeting.date: this required field is missing",
    ),
    "unknown field": (
        seed_edit(lambda d: set_path(d, ["meeting", "venue"], "Beijing")),
        "[1].meeting: unknown field(s) 'venue'",
    ),
    "end date before date": (
        seed_edit(lambda d: set_path(d, ["meeting", "end_date"], "2022-10-01")),
        "[1].meeting.end_date: the end date is before the date",
    ),
    "unknown topic": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "statements", 0, "topics"], ["nope"])),
        "[1].readouts[0].statements[0].topics[0]: unknown topic 'nope'",
    ),
    "empty statement text": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "statements", 0, "text"], "  ")),
        "[1].readouts[0].statements[0].text: must not be empty",
    ),
    "invalid URL": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "url"], "not a url")),
        "[1].readouts[0].url: 'not a url' is not a valid URL",
    ),
    "bad slug": (
        seed_edit(lambda d: set_path(d, ["meeting", "slug"], "has spaces")),
        "[1].meeting.slug: 'has spaces' is not a slug",
    ),
    "speaker of the wrong type": (
        seed_edit(lambda d: set_path(d, ["readouts", 0, "statements", 0, "speaker"], 7)),
        "[1].readouts[0].statements[0].speaker: expected a string or null, got a whole number",
    ),
    "unknown participant without a name": (
        seed_edit(lambda d: d["participants"].append({"slug": "new-person", "title": "Envoy"})),
        "[1].participants[2].slug: unknown participant 'new-person'",
    ),
    "topic cycle": (
        seed_edit(lambda d: set_path(d, ["topics", 1, "parent"], "china-russia-relations")),
        "topic 'bilateral-relations' would be its own ancestor",
    ),
    "participant listed twice": (
        seed_edit(lambda d: d["participants"].append({"slug": "wang-yi"})),
        "[1].participants[2].slug: participant 'wang-yi' is listed twice "
        "(also at [1].participants[0])",
    ),
    "not a document": (
        lambda: {"hello": "world"},
        "this required field is missing",
    ),
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS, ids=list(BAD_DOCUMENTS))
def test_it_refuses_a_bad_document_and_changes_nothing(case, seeded, tmp_path):
    build, expected = BAD_DOCUMENTS[case]
    path = write_json(tmp_path / "bad.json", build())
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_command(str(path))
    message = str(excinfo.value)
    assert message.startswith("nothing was loaded")
    assert f"{path}: " in message
    assert expected in message
    assert snapshot() == before


BAD_FILES = {
    "invalid JSON": ('{"meeting": {"slug": "x",}', "invalid JSON: Expecting property name"),
    "empty file": ("", "the file is empty"),
    "blank file": ("  \n", "the file is empty"),
    "duplicate keys": (
        '{"meeting": {}, "meeting": {}}',
        "invalid JSON: the key 'meeting' appears twice",
    ),
    "NaN": (
        '[{"model": "readouts.topic", "fields": {"x": NaN}}]',
        "invalid JSON: NaN is not valid JSON",
    ),
    "a number": ("42", "is neither a readout document"),
    "an export whose documents are not a list": (
        '{"export": {"format": "readout-documents", "version": "1", "exported_at": "",'
        ' "filter": {}, "meetings": 0}, "documents": 5}',
        "documents: expected a list, got a whole number",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_it_refuses_a_bad_file_and_changes_nothing(case, seeded, tmp_path):
    text, expected = BAD_FILES[case]
    good = write_json(tmp_path / "a-good.json", [make_document(1)])
    bad = tmp_path / "b-bad.json"
    bad.write_text(text, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was loaded") as excinfo:
        run_command(str(good), str(bad))
    assert f"{bad}: {expected}" in str(excinfo.value)
    assert snapshot() == before


def test_it_refuses_text_that_is_not_utf8(seeded, tmp_path):
    bad = tmp_path / "latin1.json"
    bad.write_bytes('{"meeting": "Bras\xedlia"}'.encode("latin-1"))
    with pytest.raises(LoadError) as excinfo:
        load([bad])
    assert "is not UTF-8 text" in str(excinfo.value.problems[0])


def test_it_refuses_a_missing_path():
    with pytest.raises(LoadError) as excinfo:
        load(["/no/such/readouts.json"])
    assert str(excinfo.value.problems[0]) == "/no/such/readouts.json: no such file or folder"


def test_it_refuses_the_same_slug_with_different_content_in_one_load(seeded, tmp_path):
    first = write_json(tmp_path / "1.json", make_document(1))
    other = variant(make_document(2), lambda d: set_path(d, ["participants", 0, "name"], "Other"))
    other["participants"][0]["slug"] = "person-1"
    second = write_json(tmp_path / "2.json", other)
    before = snapshot()
    with pytest.raises(LoadError) as excinfo:
        load([first, second])
    message = str(excinfo.value.problems[0])
    assert message.startswith(f"{second}: participants[0].name: participant 'person-1'")
    assert f"'Other' here but 'Person person-1' in {first} at participants[0]" in message
    assert snapshot() == before


def test_it_refuses_a_topic_cycle_through_stored_topics(seeded, tmp_path):
    doc = variant(
        make_document(1),
        lambda d: d["topics"].append(
            {
                "slug": "international-and-regional-issues",
                "name": "International and regional issues",
                "parent": "ukraine-issue",
            }
        ),
    )
    before = snapshot()
    with pytest.raises(LoadError) as excinfo:
        load([write_json(tmp_path / "cycle.json", doc)])
    assert str(excinfo.value.problems[0]).endswith(
        "topics[2].parent: topic 'international-and-regional-issues' would be its own ancestor"
    )
    assert snapshot() == before


def test_it_accepts_the_same_definitions_repeated(tmp_path):
    one = write_json(tmp_path / "1.json", make_document(1))
    copy = write_json(tmp_path / "copy.json", make_document(1))
    report = load([one, copy, one])
    assert report.tallies[Meeting].created == 1
    assert Statement.objects.count() == 3


def test_it_refuses_a_fixture_of_another_app(seeded, tmp_path):
    path = write_json(tmp_path / "users.json", [{"model": "auth.user", "fields": {}}])
    with pytest.raises(LoadError) as excinfo:
        load([path])
    assert "[0].model: 'auth.user' is not a model of the readouts database" in str(
        excinfo.value.problems[0]
    )


def test_it_refuses_a_fixture_with_a_bad_value_and_changes_nothing(seeded, tmp_path):
    rows = [
        {"model": "readouts.topic", "fields": {"slug": "fine", "name": "Fine"}},
        {
            "model": "readouts.meeting",
            "fields": {"slug": "m", "date": "2022-02-30", "kind": "talks", "title": "T"},
        },
    ]
    path = write_json(tmp_path / "fixture.json", rows)
    before = snapshot()
    with pytest.raises(LoadError) as excinfo:
        load([path])
    problem = str(excinfo.value.problems[0])
    assert problem.startswith(f"{path}: [1]")
    assert "2022-02-30" in problem
    assert snapshot() == before


def test_it_refuses_a_fixture_statement_by_someone_absent(seeded, tmp_path):
    rows = [
        {
            "model": "readouts.statement",
            "fields": {
                "readout": ["2022-10-27-wang-yi-sergey-lavrov", "mfa-prc", "en"],
                "sequence": 9,
                "speaker": ["nobody-here"],
                "text": "Hello",
                "topics": [],
            },
        }
    ]
    Participant.objects.create(slug="nobody-here", name="Nobody")
    before = snapshot()
    with pytest.raises(LoadError) as excinfo:
        load([write_json(tmp_path / "f.json", rows)])
    assert "[0].fields.speaker: speaker 'nobody-here' did not attend" in str(
        excinfo.value.problems[0]
    )
    assert snapshot() == before


def test_it_exits_non_zero_from_the_command_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    env = {**os.environ, "DJANGO_SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [sys.executable, "manage.py", "load_readouts", str(bad)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{bad}: invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_keeps_attendance_title_when_a_reference_omits_it(seeded, tmp_path):
    doc = variant(seed_document(), lambda d: d["participants"][1].pop("title"))
    load([write_json(tmp_path / "v2.json", doc)])
    assert Attendance.objects.get(participant__slug="sergey-lavrov").title == "Foreign Minister"
    assert Readout.objects.count() == 1


def test_it_merges_two_governments_readouts_of_one_meeting(seeded, tmp_path):
    doc = seed_document()
    russian = {
        "meeting": doc["meeting"],
        "participants": [{"slug": "sergey-lavrov"}, {"slug": "wang-yi"}],
        "readouts": [
            {
                "publisher": {
                    "slug": "mid-rf",
                    "name": "Ministry of Foreign Affairs of Russia",
                    "country": "RU",
                },
                "language": "ru",
                "title": "О телефонном разговоре С.В.Лаврова с Ван И",
                "body": "Состоялся телефонный разговор.",
                "statements": [
                    {
                        "speaker": "sergey-lavrov",
                        "topics": ["ukraine-issue"],
                        "text": "Обсуждены вопросы.",
                    }
                ],
            }
        ],
    }
    report = load([SEED, write_json(tmp_path / "ru.json", russian)])
    assert report.tallies[Readout].created == 1
    assert report.tallies[Readout].unchanged == 1
    meeting = Meeting.objects.get()
    assert sorted(meeting.readouts.values_list("language", flat=True)) == ["en", "ru"]
    # The Russian document listed the participants in its own order; the first order stands.
    assert [a.participant.slug for a in meeting.attendances.all()] == ["wang-yi", "sergey-lavrov"]


def test_it_loads_documents_and_a_django_fixture_together(seeded, tmp_path):
    dump = tmp_path / "dump.json"
    call_command(
        "dumpdata", "readouts", natural_foreign=True, natural_primary=True, output=str(dump)
    )
    report = load([dump, write_json(tmp_path / "new.json", make_document(3))])
    assert report.fixture_objects > 0 and report.documents == 1
    assert report.tallies[Meeting].created == 1
    assert report.tallies[Meeting].unchanged == 1


def test_it_lets_a_readout_quote_someone_who_attends_already(seeded, tmp_path):
    # Found by fuzzing: the speaker attends through a stored attendance only.
    doc = seed_document()
    doc["participants"] = []
    doc["readouts"][0]["statements"][0]["text"] = "Wang Yi said something new."
    report = load([write_json(tmp_path / "v2.json", doc)])
    assert report.tallies[Statement].updated == 1
    assert Statement.objects.get(sequence=1).speaker.slug == "wang-yi"


@pytest.mark.django_db
def test_it_loads_the_demo_data_only_into_an_empty_database(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from readouts.models import Participant

    out = StringIO()
    call_command("load_readouts", str(SEED), "--if-empty", stdout=out)
    lavrov = Participant.objects.get(slug="sergey-lavrov")
    lavrov.aliases = "Sergei Lavrov"  # a curator's change since
    lavrov.save()
    out = StringIO()
    call_command("load_readouts", str(SEED), "--if-empty", stdout=out)
    assert "The database holds meetings already: nothing loaded" in out.getvalue()
    assert Participant.objects.get(slug="sergey-lavrov").aliases == "Sergei Lavrov"
