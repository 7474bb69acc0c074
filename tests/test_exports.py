import csv
import io
import json

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readouts import __version__, exporting
from readouts.loading import SCHEMA_PATH, load
from readouts.models import Meeting, Participant, Publisher, Statement, Topic

from .factories import SEED, make_document, write_json

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    # 2026-11-27T00:00:00Z: exports name this day and carry it in their header.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795737600")


@pytest.fixture
def corpus(seeded, tmp_path):
    load([write_json(tmp_path / "more.json", [make_document(i) for i in range(12)])])
    # Records no meeting refers to must survive an export of everything too.
    Participant.objects.create(slug="lonely", name="Lonely Envoy", aliases="L. Envoy")
    Publisher.objects.create(slug="quiet", name="Quiet Ministry", country="FR")
    Topic.objects.create(slug="unused", name="Unused topic")


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_readouts", *args, stdout=out)
    return out.getvalue()


def wipe() -> None:
    Meeting.objects.all().delete()
    Participant.objects.all().delete()
    Publisher.objects.all().delete()
    while Topic.objects.exists():
        Topic.objects.filter(children__isnull=True).delete()


def slugs(document_export: str) -> list[str]:
    return [d["meeting"]["slug"] for d in json.loads(document_export)["documents"]]


def test_it_exports_readout_documents_by_default(seeded):
    data = json.loads(export())
    assert data["export"] == {
        "format": "readout-documents",
        "version": __version__,
        "exported_at": "2026-11-27T00:00:00Z",
        "filter": {},
        "meetings": 1,
    }
    document = data["documents"][0]
    readout = document["readouts"][0]
    assert readout["publisher"]["slug"] == "mfa-prc"
    # As the founding document gives it: Beijing's clock, not UTC's.
    assert readout["published_at"] == "2022-10-27T23:38:00+08:00"
    assert readout["statements"][3] == {
        "sequence": 4,
        "speaker": None,
        "topics": ["international-and-regional-issues", "ukraine-issue"],
        "text": "The two sides also exchanged views on the Ukraine issue and international "
        "and regional issues of mutual interest and concern.",
    }
    assert [p["title"] for p in document["participants"]][1] == "Foreign Minister"


@pytest.mark.parametrize("fmt", ["documents", "django"])
@pytest.mark.parametrize("indent", ["0", "2"])
def test_it_writes_what_json_dumps_would(fmt, indent, corpus):
    text = export("--format", fmt, "--indent", indent)
    expected = json.dumps(json.loads(text), ensure_ascii=False, indent=int(indent) or None)
    assert text == expected + "\n"


@pytest.mark.parametrize("fmt", ["documents", "django"])
def test_it_round_trips_byte_for_byte_through_an_empty_database(fmt, corpus, tmp_path):
    first = export("--format", fmt)
    path = tmp_path / f"export-{fmt}.json"
    path.write_text(first, encoding="utf-8")
    wipe()
    assert not Topic.objects.exists() and not Participant.objects.exists()
    load([path])
    assert export("--format", fmt) == first
    assert Participant.objects.filter(slug="lonely").exists()
    assert Publisher.objects.filter(slug="quiet").exists()
    assert Topic.objects.filter(slug="unused").exists()


def test_it_makes_fixtures_that_loaddata_accepts(corpus, tmp_path):
    first = export("--format", "django")
    path = tmp_path / "fixture.json"
    path.write_text(first, encoding="utf-8")
    wipe()
    call_command("loaddata", str(path), verbosity=0)
    assert export("--format", "django") == first
    assert Statement.objects.count() == 4 + 36


def test_it_validates_every_document_export_against_the_schema(corpus):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for args in [(), ("--country", "CN"), ("--topic", "trade", "--since", "2023-03-01")]:
        assert list(validator.iter_errors(json.loads(export(*args)))) == []


def test_it_exports_a_filtered_subset(corpus):
    chosen = export(
        "--country",
        "CN",
        "--since",
        "2022-01-01",
        "--topic",
        "ukraine-issue",
        "--publisher",
        "mfa-prc",
    )
    data = json.loads(chosen)
    assert slugs(chosen) == ["2022-10-27-wang-yi-sergey-lavrov"]
    assert data["export"]["filter"] == {
        "country": "CN",
        "date_after": "2022-01-01",
        "publisher": "mfa-prc",
        "topic": "ukraine-issue",
    }
    # Only the topics the statements use, with their ancestors; no unrelated records.
    assert "bilateral-relations" in {t["slug"] for t in data["topics"]}
    assert "trade" not in {t["slug"] for t in data["topics"]}
    assert "participants" not in data
    assert slugs(export("--kind", "visit", "--until", "2023-06-30")) == ["meeting-3"]


