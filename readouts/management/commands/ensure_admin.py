import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Make sure a local superuser exists. On first run it is created with a generated "
        "password, printed and kept in .admin-password (never a fixed default)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username: str, url: str, **options) -> None:
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
