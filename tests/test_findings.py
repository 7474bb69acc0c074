"""`manage.py audit_records` and the admin's "Records to look at" page."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from readouts.findings import audit
from readouts.loading import load
from readouts.models import Attendance, Meeting, Participant, Readout, Statement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def audit_output(*args: str) -> str:
    out = StringIO()
    call_command("audit_records", *args, stdout=out)
    return out.getvalue()


def found(key: str) -> list[str]:
    (result,) = [r for r in audit() if r.check.key == key]
    return [f"{finding.subject}: {finding.detail}" for finding in result.findings]


@pytest.mark.django_db
@pytest.mark.parametrize("historian", [True, False], ids=["with-records", "readouts-only"])
def test_it_finds_nothing_to_look_at_in_the_demo_data(historian):
    files = sorted(FIXTURES.glob("*.json"))
    load(files if historian else [f for f in files if not f.name.startswith("200-")])
    assert Meeting.objects.count() > 300
    assert "No findings" in audit_output("--check")
    assert [r.check.key for r in audit() if r.findings] == []
    if not historian:
        return
    # Senegal's President and its Foreign Minister, whom a Historian's entry names together,
    # share a country and a family name: the demo data marks them as two people, and the
    # mark is what keeps them off the list.
    sall, tall_sall = (Participant.objects.get(slug=s) for s in ("macky-sall", "aissata-tall-sall"))
    assert (sall.distinct_list, tall_sall.distinct_list) == (["aissata-tall-sall"], ["macky-sall"])
    Participant.objects.filter(pk__in=[sall.pk, tall_sall.pk]).update(distinct_from="")
    assert found("likely-duplicate") == [
        "Macky Sall (SN) and Aïssata Tall Sall (SN): may be one participant: same country "
        "and family name"
    ]


@pytest.mark.django_db
def test_it_finds_a_statement_whose_text_is_not_in_its_readout(seeded):
    assert found("text-not-in-body") == []
    statement = Statement.objects.get(sequence=2)
    statement.text = "Lavrov said something the readout never says."
    statement.save()
    (finding,) = found("text-not-in-body")
    assert "statement 2" in finding and "something the readout never says" in finding


@pytest.mark.django_db
def test_it_finds_a_readout_without_statements_and_a_meeting_without_readouts(seeded):
    Statement.objects.all().delete()
    (finding,) = found("no-statements")
    assert "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov" in finding
    Readout.objects.all().delete()
    assert found("no-statements") == []
    (finding,) = found("no-readout")
    assert "no readout is recorded" in finding


@pytest.mark.django_db
def test_it_finds_meetings_with_one_participant_or_none(seeded):
    Statement.objects.filter(speaker__slug="sergey-lavrov").update(speaker=None)
    Attendance.objects.filter(participant__slug="sergey-lavrov").delete()
    assert found("one-participant") == [f"{Meeting.objects.get()}: only one participant attends it"]


@pytest.mark.django_db(transaction=True)
def test_it_finds_a_speaker_who_did_not_attend_when_the_databases_rule_was_bypassed(seeded):
    someone = Participant.objects.create(slug="someone", name="Someone Else", country="FR")
    statement = Statement.objects.get(sequence=1)
    # Only by turning the database's own rule off (migration 0010) can this be recorded.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            Statement.objects.filter(pk=statement.pk).update(speaker=someone)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
            else:
                cursor.execute("PRAGMA foreign_keys = ON")
    (finding,) = found("speaker-absent")
    assert "statement 1" in finding and "Someone Else (FR) is not among" in finding
    output = audit_output()
    assert "Speakers who did not attend (1)" in output and "1 finding(s)." in output
    with pytest.raises(CommandError, match="1 record"):
        call_command("audit_records", "--check", stdout=StringIO())
    Statement.objects.filter(pk=statement.pk).update(speaker=statement.speaker)


@pytest.mark.django_db
def test_it_lists_at_most_the_limit_of_each_kind(seeded):
    for i in range(3):
        Meeting.objects.create(
            slug=f"empty-{i}", date=f"2024-01-0{i + 1}", kind="meeting", title="E"
        )
    (result,) = [r for r in audit(limit=2) if r.check.key == "no-readout"]
    assert len(result.findings) == 2 and result.more
    assert "Meetings without a readout (2+)" in audit_output("--limit", "2")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("audit_records", "--limit", "0")


def staff(role: str | None) -> User:
    user = User.objects.create_user(f"u-{role}", password="x", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.django_db
def test_the_admin_shows_the_findings_to_those_who_may_view_meetings(client, seeded):
    Statement.objects.all().delete()
    url = reverse("admin_findings")
    client.force_login(staff("Viewer"))
    index = client.get(reverse("admin:index"))
    assert url in index.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Readouts without statements (1)" in html
    readout = Readout.objects.get()
    assert reverse("admin:readouts_readout_change", args=[readout.pk]) in html

    client.force_login(staff(None))  # staff with no permissions
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("admin:index")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


@pytest.mark.django_db
def test_the_admin_says_when_there_is_nothing_to_look_at(admin_client, seeded):
    html = admin_client.get(reverse("admin_findings")).content.decode()
    assert "Nothing to look at: every check passes." in html
