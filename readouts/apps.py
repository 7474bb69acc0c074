from django.apps import AppConfig


class ReadoutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "readouts"
