"""The derived tables (meeting-topic, meeting size, meeting-country) equal their
derivations after any sequence of writes."""

import contextlib
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readouts import derived, merging
from readouts.caching import data_version
from readouts.loading import load
from readouts.models import (
    Attendance,
    Meeting,
    MeetingCountry,
    MeetingSize,
    MeetingTopic,
    Participant,
    Readout,
    Statement,
    Topic,
)
from readouts.tree import TopicTree

from .admin_pages import form_data
from .factories import SEED, make_document, variant, write_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(tmp_path):
    load([SEED, write_json(tmp_path / "corpus.json", [make_document(i) for i in range(8)])])


def assert_current() -> None:
    for table in derived.TABLES:
        missing, extra = table.differences()
        assert (table.name, missing, extra) == (table.name, set(), set())


def pick(data, queryset, label: str):
    keys = list(queryset.order_by("pk").values_list("pk", flat=True))
    return data.draw(st.sampled_from(keys), label=label) if keys else None


def add_topics(data) -> None:
    statement = pick(data, Statement.objects.all(), "statement")
    topics = data.draw(st.lists(st.sampled_from(list(Topic.objects.values_list("pk", flat=True)))))
    if statement:
        Statement.objects.get(pk=statement).topics.add(*topics)


def remove_topics(data) -> None:
    link = pick(data, Statement.topics.through.objects.all(), "link")
    if link:
        Statement.topics.through.objects.filter(pk=link).delete()


def clear_topics(data) -> None:
    statement = pick(data, Statement.objects.all(), "statement")
    if statement:
        Statement.objects.get(pk=statement).topics.clear()


def redate(data) -> None:
    meeting = pick(data, Meeting.objects.all(), "meeting")
    if meeting:
        day = data.draw(st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)), label="date")
        Meeting.objects.filter(pk=meeting).update(date=day, end_date=None)


def move_statement(data) -> None:
    statement = pick(data, Statement.objects.filter(speaker__isnull=True), "joint statement")
    readout = pick(data, Readout.objects.all(), "readout")
    if statement and readout:
        highest = Statement.objects.filter(readout_id=readout).order_by("-sequence").first()
        sequence = (highest.sequence if highest else 0) + 1
        Statement.objects.filter(pk=statement).update(readout_id=readout, sequence=sequence)


def move_readout(data) -> None:
    readout = pick(data, Readout.objects.all(), "readout")
    meeting = pick(data, Meeting.objects.all(), "meeting")
    if readout and meeting:
        taken = Readout.objects.filter(meeting_id=meeting).values_list("publisher_id", "language")
        moving = Readout.objects.get(pk=readout)
        if (moving.publisher_id, moving.language) not in set(taken):
            # Its speakers did not attend there: their statements become joint ones.
            Statement.objects.filter(readout_id=readout).update(speaker=None)
            Readout.objects.filter(pk=readout).update(meeting_id=meeting)


def delete_statement(data) -> None:
    statement = pick(data, Statement.objects.all(), "statement")
    if statement:
        Statement.objects.filter(pk=statement).delete()


def delete_readout(data) -> None:
    readout = pick(data, Readout.objects.all(), "readout")
    if readout:
        Readout.objects.get(pk=readout).delete()


def delete_meeting(data) -> None:
    meeting = pick(data, Meeting.objects.all(), "meeting")
    if meeting:
        Meeting.objects.get(pk=meeting).delete()


def add_attendance(data) -> None:
    meeting = pick(data, Meeting.objects.all(), "meeting")
    participant = pick(data, Participant.objects.all(), "participant")
    taken = Attendance.objects.filter(meeting_id=meeting, participant_id=participant).exists()
    if meeting and participant and not taken:
        order = Attendance.objects.filter(meeting_id=meeting).count()
        Attendance.objects.create(meeting_id=meeting, participant_id=participant, order=order)


def remove_attendance(data) -> None:
    """An attendance no statement relies on (the speaker rule keeps the others)."""
    spoken = Statement.objects.filter(
        speaker_id=OuterRef("participant_id"), readout__meeting_id=OuterRef("meeting_id")
    )
    attendance = pick(data, Attendance.objects.filter(~Exists(spoken)), "attendance")
    if attendance:
        Attendance.objects.filter(pk=attendance).delete()


