"""A statement's speaker attends its meeting, whatever path writes.

These tests commit, as production does (no wrapping transaction): the database
checks the rule when a transaction commits.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse

from readouts.loading import load
from readouts.models import Attendance, Meeting, Participant, Readout, Statement
from readouts.rules import broken_rule

from .admin_pages import form_data
from .factories import SEED, make_document, snapshot, write_json

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seed(db):
    load([SEED])
    return Meeting.objects.get()


def speaking_attendance() -> Attendance:
    return Attendance.objects.get(participant__slug="wang-yi")


def refused(write) -> str:
    """Run a write in its own transaction; return the database's refusal in words."""
    before = snapshot()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    assert snapshot() == before
    message = broken_rule(caught.value)
    assert message is not None, caught.value
    return message


def test_it_refuses_to_delete_the_attendance_of_a_speaker(seed):
    message = refused(lambda: speaking_attendance().delete())
    if connection.vendor == "postgresql":
        assert "speaker wang-yi did not attend meeting 2022-10-27-wang-yi-sergey-lavrov" in message
    refused(lambda: Attendance.objects.filter(meeting=seed).delete())


def test_it_refuses_to_move_a_speakers_attendance_to_someone_else(seed):
    someone = Participant.objects.create(slug="someone", name="Someone", country="FR")
    refused(
        lambda: Attendance.objects.filter(participant__slug="wang-yi").update(participant=someone)
    )


def test_it_refuses_a_speaker_who_does_not_attend(seed):
    someone = Participant.objects.create(slug="someone", name="Someone", country="FR")
    readout = Readout.objects.get()
    refused(
        lambda: Statement.objects.create(readout=readout, sequence=9, speaker=someone, text="x")
    )
    refused(lambda: Statement.objects.filter(sequence=1).update(speaker=someone))


def test_it_refuses_to_move_a_readout_to_a_meeting_its_speakers_did_not_attend(seed, tmp_path):
    load([write_json(tmp_path / "other.json", make_document(1))])
    other = Meeting.objects.get(slug="meeting-1")
    refused(lambda: Readout.objects.filter(meeting=seed).update(meeting=other))


def test_it_lets_a_meeting_go_with_everything_in_it(seed):
    seed.delete()
    assert not Statement.objects.exists() and not Attendance.objects.exists()
    load([SEED])
    Meeting.objects.all().delete()
    assert not Statement.objects.exists()


def test_it_lets_a_speaker_go_once_their_statements_are_reassigned(seed):
    with transaction.atomic():
        # Inside one transaction the order does not matter: the check is at the commit.
        speaking_attendance().delete()
        Statement.objects.filter(speaker__slug="wang-yi").update(speaker=None)
    assert not Attendance.objects.filter(participant__slug="wang-yi").exists()


def test_djangos_loaddata_cannot_break_it_either(seed, tmp_path):
    fixture = [
        {
            "model": "readouts.statement",
            "fields": {
                "readout": ["2022-10-27-wang-yi-sergey-lavrov", "mfa-prc", "en"],
                "sequence": 9,
                "speaker": ["someone"],
                "text": "Said by someone who was not there.",
                "topics": [],
            },
        }
    ]
    Participant.objects.create(slug="someone", name="Someone", country="FR")
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    before = snapshot()
    with pytest.raises((IntegrityError, CommandError)):
        call_command("loaddata", str(path), verbosity=0)
    assert snapshot() == before


# The admin says what stands in the way, and saves nothing.


