"""The public page cache stays honest: every write moves the data version on, a page
read after a write shows it, and nothing private is kept or served to another reader.

These tests commit, as production does: the version moves on at each commit.
"""

import json
import socket

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readouts.caching import data_version, topics_version
from readouts.loading import load
from readouts.models import Attendance, Meeting, Participant, Record, Statement, Topic

from .admin_pages import form_data
from .factories import SEED, make_document, write_json

pytestmark = pytest.mark.django_db(transaction=True)
SEED_MEETING = "/meetings/2022-10-27-wang-yi-sergey-lavrov/"


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"},
    }
    caches["default"].clear()
    caches["pages"].clear()
    return caches["pages"]


@pytest.fixture
def seed(db):
    load([SEED])


def moves_the_version(write) -> None:
    before = data_version()[0]
    write()
    assert data_version()[0] > before, write


def test_every_path_that_writes_moves_the_version_on(seed, tmp_path):
    meeting = Meeting.objects.get()

    def save():
        meeting.location = "Beijing"
        meeting.save()

    def copy_load():  # the loader writes with COPY on PostgreSQL
        load([write_json(tmp_path / "more.json", [make_document(i) for i in range(3)])])

    def loaddata():
        path = tmp_path / "fixture.json"
        path.write_text(
            json.dumps([{"model": "readouts.topic", "fields": {"slug": "new", "name": "New"}}])
        )
        call_command("loaddata", str(path), verbosity=0)

    def x() -> int:
        return Participant.objects.get(slug="x").pk

    def raw_sql():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE readouts_publisher SET website = 'https://example.org/'")

    def record():
        return Record.objects.create(
            source="us-office-of-the-historian",
            kind="visit",
            key="1",
            date="2022-10-27",
            who="Someone",
            text="Working Visit.",
        )

    for write in [
        save,
        record,
        lambda: Record.objects.get().meetings.add(meeting),
        lambda: Record.objects.update(text="Official Visit."),
        lambda: Record.objects.get().meetings.clear(),
        lambda: Record.objects.all().delete(),
        lambda: Meeting.objects.update(title="Renamed"),
        lambda: Participant.objects.bulk_create([Participant(slug="x", name="X")]),
        lambda: Statement.objects.first().topics.add(Topic.objects.create(slug="t", name="T")),
        lambda: Statement.objects.filter(sequence=4).delete(),
        lambda: Attendance.objects.create(meeting=meeting, participant_id=x()),
        lambda: Attendance.objects.filter(participant__slug="x").delete(),
        copy_load,
        loaddata,
        raw_sql,
        lambda: Meeting.objects.filter(slug="meeting-1").delete(),
    ]:
        moves_the_version(write)


def test_a_page_read_after_a_write_shows_the_write(seed, page_cache, client):
    first = client.get(SEED_MEETING)
    assert first["Cache-Control"] == "public, no-cache" and first.has_header("ETag")
    assert len(page_cache._cache) == 1  # kept
    again = client.get(SEED_MEETING)
    assert again.content == first.content
    Meeting.objects.update(title="A title changed since")
    after = client.get(SEED_MEETING)
    assert "A title changed since" in after.content.decode()
    assert after["ETag"] != first["ETag"]


