"""Exports move between SQLite and PostgreSQL byte for byte.

These tests run the real command line against a SQLite file and a throwaway
PostgreSQL database, so they need DATABASE_URL to name a PostgreSQL server,
as in CI's PostgreSQL run (`DATABASE_URL=postgres://… make test`).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from .factories import SEED, make_document, write_json

PROJECT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not SERVER.startswith(("postgres://", "postgresql://")),
    reason="needs DATABASE_URL naming a PostgreSQL server",
)


def manage(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "cross-database-test",
        "DJANGO_SETTINGS_MODULE": "diplomacy.settings",
        "SOURCE_DATE_EPOCH": "1795737600",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database on DATABASE_URL's server, dropped afterwards."""
    config = dj_database_url.parse(SERVER)
    name = f"readouts_crossdb_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.parametrize("fmt", ["documents", "django"])
def test_it_moves_from_sqlite_to_postgresql_and_back_byte_for_byte(fmt, postgres_url, tmp_path):
    more = write_json(tmp_path / "more.json", [make_document(i) for i in range(15)])
    source = sqlite_url(tmp_path / "source.sqlite3")
    manage(source, "migrate", "--no-input", "-v0")
    manage(source, "load_readouts", str(SEED), str(more))
    exported = manage(source, "export_readouts", "--format", fmt)
    path = tmp_path / "export.json"
    path.write_text(exported, encoding="utf-8")

    manage(postgres_url, "migrate", "--no-input", "-v0")
    manage(postgres_url, "load_readouts", str(path))
    assert manage(postgres_url, "export_readouts", "--format", fmt) == exported

    back = sqlite_url(tmp_path / "back.sqlite3")
    manage(back, "migrate", "--no-input", "-v0")
    if fmt == "django":
        manage(back, "loaddata", str(path), "-v0")  # Django's own loader takes it too
    else:
        manage(back, "load_readouts", str(path))
    assert manage(back, "export_readouts", "--format", fmt) == exported
