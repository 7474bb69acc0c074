import io
import stat

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def ensure_admin() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_it_creates_an_admin_with_a_generated_password(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    output = ensure_admin()
    password = (tmp_path / ".admin-password").read_text().strip()
    assert len(password) >= 16
    assert f"with the password {password}" in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert stat.S_IMODE((tmp_path / ".admin-password").stat().st_mode) == 0o600
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/admin/"),
        ("8001", "http://127.0.0.1:8001/admin/"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080/admin/"),
        ("localhost:9000", "http://localhost:9000/admin/"),
    ],
)
def test_it_gives_the_sign_in_address_where_make_run_serves(settings, tmp_path, address, url):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("ensure_admin", "--address", address, stdout=out)
    assert f"Sign in at {url} as 'admin'" in out.getvalue()


def test_it_keeps_the_account_and_password_on_later_runs(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    ensure_admin()
    password = (tmp_path / ".admin-password").read_text().strip()
    assert f"with the password {password}" in ensure_admin()
    assert User.objects.count() == 1
    assert User.objects.get().check_password(password)


def test_it_generates_a_different_password_each_time(settings, tmp_path):
    passwords = set()
    for name in ("one", "two"):
        settings.BASE_DIR = tmp_path / name
        settings.BASE_DIR.mkdir()
        User.objects.all().delete()
        ensure_admin()
        passwords.add((settings.BASE_DIR / ".admin-password").read_text())
    assert len(passwords) == 2


def test_it_does_not_print_a_password_it_does_not_know(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    User.objects.create_superuser("admin", password="chosen-by-the-analyst")
    output = ensure_admin()
    assert "with your password" in output
    assert "chosen-by-the-analyst" not in output
    assert not (tmp_path / ".admin-password").exists()
