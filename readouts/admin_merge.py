"""The admin's merging of duplicates: a page of likely duplicates, and the merge page
that the "Merge selected" action and each likely pair lead to.

Seeing likely duplicates needs the view permission; merging changes one record and
deletes the others, so it needs both the change and the delete permission, checked
on the page and again on the POST that merges. Marking a pair as not the same changes
both records, so it needs the change permission, checked on the POST.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .merging import (
    MergeConflict,
    MergeError,
    conflicts_of,
    mark_distinct,
    marked_distinct,
    sync_distinct,
)
from .models import Participant

MAX_MERGE = 20  # records on one merge page
MAX_ID = 2**63 - 1  # larger keys are none (SQLite refuses to compare with them)
MAX_PAIRS = 300  # pairs on the page of likely duplicates


def chosen_ids(values: list[str]) -> list[int]:
    """The record keys a form gives, once each; none when one is not a key."""
    try:
        ids = list(dict.fromkeys(int(value) for value in values))
    except ValueError:
        return []
    return [pk for pk in ids if 0 < pk <= MAX_ID]


class MergeAdminMixin:
    """For a ModelAdmin: the merge action, the merge page and the likely duplicates."""

    merge_function = None  # merging.merge_participants or merge_topics
    likely_duplicates = None  # duplicates.likely_duplicate_participants or …_topics
    change_list_template = "admin/readouts/merge_change_list.html"

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("merge/", wrap(self.merge_view), name=self._url_name("merge")),
            path("duplicates/", wrap(self.duplicates_view), name=self._url_name("duplicates")),
            path(
                "duplicates/distinct/",
                wrap(self.distinct_view),
                name=self._url_name("distinct"),
            ),
            *super().get_urls(),
        ]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # A mark made or taken back on one record's form holds for the other too, and a
        # new slug is the one the others' marks name.
        stored = type(obj).objects.filter(pk=obj.pk).values_list("slug", "distinct_from")
        slug, before = (stored.first() if change else None) or ("", "")
        super().save_model(request, obj, form, change)
        sync_distinct(obj, before, renamed_from=slug, user=request.user, where="in the admin")

    def changelist_view(self, request, extra_context=None):
        extra = {
            "duplicates_url": reverse(f"admin:{self._url_name('duplicates')}"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    @admin.action(description="Merge selected %(verbose_name_plural)s", permissions=["merge"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: MAX_MERGE + 1])
        if not 2 <= len(ids) <= MAX_MERGE:
            self.message_user(
                request,
                f"Choose between 2 and {MAX_MERGE} {self.opts.verbose_name_plural} to merge.",
                messages.WARNING,
            )
            return None
        return HttpResponseRedirect(self._merge_url(ids))

    def _merge_url(self, ids) -> str:
        query = urlencode([("ids", pk) for pk in ids])
        return reverse(f"admin:{self._url_name('merge')}") + f"?{query}"

    def _context(self, request: HttpRequest, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            "changelist_url": reverse(f"admin:{self._url_name('changelist')}"),
        }

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        pairs = type(self).likely_duplicates()
        may_merge = self.has_merge_permission(request)
        rows = [
            {
                "pair": pair,
                "review_url": self._merge_url([pair.first.pk, pair.second.pk])
                if may_merge
                else None,
            }
            for pair in pairs[:MAX_PAIRS]
        ]
        context = {
            **self._context(request, f"Likely duplicate {self.opts.verbose_name_plural}"),
            "rows": rows,
            "total": len(pairs),
            "shown": len(rows),
            "may_merge": may_merge,
            "may_mark": self.has_change_permission(request),
            "distinct_url": reverse(f"admin:{self._url_name('distinct')}"),
        }
        return TemplateResponse(request, "admin/readouts/duplicates.html", context)

    def distinct_view(self, request: HttpRequest) -> HttpResponse:
        """POST: mark a pair of likely duplicates as not the same (each record lists
        the other), so the pair leaves the list. Needs the change permission."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = reverse(f"admin:{self._url_name('duplicates')}")
        if request.method != "POST":
            return HttpResponseRedirect(back)
        ids = chosen_ids(request.POST.getlist("ids"))
        records = list(self.model.objects.filter(pk__in=ids[:3]).order_by("pk"))
        if len(records) != 2:
            self.message_user(
                request,
                f"Choose two {self.opts.verbose_name_plural} to mark as not the same (one may "
                "have been merged or deleted meanwhile).",
                messages.WARNING,
            )
            return HttpResponseRedirect(back)
        first, second = records
        try:
            changed = mark_distinct(first, second, user=request.user, where="in the admin")
        except (MergeError, DatabaseError) as exc:
            self.message_user(request, f"Nothing was marked: {exc}", messages.ERROR)
            return HttpResponseRedirect(back)
        done = "are now marked" if changed else "were already marked"
        self.message_user(
            request,
            f"{first} and {second} {done} as not the same {self.opts.verbose_name}; "
            "the likely duplicates leave them out.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    def merge_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_merge_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        ids = chosen_ids(data.getlist("ids"))
        records = list(self.model.objects.filter(pk__in=ids[:MAX_MERGE]).order_by("pk"))
        changelist = reverse(f"admin:{self._url_name('changelist')}")
        if len(records) < 2:
            self.message_user(
                request,
                f"Choose two or more {self.opts.verbose_name_plural} to merge (some may have "
                "been merged or deleted meanwhile).",
                messages.WARNING,
            )
            return HttpResponseRedirect(changelist)
        survivor = records[0]
        error, conflicts = "", []
        if request.method == "POST":
            chosen = data.get("survivor", "")
            found = [r for r in records if str(r.pk) == chosen]
            if not found:
                error = f"Choose the {self.opts.verbose_name} to keep."
            else:
                survivor = found[0]
                duplicates = [r for r in records if r.pk != survivor.pk]
                try:
                    result = type(self).merge_function(
                        survivor, duplicates, user=request.user, where="in the admin"
                    )
                except MergeConflict as exc:
                    error, conflicts = "Nothing was merged.", exc.conflicts
                except MergeError as exc:
                    error = f"Nothing was merged: {exc}"
                except DatabaseError as exc:
                    error = f"Nothing was merged: the database refused it ({exc})."
                else:
                    self.message_user(request, str(result), messages.SUCCESS)
                    url = reverse(f"admin:{self._url_name('change')}", args=[survivor.pk])
                    return HttpResponseRedirect(url)
        else:
            marked = marked_distinct(records)
            error = f"These cannot be merged as they are: {marked}" if marked else ""
            if self.model is Participant:
                conflicts = conflicts_of(records[0], records[1:])
        context = {
            **self._context(request, f"Merge {self.opts.verbose_name_plural}"),
            "records": [(record, self.merge_summary(record)) for record in records],
            "survivor": survivor,
            "error": error,
            "conflicts": conflicts,
        }
        return TemplateResponse(request, "admin/readouts/merge.html", context)

    def merge_summary(self, record) -> str:
        """What the merge page says of each record, to choose the one to keep."""
        return ""