def test_it_writes_a_filtered_django_fixture_that_loads_alone(corpus, tmp_path):
    path = tmp_path / "cn.json"
    call_command(
        "export_readouts",
        "--format",
        "django",
        "--country",
        "RU",
        "-o",
        str(path),
        stderr=io.StringIO(),
    )
    wipe()
    load([path])
    assert set(Meeting.objects.values_list("slug", flat=True)) == {
        "2022-10-27-wang-yi-sergey-lavrov",
        "meeting-1",
        "meeting-8",
        "meeting-11",
    }


def test_it_refuses_a_filter_it_cannot_use(corpus):
    with pytest.raises(CommandError, match=r"cannot export: date: Enter a valid date\."):
        export("--since", "2022-02-30")
    with pytest.raises(CommandError, match="kind: Select a valid choice"):
        export("--kind", "zoom")


def test_it_writes_to_a_file(corpus, tmp_path):
    path = tmp_path / "out.json"
    err = io.StringIO()
    call_command("export_readouts", "-o", str(path), stderr=err)
    assert json.loads(path.read_text(encoding="utf-8"))["export"]["meetings"] == 13
    assert f"Wrote {path}." in err.getvalue()
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_readouts", "-o", str(tmp_path / "no" / "such" / "dir.json"))


def count_queries(fmt: str) -> int:
    meetings, _ = exporting.meetings_for({})
    with CaptureQueriesContext(connection) as captured:
        for _ in exporting.EXPORTERS[fmt](meetings, {}, chunk_size=5):
            pass
    return len(captured)


@pytest.mark.parametrize("fmt", ["documents", "django"])
def test_it_streams_with_queries_per_chunk_not_per_row(fmt, tmp_path):
    load([write_json(tmp_path / "a.json", [make_document(i, statements=2) for i in range(10)])])
    small = count_queries(fmt)  # 10 meetings: 2 chunks of 5
    load([write_json(tmp_path / "b.json", [make_document(i, statements=9) for i in range(10, 40)])])
    large = count_queries(fmt)  # 40 meetings, with more statements each: 8 chunks
    # Each chunk of meetings prefetches attendances, readouts, statements and their topics
    # (and, for documents, the records that know of them).
    per_chunk = {"documents": 5, "django": 4}[fmt]
    assert large - small == per_chunk * (8 - 2)


def test_it_downloads_the_filtered_meetings_from_the_list_page(corpus, client):
    page = client.get("/meetings/", {"country": "CN", "page": "1"}).content.decode()
    assert 'href="/meetings/export.json?country=CN" download' in page
    response = client.get("/meetings/export.json", {"country": "CN", "page": "1"})
    assert response.streaming
    assert response["Content-Disposition"] == (
        'attachment; filename="meetings-country-CN-2026-11-27.json"'
    )
    data = json.loads(b"".join(response.streaming_content))
    expected = Meeting.objects.filter(attendances__participant__country="CN").distinct()
    assert sorted(slugs(json.dumps(data))) == sorted(expected.values_list("slug", flat=True))


def test_it_downloads_every_page_not_only_the_visible_one(seeded, client, tmp_path):
    load([write_json(tmp_path / "many.json", [make_document(i) for i in range(40)])])
    assert "41 meetings, showing 1–25" in client.get("/meetings/").content.decode()
    response = client.get("/meetings/export.json")
    assert len(json.loads(b"".join(response.streaming_content))["documents"]) == 41


