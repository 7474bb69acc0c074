from django.contrib import admin
from django.http import HttpRequest

from .models import LoadRun


@admin.register(LoadRun)
class LoadRunAdmin(admin.ModelAdmin):
    """The record of loads is read-only: it says what happened."""

    list_display = ["started_at", "run_by", "command", "file_count", "summary"]
    list_select_related = ["user"]
    search_fields = ["run_by", "command"]
    date_hierarchy = "started_at"
    readonly_fields = ["started_at", "finished_at", "run_by", "user", "command", "files", "counts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="files")
    def file_count(self, run: LoadRun) -> int:
        return len(run.files)

    @admin.display(description="changes")
    def summary(self, run: LoadRun) -> str:
        parts = []
        for name, tally in run.counts.items():
            done = [f"{tally[k]} {k}" for k in ("created", "updated", "deleted") if tally.get(k)]
            if done:
                parts.append(f"{name}: {', '.join(done)}")
        return "; ".join(parts) or "—"