def test_a_reader_who_has_the_page_gets_304_until_the_data_changes(seed, page_cache, client):
    etag = client.get(SEED_MEETING)["ETag"]
    unchanged = client.get(SEED_MEETING, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    last_modified = client.get(SEED_MEETING)["Last-Modified"]
    assert client.get(SEED_MEETING, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    Meeting.objects.update(location="Moscow")
    assert client.get(SEED_MEETING, HTTP_IF_NONE_MATCH=etag).status_code == 200


def editor() -> Client:
    user = User.objects.create_user("ed", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client


def test_an_editors_pages_are_fresh_and_never_kept_or_shown_to_others(seed, page_cache):
    anonymous = Client()
    anonymous.get(SEED_MEETING)  # kept for anonymous readers
    ed = editor()
    page = ed.get(SEED_MEETING)
    assert "Edit in the admin" in page.content.decode()
    assert not page.has_header("ETag")
    assert "Edit in the admin" not in anonymous.get(SEED_MEETING).content.decode()
    # The editor saves in the admin: they and everyone else see it on the next request.
    meeting = Meeting.objects.get()
    url = f"/admin/readouts/meeting/{meeting.pk}/change/"
    assert ed.post(url, {**form_data(ed.get(url)), "location": "Sochi"}).status_code == 302
    assert "Sochi" in ed.get(SEED_MEETING).content.decode()
    assert "Sochi" in anonymous.get(SEED_MEETING).content.decode()
    # Everything kept (LocMemCache's keys are ":1:<our key>").
    kept = [page_cache.get(key.split(":", 2)[2]) for key in list(page_cache._cache)]
    assert kept
    for _, headers, content in kept:
        assert b"Edit in the admin" not in content
        assert b"csrfmiddlewaretoken" not in content
        assert "Set-Cookie" not in headers


def test_the_admin_and_the_sign_in_page_are_never_kept(seed, page_cache, client):
    for url in ["/admin/login/", "/admin/", "/meetings/export.json"]:
        client.get(url)
    assert not page_cache._cache


def redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_running(), reason="needs Redis on 127.0.0.1:6379")
def test_several_web_processes_share_one_cache_through_redis(seed, settings, client):
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
    }
    settings.CACHES = {"default": redis, "pages": redis}
    shared = caches["pages"]
    shared.clear()
    first = client.get(SEED_MEETING)
    assert shared.get(f"readouts:page:{first['ETag'].strip(chr(34))}") is not None
    Meeting.objects.update(title="Seen by every process")
    assert "Seen by every process" in client.get(SEED_MEETING).content.decode()
    shared.clear()


def test_the_api_and_feeds_are_kept_by_version_and_show_a_write(seed, page_cache, client):
    for url in ["/api/meetings/", "/meetings/feed.atom?pair=CN,RU"]:
        page_cache.clear()
        first = client.get(url)
        assert first.status_code == 200 and first.has_header("ETag")
        assert len(page_cache._cache) == 1, url  # kept
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert unchanged.status_code == 304
        Meeting.objects.update(title=f"Retitled for {url}")
        after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert after.status_code == 200
        assert f"Retitled for {url}" in after.content.decode()


def test_the_topic_counts_are_worked_out_once_per_version_and_show_a_write(
    seed, page_cache, tmp_path
):
    ed = editor()  # signed in: the page is rendered each time, the counts are kept
    page = ed.get("/topics/").content.decode()
    assert '?topic=china-russia-relations">1 meeting<' in page
    with CaptureQueriesContext(connection) as captured:
        assert ed.get("/topics/").content.decode() == page
    assert not any("meeting_topic" in q["sql"] for q in captured.captured_queries)

    # A second meeting on the topic: the version moves on, and the count with it.
    def on_topic(document):
        document["readouts"][0]["statements"][0]["topics"] = ["china-russia-relations"]
        return document

    load([write_json(tmp_path / "more.json", [on_topic(make_document(1))])])
    assert '?topic=china-russia-relations">2 meetings<' in ed.get("/topics/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_topic_counts_are_kept_through_writes_that_cannot_change_them(seed, page_cache):
    """Kept under the topics' own version: a meeting retitled or a participant renamed
    leaves it (the counts are not worked out again); a statement's topics moves it on.
    (On SQLite a meeting's date saved unchanged moves it too: its derived rows are made
    again, row by row.)"""
    ed = editor()
    ed.get("/topics/")
    counted = topics_version()
    Meeting.objects.update(title="Retitled")
    Participant.objects.update(organization="Renamed")
    assert topics_version() == counted
    with CaptureQueriesContext(connection) as captured:
        ed.get("/topics/")
    assert not any("meeting_topic" in q["sql"] for q in captured.captured_queries)

    assert '?topic=china-russia-relations">1 meeting<' in ed.get("/topics/").content.decode()
    links = Statement.topics.through.objects.filter(topic__slug="china-russia-relations")
    with transaction.atomic():
        links.delete()
        if connection.vendor == "postgresql":  # at the commit; SQLite's one writer: at once
            assert topics_version() == counted
    assert topics_version() > counted
    page = ed.get("/topics/").content.decode()
    assert '?topic=china-russia-relations">1 meeting<' not in page
