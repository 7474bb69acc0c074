"""Merging duplicates: participants and topics, from the command and the admin, and the
likely duplicates the admin lists for review."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from readouts import derived
from readouts import documents as doc
from readouts.duplicates import likely_duplicate_participants, likely_duplicate_topics
from readouts.exporting import export_django, export_documents, meetings_for
from readouts.importing import Vocabulary
from readouts.importing.people import Person
from readouts.loading import LoadError, load, load_documents
from readouts.models import Attendance, Meeting, Participant, Statement, Topic

from .factories import SEED, snapshot, write_json

pytestmark = pytest.mark.django_db

SEED_MEETING = "2022-10-27-wang-yi-sergey-lavrov"
WANG_TITLE = (
    "Member of the Political Bureau of the CPC Central Committee, State Councilor and "
    "Foreign Minister"
)


def second_meeting(person: str = "wang-yi-fm", title: str = "Foreign Minister") -> doc.Document:
    """A later call of a duplicate record of Wang Yi, who speaks in it."""
    return doc.document(
        doc.meeting("2023-02-01-wang-yi-fm-call", "2023-02-01", "phone_call", "A later call"),
        [
            doc.participant(
                person, name="Wang Yi (FM)", country="CN", aliases=["Wáng Yì"], title=title
            ),
            doc.participant("sergey-lavrov", title="Foreign Minister"),
        ],
        [
            doc.readout(
                doc.publisher("mfa-prc"),
                "A later call",
                "Wang Yi said things.",
                statements=[
                    doc.statement(person, "Wang Yi said things.", topics=["ukraine-issue"])
                ],
            )
        ],
    )


@pytest.fixture
def duplicate(seeded):
    """Wang Yi recorded twice: wang-yi-fm attends a later call, where he speaks, and the
    founding call without a title (so it folds into Wang Yi's attendance there)."""
    load_documents([("later.json", second_meeting())])
    twin = Participant.objects.get(slug="wang-yi-fm")
    Attendance.objects.create(meeting=Meeting.objects.get(slug=SEED_MEETING), participant=twin)
    return twin


def merge(*args, **options):
    call_command("merge_participants", *args, **options)


def test_it_merges_a_duplicate_participant_from_the_command(duplicate):
    User.objects.create_user("ana")
    statements = set(duplicate.statements.values_list("pk", flat=True))
    assert statements

    merge("wang-yi", "wang-yi-fm", user="ana")

    assert not Participant.objects.filter(slug="wang-yi-fm").exists()
    wang = Participant.objects.get(slug="wang-yi")
    later = Meeting.objects.get(slug="2023-02-01-wang-yi-fm-call")
    # The later call's attendance and statements are his now.
    assert Attendance.objects.get(meeting=later, participant=wang).title == "Foreign Minister"
    assert set(wang.statements.values_list("pk", flat=True)) >= statements
    # The founding call has him once, with the title he had there.
    founding = Attendance.objects.filter(meeting__slug=SEED_MEETING, participant=wang)
    assert [a.title for a in founding] == [WANG_TITLE]
    assert Attendance.objects.filter(meeting__slug=SEED_MEETING).count() == 2
    # Names and aliases, and the slug.
    assert wang.name == "Wang Yi"
    assert wang.alias_list == ["王毅", "Wang Yi (FM)", "Wáng Yì"]
    assert wang.former_slug_list == ["wang-yi-fm"]
    # The history: who merged, and what.
    latest = wang.history.latest("history_date")
    assert latest.history_change_reason == (
        "merged duplicate 'wang-yi-fm' into this participant with manage.py merge_participants"
    )
    assert latest.history_user.username == "ana"
    gone = Participant.history.filter(slug="wang-yi-fm").latest("history_date")
    assert gone.history_type == "-"
    assert gone.history_change_reason.startswith("merged into 'wang-yi'")
    moved = Statement.history.filter(id__in=statements).latest("history_date")
    assert moved.history_user.username == "ana" and moved.speaker_id == wang.pk


def test_it_moves_the_versions_of_what_it_changes_on(duplicate):
    wang = Participant.objects.get(slug="wang-yi")
    statement = duplicate.statements.get()
    merge("wang-yi", "wang-yi-fm")
    assert Participant.objects.get(pk=wang.pk).version == wang.version + 1
    assert Statement.objects.get(pk=statement.pk).version == statement.version + 1


def test_it_refuses_a_merge_with_two_titles_for_one_meeting_and_changes_nothing(duplicate):
    Attendance.objects.filter(participant=duplicate, meeting__slug=SEED_MEETING).update(
        title="Foreign Minister"
    )
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        merge("wang-yi", "wang-yi-fm")
    message = str(refused.value)
    assert "Nothing was merged" in message
    assert SEED_MEETING in message and "'Foreign Minister'" in message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["wang-yi", "nobody"], "No participant with the slug 'nobody'"),
        (["nobody", "wang-yi-fm"], "No participant with the slug 'nobody'"),
        (["wang-yi", "wang-yi"], "cannot also be a duplicate"),
        (["wang-yi"], "at least one duplicate"),
        (["wang-yi", "wang-yi-fm", "wang-yi-fm"], "once"),
    ],
)
def test_it_refuses_bad_names_clearly_and_changes_nothing(duplicate, args, said):
    before = snapshot()
    with pytest.raises(CommandError, match=said):
        merge(*args)
    assert snapshot() == before


