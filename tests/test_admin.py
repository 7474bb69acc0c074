import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from readouts.loading import load
from readouts.models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

from .factories import make_document, write_json

pytestmark = pytest.mark.django_db

MODELS = [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:readouts_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_shows_changelist_add_and_change_pages(model, seeded, admin_client):
    obj = model.objects.first()
    for url in (
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    # The change page names the record by its __str__.
    assert escape(str(obj))[:40] in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_refuses_staff_without_permissions(model, seeded, staff_client):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 403
    assert staff_client.get(admin_url(model, "add")).status_code == 403


def test_it_sends_anonymous_users_to_sign_in(seeded, client):
    response = client.get(admin_url(Meeting, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_edits_attendances_and_readouts_inline_on_the_meeting(seeded, admin_client):
    meeting = Meeting.objects.get()
    page = admin_client.get(admin_url(Meeting, "change", meeting.pk)).content.decode()
    assert 'name="attendances-TOTAL_FORMS"' in page
    assert 'name="readouts-TOTAL_FORMS"' in page
    assert 'name="readouts-0-body"' in page
    assert 'id="meeting_form"' in page and "date_hierarchy" not in page


def test_it_chooses_participants_and_topics_by_autocomplete(seeded, admin_client, tmp_path):
    load([write_json(tmp_path / "more.json", [make_document(i) for i in range(30)])])
    readout = Readout.objects.get(publisher__slug="mfa-prc")
    page = admin_client.get(admin_url(Readout, "change", readout.pk)).content.decode()
    assert 'name="statements-0-speaker"' in page
    assert "admin-autocomplete" in page
    # Only the chosen speakers are rendered as options, never every participant.
    assert "Person person-1" not in page
    meeting_page = admin_client.get(admin_url(Meeting, "add")).content.decode()
    assert "Person person-1" not in meeting_page
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "readouts", "model_name": "statement", "field_name": "topics", "term": "ukr"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["Ukraine issue"]


def test_it_lists_meeting_participants_in_attendance_order(seeded, admin_client):
    page = admin_client.get(admin_url(Meeting, "changelist")).content.decode()
    assert "Wang Yi, Sergey Lavrov" in page


def test_it_orders_statement_inlines_by_sequence(seeded, admin_client):
    readout = Readout.objects.get()
    Statement.objects.filter(readout=readout, sequence=1).update(sequence=99)
    page = admin_client.get(admin_url(Readout, "change", readout.pk)).content.decode()
    assert page.index('value="2"') < page.index('value="99"')


def test_it_finds_participants_by_alias(seeded, admin_client):
    page = admin_client.get(admin_url(Participant, "changelist"), {"q": "Sergei"})
    assert "Sergey Lavrov" in page.content.decode()
    assert "Wang Yi" not in page.content.decode()


def statement_post(readout: Readout, speaker: Participant | None) -> dict:
    data = {
        "meeting": readout.meeting_id,
        "publisher": readout.publisher_id,
        "language": readout.language,
        "title": readout.title,
        "published_at_0": "2022-10-27",
        "published_at_1": "15:38:00",
        "url": "",
        "body": readout.body,
        "opened_version": readout.version,
        "statements-TOTAL_FORMS": 1,
        "statements-INITIAL_FORMS": 0,
        "statements-MIN_NUM_FORMS": 0,
        "statements-MAX_NUM_FORMS": 1000,
        "statements-0-sequence": 10,
        "statements-0-speaker": speaker.pk if speaker else "",
        "statements-0-text": "A new statement.",
        "_save": "Save",
    }
    return data


def test_it_refuses_a_statement_by_someone_who_did_not_attend(seeded, admin_client):
    readout = Readout.objects.get()
    outsider = Participant.objects.create(slug="outsider", name="An Outsider")
    response = admin_client.post(
        admin_url(Readout, "change", readout.pk), statement_post(readout, outsider)
    )
    assert response.status_code == 200
    assert "An Outsider did not attend this meeting" in response.content.decode()
    assert not Statement.objects.filter(sequence=10).exists()


def test_it_saves_a_statement_by_a_participant(seeded, admin_client):
    readout = Readout.objects.get()
    lavrov = Participant.objects.get(slug="sergey-lavrov")
    response = admin_client.post(
        admin_url(Readout, "change", readout.pk), statement_post(readout, lavrov)
    )
    assert response.status_code == 302
    assert Statement.objects.get(sequence=10).speaker == lavrov


def test_it_refuses_the_standalone_statement_form_for_an_absent_speaker(seeded, admin_client):
    readout = Readout.objects.get()
    outsider = Participant.objects.create(slug="outsider", name="An Outsider")
    response = admin_client.post(
        admin_url(Statement, "add"),
        {"readout": readout.pk, "sequence": 11, "speaker": outsider.pk, "text": "Hi"},
    )
    assert "An Outsider did not attend this meeting" in response.content.decode()
    assert not Statement.objects.filter(sequence=11).exists()


def test_it_keeps_speakers_among_the_participants(seeded, admin_client):
    meeting = Meeting.objects.get()
    attendances = list(meeting.attendances.order_by("order"))
    data = {
        "title": meeting.title,
        "slug": meeting.slug,
        "date": "2022-10-27",
        "kind": meeting.kind,
        "location": "",
        "opened_version": meeting.version,
        "attendances-TOTAL_FORMS": 2,
        "attendances-INITIAL_FORMS": 2,
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
        "readouts-TOTAL_FORMS": 0,
        "readouts-INITIAL_FORMS": 0,
        "readouts-MIN_NUM_FORMS": 0,
        "readouts-MAX_NUM_FORMS": 1000,
    }
    for i, att in enumerate(attendances):
        data |= {
            f"attendances-{i}-id": att.pk,
            f"attendances-{i}-meeting": meeting.pk,
            f"attendances-{i}-participant": att.participant_id,
            f"attendances-{i}-title": att.title,
            f"attendances-{i}-order": att.order,
            f"attendances-{i}-opened_version": att.version,
        }
    data["attendances-1-DELETE"] = "on"
    response = admin_client.post(admin_url(Meeting, "change", meeting.pk), data)
    assert response.status_code == 200
    assert "Sergey Lavrov speak(s) in this meeting" in response.content.decode()
    assert meeting.attendances.count() == 2


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


# Per changelist, for a signed-in superuser: session, user, count of the rows (an
# estimate for big unfiltered tables on PostgreSQL; never a second count of the whole
# table), the page of rows (with its joins and annotations), then
#   Meeting: publishers for the filter, participants prefetched for the page, the
#            date hierarchy's first and last date and its months;
#   Participant: the countries in use, for the filter;
#   Readout: publishers and languages for the filters, the date hierarchy's range and days;
#   Statement: publishers for the filter.
EXPECTED_QUERIES = {
    Meeting: 6,
    Participant: 5,
    Attendance: 4,
    Publisher: 4,
    Readout: 6,
    Statement: 5,
    Topic: 4,
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_runs_a_fixed_number_of_queries_per_changelist(model, admin_client, tmp_path):
    load([write_json(tmp_path / "small.json", [make_document(i) for i in range(5)])])
    small = changelist_queries(admin_client, model)
    load([write_json(tmp_path / "large.json", [make_document(i) for i in range(5, 60)])])
    large = changelist_queries(admin_client, model)
    # PostgreSQL asks for the table's estimated size first (EstimatedCountPaginator).
    expected = EXPECTED_QUERIES[model] + (connection.vendor == "postgresql")
    assert small == large == expected


def test_it_shows_an_estimate_for_big_unfiltered_tables_on_postgresql(
    seeded, admin_client, monkeypatch
):
    from readouts import counting

    monkeypatch.setattr(counting, "ESTIMATE_ABOVE", 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE readouts_statement")
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'readouts_statement'")
            expected = int(cursor.fetchone()[0])
    else:
        expected = Statement.objects.count()
    changelist = admin_client.get(admin_url(Statement, "changelist")).context["cl"]
    assert changelist.result_count == expected
    filtered = admin_client.get(admin_url(Statement, "changelist"), {"q": "extended"})
    assert filtered.context["cl"].result_count == 1  # a filtered list is counted exactly
