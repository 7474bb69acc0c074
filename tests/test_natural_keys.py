import io

import pytest
from django.core.management import call_command

from readouts.loading import load
from readouts.models import Meeting, Statement, Topic

from .factories import SEED, make_document, write_json


def dump(database: str) -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        "readouts",
        natural_foreign=True,
        natural_primary=True,
        indent=2,
        database=database,
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db(databases=["default", "other"])
def test_it_round_trips_dumpdata_through_loaddata_into_an_empty_database(tmp_path):
    load([SEED, write_json(tmp_path / "more.json", [make_document(i) for i in range(12)])])
    assert not Meeting.objects.using("other").exists()
    # Shift the other database's primary keys, so only natural keys can match rows up.
    Topic.objects.using("other").bulk_create(Topic(slug=f"t{i}", name="t") for i in range(5))
    Topic.objects.using("other").all().delete()
    first = dump("default")
    fixture = tmp_path / "dump.json"
    fixture.write_text(first, encoding="utf-8")

    call_command("loaddata", str(fixture), database="other", verbosity=0)

    assert Meeting.objects.using("other").count() == 13
    assert Statement.objects.using("other").filter(speaker__isnull=True).count() == 13
    # The rows got new primary keys there, yet the dump is the same to the byte.
    assert dump("other") == first
    assert '"pk"' not in first