def test_it_refuses_an_unknown_user(duplicate):
    before = snapshot()
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        merge("wang-yi", "wang-yi-fm", user="ghost")
    assert snapshot() == before


def test_a_document_naming_a_merged_slug_finds_the_survivor(duplicate):
    merge("wang-yi", "wang-yi-fm")
    wang = Participant.objects.get(slug="wang-yi")
    # The later call again, as written before the merge: nothing changes.
    report = load_documents([("later.json", second_meeting())])
    assert not report.changed
    # A new document naming the merged slug, as participant and speaker.
    new = second_meeting()
    new["meeting"]["slug"], new["meeting"]["date"] = "2023-03-01-another", "2023-03-01"
    load_documents([("new.json", new)])
    attendance = Attendance.objects.get(meeting__slug="2023-03-01-another", participant=wang)
    assert attendance.title == "Foreign Minister"
    statement = Statement.objects.get(readout__meeting__slug="2023-03-01-another")
    assert statement.speaker == wang
    assert not Participant.objects.filter(slug="wang-yi-fm").exists()
    wang.refresh_from_db()
    assert wang.name == "Wang Yi"  # the old record's fields are not applied to him


def test_a_document_naming_a_merged_slug_only_as_an_attendee_finds_the_survivor(duplicate):
    # No statement by him: the load names the survivor nowhere, not even as a speaker.
    merge("wang-yi", "wang-yi-fm")
    wang = Participant.objects.get(slug="wang-yi")
    silent = second_meeting()
    silent["meeting"]["slug"], silent["meeting"]["date"] = "2023-04-01-silent", "2023-04-01"
    silent["readouts"][0]["statements"] = []
    load_documents([("silent.json", silent)])
    attendance = Attendance.objects.get(meeting__slug="2023-04-01-silent", participant=wang)
    assert attendance.title == "Foreign Minister"
    assert [table.differences() for table in derived.TABLES] == [(set(), set())] * len(
        derived.TABLES
    )


def test_a_document_listing_both_folds_them_or_says_where_titles_differ(duplicate):
    merge("wang-yi", "wang-yi-fm")
    both = second_meeting()
    both["participants"].append(doc.participant("wang-yi", title="Foreign Minister"))
    load_documents([("both.json", both)])  # the same title: one attendance
    assert Attendance.objects.filter(meeting__slug="2023-02-01-wang-yi-fm-call").count() == 2
    both["participants"][-1]["title"] = "Another title"
    with pytest.raises(LoadError) as refused:
        load_documents([("both.json", both)])
    assert "participants 'wang-yi-fm' and 'wang-yi' are one since a merge" in str(
        refused.value.problems[0]
    )


def test_the_importer_knows_a_merged_name_as_the_survivor(duplicate):
    merge("wang-yi", "wang-yi-fm")
    known = Vocabulary.from_database().match(Person(name="Wang Yi (FM)", country="CN"))
    assert known is not None and known.slug == "wang-yi"


def test_merged_slugs_resolve_by_natural_key_in_pages_and_filters(duplicate, client):
    merge("wang-yi", "wang-yi-fm")
    wang = Participant.objects.get(slug="wang-yi")
    assert Participant.objects.get_by_natural_key("wang-yi-fm") == wang
    response = client.get("/participants/wang-yi-fm/")
    assert response.status_code == 301
    assert response["Location"] == wang.get_absolute_url()
    assert client.get("/participants/nobody-at-all/").status_code == 404
    page = client.get("/meetings/", {"participant": "wang-yi-fm"})
    assert [m.slug for m in page.context["object_list"]] == [
        "2023-02-01-wang-yi-fm-call",
        SEED_MEETING,
    ]


