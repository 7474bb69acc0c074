import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from audit.models import LoadRun
from readouts.loading import load
from readouts.models import Meeting, Readout, Statement

from .admin_pages import form_data
from .factories import SEED, seed_document, variant, write_json

pytestmark = pytest.mark.django_db


def editor(name: str) -> Client:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:readouts_{obj._meta.model_name}_change", args=[obj.pk])


def test_it_keeps_every_version_with_who_and_when(seeded):
    client = editor("ana")
    meeting = Meeting.objects.get()
    data = form_data(client.get(change_url(meeting)))
    data["title"] = "A corrected title"
    assert client.post(change_url(meeting), data).status_code == 302
    versions = list(meeting.history.order_by("history_date"))
    assert [v.title for v in versions][-2:] == [
        "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone",
        "A corrected title",
    ]
    assert versions[-1].history_user.username == "ana"
    assert versions[0].history_change_reason.startswith("load_readouts run #")


def test_it_shows_a_field_by_field_diff_and_restores_a_version(seeded, admin_client):
    meeting = Meeting.objects.get()
    meeting.title, meeting.location = "Renamed", "Beijing"
    meeting.save()
    history_url = reverse("admin:readouts_meeting_history", args=[meeting.pk])
    page = admin_client.get(history_url).content.decode()
    assert "Renamed" in page and "Beijing" in page  # the changes, field by field
    original = meeting.history.order_by("history_date").first()
    restore = reverse(
        "admin:readouts_meeting_simple_history", args=[meeting.pk, original.history_id]
    )
    data = form_data(admin_client.get(restore))
    assert admin_client.post(restore, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location) == (original.title, "")


def test_it_records_each_load_that_writes(tmp_path):
    report = load([SEED], command="load_readouts fixtures/")
    run = LoadRun.objects.get()
    assert report.run == run
    assert run.files == [str(SEED)]
    assert run.command == "load_readouts fixtures/"
    assert run.run_by and run.finished_at >= run.started_at
    assert run.counts["statements"] == {"created": 4, "updated": 0, "unchanged": 0, "deleted": 0}
    assert (
        Statement.history.filter(history_change_reason=f"load_readouts run #{run.pk}").count() == 4
    )

    load([SEED])  # nothing changes, nothing is recorded
    load([SEED], dry_run=True)
    assert LoadRun.objects.count() == 1

    changed = variant(seed_document(), lambda d: d["meeting"].update(title="Changed by a load"))
    load([write_json(tmp_path / "v2.json", changed)], user=User.objects.create_user("loader"))
    latest = LoadRun.objects.latest()
    assert latest.run_by == "loader" and latest.counts["meetings"]["updated"] == 1
    change = Meeting.history.filter(history_type="~").get()
    assert change.history_user.username == "loader"
    assert change.version == 2 == Meeting.objects.get().version


def test_it_shows_load_runs_read_only_in_the_admin(seeded, admin_client):
    run = LoadRun.objects.get()
    page = admin_client.get(reverse("admin:audit_loadrun_changelist")).content.decode()
    assert "statements: 4 created" in page
    assert admin_client.get(reverse("admin:audit_loadrun_add")).status_code == 403
    detail = admin_client.get(reverse("admin:audit_loadrun_change", args=[run.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


# No lost updates: two analysts open the same record and both save.


def test_it_refuses_the_second_save_of_a_stale_meeting_form(seeded):
    ana, ben = editor("ana"), editor("ben")
    meeting = Meeting.objects.get()
    ana_form = form_data(ana.get(change_url(meeting)))
    ben_form = form_data(ben.get(change_url(meeting)))

    ben_form["location"] = "Beijing and Moscow"
    assert ben.post(change_url(meeting), ben_form).status_code == 302

    ana_form["title"] = "Ana's title"
    refused = ana.post(change_url(meeting), ana_form)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: this meeting was changed while you were editing it" in page
    assert "ben changed it" in page and "location:  → Beijing and Moscow" in page
    assert 'value="Ana&#x27;s title"' in page  # what Ana typed is kept
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location) == (
        "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone",
        "Beijing and Moscow",
    )

    # The form came back with Ben's change merged in: saving again keeps both.
    again = form_data(refused)
    assert again["location"] == "Beijing and Moscow" and again["title"] == "Ana's title"
    assert ana.post(change_url(meeting), again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location) == ("Ana's title", "Beijing and Moscow")


def test_it_refuses_a_stale_readout_with_inline_statements(seeded):
    ana, ben = editor("ana"), editor("ben")
    readout = Readout.objects.get()
    ana_form = form_data(ana.get(change_url(readout)))
    ben_form = form_data(ben.get(change_url(readout)))

    ben_form["statements-0-text"] = "Ben's wording of the first statement."
    assert ben.post(change_url(readout), ben_form).status_code == 302

    ana_form["statements-1-text"] = "Ana's wording of the second statement."
    refused = ana.post(change_url(readout), ana_form)
    page = refused.content.decode()
    assert refused.status_code == 200
    # Ben changed a statement, not the readout itself: only the statement is stale.
    assert "Not saved: this readout was changed" not in page
    assert "Not saved: this statement was changed" in page
    assert "Ana&#x27;s wording of the second statement." in page
    statements = Statement.objects.filter(readout=readout).order_by("sequence")
    assert statements[0].text == "Ben's wording of the first statement."
    assert statements[1].text.startswith("Wang Yi said that the fact that President")

    again = form_data(refused)
    assert again["statements-0-text"] == "Ben's wording of the first statement."
    assert ana.post(change_url(readout), again).status_code == 302
    texts = list(
        Statement.objects.filter(readout=readout)
        .order_by("sequence")
        .values_list("text", flat=True)
    )
    assert texts[:2] == [
        "Ben's wording of the first statement.",
        "Ana's wording of the second statement.",
    ]


def test_it_refuses_a_form_opened_before_a_load_changed_the_record(seeded, tmp_path):
    ana = editor("ana")
    meeting = Meeting.objects.get()
    ana_form = form_data(ana.get(change_url(meeting)))
    changed = variant(seed_document(), lambda d: d["meeting"].update(location="By telephone"))
    load([write_json(tmp_path / "v2.json", changed)])
    page = ana.post(change_url(meeting), ana_form).content.decode()
    assert "a load or a script changed it" in page
    assert re.search(r"location:\s+→ By telephone", page)


def test_the_history_says_where_each_change_was_made_and_never_none(seeded, admin_client):
    meeting = Meeting.objects.get()
    url = change_url(meeting)
    data = {**form_data(admin_client.get(url)), "location": "By telephone"}
    assert admin_client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    meeting.title = "Changed in the shell"
    meeting.save()  # no reason given
    original = meeting.history.earliest("history_date")
    restore = reverse(
        "admin:readouts_meeting_simple_history", args=[meeting.pk, original.history_id]
    )
    assert admin_client.post(restore, form_data(admin_client.get(restore))).status_code == 302
    reasons = list(meeting.history.order_by("history_date").values_list("history_change_reason"))
    assert [r for (r,) in reasons][1:] == [
        "changed in the admin",
        None,
        "restored an earlier version in the admin",
    ]
    page = admin_client.get(reverse("admin:readouts_meeting_history", args=[meeting.pk]))
    shown = [record.history_change_reason for record in page.context["page_obj"]]
    assert None not in shown and "" in shown  # the shell's change shows no reason, not "None"
