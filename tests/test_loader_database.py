"""The loader against PostgreSQL: what the database refuses, and what a load leaves others."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from readouts.loading import load
from readouts.models import Meeting, Publisher, Topic

from .factories import make_document, snapshot, write_json

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: its COPY and its text search limits, row locks between "
        "connections",
    ),
]


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("load_readouts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_reports_a_body_too_long_for_text_search_as_a_problem(seeded, tmp_path):
    # A tsvector holds at most 1 MB; distinct words make it grow with the text. The
    # readout is written by COPY, whose errors are psycopg's own, not Django's.
    doc = make_document(1)
    doc["readouts"][0]["body"] = " ".join(f"word{n}" for n in range(130_000))
    path = write_json(tmp_path / "long.json", doc)
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_command(str(path))
    message = str(excinfo.value)
    assert message.startswith(
        "nothing was loaded; 1 problem(s) found:\n"
        "  (database): the database refused the load: string is too long for tsvector"
    )
    assert "another load" not in message
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_it_suggests_trying_again_when_another_writer_holds_what_it_needs(tmp_path):
    # Another transaction has added a topic this load adds and not committed yet, as a
    # second load would: the load waits for it, here for a second at most.
    path = write_json(tmp_path / "doc.json", make_document(1))
    added, finish = threading.Event(), threading.Event()
    failures = []

    def other_writer() -> None:
        try:
            with transaction.atomic():
                Topic.objects.create(slug="trade", name="Trade")
                added.set()
                finish.wait()
                transaction.set_rollback(True)
        except Exception as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            added.set()
            connection.close()

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        added.wait()
        assert not failures
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        with pytest.raises(CommandError) as excinfo:
            run_command(str(path))
    finally:
        finish.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    message = str(excinfo.value)
    assert "(database): the database refused the load: canceling statement due to lock" in message
    assert "another load may be running at the same time: try again once it is done" in message
    assert not Topic.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_lets_others_write_to_its_tables_while_it_loads(tmp_path):
    # An admin save writes a row and its history, in the tables a load writes to. Before,
    # the load locked those tables until it committed, and saves waited for the whole load.
    path = write_json(tmp_path / "docs.json", [make_document(i) for i in range(3)])
    writing, finish = threading.Event(), threading.Event()
    reports, failures = [], []

    def pause_once_written(stage: str, done: int, total: int) -> None:
        # Topics, publishers, participants, meetings and readouts are written by now.
        if stage == "writing readouts" and not writing.is_set():
            writing.set()
            finish.wait()

    def loader() -> None:
        try:
            reports.append(load([path], progress=pause_once_written, progress_every=1))
        except Exception as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            writing.set()
            connection.close()

    thread = threading.Thread(target=loader)
    thread.start()
    try:
        writing.wait()
        assert not failures
        with connection.cursor() as cursor:
            # Waiting for a lock fails the test, rather than hanging it.
            cursor.execute("SET lock_timeout = '2s'")
        Topic.objects.create(slug="added-meanwhile", name="Added meanwhile")
        Publisher.objects.create(slug="added-meanwhile", name="Added meanwhile")
        assert not Meeting.objects.exists()  # the load has not committed yet
    finally:
        finish.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not failures
    assert reports[0].tallies[Meeting].created == 3
    assert Topic.history.filter(slug="added-meanwhile").count() == 1
    assert Publisher.objects.count() == 4