def test_a_fixture_from_before_the_merge_loads_into_the_survivor(duplicate, tmp_path):
    meetings, _ = meetings_for({})
    before = tmp_path / "before.json"
    before.write_text("".join(export_django(meetings, {})), encoding="utf-8")
    merge("wang-yi", "wang-yi-fm")
    after = snapshot()
    load([before])
    assert not Participant.objects.filter(slug="wang-yi-fm").exists()
    wang = Participant.objects.get(slug="wang-yi")
    assert Attendance.objects.get(meeting__slug=SEED_MEETING, participant=wang).title == WANG_TITLE
    # The merge stays: an older record of the survivor does not take its former slugs away.
    assert wang.former_slug_list == ["wang-yi-fm"]
    assert snapshot()["readouts.Attendance"] == after["readouts.Attendance"]
    assert snapshot()["readouts.Statement"] == after["readouts.Statement"]


def test_an_export_carries_the_former_slugs_and_loads_them_back(duplicate):
    merge("wang-yi", "wang-yi-fm")
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    people = [p for d in exported["documents"] for p in d["participants"]]
    assert {"slug": "wang-yi", "former_slugs": ["wang-yi-fm"]}.items() <= next(
        p for p in people if p["slug"] == "wang-yi"
    ).items()
    assert all("former_slugs" not in p for p in people if p["slug"] != "wang-yi")
    # (The export of everything loading back byte for byte is checked after every test.)


def test_a_load_cannot_give_a_taken_slug_as_a_former_one(seeded):
    document = second_meeting("someone-else")
    document["participants"][0]["former_slugs"] = ["sergey-lavrov"]
    with pytest.raises(LoadError) as refused:
        load_documents([("taken.json", document)])
    assert "'sergey-lavrov' is the slug of another participant" in str(refused.value.problems[0])


def test_the_admin_refuses_a_new_record_with_a_merged_slug(duplicate, admin_client):
    merge("wang-yi", "wang-yi-fm")
    url = reverse("admin:readouts_participant_add")
    response = admin_client.post(url, {"slug": "wang-yi-fm", "name": "Someone", "country": ""})
    assert response.status_code == 200
    assert "was merged into" in response.content.decode()
    assert not Participant.objects.filter(slug="wang-yi-fm").exists()


# Topics


@pytest.fixture
def twin_topic(seeded):
    """A second Ukraine topic, with a subtopic and a statement, one of whose statements
    is also on the first."""
    twin = Topic.objects.create(slug="ukraine", name="Ukraine")
    child = Topic.objects.create(slug="ukraine-grain", name="Grain deal", parent=twin)
    on_both = Statement.objects.filter(topics__slug="ukraine-issue").first()
    on_both.topics.add(twin)
    other = Statement.objects.exclude(topics__slug="ukraine-issue").first()
    other.topics.add(twin, child)
    return twin


def test_it_merges_topics(twin_topic, client):
    on_twin = set(twin_topic.statements.values_list("pk", flat=True))
    call_command("merge_topics", "ukraine-issue", "ukraine")
    issue = Topic.objects.get(slug="ukraine-issue")
    assert not Topic.objects.filter(slug="ukraine").exists()
    assert set(issue.statements.values_list("pk", flat=True)) >= on_twin
    assert Topic.objects.get(slug="ukraine-grain").parent == issue
    assert issue.former_slug_list == ["ukraine"]
    # Each statement names the topic once.
    through = Statement.topics.through.objects.filter(topic=issue)
    assert through.count() == through.values("statement_id").distinct().count()
    assert [table.differences() for table in derived.TABLES] == [(set(), set())] * len(
        derived.TABLES
    )
    response = client.get("/topics/ukraine/")
    assert response.status_code == 301 and response["Location"] == issue.get_absolute_url()
    page = client.get("/statements/", {"topic": "ukraine"})
    # The statement on both is on the survivor once; the subtopic's are already counted.
    assert page.context["paginator"].count == issue.statements.count() == len(on_twin)
    reason = issue.history.latest("history_date").history_change_reason
    assert "merged duplicate 'ukraine'" in reason


def test_it_refuses_a_topic_merge_that_would_make_a_cycle(twin_topic):
    child = Topic.objects.get(slug="ukraine-grain")
    before = snapshot()
    with pytest.raises(CommandError, match="its own ancestor"):
        call_command("merge_topics", child.slug, "ukraine")
    assert snapshot() == before


