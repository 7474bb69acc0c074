"""Readout documents built in code, for tests that need many records or a variant."""

import copy
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

from django.apps import apps

from readouts import documents as doc

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
SEED = FIXTURES / "000-2022-10-27-wang-yi-sergey-lavrov.json"
COUNTRIES = ["CN", "RU", "US", "FR", "DE", "IN", "BR", "JP", "ZA", "GB"]


def seed_document() -> dict:
    return json.loads(SEED.read_text(encoding="utf-8"))


def bench_module(name: str) -> ModuleType:
    """A module of bench/, where measurement code lives outside the app."""
    if str(PROJECT / "bench") not in sys.path:
        sys.path.insert(0, str(PROJECT / "bench"))
    return importlib.import_module(name)


def corpus_generator() -> ModuleType:
    """bench/corpus.py, the benchmarks' seeded generator of realistic readouts."""
    return bench_module("corpus")


def make_document(i: int, statements: int = 3) -> doc.Document:
    """A meeting between two generated participants, with one readout."""
    a, b = f"person-{i % 50}", f"person-{(i + 7) % 50 + 50}"
    meeting = doc.meeting(
        f"meeting-{i}",
        f"2023-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        ["phone_call", "meeting", "talks", "visit"][i % 4],
        f"Meeting number {i}",
    )
    participants = [
        doc.participant(a, name=f"Person {a}", country=COUNTRIES[i % 10], title="Minister"),
        doc.participant(b, name=f"Person {b}", country=COUNTRIES[(i + 3) % 10]),
    ]
    topics = [
        doc.topic("trade", "Trade"),
        doc.topic(f"topic-{i % 5}", f"Topic {i % 5}", parent="trade"),
    ]
    readout = doc.readout(
        doc.publisher(f"pub-{i % 3}", name=f"Publisher {i % 3}", country="CN"),
        f"Readout of meeting {i}",
        f"Body of readout {i}.",
        published_at="2023-01-01T12:00:00+00:00",
        url=f"https://example.org/readouts/{i}",
        statements=[
            doc.statement(
                [a, b, None][n % 3], f"Statement {n} of meeting {i}.", topics=[f"topic-{i % 5}"]
            )
            for n in range(statements)
        ],
    )
    return doc.document(meeting, participants, [readout], topics=topics)


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of the app, to show a refused load changed nothing."""
    tables = {}
    for model in apps.get_app_config("readouts").get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        tables[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                names = [f.attname for f in through._meta.concrete_fields]
                tables[through._meta.label] = list(
                    through.objects.order_by("pk").values_list(*names)
                )
    return tables


def variant(doc: dict, edit) -> dict:
    changed = copy.deepcopy(doc)
    edit(changed)
    return changed