def move_attendance(data) -> None:
    spoken = Statement.objects.filter(
        speaker_id=OuterRef("participant_id"), readout__meeting_id=OuterRef("meeting_id")
    )
    attendance = pick(data, Attendance.objects.filter(~Exists(spoken)), "attendance")
    meeting = pick(data, Meeting.objects.all(), "meeting")
    if attendance and meeting:
        moving = Attendance.objects.get(pk=attendance)
        if not Attendance.objects.filter(
            meeting_id=meeting, participant_id=moving.participant_id
        ).exists():
            Attendance.objects.filter(pk=attendance).update(meeting_id=meeting)


def change_attendee(data) -> None:
    """An attendance given to another participant, as an admin inline can."""
    spoken = Statement.objects.filter(
        speaker_id=OuterRef("participant_id"), readout__meeting_id=OuterRef("meeting_id")
    )
    attendance = pick(data, Attendance.objects.filter(~Exists(spoken)), "attendance")
    participant = pick(data, Participant.objects.all(), "participant")
    if attendance and participant:
        changing = Attendance.objects.get(pk=attendance)
        if not Attendance.objects.filter(
            meeting_id=changing.meeting_id, participant_id=participant
        ).exists():
            Attendance.objects.filter(pk=attendance).update(participant_id=participant)


def recountry(data) -> None:
    """A participant's country changed, to another or to none recorded."""
    participant = pick(data, Participant.objects.all(), "participant")
    country = data.draw(st.sampled_from(["", "US", "CN", "RU", "FR"]), label="country")
    if participant:
        Participant.objects.filter(pk=participant).update(country=country)


def merge_participants(data) -> None:
    """Two participants merged: the duplicate's attendances move to the survivor."""
    keys = list(Participant.objects.order_by("pk").values_list("pk", flat=True))
    if len(keys) < 2:
        return
    survivor, duplicate = data.draw(st.permutations(keys), label="participants")[:2]
    # Refused, with nothing changed, when the two are marked as not the same.
    with contextlib.suppress(merging.MergeError):
        merging.merge_participants(
            Participant.objects.get(pk=survivor), [Participant.objects.get(pk=duplicate)]
        )


def add_meeting(data) -> None:
    i = data.draw(st.integers(0, 10**6), label="new meeting")
    if not Meeting.objects.filter(slug=f"new-{i}").exists():
        Meeting.objects.create(
            slug=f"new-{i}", date=dt.date(2023, 1, 1), kind="meeting", title=f"New {i}"
        )


def reparent(data) -> None:
    """A topic moved to the top of the tree or under another (never under itself)."""
    topic = pick(data, Topic.objects.all(), "topic")
    if topic is None:
        return
    tree = TopicTree.stored()
    parents = [None, *(pk for pk in sorted(tree.parents) if not tree.makes_cycle(topic, pk))]
    parent = data.draw(st.sampled_from(parents), label="parent")
    Topic.objects.filter(pk=topic).update(parent=parent)


def merge_topics(data) -> None:
    """Two topics merged: the duplicate's statements and subtopics move to the survivor."""
    keys = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    if len(keys) < 2:
        return
    survivor, duplicate = data.draw(st.permutations(keys), label="topics")[:2]
    # Refused, with nothing changed, when the survivor is under the duplicate.
    with contextlib.suppress(merging.MergeError):
        merging.merge_topics(Topic.objects.get(pk=survivor), [Topic.objects.get(pk=duplicate)])


def reload(data, tmp_path) -> None:
    """The loader: a document again, with other topics and statements, or a new one."""
    i = data.draw(st.integers(0, 11), label="document")
    topics = data.draw(st.lists(st.sampled_from(["topic-0", "topic-1", "trade"]), unique=True))
    count = data.draw(st.integers(0, 4), label="statements")

    def edit(document):
        for statement in document["readouts"][0]["statements"]:
            statement["topics"] = topics

    document = variant(make_document(i, statements=count), edit)
    document["topics"] = [
        {"slug": "trade", "name": "Trade", "parent": None},
        {"slug": "topic-0", "name": "Topic 0", "parent": "trade"},
        {"slug": "topic-1", "name": "Topic 1", "parent": "trade"},
        *[t for t in document["topics"] if t["slug"] not in {"trade", "topic-0", "topic-1"}],
    ]
    load([write_json(tmp_path / f"doc-{i}.json", document)])