def test_a_document_naming_a_merged_topic_finds_the_survivor(twin_topic):
    call_command("merge_topics", "ukraine-issue", "ukraine")
    document = second_meeting("wang-yi")
    document["readouts"][0]["statements"][0]["topics"] = ["ukraine", "ukraine-issue"]
    document["topics"] = [doc.topic("ukraine", "Ukraine")]
    load_documents([("topics.json", document)])
    statement = Statement.objects.get(readout__meeting__slug="2023-02-01-wang-yi-fm-call")
    assert [t.slug for t in statement.topics.all()] == ["ukraine-issue"]
    assert not Topic.objects.filter(slug="ukraine").exists()


# Likely duplicates


def people(*rows):
    return [
        Participant.objects.create(slug=f"p-{i}", name=name, country=country, aliases=aliases)
        for i, (name, country, aliases) in enumerate(rows)
    ]


def pairs_of(found):
    return {frozenset({p.first.name, p.second.name}): p.reasons for p in found}


def test_it_finds_likely_duplicate_participants(db):
    people(
        ("Abdel Fattah El-Sisi", "EG", ""),
        ("Abdel Fattah Al Sisi", "EG", ""),
        ("Alejandro Giammattei", "GT", ""),
        ("Alejandro Giammattei Falla", "GT", ""),
        ("Joseph Biden Jr’s", "US", ""),
        ("Joseph Biden", "US", ""),
        ("Jill Biden", "US", ""),
        ("Olaf Scholz", "DE", ""),
        ("Bundeskanzler", "DE", "Olaf Scholz"),
        ("José Martínez", "ES", ""),
        ("Jose Martinez", "MX", ""),
        ("Wang Yi", "CN", ""),
        ("Wang Wenbin", "CN", ""),
        ("Tamim bin Hamad Al Thani", "QA", ""),
        ("Mohammed bin Abdulrahman Al Thani", "QA", ""),
        ("Tamim Al Thani", "QA", ""),
    )
    found = pairs_of(likely_duplicate_participants())
    assert "same name" in found[frozenset({"Abdel Fattah El-Sisi", "Abdel Fattah Al Sisi"})]
    assert (
        "one name within the other"
        in found[frozenset({"Alejandro Giammattei", "Alejandro Giammattei Falla"})]
    )
    assert "same name" in found[frozenset({"Joseph Biden Jr’s", "Joseph Biden"})]
    assert "same country and family name" in found[frozenset({"Jill Biden", "Joseph Biden"})]
    assert "an alias is the other's name" in found[frozenset({"Bundeskanzler", "Olaf Scholz"})]
    assert "same name" in found[frozenset({"José Martínez", "Jose Martinez"})]
    assert frozenset({"Wang Yi", "Wang Wenbin"}) not in found
    assert frozenset({"Olaf Scholz", "Jill Biden"}) not in found
    # One house, two fathers named: the Emir of Qatar and his Prime Minister are two people.
    assert frozenset({"Tamim bin Hamad Al Thani", "Mohammed bin Abdulrahman Al Thani"}) not in found
    assert (
        "same country and family name"
        in found[frozenset({"Tamim bin Hamad Al Thani", "Tamim Al Thani"})]
    )


def test_it_finds_likely_duplicate_topics(db):
    for slug, name in [("a", "Ukraine issue"), ("b", "Ukraine"), ("c", "Climate change")]:
        Topic.objects.create(slug=slug, name=name)
    found = pairs_of(likely_duplicate_topics())
    assert found == {frozenset({"Ukraine issue", "Ukraine"}): ["same name"]}


# The admin


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:readouts_{model._meta.model_name}_{view}", args=args)


def test_the_admin_lists_likely_duplicates_for_review(duplicate, admin_client):
    changelist = admin_client.get(admin_url(Participant, "changelist")).content.decode()
    assert admin_url(Participant, "duplicates") in changelist
    page = admin_client.get(admin_url(Participant, "duplicates"))
    assert page.status_code == 200
    row = page.context["rows"][0]
    assert {row["pair"].first.slug, row["pair"].second.slug} == {"wang-yi", "wang-yi-fm"}
    review = admin_client.get(row["review_url"])
    assert review.status_code == 200
    assert [r.slug for r, _ in review.context["records"]] == ["wang-yi", "wang-yi-fm"]


