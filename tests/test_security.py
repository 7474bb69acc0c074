"""Signing in, the headers every response carries, errors in the server's log, and
writes that lose a race with another."""

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from readouts.loading import load
from readouts.models import Meeting

from .admin_pages import form_data
from .factories import SEED

PROJECT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(db) -> User:
    return User.objects.create_user("analyst", password="the right password", is_staff=True)


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_it_refuses_an_account_after_five_failed_sign_ins_for_ten_minutes(analyst, client):
    for _ in range(4):
        assert sign_in(client, "analyst", "a guess").status_code == 200  # the form again
    assert sign_in(client, "analyst", "a guess").status_code == 429  # the fifth
    # Even the right password is refused now, from any address.
    refused = sign_in(client, "analyst", "the right password", address="10.0.0.2")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Ten minutes later the analyst signs in.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=11))
    assert sign_in(client, "analyst", "the right password").status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_it_refuses_an_address_that_tries_many_accounts(analyst, client):
    for name in ["admin", "root", "editor", "ana", "ben"]:
        sign_in(client, name, "a guess", address="10.0.0.9")
    assert sign_in(client, "analyst", "the right password", address="10.0.0.9").status_code == 429
    # Another address is not held up by it.
    assert sign_in(Client(), "analyst", "the right password", address="10.0.0.3").status_code == 302


def test_it_counts_the_clients_address_behind_the_proxy(analyst, client, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        sign_in(client, "nobody", "a guess", HTTP_X_FORWARDED_FOR="10.1.1.1, 192.0.2.7")
    # Everyone comes from the proxy's address; only the client's own is held up. What the
    # client wrote itself in the header, before the proxy's entry, does not count.
    proxy = "127.0.0.1"
    other = sign_in(
        Client(), "analyst", "the right password", proxy, HTTP_X_FORWARDED_FOR="192.0.2.8"
    )
    assert other.status_code == 302
    same = sign_in(
        Client(), "analyst", "the right password", proxy, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.7"
    )
    assert same.status_code == 429


def test_a_refused_return_address_lands_on_the_home_page_not_a_missing_one(analyst, client):
    response = client.post(
        f"{LOGIN}?next=https://elsewhere.example/",
        {"username": "analyst", "password": "the right password"},
        REMOTE_ADDR="10.0.0.4",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("readouts:home")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("url", ["/", "/meetings/", LOGIN, "/meetings/export.json?country=ZZ"])
def test_every_response_carries_a_content_security_policy(seeded, client, url):
    policy = client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_production_logs_a_server_error_with_its_traceback_to_standard_error(tmp_path):
    # Debug off, and a database that cannot be opened: the request fails, and the
    # server's log (standard error) has the traceback.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client(raise_request_exception=False).get('/')\n"
        "print(response.status_code)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "DJANGO_SECRET_KEY": "logging-test",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "500"
    assert "ERROR django.request: Internal Server Error: /" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "unable to open database file" in result.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
def test_a_save_that_waits_too_long_for_a_lock_says_nothing_was_saved():
    load([SEED])
    meeting = Meeting.objects.get()
    user = User.objects.create_superuser("root", password="x")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("admin:readouts_meeting_change", args=[meeting.pk])
    data = {**form_data(client.get(url)), "location": "Geneva"}
    held, release = threading.Event(), threading.Event()

    def hold_the_row():
        # Another writer, holding the meeting's row, as a long load changing it would.
        try:
            with transaction.atomic():
                Meeting.objects.select_for_update().get(pk=meeting.pk)
                held.set()
                release.wait()
        finally:
            connections.close_all()

    other = threading.Thread(target=hold_the_row)
    other.start()
    held.wait()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = client.post(url, data)
    finally:
        release.set()
        other.join()
    assert response.status_code == 503
    assert "Nothing was saved." in response.content.decode()
    assert Meeting.objects.get().location == ""
