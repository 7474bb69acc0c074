from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The edit history of the readouts models and the record of every load."""

    name = "audit"
    verbose_name = "Audit trail"