def test_the_admin_action_leads_to_the_merge_page_and_merges(duplicate, admin_client):
    wang = Participant.objects.get(slug="wang-yi")
    response = admin_client.post(
        admin_url(Participant, "changelist"),
        {"action": "merge_selected", "_selected_action": [wang.pk, duplicate.pk]},
    )
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and not page.context["conflicts"]
    response = admin_client.post(
        admin_url(Participant, "merge"), {"ids": [wang.pk, duplicate.pk], "survivor": wang.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url(Participant, "change", wang.pk)
    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    latest = Participant.objects.get(pk=wang.pk).history.latest("history_date")
    assert latest.history_user.username == "admin"
    assert latest.history_change_reason.endswith("in the admin")


def test_the_admin_shows_a_conflict_and_changes_nothing(duplicate, admin_client):
    Attendance.objects.filter(participant=duplicate, meeting__slug=SEED_MEETING).update(
        title="Foreign Minister"
    )
    wang = Participant.objects.get(slug="wang-yi")
    ids = [wang.pk, duplicate.pk]
    page = admin_client.get(admin_url(Participant, "merge"), {"ids": ids})
    assert [c.meeting.slug for c in page.context["conflicts"]] == [SEED_MEETING]
    before = snapshot()
    response = admin_client.post(admin_url(Participant, "merge"), {"ids": ids, "survivor": wang.pk})
    assert response.status_code == 200
    assert "Foreign Minister" in response.content.decode()
    assert [c.meeting.slug for c in response.context["conflicts"]] == [SEED_MEETING]
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["x", "y"]},
        {"ids": []},
        {"ids": ["1"]},
        {"ids": ["1", "2"], "survivor": "999"},
        {"ids": ["1", "2"], "survivor": "zz"},
    ],
)
def test_the_admin_merge_page_never_fails_on_bad_input(duplicate, admin_client, data):
    before = snapshot()
    response = admin_client.post(admin_url(Participant, "merge"), data)
    assert response.status_code in {200, 302}
    assert snapshot() == before


def test_the_admin_merges_topics_and_refuses_a_cycle(twin_topic, admin_client):
    issue, child = Topic.objects.get(slug="ukraine-issue"), Topic.objects.get(slug="ukraine-grain")
    before = snapshot()
    response = admin_client.post(
        admin_url(Topic, "merge"), {"ids": [child.pk, twin_topic.pk], "survivor": child.pk}
    )
    assert response.status_code == 200 and "its own ancestor" in response.content.decode()
    assert snapshot() == before
    response = admin_client.post(
        admin_url(Topic, "merge"), {"ids": [issue.pk, twin_topic.pk], "survivor": issue.pk}
    )
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=twin_topic.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_admin_merge_commits_on_its_own(db):
    # No test transaction around the request: the merge must open its own, and the
    # database's deferred check of speakers runs at its commit.
    load([SEED])
    load_documents([("later.json", second_meeting())])
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    wang, twin = Participant.objects.get(slug="wang-yi"), Participant.objects.get(slug="wang-yi-fm")
    response = client.post(
        admin_url(Participant, "merge"), {"ids": [wang.pk, twin.pk], "survivor": wang.pk}
    )
    assert response.status_code == 302
    assert connection.in_atomic_block is False
    assert Statement.objects.filter(speaker=wang).count() == 3  # two in the founding call
    assert not Participant.objects.filter(slug="wang-yi-fm").exists()


def test_a_merged_topics_slug_filters_as_the_survivor_everywhere(seeded, client):
    twin = Topic.objects.create(slug="kyiv-questions", name="Kyiv questions")
    Statement.objects.first().topics.add(twin)
    call_command("merge_topics", "ukraine-issue", "kyiv-questions")
    for url in ("/meetings/", "/statements/"):
        kept = client.get(url, {"topic": "ukraine-issue"}).context["paginator"].count
        merged = client.get(url, {"topic": "kyiv-questions"})
        assert merged.context["paginator"].count == kept > 0
        assert "No topic named" not in merged.content.decode()
    assert client.get("/meetings/export.json", {"topic": "kyiv-questions"}).status_code == 200


def test_a_merged_participants_slug_names_a_side_of_a_pair(duplicate, client):
    merge("wang-yi", "wang-yi-fm")
    moved = client.get("/pairs/wang-yi-fm/sergey-lavrov/")
    assert moved.status_code == 301 and moved["Location"] == "/pairs/wang-yi/sergey-lavrov/"
    listed = client.get("/meetings/", {"pair": "wang-yi-fm,sergey-lavrov"})
    assert listed.context["paginator"].count == 2


# Marked as not the same


