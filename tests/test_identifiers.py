"""Identifiers of participants and publishers: a Wikidata ID, and others as Popolo's
`identifiers`; kept by the loader and exporter, edited in the admin, shown on the
pages, accepted by the filters and the API, and written as Popolo JSON."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from readouts.exporting import export_documents, export_plover, export_popolo, meetings_for
from readouts.loading import LoadError, load
from readouts.models import Participant, Publisher

from .admin_pages import form_data
from .conftest import export_everything
from .factories import seed_document, write_json

pytestmark = pytest.mark.django_db

SEED_MEETING = "2022-10-27-wang-yi-sergey-lavrov"
WANG_YI = "Q22686"  # an example QID; the tests only need its shape
VIAF = {"scheme": "viaf", "identifier": "12345"}


@pytest.fixture
def identified(tmp_path):
    document = seed_document()
    wang = document["participants"][0]
    wang["identifiers"] = [{"scheme": "wikidata", "identifier": WANG_YI}, VIAF]
    document["readouts"][0]["publisher"]["identifiers"] = [
        {"scheme": "wikidata", "identifier": "Q1053394"}
    ]
    return load([write_json(tmp_path / "seed.json", document)])


def test_it_loads_identifiers_into_their_fields(identified):
    wang = Participant.objects.get(slug="wang-yi")
    assert wang.wikidata == WANG_YI and wang.identifiers == [VIAF]
    assert wang.identifier_list == [{"scheme": "wikidata", "identifier": WANG_YI}, VIAF]
    assert Publisher.objects.get().wikidata == "Q1053394"
    assert Participant.objects.get(slug="sergey-lavrov").identifier_list == []


def test_it_exports_identifiers_only_where_there_are_some(identified, tmp_path):
    export = json.loads(export_everything())
    (document,) = export["documents"]
    wang, lavrov = document["participants"]
    assert wang["identifiers"] == [{"scheme": "wikidata", "identifier": WANG_YI}, VIAF]
    assert "identifiers" not in lavrov
    assert document["readouts"][0]["publisher"]["identifiers"][0]["identifier"] == "Q1053394"
    # Loaded again, nothing changes; without identifiers, the export is as it was.
    report = load([write_json(tmp_path / "again.json", export)])
    assert all(t.updated == 0 and t.created == 0 for t in report.tallies.values())
    Participant.objects.update(wikidata="", identifiers=[])
    Publisher.objects.update(wikidata="", identifiers=[])
    assert "identifiers" not in export_everything()


@pytest.mark.parametrize(
    ("identifiers", "message"),
    [
        ([{"scheme": "wikidata", "identifier": "22686"}], "is not a Wikidata ID"),
        ([{"scheme": "wikidata", "identifier": "Q0"}], "is not a Wikidata ID"),
        ([{"scheme": "Viaf!", "identifier": "1"}], "is not a scheme's short lower-case name"),
        ([{"scheme": "viaf"}], "identifier"),
        (
            [
                {"scheme": "wikidata", "identifier": "Q1"},
                {"scheme": "wikidata", "identifier": "Q2"},
            ],
            "give one Wikidata ID",
        ),
    ],
)
def test_it_refuses_identifiers_it_cannot_keep(tmp_path, db, identifiers, message):
    document = seed_document()
    document["participants"][0]["identifiers"] = identifiers
    with pytest.raises(LoadError) as refused:
        load([write_json(tmp_path / "bad.json", document)])
    text = refused.value.describe()
    assert "participants[0].identifiers" in text and message in text
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("wikidata", "identifiers", "field"),
    [
        ("22686", [], "wikidata"),
        ("Q22686x", [], "wikidata"),
        ("", [{"scheme": "wikidata", "identifier": "Q1"}], "identifiers"),
        ("", [{"scheme": "viaf"}], "identifiers"),
        ("", {"viaf": "1"}, "identifiers"),
        ("", [VIAF, VIAF], "identifiers"),
    ],
)
def test_the_model_validates_identifiers(seeded, wikidata, identifiers, field):
    wang = Participant.objects.get(slug="wang-yi")
    wang.wikidata, wang.identifiers = wikidata, identifiers
    with pytest.raises(ValidationError) as refused:
        wang.full_clean()
    assert list(refused.value.message_dict) == [field]


def test_the_admin_edits_identifiers(seeded, admin_client):
    wang = Participant.objects.get(slug="wang-yi")
    url = f"/admin/readouts/participant/{wang.pk}/change/"
    data = form_data(admin_client.get(url))
    data |= {"wikidata": "22686", "identifiers": "[]"}
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "Q and digits" in refused.content.decode()
    data |= {"wikidata": WANG_YI, "identifiers": json.dumps([VIAF])}
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    wang.refresh_from_db()
    assert (wang.wikidata, wang.identifiers) == (WANG_YI, [VIAF])
    data = form_data(admin_client.get(url)) | {"identifiers": ""}  # an emptied box
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    wang.refresh_from_db()
    assert wang.identifiers == []
    publisher = Publisher.objects.get()
    url = f"/admin/readouts/publisher/{publisher.pk}/change/"
    data = form_data(admin_client.get(url)) | {"wikidata": "Q1053394"}
    assert admin_client.post(url, data).status_code == 302
    assert Publisher.objects.get().wikidata == "Q1053394"


def test_the_pages_link_identifiers(identified, client):
    html = client.get("/participants/wang-yi/").content.decode()
    assert f'href="https://www.wikidata.org/wiki/{WANG_YI}"' in html
    assert "viaf 12345" in html
    html = client.get(f"/meetings/{SEED_MEETING}/").content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q1053394"' in html


def test_the_filters_take_a_wikidata_id(identified, client):
    page = client.get(f"/meetings/?participant={WANG_YI}")
    assert [m.slug for m in page.context["object_list"]] == [SEED_MEETING]
    page = client.get("/statements/?speaker=q22686")
    assert {s.speaker.slug for s in page.context["object_list"]} == {"wang-yi"}
    page = client.get("/meetings/?publisher=Q1053394")
    assert [m.slug for m in page.context["object_list"]] == [SEED_MEETING]
    assert client.get("/meetings/?participant=Q999").context["unmatched"]
    meetings = client.get(f"/api/meetings/?participant={WANG_YI}").json()["results"]
    assert [m["slug"] for m in meetings] == [SEED_MEETING]
    assert client.get("/api/meetings/?participant=Q999").status_code == 400


def test_the_api_gives_identifiers(identified, client):
    wang = client.get("/api/participants/wang-yi/").json()
    assert wang["wikidata"] == WANG_YI
    assert wang["identifiers"] == [{"scheme": "wikidata", "identifier": WANG_YI}, VIAF]
    assert client.get("/api/publishers/mfa-prc/").json()["wikidata"] == "Q1053394"


def test_plover_actors_carry_the_wikidata_id(identified):
    meetings, used = meetings_for({})
    (record,) = [json.loads(line) for line in export_plover(meetings, used)]
    assert record["source"][0]["identifier_id"] == WANG_YI
    assert "identifier_id" not in record["source"][1]


def test_it_writes_popolo_persons_organizations_and_memberships(identified):
    meetings, used = meetings_for({})
    popolo = json.loads("".join(export_popolo(meetings, used)))
    persons = {p["id"]: p for p in popolo["persons"]}
    assert set(persons) == {"wang-yi", "sergey-lavrov"}
    assert persons["wang-yi"]["identifiers"] == [
        {"scheme": "wikidata", "identifier": WANG_YI},
        VIAF,
    ]
    assert {"name": "王毅"} in persons["wang-yi"]["other_names"]
    organizations = {o["id"]: o for o in popolo["organizations"]}
    assert organizations["government-CN"]["classification"] == "government"
    assert organizations["mfa-prc"]["parent_id"] == "government-CN"
    assert organizations["mfa-prc"]["identifiers"][0]["identifier"] == "Q1053394"
    memberships = {m["person_id"]: m for m in popolo["memberships"]}
    lavrov = memberships["sergey-lavrov"]
    assert lavrov["organization_id"] == "government-RU"
    assert lavrov["role"] == "Foreign Minister"
    assert lavrov["start_date"] == lavrov["end_date"] == "2022-10-27"
    assert lavrov["sources"][0]["url"] == f"/meetings/{SEED_MEETING}/"
    # Every reference resolves.
    ids = set(persons) | set(organizations)
    for membership in popolo["memberships"]:
        assert {membership["person_id"], membership["organization_id"]} <= ids
    out = io.StringIO()
    call_command("export_readouts", "--format", "popolo", stdout=out)
    assert json.loads(out.getvalue()) == popolo


def test_sqlite_keeps_the_tables_triggers_after_adding_the_columns(db):
    # Migrations 0016, 0018 and 0023 add columns to these tables in place.
    if connection.vendor != "sqlite":
        pytest.skip("the columns are added in place on SQLite only to keep its triggers")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('readouts_participant', 'readouts_publisher', 'readouts_topic') "
            "GROUP BY tbl_name"
        )
        assert dict(cursor.fetchall()) == {
            # the data version's three and the meeting-country table's two (0024)
            "readouts_participant": 5,
            "readouts_publisher": 3,
            "readouts_topic": 8,
        }


def test_a_documents_export_without_identifiers_is_unchanged(seeded):
    meetings, used = meetings_for({})
    assert "identifiers" not in "".join(export_documents(meetings, used))
