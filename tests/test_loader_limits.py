"""Malformed input of any size: refused in seconds, in memory bounded by the file's size."""

import io
import os
import resource
import subprocess
import sys
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from readouts.loading import PROBLEM_LIMIT, LoadError, load

from .factories import PROJECT, make_document, snapshot, variant, write_json

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def limits(memory: int, cpu_seconds: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    return apply


@pytest.mark.parametrize("element", ["1", "{}"], ids=["numbers", "empty objects"])
def test_it_refuses_a_huge_malformed_list_quickly_in_bounded_memory(element, tmp_path):
    # Before, every element became a document whose problems were all kept: about 12 GB
    # and many minutes for this file, 200 MB of it took 23.7 GB.
    path = tmp_path / "huge.json"
    path.write_text("[" + f"{element}," * (24 * MIB // (len(element) + 1)) + element + "]")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_readouts", str(path)],
        cwd=PROJECT,
        env={**os.environ, "DJANGO_SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        check=False,
        # The interpreter (under 100 MB) and the file held twice, as bytes then as text,
        # fit in this, with room to spare; holding every element does not. It takes about
        # two seconds of CPU; the limit only stops a runaway (SIGXCPU, a negative status).
        preexec_fn=limits(memory=512 * MIB, cpu_seconds=30),
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"{path}: [0]" in result.stderr
    assert "… and 150 more; stopped after 200 problems" in result.stderr
    assert "Traceback" not in result.stderr


def problems_of(*paths) -> LoadError:
    with pytest.raises(LoadError) as excinfo:
        load(list(paths))
    return excinfo.value


BAD_ELEMENTS = {
    "documents": ("[" + ",".join(["1"] * 1000) + "]", "[0]: expected an object"),
    "an export's documents": (
        '{"export": {}, "documents": [' + ",".join(["{}"] * 1000) + "]}",
        "documents[0].meeting: this required field is missing",
    ),
    "fixture entries": (
        '[{"model": "readouts.topic", "fields": {"slug": "a", "name": "A"}}'
        + ', {"model": "auth.user"}' * 1000
        + "]",
        "[1].model: 'auth.user' is not a model of the readouts database",
    ),
}


@pytest.mark.parametrize("case", BAD_ELEMENTS, ids=list(BAD_ELEMENTS))
def test_it_stops_reading_at_the_problem_limit(case, tmp_path):
    text, first = BAD_ELEMENTS[case]
    path = tmp_path / "bad.json"
    path.write_text(text)
    later = write_json(tmp_path / "later.json", {"meeting": {}})
    error = problems_of(path, later)
    assert len(error.problems) == PROBLEM_LIMIT and error.stopped
    assert str(error.problems[0]).startswith(f"{path}: {first}")
    assert all(p.file == str(path) for p in error.problems)  # the next file is not read


def test_it_stops_checking_against_the_database_at_the_limit(seeded, tmp_path):
    docs = [
        variant(
            make_document(i),
            lambda d: d["readouts"][0]["statements"][0].update(speaker="nobody"),
        )
        for i in range(PROBLEM_LIMIT + 50)
    ]
    before = snapshot()
    error = problems_of(write_json(tmp_path / "docs.json", docs))
    assert len(error.problems) == PROBLEM_LIMIT and error.stopped
    assert "unknown speaker 'nobody'" in error.problems[-1].message
    assert snapshot() == before


def test_it_counts_the_problems_it_does_not_show(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[" + ",".join(["1"] * 60) + "]")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_readouts", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(excinfo.value)
    assert message.startswith("nothing was loaded; 60 problem(s) found:")
    last = f"{path}: [49]: expected an object, got a whole number\n  … and 10 more"
    assert message.endswith(last)