def test_two_people_marked_as_not_the_same_are_no_longer_a_likely_pair(db):
    sall, tall_sall, _ = people(
        ("Macky Sall", "SN", ""), ("Aïssata Tall Sall", "SN", ""), ("Abdoulaye Sall", "SN", "")
    )
    assert len(pairs_of(likely_duplicate_participants())) == 3
    # Marked on one of the two: the pair is left out, whichever of them carries it.
    tall_sall.distinct_from = sall.slug
    tall_sall.save()
    found = pairs_of(likely_duplicate_participants())
    assert frozenset({"Macky Sall", "Aïssata Tall Sall"}) not in found
    assert frozenset({"Macky Sall", "Abdoulaye Sall"}) in found  # others still paired
    # A mark naming a slug merged since into someone still names that someone.
    tall_sall.distinct_from = "p-old"
    tall_sall.save()
    sall.former_slugs = "p-old"
    sall.save()
    assert frozenset({"Macky Sall", "Aïssata Tall Sall"}) not in pairs_of(
        likely_duplicate_participants()
    )


def test_two_topics_marked_as_not_the_same_are_no_longer_a_likely_pair(db):
    Topic.objects.create(slug="ukraine", name="Ukraine")
    Topic.objects.create(slug="ukraine-issue", name="Ukraine issue", distinct_from="ukraine")
    assert likely_duplicate_topics() == []


@pytest.fixture
def namesakes(seeded):
    """Two people of one country and family name: a likely pair that is two people."""
    return people(("Macky Sall", "SN", ""), ("Aïssata Tall Sall", "SN", ""))


def test_the_admin_marks_a_likely_pair_as_not_the_same(namesakes, admin_client):
    first, second = namesakes
    page = admin_client.get(admin_url(Participant, "duplicates")).content.decode()
    assert "Not the same" in page and admin_url(Participant, "distinct") in page
    response = admin_client.post(
        admin_url(Participant, "distinct"), {"ids": [first.pk, second.pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == admin_url(Participant, "duplicates")
    html = response.content.decode()
    assert "are now marked as not the same participant" in html
    assert not any(
        {row["pair"].first.pk, row["pair"].second.pk} == {first.pk, second.pk}
        for row in response.context["rows"]
    )
    for record, other in ((first, second), (second, first)):
        record.refresh_from_db()
        assert record.distinct_list == [other.slug]
        latest = record.history.latest("history_date")
        assert latest.history_user.username == "admin"
        assert latest.history_change_reason == (
            f"marked as not the same as {other.slug!r} in the admin"
        )
    # Each record's form shows the mark, where a curator can take it back.
    form = admin_client.get(admin_url(Participant, "change", first.pk)).content.decode()
    assert "Not the same as" in form and second.slug in form
    # Marking again changes nothing and says so.
    before = snapshot()
    again = admin_client.post(
        admin_url(Participant, "distinct"), {"ids": [first.pk, second.pk]}, follow=True
    )
    assert "were already marked" in again.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"ids": ["x", "y"]},
        {"ids": []},
        {"ids": ["1"]},
        {"ids": ["1", "999999"]},
        {"ids": ["1"] * 2},
    ],
)
def test_the_admin_mark_never_fails_on_bad_input(namesakes, admin_client, data):
    before = snapshot()
    response = admin_client.post(admin_url(Participant, "distinct"), data, follow=True)
    assert response.status_code == 200
    assert "Choose two participants to mark as not the same" in response.content.decode()
    assert snapshot() == before
    # A GET changes nothing either.
    assert admin_client.get(admin_url(Participant, "distinct")).status_code == 302
    assert snapshot() == before


def test_the_admin_form_refuses_an_unknown_or_own_slug(namesakes, admin_client):
    first, second = namesakes
    first.refresh_from_db()
    url = admin_url(Participant, "change", first.pk)
    data = {
        "slug": first.slug,
        "name": first.name,
        "country": "SN",
        "opened_version": first.version,
        "identifiers": "[]",
    }
    for given, said in [
        ("nobody-here", "No participant has the slug 'nobody-here'"),
        (first.slug, "A record is the same as itself"),
        ("<script>alert(1)</script>", "Not a slug: '<script>alert(1)</script>'"),
    ]:
        before = snapshot()
        response = admin_client.post(url, {**data, "distinct_from": given})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert list(errors) == ["distinct_from"] and said in errors["distinct_from"][0]
        assert snapshot() == before
    response = admin_client.post(url, {**data, "distinct_from": second.slug})
    assert response.status_code == 302
    assert Participant.objects.get(pk=first.pk).distinct_list == [second.slug]


