from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReadoutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "readouts"
    verbose_name = "Readouts"

    def ready(self) -> None:
        from .roles import ensure_roles

        # After every migrate (permissions exist by then), the roles match this code.
        post_migrate.connect(ensure_roles, dispatch_uid="readouts.ensure_roles")
