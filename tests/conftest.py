import pytest
from django.db import transaction

from readouts.exporting import export_documents, meetings_for
from readouts.loading import load
from readouts.models import Meeting, Participant, Publisher, Readout, Record, Statement, Topic

from .factories import SEED


@pytest.fixture
def seeded(db):
    """The founding readout, loaded."""
    return load([SEED])


def export_everything() -> str:
    meetings, params = meetings_for({})
    return "".join(export_documents(meetings, params))


def empty_the_curated_tables() -> None:
    Record.objects.all().delete()  # with their links to meetings
    Statement.topics.through.objects.all().delete()
    Statement.objects.all().delete()
    Readout.objects.all().delete()
    Meeting.objects.all().delete()  # with the attendances
    Participant.objects.all().delete()
    Publisher.objects.all().delete()
    Topic.objects.update(parent=None)
    Topic.objects.all().delete()


@pytest.fixture(autouse=True)
def an_export_of_everything_loads_back(request, tmp_path_factory, monkeypatch):
    """After every test that leaves records, the backup an analyst would take (an export
    of everything) loads into an empty database and exports the same bytes again: no
    path a test took may leave data that a backup cannot restore."""
    uses_database = "_django_db_helper" in request.fixturenames or request.node.get_closest_marker(
        "django_db"
    )
    if not uses_database:
        yield
        return
    # Set up first, so the test's records are still there when this checks them.
    request.getfixturevalue("_django_db_helper")
    yield
    if not any(
        model.objects.exists() for model in (Meeting, Participant, Publisher, Topic, Record)
    ):
        return
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795737600")
    backup = export_everything()
    path = tmp_path_factory.mktemp("backup") / "everything.json"
    path.write_text(backup, encoding="utf-8")
    with transaction.atomic():
        empty_the_curated_tables()
        load([path])
        restored = export_everything()
        transaction.set_rollback(True)
    assert restored == backup, "an export of everything did not load back the same"