def test_a_merge_of_two_marked_as_not_the_same_is_refused_with_nothing_changed(
    namesakes, admin_client
):
    first, second = namesakes
    first.distinct_from = second.slug
    first.save()
    before = snapshot()
    with pytest.raises(CommandError, match="marked as not the same"):
        merge(second.slug, first.slug)
    response = admin_client.post(
        admin_url(Participant, "merge"), {"ids": [first.pk, second.pk], "survivor": first.pk}
    )
    assert response.status_code == 200
    assert "remove the mark" in response.content.decode()
    assert snapshot() == before


def test_a_merge_keeps_the_marks_of_the_merged(duplicate):
    other = Participant.objects.create(slug="wang-yi-namesake", name="Wang Yi", country="CN")
    duplicate.distinct_from = other.slug
    duplicate.save()
    merge("wang-yi", "wang-yi-fm")
    assert Participant.objects.get(slug="wang-yi").distinct_list == ["wang-yi-namesake"]
    assert not any(
        {p.first.slug, p.second.slug} == {"wang-yi", "wang-yi-namesake"}
        for p in likely_duplicate_participants()
    )


def test_a_document_carries_the_mark_and_an_export_gives_it_back(namesakes):
    first, _ = namesakes
    document = second_meeting("aissata-sall-fm")
    document["participants"][0].update(name="Aïssata Tall Sall", country="SN", aliases=[])
    document["participants"][0]["distinct_from"] = [first.slug]
    load_documents([("marked.json", document)])
    loaded = Participant.objects.get(slug="aissata-sall-fm")
    assert loaded.distinct_list == [first.slug]
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    entry = next(
        p
        for d in exported["documents"]
        for p in d["participants"]
        if p["slug"] == "aissata-sall-fm"
    )
    assert entry["distinct_from"] == [first.slug]
    assert all(
        "distinct_from" not in p
        for d in exported["documents"]
        for p in d["participants"]
        if p["slug"] != "aissata-sall-fm"
    )


def test_a_load_refuses_a_mark_of_a_record_as_not_itself(seeded):
    document = second_meeting("someone-new")
    document["participants"][0]["distinct_from"] = ["someone-new"]
    before = snapshot()
    with pytest.raises(LoadError) as refused:
        load_documents([("marked.json", document)])
    (problem,) = refused.value.problems
    assert "distinct_from" in str(problem)
    assert "cannot be marked as not the same as itself" in str(problem)
    assert snapshot() == before


def test_a_mark_naming_someone_not_yet_loaded_holds_once_they_are(seeded):
    # An export of some meetings carries its people's marks, which may name people it
    # leaves out: it loads, and the mark holds when they come.
    document = second_meeting("aissata-sall-fm")
    document["participants"][0].update(name="Aïssata Tall Sall", country="SN", aliases=[])
    document["participants"][0]["distinct_from"] = ["macky-sall"]
    load_documents([("first.json", document)])
    assert likely_duplicate_participants() == []
    people(("Macky Sall", "SN", ""))
    Participant.objects.filter(name="Macky Sall").update(slug="macky-sall")
    assert likely_duplicate_participants() == []
    Participant.objects.filter(slug="aissata-sall-fm").update(distinct_from="")
    assert len(likely_duplicate_participants()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_admin_mark_commits_on_its_own(db):
    # No test transaction around the request, as in production.
    load([SEED])
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    first, second = people(("Macky Sall", "SN", ""), ("Aïssata Tall Sall", "SN", ""))
    response = client.post(admin_url(Participant, "distinct"), {"ids": [first.pk, second.pk]})
    assert response.status_code == 302
    assert connection.in_atomic_block is False
    assert Participant.objects.get(pk=first.pk).distinct_list == [second.slug]
    assert Participant.objects.get(pk=second.pk).distinct_list == [first.slug]
    assert likely_duplicate_participants() == []


def test_a_mark_made_or_taken_back_on_one_form_holds_for_both(namesakes, admin_client):
    first, second = namesakes

    def save_form(record, marks: str):
        record.refresh_from_db()
        data = {
            "slug": record.slug,
            "name": record.name,
            "country": "SN",
            "opened_version": record.version,
            "identifiers": "[]",
            "distinct_from": marks,
        }
        response = admin_client.post(admin_url(Participant, "change", record.pk), data)
        assert response.status_code == 302

    save_form(first, f"\n{second.slug}\n{second.slug}\n")  # kept once, blank lines dropped
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.distinct_from, second.distinct_list) == (second.slug, [first.slug])
    latest = second.history.latest("history_date")
    assert latest.history_change_reason == f"marked as not the same as {first.slug!r} in the admin"
    assert likely_duplicate_participants() == []
    # Taken back on the other one's form: off both, and the pair is listed again.
    save_form(second, "")
    first.refresh_from_db()
    assert first.distinct_list == []
    latest = first.history.latest("history_date")
    assert latest.history_change_reason == (
        f"no longer marked as not the same as {second.slug!r} in the admin"
    )
    assert len(likely_duplicate_participants()) == 1


