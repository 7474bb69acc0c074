"""The loader's and the exporter's fast paths against Django's own tools, on a small
corpus from the benchmarks' generator: load_readouts (COPY on PostgreSQL, bulk
inserts on SQLite) gives the same database as loaddata on the same data as a flat
fixture, and export_readouts gives the same fixture as dumpdata."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from readouts.loading import load
from readouts.models import Readout, Statement

from .factories import corpus_generator, write_json

CURATED = [
    "readouts.topic",
    "readouts.publisher",
    "readouts.participant",
    "readouts.meeting",
    "readouts.attendance",
    "readouts.readout",
    "readouts.statement",
]


@pytest.fixture
def generated(tmp_path):
    """Forty generated meetings, as readout documents and as a flat Django fixture."""
    generator = corpus_generator()
    documents = generator.build(40, seed=11)
    return (
        write_json(tmp_path / "documents.json", documents),
        write_json(tmp_path / "flat.json", generator.as_django_fixture(documents)),
    )


def rows(text: str) -> list[str]:
    """A fixture's objects, each as canonical JSON, in one order whatever the keys.

    A statement's topics are a set: dumpdata lists them by name, the exporter by slug.
    """
    objects = json.loads(text)
    for row in objects:
        if "topics" in row["fields"]:
            row["fields"]["topics"].sort()
    return sorted(json.dumps(row, sort_keys=True) for row in objects)


def dumpdata() -> str:
    out = io.StringIO()
    call_command("dumpdata", *CURATED, natural_foreign=True, natural_primary=True, stdout=out)
    return out.getvalue()


def search_vectors() -> list[tuple]:
    # Kept by triggers on PostgreSQL (COPY fires them too); not serialized.
    if connection.vendor != "postgresql":
        return []
    readouts = Readout.objects.values_list("meeting__slug", "language", "search_vector")
    statements = Statement.objects.values_list(
        "readout__meeting__slug", "readout__language", "sequence", "search_vector"
    )
    return sorted(map(str, readouts)) + sorted(map(str, statements))


def wipe() -> None:
    call_command("flush", "--no-input", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_it_loads_the_same_database_as_loaddata(generated):
    documents, flat = generated
    load([documents])
    fast, vectors = rows(dumpdata()), search_vectors()
    wipe()
    call_command("loaddata", str(flat), verbosity=0)
    assert len(fast) > 1000  # topics, people, meetings, readouts, statements
    assert rows(dumpdata()) == fast
    assert search_vectors() == vectors


@pytest.mark.django_db
def test_it_exports_the_same_fixture_as_dumpdata(generated):
    documents, _ = generated
    load([documents])
    out = io.StringIO()
    call_command("export_readouts", "--format", "django", stdout=out)
    exported = rows(out.getvalue())
    assert len(exported) > 1000
    assert exported == rows(dumpdata())