def read_csv(response) -> list[dict]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # a BOM: spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_it_downloads_meetings_as_csv(corpus, client):
    Meeting.objects.filter(slug="meeting-1").update(title='=HYPERLINK("http://x")')
    response = client.get("/meetings/export.csv", {"kind": "meeting"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(
        'filename="meetings-kind-meeting-2026-11-27.csv"'
    )
    rows = read_csv(response)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert len(rows) == Meeting.objects.filter(kind="meeting").count()
    first = rows[0]
    assert first["title"] == '\'=HYPERLINK("http://x")'  # neutralised formula
    assert first["participants"] == "Person person-1 (RU); Person person-58 (DE)"
    assert first["publishers"] == "Publisher 1"
    assert first["topics"] == "Topic 1"
    assert first["page"] == "http://testserver/meetings/meeting-1/"
    assert first["sources"] == "https://example.org/readouts/1"


def test_it_downloads_statements_as_csv_and_json(seeded, client):
    Statement.objects.filter(sequence=3).update(text="+ and - and @ lead nothing astray")
    rows = read_csv(client.get("/statements/export.csv", {"speaker": "sergey-lavrov"}))
    assert rows == [
        {
            "date": "2022-10-27",
            "meeting": "Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone",
            "publisher": "Ministry of Foreign Affairs of the People's Republic of China",
            "language": "en",
            "sequence": "3",
            "speaker": "Sergey Lavrov",
            "country": "RU",
            "topics": "20th CPC National Congress; China-Russia relations; "
            "Multilateral cooperation; Peace and stability in the Asia-Pacific",
            "text": "'+ and - and @ lead nothing astray",
            "page": f"http://testserver{Statement.objects.get(sequence=3).get_absolute_url()}",
        }
    ]
    response = client.get("/statements/export.json", {"q": "Ukraine"})
    assert response["Content-Disposition"].endswith(
        'filename="statements-q-Ukraine-2026-11-27.json"'
    )
    records = json.loads(b"".join(response.streaming_content))
    assert [r["speaker"] for r in records] == ["(joint)"]


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/meetings/export.json", {"country": "ZZ"}, "Country: Select a valid choice."),
        ("/meetings/export.csv", {"kind": "zoom", "country": "RU"}, "Kind: Select a valid choice"),
        ("/meetings/export.json", {"date_after": "2022-02-30"}, "Date: Enter a valid date."),
        ("/meetings/export.json", {"q": "x" * 201}, "Search: Ensure this value has at most 200"),
        ("/statements/export.csv", {"country": "ZZ"}, "Speaker's country: Select a valid"),
        ("/statements/export.json", {"date_before": "soon"}, "Date: Enter a valid date."),
    ],
)
def test_it_refuses_a_download_whose_filter_it_cannot_use(corpus, client, url, params, message):
    # Leaving the value out, as the page does with a notice, would silently download
    # more than the link asks for: everything, for a country it does not know.
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert text.startswith("Nothing was downloaded: some filters were not understood.")
    assert message in text
    # The page shows the same words for the same value.
    page = client.get(url.replace("export.json", "").replace("export.csv", ""), params)
    assert message.split(": ", 1)[1] in page.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/meetings/export.json", {"speaker": "x"}),
        ("/statements/export.csv", {"participant": "nobody", "country": "CN"}),
    ],
)
def test_it_refuses_a_download_with_a_filter_its_list_does_not_have(corpus, client, url, params):
    # Ignored, it would download everything under a header that lists the filter.
    response = client.get(url, params)
    assert response.status_code == 400
    text = response.content.decode()
    name = next(iter(params))
    assert f"  {name}: not a filter of this list, which takes " in text
    assert "page" not in text.split("which takes ", 1)[1].split(",")


def admin_action(client, model: str, action: str, pks: list[int]):
    return client.post(f"/admin/readouts/{model}/", {"action": action, "_selected_action": pks})


def test_it_exports_selected_meetings_from_the_admin(corpus, admin_client):
    chosen = list(
        Meeting.objects.filter(slug__in=["meeting-2", "meeting-5"]).values_list("pk", flat=True)
    )
    response = admin_action(admin_client, "meeting", "export_selected_meetings", chosen)
    assert response["Content-Disposition"].endswith(
        'filename="meetings-selected-meetings-2026-11-27.json"'
    )
    data = json.loads(b"".join(response.streaming_content))
    assert slugs(json.dumps(data)) == ["meeting-2", "meeting-5"]
    assert data["export"]["filter"] == {"admin_selection": "meetings"}


def test_it_exports_the_meetings_of_participants_and_topics_from_the_admin(corpus, admin_client):
    lavrov = Participant.objects.get(slug="sergey-lavrov")
    response = admin_action(
        admin_client, "participant", "export_participants_meetings", [lavrov.pk]
    )
    assert slugs(b"".join(response.streaming_content).decode()) == [
        "2022-10-27-wang-yi-sergey-lavrov"
    ]
    parent = Topic.objects.get(slug="international-and-regional-issues")
    response = admin_action(admin_client, "topic", "export_topics_meetings", [parent.pk])
    assert slugs(b"".join(response.streaming_content).decode()) == [
        "2022-10-27-wang-yi-sergey-lavrov"
    ]


def test_it_carries_provenance_in_every_readout(corpus):
    for document in json.loads(export())["documents"]:
        for readout in document["readouts"]:
            assert readout["publisher"]["name"]
            assert "url" in readout and "published_at" in readout


def test_it_names_downloads_after_the_filter_and_the_day():
    name = exporting.export_filename(
        "meetings", {"country": "CN", "page": "3", "q": "a/b c"}, "json"
    )
    assert name == "meetings-country-CN-q-a-b-c-2026-11-27.json"
    assert exporting.export_filename("statements", {}, "csv") == "statements-2026-11-27.csv"


def test_it_neutralises_formula_cells():
    assert [exporting.neutralise(v) for v in ["=1+1", "+1", "-1", "@SUM", "plain", None, 7]] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM",
        "plain",
        "",
        "7",
    ]


def test_it_exports_the_seed_as_it_was_authored(seeded):
    exported = json.loads(export())["documents"][0]
    authored = json.loads(SEED.read_text(encoding="utf-8"))
    assert exported["meeting"] == {**authored["meeting"], "end_date": None}
    statements = exported["readouts"][0]["statements"]
    assert [s["text"] for s in statements] == [
        s["text"] for s in authored["readouts"][0]["statements"]
    ]
    assert exported["readouts"][0]["body"] == authored["readouts"][0]["body"]
