import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from readouts.models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic
from readouts.roles import ensure_roles

pytestmark = pytest.mark.django_db

CURATED = [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]
SEED_MEETING = "/meetings/2022-10-27-wang-yi-sergey-lavrov/"


def member(role: str) -> User:
    user = User.objects.create_user(f"{role.lower()}-user", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def url(model, view: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return set(group.permissions.values_list("codename", flat=True))


def test_it_creates_the_three_roles_with_exactly_their_permissions():
    names = ["meeting", "participant", "attendance", "publisher", "readout", "statement", "topic"]
    names += ["record"]
    view = {f"view_{n}" for n in names} | {"view_loadrun"}
    assert codenames("Viewer") == view
    assert codenames("Editor") == view | {f"add_{n}" for n in names} | {
        f"change_{n}" for n in names
    } | {"delete_statement", "delete_attendance"}
    administrator = codenames("Administrator")
    assert {"add_user", "change_user", "delete_user", "change_group", "delete_meeting"} <= (
        administrator
    )


def test_it_keeps_roles_in_step_when_run_again():
    viewer = Group.objects.get(name="Viewer")
    viewer.permissions.clear()
    ensure_roles()
    ensure_roles()
    assert Group.objects.filter(name="Viewer").count() == 1
    assert "view_meeting" in codenames("Viewer")
    call_command("migrate", verbosity=0)  # what `make run` does restores them too
    assert len(codenames("Viewer")) == 9


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_it_lets_a_viewer_see_but_not_change(model, seeded, client):
    client.force_login(member("Viewer"))
    obj = model.objects.first()
    assert client.get(url(model, "changelist")).status_code == 200
    page = client.get(url(model, "change", obj.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert client.get(url(model, "add")).status_code == 403
    assert client.get(url(model, "delete", obj.pk)).status_code == 403
    assert client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", CURATED, ids=lambda m: m.__name__)
def test_it_lets_an_editor_add_and_change_and_delete_only_statements_and_attendances(
    model, seeded, client
):
    client.force_login(member("Editor"))
    obj = model.objects.first()
    assert client.get(url(model, "add")).status_code == 200
    page = client.get(url(model, "change", obj.pk))
    assert 'name="_save"' in page.content.decode()
    deletable = model in {Statement, Attendance}
    assert client.get(url(model, "delete", obj.pk)).status_code == (200 if deletable else 403)


def test_it_keeps_users_and_groups_to_administrators(seeded, client):
    for role, allowed in [("Viewer", False), ("Editor", False), ("Administrator", True)]:
        client.force_login(member(role))
        expected = 200 if allowed else 403
        assert client.get(url(User, "changelist")).status_code == expected, role
        assert client.get(url(Group, "changelist")).status_code == expected, role
        meeting = Meeting.objects.first()
        assert client.get(url(Meeting, "delete", meeting.pk)).status_code == expected, role


def test_it_shows_edit_links_on_the_pages_only_to_those_who_may_edit(seeded, client):
    edit = f'href="{url(Meeting, "change", Meeting.objects.get().pk)}"'
    assert edit not in client.get(SEED_MEETING).content.decode()
    client.force_login(member("Viewer"))
    assert edit not in client.get(SEED_MEETING).content.decode()
    client.force_login(member("Editor"))
    assert edit in client.get(SEED_MEETING).content.decode()


def test_it_lets_every_role_read_the_pages(seeded, client, settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    for role in ["Viewer", "Editor", "Administrator"]:
        client.force_login(member(role))
        assert client.get("/meetings/").status_code == 200
        assert client.get(SEED_MEETING).status_code == 200
