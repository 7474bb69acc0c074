"""The audit trail: every load_readouts run that wrote something.

The historical models of the readouts app (one per curated model) are created
by django-simple-history and also belong to this app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LoadRun(models.Model):
    """One run of load_readouts that wrote to the database: who, which files, what changed."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    run_by = models.CharField(max_length=150, help_text="The user, or the system account.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="load_runs",
    )
    command = models.TextField()
    files = models.JSONField(default=list)
    counts = models.JSONField(default=dict, help_text="Created, updated, unchanged, deleted.")

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Load #{self.pk} by {self.run_by} at {self.started_at:%Y-%m-%d %H:%M}"
