import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


def sign_in_url(address: str) -> str:
    """The admin's address for a runserver address: "8001", "0.0.0.0:8001", "[::]:80"."""
    host, _, port = address.rpartition(":")
    if host in {"", "0.0.0.0", "[::]", "0"}:  # every interface: this machine is one
        host = "127.0.0.1"
    return f"http://{host}:{port or 8000}/admin/"


class Command(BaseCommand):
    help = (
        "Make sure a local superuser exists. On first run it is created with a generated "
        "password, printed and kept in .admin-password (never a fixed default)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            metavar="HOST_PORT",
            help="where the site is served, as runserver takes it (default 127.0.0.1:8000)",
        )

    def handle(self, *args, username: str, address: str, **options) -> None:
        url = sign_in_url(address)
        password_file = Path(settings.BASE_DIR) / ".admin-password"
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(username, email="", password=password)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"Created the superuser {username!r}."))
        elif password_file.exists() and user.check_password(password_file.read_text().strip()):
            password = password_file.read_text().strip()
        else:
            self.stdout.write(
                f"Sign in at {url} as {username!r} with your password "
                f"(reset it with `manage.py changepassword {username}`)."
            )
            return
        self.stdout.write(
            f"Sign in at {url} as {username!r} with the password {password} "
            f"(kept in {password_file.name})."
        )
