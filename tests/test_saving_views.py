"""The admin's saving views as they run in production: each request commits its own
transaction (no test transaction around it), so what needs one must open it."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from readouts.loading import load
from readouts.models import Attendance, Meeting, Participant, Readout, Statement, Topic

from .admin_pages import form_data, review_data
from .factories import SEED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def superuser(db) -> Client:
    load([SEED])
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:readouts_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Meeting, "title", "A corrected title"),
        (Topic, "name", "A corrected name"),
        (Statement, "text", "A corrected text."),
        (Attendance, "title", "A corrected title"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_it_restores_a_version(superuser, model, field, value):
    obj = model.objects.order_by("pk").first()
    original = getattr(obj, field)
    setattr(obj, field, value)
    obj.save()
    version = obj.history.order_by("history_date", "history_id").first()
    url = admin_url(model, "simple_history", obj.pk, version.history_id)
    response = superuser.post(url, form_data(superuser.get(url)))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == original


def test_it_saves_a_meeting_with_its_attendances_and_readouts(superuser):
    meeting = Meeting.objects.get()
    url = admin_url(Meeting, "change", meeting.pk)
    data = form_data(superuser.get(url))
    data["location"] = "By telephone"
    data["attendances-0-title"] = "Foreign Minister"
    data["readouts-0-title"] = "A corrected readout title"
    assert superuser.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "By telephone" and meeting.version == 2
    assert Attendance.objects.get(participant__slug="wang-yi").title == "Foreign Minister"
    assert Readout.objects.get().title == "A corrected readout title"


def test_it_saves_a_readout_with_its_statements(superuser):
    readout = Readout.objects.get()
    url = admin_url(Readout, "change", readout.pk)
    data = form_data(superuser.get(url))
    data["statements-0-text"] = "A corrected first statement."
    data["statements-1-speaker"] = ""
    assert superuser.post(url, data).status_code == 302
    first, second = Statement.objects.order_by("sequence")[:2]
    assert first.text == "A corrected first statement." and second.speaker is None


def test_it_refuses_a_stale_form(superuser):
    meeting = Meeting.objects.get()
    url = admin_url(Meeting, "change", meeting.pk)
    stale = form_data(superuser.get(url))
    fresh = {**stale, "location": "Moscow"}
    assert superuser.post(url, fresh).status_code == 302
    page = superuser.post(url, {**stale, "title": "Mine"}).content.decode()
    assert "Not saved: this meeting was changed while you were editing it" in page
    assert Meeting.objects.get().title != "Mine"


def test_it_deletes_one_record_and_several(superuser):
    statements = list(Statement.objects.order_by("sequence"))
    url = admin_url(Statement, "delete", statements[0].pk)
    assert superuser.post(url, {"post": "yes"}).status_code == 302
    response = superuser.post(
        admin_url(Statement, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [s.pk for s in statements[1:3]],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(Statement.objects.values_list("pk", flat=True)) == [statements[3].pk]
    meeting = Meeting.objects.get()
    assert superuser.post(admin_url(Meeting, "delete", meeting.pk), {"post": "yes"}).status_code
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def test_it_saves_an_imported_readout(superuser):
    load([SEED.parent.parent / "tests/data/importer/known-participants.json"])
    text = (SEED.parent.parent / "tests/data/importer/readouts").glob("*trudeau*")
    source = sorted(text)[0].read_text(encoding="utf-8")
    url = reverse("admin:readouts_meeting_import_text")
    draft = superuser.post(url, {"text": source})
    response = superuser.post(url, review_data(draft))
    assert response.status_code == 302
    assert Meeting.objects.filter(slug__contains="trudeau").exists()


def test_it_makes_no_new_version_when_nothing_changed(superuser):
    meeting = Meeting.objects.get()
    url = admin_url(Meeting, "change", meeting.pk)
    versions = meeting.history.count()
    assert superuser.post(url, form_data(superuser.get(url))).status_code == 302
    meeting.refresh_from_db()
    assert meeting.version == 1 and meeting.history.count() == versions
    readout = Readout.objects.get()
    url = admin_url(Readout, "change", readout.pk)
    assert superuser.post(url, form_data(superuser.get(url))).status_code == 302
    assert {s.version for s in Statement.objects.all()} == {1}
    assert Statement.history.count() == 4


def posted_at_once(posts: list[tuple[str, dict]]) -> dict:
    """Each (url, data) posted by the superuser from its own thread, all released at once;
    the answers by url. The forms are read before, one after the other: the test client
    collects what a page rendered through signals that two threads would mix up."""
    barrier = threading.Barrier(len(posts))
    results = {}

    def post(url, data):
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username="root"))
        barrier.wait()
        try:
            results[url] = client.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
def test_two_admins_moving_two_topics_under_each_other_at_once_never_fail(superuser):
    # Each round: one admin puts A under B while the other puts B under A. One of them
    # must be told it would make a cycle; neither may get a server error or a deadlock.
    a, b = Topic.objects.filter(parent__isnull=False).order_by("slug")[:2]
    for _ in range(8):
        Topic.objects.filter(pk__in=[a.pk, b.pk]).update(parent=None)
        posts = []
        for child, parent in [(a, b), (b, a)]:
            url = admin_url(Topic, "change", child.pk)
            posts.append((url, {**form_data(superuser.get(url)), "parent": parent.pk}))
        results = posted_at_once(posts)
        statuses = sorted(r.status_code for r in results.values())
        assert statuses == [200, 302], statuses
        refusal = next(r for r in results.values() if r.status_code == 200)
        assert "A topic cannot be its own ancestor." in refusal.content.decode()
        parents = dict(Topic.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "parent"))
        assert parents in ({a.pk: b.pk, b.pk: None}, {a.pk: None, b.pk: a.pk})
    assert Participant.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes one writer at a time")
def test_restoring_a_topics_parent_while_another_admin_moves_that_parent_never_makes_a_cycle(
    superuser,
):
    a, b = Topic.objects.filter(parent__isnull=False).order_by("slug")[:2]
    # A version of A under B, for one admin to restore.
    url = admin_url(Topic, "change", a.pk)
    assert superuser.post(url, {**form_data(superuser.get(url)), "parent": b.pk}).status_code == 302
    version = a.history.filter(parent_id=b.pk).latest("history_id")
    for _ in range(8):
        Topic.objects.filter(pk__in=[a.pk, b.pk]).update(parent=None)
        restore = reverse("admin:readouts_topic_simple_history", args=[a.pk, version.history_id])
        move = admin_url(Topic, "change", b.pk)
        results = posted_at_once(
            [
                (restore, form_data(superuser.get(restore))),
                (move, {**form_data(superuser.get(move)), "parent": a.pk}),
            ]
        )
        assert all(r.status_code in (200, 302) for r in results.values()), results
        parents = dict(Topic.objects.filter(pk__in=[a.pk, b.pk]).values_list("pk", "parent"))
        assert parents != {a.pk: b.pk, b.pk: a.pk}, "a cycle"
        assert parents in ({a.pk: b.pk, b.pk: None}, {a.pk: None, b.pk: a.pk})


def test_a_restore_the_database_refuses_says_only_that_nothing_was_saved(superuser):
    from django.contrib.messages import get_messages

    from readouts.models import Publisher

    seed = Meeting.objects.get()
    other = Meeting.objects.create(slug="other", date="2022-11-01", kind="meeting", title="Other")
    # A readout first recorded for another meeting, then moved to the seed's, where
    # Wang Yi (who attends only the seed's) speaks in it.
    readout = Readout.objects.create(
        meeting=other,
        publisher=Publisher.objects.get(),
        language="ru",
        title="Another account",
        body="Wang Yi said so.",
    )
    first = readout.history.get()
    readout.meeting = seed
    readout.save()
    Statement.objects.create(
        readout=readout,
        sequence=1,
        speaker=Participant.objects.get(slug="wang-yi"),
        text="Wang Yi said so.",
    )
    url = admin_url(Readout, "simple_history", readout.pk, first.history_id)
    response = superuser.post(url, form_data(superuser.get(url)))
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(told) == 1 and told[0].startswith("Nothing was saved: "), told
    readout.refresh_from_db()
    assert readout.meeting == seed


@pytest.mark.parametrize(
    "path",
    [
        "/admin/readouts/meeting/abc/history/",
        "/admin/readouts/meeting/abc/history/1/",
        "/admin/readouts/meeting/1/history/abc/",
    ],
)
def test_a_key_that_is_no_number_in_a_history_address_is_not_found(superuser, path):
    assert superuser.get(path).status_code == 404
    assert superuser.post(path, {"title": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("model", "field"),
    [(Readout, "publisher"), (Statement, "topics"), (Attendance, "participant"), (Topic, "parent")],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_a_choice_that_is_no_key_gets_the_fields_message_not_a_server_error(
    superuser, model, field
):
    obj = model.objects.order_by("pk").first()
    url = admin_url(model, "change", obj.pk)
    before = obj.version
    response = superuser.post(url, {**form_data(superuser.get(url)), field: "abc"})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode() or (
        "Select a valid choice" in response.content.decode()
    )
    obj.refresh_from_db()
    assert obj.version == before