@pytest.fixture
def editor_client(seed, client):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("ed", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return client


def test_the_admin_lists_a_speakers_statements_where_their_attendance_would_be_deleted(
    editor_client,
):
    attendance = speaking_attendance()
    before = snapshot()
    url = reverse("admin:readouts_attendance_delete", args=[attendance.pk])
    page = editor_client.get(url).content.decode()
    assert "Statement by Wang Yi" in page and "a speaker must attend the meeting" in page
    response = editor_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and "Statement by Wang Yi" in response.content.decode()
    response = editor_client.post(
        reverse("admin:readouts_attendance_changelist"),
        {"action": "delete_selected", "_selected_action": [attendance.pk], "post": "yes"},
    )
    assert "Statement by Wang Yi" in response.content.decode()
    assert snapshot() == before


def test_the_admin_refuses_to_give_a_speakers_attendance_to_someone_else(editor_client):
    someone = Participant.objects.create(slug="someone", name="Someone", country="FR")
    attendance = speaking_attendance()
    url = reverse("admin:readouts_attendance_change", args=[attendance.pk])
    data = {**form_data(editor_client.get(url)), "participant": someone.pk}
    before = snapshot()
    page = editor_client.post(url, data).content.decode()
    assert "Wang Yi speaks in this meeting&#x27;s readouts (2 statement(s))" in page
    assert snapshot() == before


def test_the_admin_refuses_to_move_a_readout_to_a_meeting_its_speakers_did_not_attend(
    editor_client, tmp_path
):
    load([write_json(tmp_path / "other.json", make_document(1))])
    readout = Readout.objects.get(publisher__slug="mfa-prc")
    url = reverse("admin:readouts_readout_change", args=[readout.pk])
    other = Meeting.objects.get(slug="meeting-1")
    data = {**form_data(editor_client.get(url)), "meeting": other.pk}
    before = snapshot()
    page = editor_client.post(url, data).content.decode()
    assert "Wang Yi did not attend this meeting" in page
    assert snapshot() == before


def test_the_admin_words_a_refusal_that_came_from_the_database(editor_client, tmp_path):
    # A version of the readout filed under another meeting: restoring it would leave its
    # speakers outside their meeting. No form checks a restore's meeting; the database does.
    load([write_json(tmp_path / "other.json", make_document(1))])
    readout = Readout.objects.get(publisher__slug="mfa-prc")
    version = readout.history.latest("history_date")
    type(version).objects.filter(pk=version.pk).update(
        meeting_id=Meeting.objects.get(slug="meeting-1").pk
    )
    url = reverse("admin:readouts_readout_simple_history", args=[readout.pk, version.pk])
    data = form_data(editor_client.get(url))
    before = snapshot()
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved: " in page
    assert "every speaker must attend their meeting" in page or "attendance of someone" in page
    assert snapshot() == before


def backend_waits_for_a_lock(watcher, pid: int) -> bool:
    row = watcher.execute(
        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
    ).fetchone()
    return bool(row) and row[0] == "Lock"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
def test_two_transactions_at_once_cannot_break_the_rule_between_them(seed):
    """One adds a statement by Lavrov while the other removes his attendance. Both check
    the rule at commit; held there (by a third that holds the data version's row, as a
    long commit does), neither may pass on what the other has not committed yet."""
    import threading

    import psycopg

    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "autocommit": False,
    }
    readout = Readout.objects.get()
    attendance = Attendance.objects.get(participant__slug="sergey-lavrov")
    Statement.objects.filter(speaker_id=attendance.participant_id).update(speaker=None)
    holder, adder, remover = (psycopg.connect(**params) for _ in range(3))
    watcher = psycopg.connect(**{**params, "autocommit": True})
    outcomes: dict[str, str] = {}

    def commit(name: str, conn) -> None:
        try:
            conn.commit()
            outcomes[name] = "committed"
        except psycopg.errors.CheckViolation:
            conn.rollback()
            outcomes[name] = "refused"

    try:
        holder.execute("SELECT version FROM readouts_data_version FOR UPDATE")
        adder.execute(
            "INSERT INTO readouts_statement (readout_id, sequence, speaker_id, text, version)"
            " VALUES (%s, 99, %s, 'A statement by Lavrov.', 1)",
            [readout.pk, attendance.participant_id],
        )
        remover.execute("DELETE FROM readouts_attendance WHERE id = %s", [attendance.pk])
        threads = []
        for name, conn in (("remover", remover), ("adder", adder)):
            thread = threading.Thread(target=commit, args=(name, conn))
            thread.start()
            threads.append(thread)
            # Each commit checks the rule, then waits: the remover for the data version's
            # row, the adder for that row or for the attendance being removed.
            while not backend_waits_for_a_lock(watcher, conn.info.backend_pid):
                thread.join(0.01)
        holder.commit()
        for thread in threads:
            thread.join()
    finally:
        for conn in (holder, adder, remover, watcher):
            conn.close()

    assert sorted(outcomes.values()) == ["committed", "refused"], outcomes
    assert (
        not Statement.objects.filter(speaker__isnull=False)
        .exclude(readout__meeting__attendances__participant=F("speaker"))
        .exists()
    )