def test_a_stored_mark_naming_no_one_does_not_stop_other_changes(namesakes, admin_client):
    first, _ = namesakes
    Participant.objects.filter(pk=first.pk).update(distinct_from="loaded-later")
    first.refresh_from_db()
    data = {
        "slug": first.slug,
        "name": "Macky Sall",
        "organization": "African Union",
        "country": "SN",
        "opened_version": first.version,
        "identifiers": "[]",
        "distinct_from": "loaded-later",
    }
    response = admin_client.post(admin_url(Participant, "change", first.pk), data)
    assert response.status_code == 302
    assert Participant.objects.get(pk=first.pk).organization == "African Union"


def test_the_merge_page_says_at_once_that_two_are_marked(namesakes, admin_client):
    first, second = namesakes
    mark_both(first, second)
    page = admin_client.get(admin_url(Participant, "merge"), {"ids": [first.pk, second.pk]})
    assert page.status_code == 200
    assert "are marked as not the same" in page.context["error"]


def mark_both(first, second):
    for record, other in ((first, second), (second, first)):
        record.distinct_from = other.slug
        record.save()


@pytest.mark.parametrize("view", ["distinct", "merge"])
def test_the_admin_refuses_keys_larger_than_any_without_failing(namesakes, admin_client, view):
    first, _ = namesakes
    before = snapshot()
    data = {"ids": [first.pk, 99999999999999999999999], "survivor": first.pk}
    response = admin_client.post(admin_url(Participant, view), data, follow=True)
    assert response.status_code == 200
    get = admin_client.get(admin_url(Participant, view), {"ids": data["ids"]}, follow=True)
    assert get.status_code == 200
    assert snapshot() == before


def test_topics_marked_as_not_the_same_are_not_merged_and_round_trip(
    twin_topic, admin_client, tmp_path
):
    issue = Topic.objects.get(slug="ukraine-issue")
    response = admin_client.post(
        admin_url(Topic, "distinct"), {"ids": [issue.pk, twin_topic.pk]}, follow=True
    )
    assert "are now marked as not the same topic" in response.content.decode()
    assert likely_duplicate_topics() == []
    before = snapshot()
    with pytest.raises(CommandError, match="are marked as not the same"):
        call_command("merge_topics", "ukraine-issue", "ukraine")
    assert snapshot() == before
    # The topics of an export carry the marks, and load back with them.
    meetings, params = meetings_for({})
    exported = json.loads("".join(export_documents(meetings, params)))
    marks = {t["slug"]: t.get("distinct_from") for t in exported["topics"]}
    assert marks["ukraine-issue"] == ["ukraine"] and marks["ukraine"] == ["ukraine-issue"]
    Topic.objects.filter(slug="ukraine-issue").update(distinct_from="")
    load([write_json(tmp_path / "back.json", exported)])
    assert Topic.objects.get(slug="ukraine-issue").distinct_list == ["ukraine"]
    # The topic form refuses a slug no topic has.
    issue.refresh_from_db()
    page = admin_client.get(admin_url(Topic, "change", issue.pk))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "distinct_from"}
    data.update(opened_version=issue.version, parent="", distinct_from="ukraine\nno-such-topic")
    response = admin_client.post(admin_url(Topic, "change", issue.pk), data)
    errors = response.context["adminform"].form.errors
    assert "No topic has the slug 'no-such-topic'" in errors["distinct_from"][0]


def test_a_marked_record_given_a_new_slug_stays_marked(namesakes, admin_client):
    first, second = namesakes
    mark_both(first, second)
    second.refresh_from_db()
    data = {
        "slug": "aissata-tall-sall-sn",
        "name": second.name,
        "country": "SN",
        "opened_version": second.version,
        "identifiers": "[]",
        "distinct_from": first.slug,
    }
    response = admin_client.post(admin_url(Participant, "change", second.pk), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.distinct_list == ["aissata-tall-sall-sn"]
    assert likely_duplicate_participants() == []
    # And the first one's form still saves.
    data = {
        "slug": first.slug,
        "name": first.name,
        "country": "SN",
        "opened_version": first.version,
        "identifiers": "[]",
        "distinct_from": first.distinct_from,
    }
    assert admin_client.post(admin_url(Participant, "change", first.pk), data).status_code == 302
