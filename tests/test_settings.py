import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

PROJECT = Path(__file__).resolve().parent.parent
SETTINGS = PROJECT / "diplomacy" / "settings.py"
VARIABLES = ["DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"]


@pytest.fixture
def environ(monkeypatch, tmp_path):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # No key of a checkout's own either, whether or not `make run` made one here.
    monkeypatch.setenv("DJANGO_SECRET_KEY_FILE", str(tmp_path / "no-key"))
    return monkeypatch


def read_settings() -> dict:
    return runpy.run_path(str(SETTINGS))


def test_it_uses_sqlite_in_the_project_folder_by_default(environ):
    environ.setenv("DJANGO_SECRET_KEY", "k")
    settings = read_settings()
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]) == PROJECT / "db.sqlite3"
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]


def test_it_uses_postgresql_from_database_url(environ):
    environ.setenv("DJANGO_SECRET_KEY", "k")
    environ.setenv("DATABASE_URL", "postgres://analyst@db.internal:5433/readouts")
    database = read_settings()["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["HOST"], database["PORT"], database["NAME"]) == (
        "analyst",
        "db.internal",
        5433,
        "readouts",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own settings")
@pytest.mark.django_db
def test_its_postgresql_sessions_wait_for_locks_a_bounded_time_and_compile_no_queries():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == ("20s",)
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_it_reads_debug_and_allowed_hosts(environ):
    environ.setenv("DJANGO_DEBUG", "1")
    environ.setenv("DJANGO_ALLOWED_HOSTS", "readouts.example.org, www.readouts.example.org")
    settings = read_settings()
    assert settings["DEBUG"] is True
    assert settings["ALLOWED_HOSTS"] == ["readouts.example.org", "www.readouts.example.org"]
    assert settings["SECRET_KEY"]  # a development key, with debug on only


def test_it_requires_a_secret_key_outside_debug(environ):
    environ.setenv("DJANGO_DEBUG", "0")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        read_settings()


def test_it_reads_the_checkouts_own_key_that_make_run_writes(environ, tmp_path):
    key = tmp_path / ".secret-key"
    key.write_text("a-key-of-this-checkout\n", encoding="utf-8")
    environ.setenv("DJANGO_SECRET_KEY_FILE", str(key))
    settings = read_settings()
    assert settings["SECRET_KEY"] == "a-key-of-this-checkout" and settings["DEBUG"] is False
    environ.setenv("DJANGO_SECRET_KEY", "from-the-environment")
    assert read_settings()["SECRET_KEY"] == "from-the-environment"


def test_it_refuses_to_start_without_a_secret_key_in_one_clear_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in [*VARIABLES, "DJANGO_SETTINGS_MODULE"]}
    env["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "no-key")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Configuration error: DJANGO_SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9LmZr2Vt8Wn4Bc6Hd1Jf5Gs0Ka" * 2,
    "DJANGO_ALLOWED_HOSTS": "readouts.example.org",
    "DATABASE_URL": "postgres://readouts@127.0.0.1:5432/readouts",
}


def test_it_passes_the_deployment_checks_in_production():
    env = {k: v for k, v in os.environ.items() if k not in [*VARIABLES, "DJANGO_SETTINGS_MODULE"]}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_turns_on_https_protections_outside_debug(environ):
    for name, value in PRODUCTION.items():
        environ.setenv(name, value)
    settings = read_settings()
    assert settings["SECURE_SSL_REDIRECT"] and settings["SESSION_COOKIE_SECURE"]
    assert settings["CSRF_COOKIE_SECURE"] and settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings["MIDDLEWARE"]
    environ.setenv("DJANGO_HTTPS", "0")
    assert read_settings()["SECURE_SSL_REDIRECT"] is False


def test_the_cache_setting_turns_off_the_pages_only_or_shares_both(environ):
    environ.setenv("DJANGO_SECRET_KEY", "k")
    environ.setenv("READOUTS_CACHE_URL", "off")
    caches = read_settings()["CACHES"]
    assert caches["pages"]["BACKEND"].endswith("DummyCache")
    assert caches["default"]["BACKEND"].endswith("LocMemCache")  # counts still kept
    environ.setenv("READOUTS_CACHE_URL", "redis://127.0.0.1:6379/1")
    caches = read_settings()["CACHES"]
    assert caches["pages"] == caches["default"]
    assert caches["pages"]["LOCATION"] == "redis://127.0.0.1:6379/1"
