import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readouts.models import Attendance, Meeting, Participant, Publisher, Readout, Statement, Topic

pytestmark = pytest.mark.django_db


def refused(**create) -> bool:
    """True when the database refuses the insert."""
    ((model, fields),) = create.items()
    try:
        with transaction.atomic():
            globals()[model].objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_it_gives_every_record_a_readable_name(seeded):
    meeting = Meeting.objects.get()
    assert str(meeting) == (
        "2022-10-27 Wang Yi Speaks with Russian Foreign Minister Sergey Lavrov on the Phone"
    )
    assert str(Participant.objects.get(slug="wang-yi")) == "Wang Yi (CN)"
    assert str(Attendance.objects.get(participant__slug="sergey-lavrov")) == (
        f"Sergey Lavrov, Foreign Minister at {meeting}"
    )
    readout = Readout.objects.get()
    assert str(readout).startswith("Ministry of Foreign Affairs of the People's Republic")
    assert str(readout).endswith("(en)")
    assert str(readout.statements.get(sequence=4)).startswith("Joint: The two sides")
    assert str(readout.statements.get(sequence=3)).startswith("Sergey Lavrov: Lavrov extended")
    assert str(Topic.objects.get(slug="ukraine-issue")) == "Ukraine issue"
    assert (
        str(Publisher.objects.get())
        == "Ministry of Foreign Affairs of the People's Republic of China"
    )
    assert str(Participant(name="Tedros Adhanom Ghebreyesus")) == "Tedros Adhanom Ghebreyesus"


def test_it_derives_meeting_topics_from_statements(seeded):
    slugs = set(Meeting.objects.get().topics().values_list("slug", flat=True))
    assert slugs == {
        "20th-cpc-national-congress",
        "china-russia-relations",
        "multilateral-cooperation",
        "asia-pacific-peace-and-stability",
        "ukraine-issue",
        "international-and-regional-issues",
    }


def test_it_uses_the_documented_related_names(seeded):
    meeting = Meeting.objects.get()
    wang = Participant.objects.get(slug="wang-yi")
    topic = Topic.objects.get(slug="international-and-regional-issues")
    assert meeting.attendances.count() == 2
    assert meeting.readouts.get().statements.count() == 4
    assert wang.attendances.get().meeting == meeting
    assert wang.statements.count() == 2
    assert wang.meetings.get() == meeting
    assert Publisher.objects.get().readouts.count() == 1
    assert topic.statements.count() == 1
    assert set(topic.children.values_list("slug", flat=True)) == {
        "ukraine-issue",
        "asia-pacific-peace-and-stability",
    }


def test_it_enforces_uniqueness_in_the_database(seeded):
    meeting = Meeting.objects.get()
    wang = Participant.objects.get(slug="wang-yi")
    readout = Readout.objects.get()
    assert refused(
        Meeting={"slug": meeting.slug, "date": meeting.date, "kind": "talks", "title": "x"}
    )
    assert refused(Participant={"slug": "wang-yi", "name": "Someone else"})
    assert refused(Publisher={"slug": "mfa-prc", "name": "Another"})
    assert refused(Topic={"slug": "ukraine-issue", "name": "Again"})
    assert refused(Attendance={"meeting": meeting, "participant": wang})
    assert refused(
        Readout={
            "meeting": meeting,
            "publisher": readout.publisher,
            "language": "en",
            "title": "t",
            "body": "b",
        }
    )
    assert refused(Statement={"readout": readout, "sequence": 1, "text": "again"})
    # The same publisher may report the meeting in another language.
    assert not refused(
        Readout={
            "meeting": meeting,
            "publisher": readout.publisher,
            "language": "zh",
            "title": "t",
            "body": "b",
        }
    )


def test_it_enforces_valid_values_in_the_database(seeded):
    readout = Readout.objects.get()
    day = datetime.date(2022, 10, 27)
    assert refused(Meeting={"slug": "m1", "date": day, "kind": "zoom", "title": "x"})
    assert refused(
        Meeting={
            "slug": "m2",
            "date": day,
            "kind": "talks",
            "title": "x",
            "end_date": day - datetime.timedelta(days=1),
        }
    )
    assert refused(Meeting={"slug": "", "date": day, "kind": "talks", "title": "x"})
    assert refused(Statement={"readout": readout, "sequence": 0, "text": "zero"})
    assert refused(Statement={"readout": readout, "sequence": 20, "text": ""})
    assert not refused(
        Meeting={
            "slug": "m3",
            "date": day,
            "kind": "visit",
            "title": "x",
            "end_date": day + datetime.timedelta(days=2),
        }
    )


def test_it_refuses_a_topic_cycle_in_validation(seeded):
    parent = Topic.objects.get(slug="international-and-regional-issues")
    parent.parent = Topic.objects.get(slug="ukraine-issue")
    with pytest.raises(ValidationError, match="its own ancestor"):
        parent.full_clean()


def test_it_lists_aliases_one_per_line():
    person = Participant(name="Sergey Lavrov", aliases="Sergei Lavrov\n\n  Сергей Лавров \n")
    assert person.alias_list == ["Sergei Lavrov", "Сергей Лавров"]


@pytest.mark.parametrize(
    "model",
    [Meeting, Participant, Attendance, Publisher, Readout, Statement, Topic],
    ids=lambda m: m.__name__,
)
def test_it_finds_every_record_by_its_natural_key(model, seeded):
    for obj in model.objects.all():
        assert model.objects.get_by_natural_key(*obj.natural_key()) == obj


def test_a_publishers_hosts_and_time_zone_are_checked(db):
    from django.core.exceptions import ValidationError

    from readouts.models import Publisher

    publisher = Publisher(slug="p", name="P", hosts="archive.example.org\nnot a host!")
    with pytest.raises(ValidationError, match="Not a web host: 'not a host!'"):
        publisher.full_clean()
    publisher.hosts, publisher.time_zone = "archive.example.org", "Asia/Beijing"
    with pytest.raises(ValidationError, match="'Asia/Beijing' is not a time zone name"):
        publisher.full_clean()
    publisher.time_zone = "Asia/Shanghai"
    publisher.full_clean()
    publisher.website = "https://www.example.org/readouts/"
    assert publisher.host_list == ["www.example.org", "archive.example.org"]