OPERATIONS = [
    add_topics,
    remove_topics,
    clear_topics,
    redate,
    move_statement,
    move_readout,
    delete_statement,
    delete_readout,
    delete_meeting,
    reparent,
    merge_topics,
    add_attendance,
    remove_attendance,
    move_attendance,
    change_attendee,
    recountry,
    merge_participants,
    add_meeting,
    reload,
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_it_stays_equal_to_its_derivation_whatever_is_written(corpus, tmp_path, data):
    # Every example starts from the same records: its writes are undone after it.
    with transaction.atomic():
        assert_current()
        for _ in range(data.draw(st.integers(1, 8), label="writes")):
            operation = data.draw(st.sampled_from(OPERATIONS), label="write")
            # Each write in its own savepoint, as a page or a command would commit it.
            with transaction.atomic():
                if operation is reload:
                    operation(data, tmp_path)
                else:
                    operation(data)
            assert_current()
        transaction.set_rollback(True)


def test_it_follows_the_admin_and_a_restore(corpus, admin_client):
    readout = Readout.objects.get(publisher__slug="mfa-prc")
    url = f"/admin/readouts/readout/{readout.pk}/change/"
    data = form_data(admin_client.get(url))
    trade = Topic.objects.get(slug="trade")
    data["statements-0-topics"] = [str(trade.pk)]
    assert admin_client.post(url, data).status_code == 302
    assert MeetingTopic.objects.filter(topic=trade, meeting=readout.meeting).exists()
    assert_current()
    meeting = readout.meeting
    url = f"/admin/readouts/meeting/{meeting.pk}/change/"
    data = {**form_data(admin_client.get(url)), "date": "2023-05-02"}
    assert admin_client.post(url, data).status_code == 302
    assert set(MeetingTopic.objects.filter(meeting=meeting).values_list("month", flat=True)) == {
        dt.date(2023, 5, 1)
    }
    assert_current()
    first = meeting.history.order_by("history_date").first()
    restore = f"/admin/readouts/meeting/{meeting.pk}/history/{first.history_id}/"
    assert admin_client.post(restore, form_data(admin_client.get(restore))).status_code == 302
    assert set(MeetingTopic.objects.filter(meeting=meeting).values_list("month", flat=True)) == {
        dt.date(2022, 10, 1)
    }
    response = admin_client.post(
        "/admin/readouts/meeting/",
        {"action": "delete_selected", "_selected_action": [meeting.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not MeetingTopic.objects.filter(meeting=meeting).exists()
    assert_current()


def test_it_follows_djangos_loaddata(db, tmp_path):
    load([SEED])
    path = tmp_path / "fixture.json"
    with path.open("w", encoding="utf-8") as out:
        call_command("dumpdata", "readouts", "--natural-foreign", "--natural-primary", stdout=out)
    Meeting.objects.all().delete()
    Statement.topics.through.objects.all().delete()
    assert not MeetingTopic.objects.exists()
    call_command("loaddata", str(path), verbosity=0)
    assert MeetingTopic.objects.count() == len(derived.MEETING_TOPICS.derivation()) > 0
    assert MeetingSize.objects.count() == Meeting.objects.count() > 0
    assert_current()


def test_it_follows_loaddata_that_writes_topics_after_their_links(corpus, tmp_path):
    # A fixture by key (no natural keys) with the topics last, each subtopic before its
    # parent: the links are written before their topics, which the foreign keys allow
    # until the commit.
    out = io.StringIO()
    models = ["meeting", "attendance", "readout", "statement", "topic"]
    call_command("dumpdata", *[f"readouts.{m}" for m in models], stdout=out)
    rows = json.loads(out.getvalue())
    topics = [row for row in rows if row["model"] == "readouts.topic"]
    topics.sort(key=lambda row: row["fields"]["parent"] is None)  # subtopics first
    assert topics[0]["fields"]["parent"] is not None
    path = write_json(tmp_path / "fixture.json", [r for r in rows if r not in topics] + topics)
    want = derived.MEETING_TOPICS.derivation()
    Meeting.objects.all().delete()
    Topic.objects.filter(parent__isnull=False).delete()
    Topic.objects.all().delete()
    assert not MeetingTopic.objects.exists()
    call_command("loaddata", str(path), verbosity=0)
    assert derived.MEETING_TOPICS.stored() == want
    assert_current()


def test_it_follows_loaddata_that_writes_participants_after_their_attendances(corpus, tmp_path):
    # A fixture by key with the participants last: their attendances are written first,
    # when no participant (and so no country) is there to count yet.
    out = io.StringIO()
    models = ["meeting", "attendance", "readout", "statement", "participant"]
    call_command("dumpdata", *[f"readouts.{m}" for m in models], stdout=out)
    rows = json.loads(out.getvalue())
    people = [row for row in rows if row["model"] == "readouts.participant"]
    path = write_json(tmp_path / "fixture.json", [r for r in rows if r not in people] + people)
    want = derived.MEETING_COUNTRIES.derivation()
    assert want
    Meeting.objects.all().delete()
    Participant.objects.all().delete()
    assert not MeetingCountry.objects.exists()
    call_command("loaddata", str(path), verbosity=0)
    assert derived.MEETING_COUNTRIES.stored() == want
    assert_current()


def test_an_attendance_given_to_someone_of_another_country_moves_the_meeting(corpus):
    attendance = Attendance.objects.get(participant__slug="sergey-lavrov")
    meeting = attendance.meeting
    assert Meeting.objects.with_country("RU").filter(pk=meeting.pk).exists()
    other = Participant.objects.create(slug="someone-french", name="Someone", country="FR")
    Statement.objects.filter(speaker_id=attendance.participant_id).update(speaker=None)
    Attendance.objects.filter(pk=attendance.pk).update(participant=other)
    assert not Meeting.objects.with_country("RU").filter(pk=meeting.pk).exists()
    assert Meeting.objects.with_country("FR").filter(pk=meeting.pk).exists()
    assert_current()


def on_postgresql(conn_settings: dict, **options):
    import psycopg

    return psycopg.connect(
        dbname=conn_settings["NAME"],
        user=conn_settings["USER"],
        host=conn_settings["HOST"] or None,
        port=conn_settings["PORT"] or None,
        **options,
    )


def waits_for_a_lock(watcher, pid: int) -> bool:
    row = watcher.execute(
        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
    ).fetchone()
    return bool(row) and row[0] == "Lock"


def write_meanwhile(first_sql, second_sql) -> None:
    """Two transactions at once, as two editors' saves: the first writes and holds its
    commit; the second writes (in a thread, since it may wait for the first); the first
    commits once the second waits for it or has written; then the second commits."""
    import threading

    params = connection.settings_dict
    first, second = on_postgresql(params), on_postgresql(params)
    watcher = on_postgresql(params, autocommit=True)
    try:
        first.execute(*first_sql)
        thread = threading.Thread(target=second.execute, args=second_sql)
        thread.start()
        while thread.is_alive() and not waits_for_a_lock(watcher, second.info.backend_pid):
            thread.join(0.01)
        first.commit()
        thread.join()
        second.commit()
    finally:
        for conn in (first, second, watcher):
            conn.close()


ATTEND = (
    'INSERT INTO readouts_attendance (meeting_id, participant_id, title, "order", version) '
    "VALUES (%s, %s, '', 50, 1)"
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_attendances_written_at_once_are_both_counted(corpus):
    meeting = Meeting.objects.create(
        slug="new-meeting", date=dt.date(2023, 1, 1), kind="meeting", title="New"
    )
    a = Participant.objects.create(slug="a-person", name="A Person", country="US")
    b = Participant.objects.create(slug="b-person", name="B Person", country="US")
    write_meanwhile((ATTEND, [meeting.pk, a.pk]), (ATTEND, [meeting.pk, b.pk]))
    assert MeetingCountry.objects.get(meeting=meeting, country="US").participants == 2
    assert_current()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_country_changed_while_an_attendance_is_written_counts_the_new_country(corpus):
    person = Participant.objects.create(slug="racer", name="A Racer", country="FR")
    first, second = Meeting.objects.order_by("pk")[:2]
    Attendance.objects.create(meeting=first, participant=person, order=50)
    write_meanwhile(
        ("UPDATE readouts_participant SET country = 'DE' WHERE id = %s", [person.pk]),
        (ATTEND, [second.pk, person.pk]),
    )
    assert Meeting.objects.with_country("DE").filter(pk__in=[first.pk, second.pk]).count() == 2
    assert_current()


def test_the_command_checks_and_rebuilds_them(corpus):
    out = io.StringIO()
    call_command("derived_tables", stdout=out)
    matches = "The meeting–topic table matches the statements' topics and the topic tree."
    assert matches in out.getvalue()
    assert "The meeting size table matches the attendances." in out.getvalue()
    meeting = Meeting.objects.get(slug="meeting-1")
    gone = MeetingTopic.objects.filter(meeting=meeting).count()
    MeetingTopic.objects.filter(meeting=meeting).delete()
    MeetingSize.objects.filter(meeting=meeting).update(participants=9)
    with pytest.raises(CommandError) as refused:
        call_command("derived_tables")
    message = str(refused.value)
    topics = "the meeting–topic table differs from the statements' topics and the topic tree"
    assert f"{topics}: {gone} row(s) missing, 0 not due" in message
    assert (
        "the meeting size table differs from the attendances: 1 row(s) missing, 1 not due"
        in message
    )
    before, _ = data_version()
    call_command("derived_tables", "--rebuild", stdout=out)
    assert "Rebuilt:" in out.getvalue()
    assert_current()
    # Pages kept for the data version showed the wrong rows: the version moves on.
    assert data_version()[0] > before


def test_every_meeting_has_its_size_from_the_first_save_and_sorting_by_it_lists_them_all(
    corpus, client
):
    empty = Meeting.objects.create(
        slug="nobody", date=dt.date(2023, 1, 1), kind="meeting", title="Nobody yet"
    )
    assert MeetingSize.objects.get(meeting=empty).participants == 0
    page = client.get("/meetings/", {"ordering": "participants", "per_page": 100})
    listed = [meeting.slug for meeting in page.context["object_list"]]
    assert listed[0] == "nobody" and len(listed) == Meeting.objects.count()
    sizes = [MeetingSize.objects.get(meeting__slug=slug).participants for slug in listed]
    assert sizes == sorted(sizes)


def test_a_topic_moved_under_another_takes_its_meetings_to_its_new_ancestors(
    corpus, admin_client, client
):
    # The meetings on a subtopic count under its parent, whichever path moves it.
    trade, subtopic = Topic.objects.get(slug="trade"), Topic.objects.get(slug="topic-0")
    on_subtopic = set(Meeting.objects.on_topics([subtopic.pk]).values_list("slug", flat=True))
    only_there = on_subtopic - set(
        Meeting.objects.filter(
            readouts__statements__topics__in=Topic.objects.filter(parent=trade).exclude(
                pk=subtopic.pk
            )
        ).values_list("slug", flat=True)
    )
    assert only_there  # meetings that are on trade through this subtopic alone
    security = Topic.objects.create(slug="security", name="Security")
    assert not Meeting.objects.on_topics([security.pk]).exists()

    url = f"/admin/readouts/topic/{subtopic.pk}/change/"
    data = {**form_data(admin_client.get(url)), "parent": security.pk}
    assert admin_client.post(url, data).status_code == 302
    assert_current()
    assert set(Meeting.objects.on_topics([security.pk]).values_list("slug", flat=True)) == (
        on_subtopic
    )
    on_trade = set(Meeting.objects.on_topics([trade.pk]).values_list("slug", flat=True))
    assert not only_there & on_trade
    # The pages say so: the list filtered by the new parent, and its count on the topics page.
    listed = client.get("/meetings/?topic=security")
    assert {m.slug for m in listed.context["page_obj"]} == on_subtopic
    counts = {
        node["topic"].slug: node["meetings"]
        for root in client.get("/topics/").context["object_list"]
        for node in [root, *root["children"]]
    }
    assert counts["security"] == len(on_subtopic)
    assert counts["trade"] == len(on_trade)
