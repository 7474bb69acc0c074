"""The topic vocabulary is data: a hierarchy with descriptions and the phrases that
suggest each topic, kept on the Topic records, shipped in fixtures/010-topics.json."""

import json
import re

import pytest
from django.contrib.auth.models import Group, Permission, User

from readouts.exporting import export_documents, meetings_for
from readouts.importing import Vocabulary, draft_text
from readouts.loading import load
from readouts.models import Statement, Topic

from .admin_pages import review_data
from .factories import FIXTURES, SEED, make_document, snapshot, write_json

pytestmark = pytest.mark.django_db

VOCABULARY = FIXTURES / "010-topics.json"
WHITE_HOUSE = FIXTURES / "100-white-house-readouts.json"

# The subjects readouts discuss, as analysts asked for them (slug: name).
SUBJECTS = {
    "bilateral-relations": "Bilateral relations",
    "trade-and-economy": "Trade and economy",
    "technology-and-ai": "Technology and AI",
    "climate-and-energy": "Climate and energy",
    "health": "Health",
    "counternarcotics-and-fentanyl": "Counternarcotics and fentanyl",
    "taiwan": "Taiwan",
    "korean-peninsula": "Korean Peninsula",
    "middle-east": "Middle East",
    "ukraine-issue": "Ukraine issue",
    "arms-control": "Arms control",
    "international-and-regional-issues": "International and regional issues",
    "multilateral-cooperation": "Multilateral cooperation",
    "human-rights": "Human rights",
}

HEADLINE = "Readout of a Call with Prime Minister Example\n2023-03-01\n\n"


def draft_topics(text: str) -> list[list[str]]:
    draft = draft_text(HEADLINE + text, Vocabulary.from_database())
    return [s["topics"] for s in draft.document["readouts"][0]["statements"]]


def test_it_loads_the_vocabulary_with_descriptions_and_phrases():
    load([SEED, VOCABULARY])
    topics = {t.slug: t for t in Topic.objects.select_related("parent")}
    assert {slug: topics[slug].name for slug in SUBJECTS} == SUBJECTS
    for topic in topics.values():
        assert topic.description, topic.slug
        assert topic.phrase_list, topic.slug
    # The founding readout's topics keep their place; older ones moved under new roots.
    assert topics["ukraine-issue"].parent.slug == "international-and-regional-issues"
    assert topics["china-russia-relations"].parent.slug == "bilateral-relations"
    assert topics["covid-19"].parent.slug == "health"
    assert topics["climate"].parent.slug == "climate-and-energy"
    assert topics["dprk"].parent.slug == "korean-peninsula"
    assert topics["israel-and-gaza"].parent.slug == "middle-east"
    assert "fentanyl" in topics["counternarcotics-and-fentanyl"].phrase_list


def test_every_fixture_agrees_with_the_vocabulary():
    """The readouts in fixtures/ define their topics as the vocabulary does (a load
    refuses a topic given two ways), and use no topic it lacks."""
    vocabulary = {t["slug"]: t for t in json.loads(VOCABULARY.read_text())["topics"]}
    for path in [SEED, WHITE_HOUSE]:
        data = json.loads(path.read_text(encoding="utf-8"))
        documents = data.get("documents", [data])
        defined = data.get("topics", []) + [t for d in documents for t in d.get("topics", [])]
        for topic in defined:
            assert {k: vocabulary[topic["slug"]][k] for k in topic} == topic, path.name
        used = {
            slug
            for d in documents
            for r in d["readouts"]
            for s in r["statements"]
            for slug in s["topics"]
        }
        assert used <= set(vocabulary), path.name


def test_the_importer_suggests_a_topic_by_the_phrases_on_its_record(seeded):
    Topic.objects.create(
        slug="narcotics", name="Counternarcotics", phrases="fentanyl\nsynthetic drugs\nAI"
    )
    text = (
        "The Prime Minister said that Fentanyl trafficking must stop. "
        "The two leaders discussed the weather.\n\n"
        "The President said that synthetic drugs kill.\n\n"
        "The President said that ai is a word in Portuguese.\n\n"
        "The President said that AI matters."
    )
    assert draft_topics(text) == [["narcotics"], [], ["narcotics"], [], ["narcotics"]]
    # An analyst edits the record: the next draft follows, with no release.
    Topic.objects.filter(slug="narcotics").update(phrases="opioids")
    assert draft_topics(text) == [[], [], [], [], []]


def test_phrases_load_and_export_as_a_list(seeded, tmp_path):
    document = make_document(1)
    document["topics"][0]["phrases"] = ["trade", " tariffs "]
    load([write_json(tmp_path / "trade.json", [document])])
    assert Topic.objects.get(slug="trade").phrases == "trade\ntariffs"
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    by_slug = {t["slug"]: t for t in exported["topics"]}
    assert by_slug["trade"]["phrases"] == ["trade", "tariffs"]
    assert "phrases" not in by_slug["ukraine-issue"]  # none recorded, none written


