"""Who may change what through the admin, checked on the writes themselves.

Hiding a button is not a permission: every admin URL that changes data gets a
real POST from every role, and the answer and the database after it are checked.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from audit.models import LoadRun
from readouts.models import (
    Attendance,
    Meeting,
    Participant,
    Publisher,
    Readout,
    Statement,
    Topic,
)

from .admin_pages import form_data
from .factories import snapshot

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non-staff", "Viewer", "Editor", "Administrator"]
CURATED = [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]
# What each role may do to curated records; Administrators may do everything.
MAY = {
    "Editor": {"add", "change", "restore"},
    "Administrator": {"add", "change", "restore", "delete", "bulk delete"},
}
EDITOR_DELETES = {Statement, Attendance}


def may(role: str, model, operation: str) -> bool:
    allowed = set(MAY.get(role, set()))
    if role == "Editor" and model in EDITOR_DELETES:
        allowed |= {"delete", "bulk delete"}
    return operation in allowed


def client_for(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    user = User.objects.create_user(f"{role.lower()}-user", password="x", is_staff=True)
    if role == "non-staff":
        user.is_staff = False
        user.save()
    else:
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def records(seeded):
    """The founding readout, and someone who attends without speaking (whose attendance
    may go), and someone who attends nothing yet."""
    meeting = Meeting.objects.get()
    listener = Participant.objects.create(slug="a-listener", name="A Listener", country="FR")
    Attendance.objects.create(meeting=meeting, participant=listener, title="Observer", order=5)
    Participant.objects.create(slug="a-newcomer", name="A Newcomer", country="DE")
    Publisher.objects.create(slug="kremlin", name="The Kremlin", country="RU")
    return meeting


def target(model):
    """The record each operation works on: one nothing else protects from deletion."""
    if model is Attendance:
        return Attendance.objects.get(participant__slug="a-listener")
    if model is Participant:
        return Participant.objects.get(slug="a-newcomer")
    if model is Publisher:
        return Publisher.objects.get(slug="kremlin")
    if model is Topic:
        return Topic.objects.filter(children__isnull=True).order_by("slug").first()
    return model.objects.order_by("pk").first()


CHANGES = {
    Meeting: ("title", "A changed title"),
    Participant: ("name", "A changed name"),
    Attendance: ("title", "A changed title"),
    Publisher: ("name", "A changed name"),
    Readout: ("title", "A changed title"),
    Statement: ("text", "A changed text."),
    Topic: ("name", "A changed name"),
}


def add_data(model, superuser: Client) -> dict:
    """A valid add form, as a browser would post it."""
    data = form_data(superuser.get(admin_url(model, "add")))
    meeting = Meeting.objects.get()
    data.update(
        {
            Meeting: {
                "title": "A new meeting",
                "slug": "a-new-meeting",
                "date": "2023-01-02",
                "kind": "meeting",
            },
            Participant: {"slug": "someone-new", "name": "Someone New", "country": "IT"},
            Attendance: {
                "meeting": meeting.pk,
                "participant": Participant.objects.get(slug="a-newcomer").pk,
                "order": 6,
            },
            Publisher: {"slug": "someone-new", "name": "Someone New", "country": "IT"},
            Readout: {
                "meeting": meeting.pk,
                "publisher": Publisher.objects.get(slug="kremlin").pk,
                "language": "ru",
                "title": "A new readout",
                "body": "What the other side said.",
            },
            Statement: {
                "readout": Readout.objects.get().pk,
                "sequence": 99,
                "text": "A new statement.",
            },
            Topic: {"slug": "someone-new", "name": "Someone New"},
        }[model]
    )
    return data


def added(model) -> bool:
    if model is Attendance:
        return Attendance.objects.filter(participant__slug="a-newcomer").exists()
    if model is Readout:
        return Readout.objects.filter(language="ru").exists()
    if model is Statement:
        return Statement.objects.filter(sequence=99).exists()
    if model is Meeting:
        return Meeting.objects.filter(slug="a-new-meeting").exists()
    return model.objects.filter(slug="someone-new").exists()


def assert_refused(role: str, response, model, operation: str) -> None:
    if role in {"anonymous", "non-staff"}:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif operation == "bulk delete":
        # The action is not offered: the changelist comes back saying none was chosen, or,
        # where the role has no action at all, the post is read as a view of the list.
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert response["Location"] == admin_url(model, "changelist")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
@pytest.mark.parametrize("operation", ["add", "change", "restore", "delete", "bulk delete"])
def test_it_allows_each_write_only_to_the_roles_that_may_make_it(
    records, admin_client, role, model, operation
):
    obj = target(model)
    field, value = CHANGES[model]
    if operation == "add":
        url, data = admin_url(model, "add"), add_data(model, admin_client)
    elif operation == "change":
        url = admin_url(model, "change", obj.pk)
        data = {**form_data(admin_client.get(url)), field: value}
    elif operation == "restore":
        # An earlier version to go back to: the record as it was before this change.
        original = getattr(obj, field)
        setattr(obj, field, value)
        obj.save()
        version = obj.history.order_by("history_date", "history_id").first()
        url = admin_url(model, "simple_history", obj.pk, version.history_id)
        data = form_data(admin_client.get(url))
    elif operation == "delete":
        url, data = admin_url(model, "delete", obj.pk), {"post": "yes"}
    else:
        url = admin_url(model, "changelist")
        data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    before = snapshot()

    response = client_for(role).post(url, data)

    if not may(role, model, operation):
        assert_refused(role, response, model, operation)
        assert snapshot() == before
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    if operation == "add":
        assert added(model)
    elif operation == "change":
        obj.refresh_from_db()
        assert getattr(obj, field) == value
    elif operation == "restore":
        obj.refresh_from_db()
        assert getattr(obj, field) == original
        assert obj.history.latest("history_date").history_user.username == f"{role.lower()}-user"
    else:
        assert not model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_users_and_groups_to_administrators(records, admin_client, role):
    other = User.objects.create_user("someone", password="an old password 1", is_staff=True)
    group = Group.objects.create(name="Readers")
    user_change = admin_url(User, "change", other.pk)
    group_change = admin_url(Group, "change", group.pk)
    writes = [
        (
            admin_url(User, "add"),
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": "a long new password 9",
                "password2": "a long new password 9",
            },
            lambda: User.objects.filter(username="newcomer").exists(),
        ),
        (
            user_change,
            {**form_data(admin_client.get(user_change)), "is_superuser": "on"},
            lambda: User.objects.get(pk=other.pk).is_superuser,
        ),
        (
            admin_url(User, "password_change", other.pk),
            {"password1": "a long new password 9", "password2": "a long new password 9"},
            lambda: User.objects.get(pk=other.pk).check_password("a long new password 9"),
        ),
        (
            admin_url(Group, "add"),
            {"name": "Auditors"},
            lambda: Group.objects.filter(name="Auditors").exists(),
        ),
        (
            group_change,
            {**form_data(admin_client.get(group_change)), "name": "Renamed"},
            lambda: Group.objects.filter(name="Renamed").exists(),
        ),
        (
            admin_url(Group, "delete", group.pk),
            {"post": "yes"},
            lambda: not Group.objects.filter(pk=group.pk).exists(),
        ),
        (
            admin_url(User, "delete", other.pk),
            {"post": "yes"},
            lambda: not User.objects.filter(pk=other.pk).exists(),
        ),
    ]
    client = client_for(role)
    for url, data, done in writes:
        response = client.post(url, data)
        if role == "Administrator":
            assert response.status_code == 302, (url, response.content.decode()[:2000])
            assert done(), url
        else:
            expected = 403 if role in {"Viewer", "Editor"} else 302
            assert response.status_code == expected, url
            assert not done(), url


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_the_record_of_loads_read_only_for_everyone(records, role):
    run = LoadRun.objects.get()
    before = list(LoadRun.objects.values())
    client = client_for(role)
    for url, data in [
        (admin_url(LoadRun, "add"), {"command": "forged", "run_by": "someone"}),
        (admin_url(LoadRun, "change", run.pk), {"command": "forged", "run_by": "someone"}),
        (admin_url(LoadRun, "delete", run.pk), {"post": "yes"}),
        (
            admin_url(LoadRun, "changelist"),
            {"action": "delete_selected", "_selected_action": [run.pk], "post": "yes"},
        ),
    ]:
        response = client.post(url, data)
        if role in {"anonymous", "non-staff"}:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        elif url.endswith("/audit/loadrun/"):
            # The changelist has no actions to offer: the post is a plain page view.
            assert response.status_code in {200, 302}
        else:
            assert response.status_code == 403, url
        assert list(LoadRun.objects.values()) == before


IMPORT = "/admin/readouts/meeting/import-text/"


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_only_those_who_may_add_import_a_readout(records, role):
    publisher = Publisher.objects.get(slug="kremlin")
    data = {
        "review": "1",
        "slug": "2022-10-27-imported",
        "date": "2022-10-27",
        "kind": "phone_call",
        "title": "An imported call",
        "publisher": publisher.pk,
        "readout_title": "The Kremlin's account",
        "body": "Lavrov spoke with Wang Yi.",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-existing": Participant.objects.get(slug="sergey-lavrov").pk,
        "people-0-title": "Foreign Minister",
        "statements-TOTAL_FORMS": "1",
        "statements-INITIAL_FORMS": "0",
        "statements-0-speaker": "0",  # the first participant row
        "statements-0-text": "Lavrov spoke with Wang Yi.",
    }
    before = snapshot()
    response = client_for(role).post(IMPORT, data)
    if role in {"Editor", "Administrator"}:
        assert response.status_code == 302
        assert Meeting.objects.filter(slug="2022-10-27-imported").exists()
        return
    assert response.status_code == (403 if role == "Viewer" else 302)
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", [Participant, Topic], ids=lambda m: m.__name__)
def test_it_lets_only_those_who_may_change_and_delete_merge(records, role, model):
    # Merging changes one record and deletes the others: Administrators only.
    if model is Participant:
        keep, other = Participant.objects.get(slug="a-listener"), target(Participant)
    else:
        keep = Topic.objects.create(slug="a-topic", name="A topic")
        other = Topic.objects.create(slug="a-twin", name="A topic")
    merge_url = admin_url(model, "merge")
    writes = [
        (merge_url, {"ids": [keep.pk, other.pk], "survivor": keep.pk}),
        (
            admin_url(model, "changelist"),
            {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]},
        ),
    ]
    client = client_for(role)
    # Everyone on the staff may see the likely duplicates; only those who may merge, review.
    page = client.get(admin_url(model, "duplicates"))
    if role in {"anonymous", "non-staff"}:
        assert page.status_code == 302
    else:
        assert page.status_code == 200
        review = client.get(merge_url, {"ids": [keep.pk, other.pk]})
        assert review.status_code == (200 if role == "Administrator" else 403)
    before = snapshot()
    for url, data in writes:
        response = client.post(url, data)
        if role == "Administrator":
            assert response.status_code == 302, url
            continue
        if role in {"anonymous", "non-staff"}:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        elif url == merge_url:
            assert response.status_code == 403
        else:
            # The action is not offered: the list comes back saying none was chosen.
            assert response.status_code in {200, 302}
            assert merge_url not in response.get("Location", "")
        assert snapshot() == before
    if role == "Administrator":
        assert not model.objects.filter(pk=other.pk).exists()
        assert model.objects.get(pk=keep.pk).former_slug_list == [other.slug]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", [Participant, Topic], ids=lambda m: m.__name__)
def test_it_lets_only_those_who_may_change_mark_two_as_not_the_same(records, role, model):
    # Marking a likely pair as not the same changes both records: Editors and Administrators.
    if model is Participant:
        first = Participant.objects.create(slug="macky-sall", name="Macky Sall", country="SN")
        second = Participant.objects.create(
            slug="tall-sall", name="Aïssata Tall Sall", country="SN"
        )
    else:
        first = Topic.objects.create(slug="a-topic", name="A topic")
        second = Topic.objects.create(slug="a-twin", name="A topic")
    url = admin_url(model, "distinct")
    client = client_for(role)
    page = client.get(admin_url(model, "duplicates"))
    if role in {"Editor", "Administrator"}:
        assert "Not the same" in page.content.decode()
    elif role == "Viewer":
        assert page.status_code == 200 and "Not the same" not in page.content.decode()
    before = snapshot()
    response = client.post(url, {"ids": [first.pk, second.pk]})
    if role in {"Editor", "Administrator"}:
        assert response.status_code == 302
        assert model.objects.get(pk=first.pk).distinct_list == [second.slug]
        assert model.objects.get(pk=second.pk).distinct_list == [first.slug]
        return
    if role in {"anonymous", "non-staff"}:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == 403
    assert snapshot() == before
