"""Names work wherever slugs do: participant, speaker, topic and publisher take a slug,
a name or an alias, in any case and with or without accents, on the pages, the
downloads and export_readouts. A name that names several records lists them; one
that names none says so; neither lists every row or a silent empty page."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readouts import naming
from readouts.loading import load
from readouts.models import Topic

from .factories import write_json

pytestmark = pytest.mark.django_db

PEOPLE = {
    "xi-jinping": {"name": "Xi Jinping", "country": "CN", "aliases": ["习近平"]},
    "jose-garcia": {"name": "José García", "country": "ES"},
    "joao-lourenco": {"name": "Joao Lourenco", "country": "AO"},
    "joe-biden": {"name": "Joe Biden", "country": "US", "aliases": ["Biden"]},
    "joseph-biden-jr": {"name": "Joseph Biden Jr.", "country": "US", "aliases": ["Biden"]},
}
# Meeting slug: who attends, who speaks (None: the sides together), its topic.
MEETINGS = {
    "xi-biden": (["xi-jinping", "joe-biden"], "xi-jinping", "trade"),
    "garcia-biden": (["jose-garcia", "joseph-biden-jr"], "jose-garcia", "climate"),
    "lourenco-biden": (["joao-lourenco", "joe-biden"], None, "climate"),
}


def document(slug: str, people: list[str], speaker: str | None, topic: str) -> dict:
    return {
        "meeting": {"slug": slug, "date": "2023-05-01", "kind": "talks", "title": f"Talks {slug}"},
        "participants": [{"slug": p, **PEOPLE[p]} for p in people],
        "topics": [
            {"slug": "economy", "name": "Economy", "parent": None},
            {"slug": "trade", "name": "Trade", "parent": "economy"},
            {"slug": "climate", "name": "Climate", "parent": None},
        ],
        "readouts": [
            {
                "publisher": {"slug": "sre", "name": "Secretaría de Relaciones Exteriores"},
                "language": "es",
                "title": f"Readout of {slug}",
                "body": "Text.",
                "statements": [{"speaker": speaker, "topics": [topic], "text": f"On {topic}."}],
            }
        ],
    }


@pytest.fixture
def people(tmp_path):
    docs = [document(slug, *spec) for slug, spec in MEETINGS.items()]
    load([write_json(tmp_path / "people.json", docs)])


def titles(client, url: str, **params) -> list[str]:
    page = page_of(client, url, **params)
    return sorted(re.findall(r'<a href="/meetings/[^"]+/">Talks ([^<]+)</a>', page))


def page_of(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_a_participant_by_slug_name_or_alias_in_any_case(people, client):
    for typed in ["xi-jinping", "Xi Jinping", "xi jinping", " XI  JINPING ", "习近平"]:
        assert titles(client, "/meetings/", participant=typed) == ["xi-biden"], typed


def test_it_finds_names_with_or_without_their_accents(people, client):
    for typed in ["José García", "Jose Garcia", "jose garcia", "JOSÉ GARCÍA"]:
        assert titles(client, "/meetings/", participant=typed) == ["garcia-biden"], typed
    # Stored without accents, typed with them.
    assert titles(client, "/meetings/", participant="João Lourenço") == ["lourenco-biden"]


def test_some_words_of_a_name_find_the_one_record_that_has_them(people, client):
    for typed, meeting in [("jinping", "xi-biden"), ("GARCIA", "garcia-biden")]:
        assert titles(client, "/meetings/", participant=typed) == [meeting], typed
    assert titles(client, "/meetings/", participant="Lourenço") == ["lourenco-biden"]
    page = page_of(client, "/meetings/", participant="jinping", publisher="Relaciones Exteriores")
    assert 'name="participant" value="Xi Jinping"' in page  # who "jinping" named
    assert '<option value="sre" selected>' in page
    # Not a word of any name: no one; a word of several names: which?
    assert "No participant named “Jinpin”." in page_of(client, "/meetings/", participant="Jinpin")
    load_namesake()
    page = page_of(client, "/meetings/", participant="joe")
    assert "Did you mean <a" in page and "?participant=joe-biden-2" in page


def test_a_name_is_looked_up_in_one_query_and_accents_need_one_more(people):
    with CaptureQueriesContext(connection) as by_name:
        assert naming.participant("xi jinping")[0].slug == "xi-jinping"
    with CaptureQueriesContext(connection) as by_slug:
        assert naming.participant("xi-jinping")[0].slug == "xi-jinping"
    with CaptureQueriesContext(connection) as unaccented:
        assert naming.participant("Jose Garcia")[0].slug == "jose-garcia"
    assert (len(by_name), len(by_slug), len(unaccented)) == (1, 1, 2)


def test_it_finds_speakers_topics_and_publishers_by_name(people, client):
    statements = page_of(client, "/statements/", speaker="Xi Jinping")
    assert statements.count('<article class="statement"') == 1 and "On trade." in statements
    joint = page_of(client, "/statements/", speaker="joint")
    assert joint.count('<article class="statement"') == 1 and "On climate." in joint
    # A topic by name includes its subtopics, as by slug.
    assert titles(client, "/meetings/", topic="ECONOMY") == ["xi-biden"]
    assert titles(client, "/meetings/", topic="economy") == ["xi-biden"]
    everything = titles(client, "/meetings/")
    assert titles(client, "/meetings/", publisher="secretaria de relaciones exteriores") == (
        everything
    )


def test_an_ambiguous_name_lists_the_candidates_and_chooses_nothing(people, client):
    page = page_of(client, "/meetings/", participant="biden", kind="talks")
    assert "“biden” names more than one participant. Did you mean " in page
    assert '<a href="?participant=joe-biden&amp;kind=talks">Joe Biden (US)</a> or ' in page
    assert '<a href="?participant=joseph-biden-jr&amp;kind=talks">Joseph Biden Jr. (US)</a>?' in (
        page
    )
    assert "No meetings match these filters." in page
    assert titles(client, "/meetings/", participant="joseph-biden-jr") == ["garcia-biden"]


def test_records_of_the_same_name_are_told_apart(people, client):
    Topic.objects.create(slug="climate-2", name="Climate", parent=Topic.objects.get(slug="trade"))
    page = page_of(client, "/statements/", topic="CLIMATE")
    assert "<strong>Topic</strong>: “CLIMATE” names more than one topic." in page
    assert '<a href="?topic=climate">Climate</a> or ' in page
    assert '<a href="?topic=climate-2">Climate (under Trade)</a>?' in page
    # A slug is one record's own: it names that one.
    assert page_of(client, "/statements/", topic="climate").count("<article") == 2
    # A slug still names one of them, and the box shows the slug: the name is shared.
    page = page_of(client, "/statements/", topic="climate-2")
    assert 'name="topic" value="climate-2"' in page


def test_an_unknown_name_says_so_and_chooses_nothing(people, client):
    page = page_of(client, "/meetings/", participant="Xi Jinpin")
    assert "<strong>Participant</strong>: No participant named “Xi Jinpin”." in page
    assert "No meetings match these filters." in page
    page = page_of(client, "/statements/", speaker="nobody", topic="Nothing")
    assert "No participant named “nobody”." in page and "No topic named “Nothing”." in page
    assert '<article class="statement"' not in page


def test_the_filter_box_shows_the_chosen_record_by_name(people, client):
    page = page_of(client, "/meetings/", participant="xi-jinping", topic="trade")
    assert 'name="participant" value="Xi Jinping"' in page
    assert 'name="topic" value="Trade"' in page
    # An alias typed stays as typed: it names them, where the name may not alone.
    page = page_of(client, "/statements/", speaker="习近平")
    assert 'name="speaker" value="习近平"' in page
    # Part of a name that names one person alone gives way to the name: the box says who.
    page = page_of(client, "/meetings/", participant="jinping")
    assert 'name="participant" value="Xi Jinping"' in page
    # The name shown names the same record when the form is sent again.
    assert titles(client, "/meetings/", participant="Xi Jinping", topic="Trade") == ["xi-biden"]


def test_suggestions_fill_in_names_unless_others_share_them(people, client):
    load_namesake()
    found = client.get("/suggest/participants/", {"q": "jinping"}).json()["results"]
    assert found == [{"value": "Xi Jinping", "label": "Xi Jinping (CN)"}]
    found = client.get("/suggest/participants/", {"q": "joe"}).json()["results"]
    assert {r["value"] for r in found} == {"joe-biden", "joe-biden-2"}


def load_namesake() -> None:
    from readouts.models import Participant

    Participant.objects.create(slug="joe-biden-2", name="Joe Biden", country="US")


def export(*args: str) -> dict:
    out = io.StringIO()
    call_command("export_readouts", *args, stdout=out)
    return json.loads(out.getvalue())


def test_export_readouts_takes_names(people):
    data = export(
        "--participant",
        "Xi Jinping",
        "--topic",
        "Economy",
        "--publisher",
        "Secretaria de Relaciones Exteriores",
    )
    assert [d["meeting"]["slug"] for d in data["documents"]] == ["xi-biden"]
    # The header names the records chosen by slug.
    assert data["export"]["filter"] == {
        "participant": "xi-jinping",
        "publisher": "sre",
        "topic": "economy",
    }
    with pytest.raises(CommandError, match=r"did you mean Joe Biden \(US\) \(joe-biden\) or"):
        export("--participant", "Biden")
    with pytest.raises(CommandError, match="No topic named “Weather”"):
        export("--topic", "Weather")


def test_the_downloads_take_names(people, client):
    response = client.get("/meetings/export.json", {"participant": "jose garcia"})
    assert response.status_code == 200
    assert "meetings-participant-jose-garcia-" in response["Content-Disposition"]
    data = json.loads(b"".join(response.streaming_content))
    assert [d["meeting"]["slug"] for d in data["documents"]] == ["garcia-biden"]
    response = client.get("/statements/export.csv", {"speaker": "Xi Jinping"})
    assert response.status_code == 200
    assert "On trade." in b"".join(response.streaming_content).decode("utf-8-sig")
    response = client.get("/meetings/export.csv", {"participant": "Biden"})
    assert response.status_code == 400
    assert "Joseph Biden Jr. (US) (joseph-biden-jr)" in response.content.decode()