def test_the_admin_edits_the_phrases(seeded, client):
    client.force_login(User.objects.create_superuser("boss", "", "pw"))
    topic = Topic.objects.get(slug="ukraine-issue")
    page = client.get(f"/admin/readouts/topic/{topic.pk}/change/").content.decode()
    assert 'name="phrases"' in page


COUNTED = re.compile(r'<a href="/topics/([^/]+)/">[^<]+</a> <span class="n">\(([^)]*)\)')


def topic_counts(page: str) -> dict[str, str]:
    """Each topic's slug and what the topics page says of its meetings."""
    return dict(COUNTED.findall(page))


def test_the_topics_page_counts_meetings_with_their_subtopics(seeded, client, tmp_path):
    # Meetings 0-4 have statements on topic-0 … topic-4, all under "trade"; meeting 5
    # is on topic-0 again; the founding meeting is on the Ukraine issue and others.
    load([write_json(tmp_path / "more.json", [make_document(i) for i in range(6)])])
    Topic.objects.create(slug="unused", name="Unused")
    counts = topic_counts(client.get("/topics/").content.decode())
    assert counts["topic-0"] == '<a href="/meetings/?topic=topic-0">2 meetings</a>'
    assert counts["topic-1"] == '<a href="/meetings/?topic=topic-1">1 meeting</a>'
    assert counts["trade"] == '<a href="/meetings/?topic=trade">6 meetings</a>'
    assert counts["ukraine-issue"].endswith(">1 meeting</a>")
    # The founding meeting has statements on the parent and on two of its subtopics.
    assert counts["international-and-regional-issues"].endswith(">1 meeting</a>")
    assert counts["unused"] == "no meetings"
    # As the topic filter counts them.
    for slug in ["trade", "topic-0", "international-and-regional-issues"]:
        listed = client.get("/meetings/", {"topic": slug}).context["paginator"].count
        assert counts[slug].endswith(f">{listed} meeting{'s' if listed > 1 else ''}</a>")


IMPORT = "/admin/readouts/meeting/import-text/"
IMPORTER_DATA = FIXTURES.parent / "tests" / "data" / "importer"
TRUDEAU = (
    IMPORTER_DATA
    / "readouts"
    / (
        "2021-04-21-readout-of-president-joseph-r-biden-jr-call-with-prime-minister-"
        "justin-trudeau-of-canada.md"
    )
)


PARTS = ["meeting_form", "people", "statements", "new_topic"]


def forms_of(part) -> list:
    return getattr(part, "forms", [part])


def reviewer(client, *groups: str, permissions: tuple[str, ...] = ()) -> User:
    user = User.objects.create_user("reviewer", password="x", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    client.force_login(user)
    return user


@pytest.fixture
def recorded(seeded):
    """What an analyst's database holds: the White House and its principals too."""
    load([IMPORTER_DATA / "known-participants.json"])


def review(client) -> dict:
    response = client.post(IMPORT, {"text": TRUDEAU.read_text(encoding="utf-8")})
    assert response.context["title"] == "Review the draft"
    return review_data(response)


def test_the_review_form_creates_a_topic_with_the_readout(recorded, client):
    reviewer(client, "Editor")
    data = review(client)
    parent = Topic.objects.get(slug="bilateral-relations")
    data |= {"new_topic-name": "US-Canada relations", "new_topic-parent": parent.pk}
    data["statements-0-on_new_topic"] = "on"
    response = client.post(IMPORT, data)
    assert response.status_code == 302, [
        (form.prefix, form.errors) for part in PARTS for form in forms_of(response.context[part])
    ]
    topic = Topic.objects.get(slug="us-canada-relations")
    assert (topic.name, topic.parent) == ("US-Canada relations", parent)
    statements = Statement.objects.filter(readout__meeting__slug__startswith="2021-04-21")
    on_topic = [s.sequence for s in statements.filter(topics=topic)]
    assert on_topic == [1]
    # Made in the one load that saved the readout, under the analyst's name.
    assert {h.history_user.username for h in topic.history.all()} == {"reviewer"}


def test_the_review_form_refuses_a_topic_already_recorded_and_saves_nothing(recorded, client):
    reviewer(client, "Editor")
    data = review(client) | {"new_topic-name": "Ukraine issue"}
    before = snapshot()
    response = client.post(IMPORT, data)
    assert response.status_code == 200
    assert "already recorded as the topic Ukraine issue" in response.content.decode()
    data = review(client)
    data["statements-0-on_new_topic"] = "on"
    assert "give its name" in client.post(IMPORT, data).content.decode()
    assert snapshot() == before


def test_only_those_who_may_add_topics_are_offered_one(recorded, client):
    reviewer(client, "Viewer", permissions=("add_meeting",))
    data = review(client)
    assert (
        'name="new_topic-name"'
        not in client.post(IMPORT, {"text": TRUDEAU.read_text(encoding="utf-8")}).content.decode()
    )
    before = snapshot()
    response = client.post(IMPORT, data | {"new_topic-name": "US-Canada relations"})
    assert response.status_code == 403
    assert snapshot() == before
