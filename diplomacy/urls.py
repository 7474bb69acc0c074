from django.contrib import admin
from django.urls import include, path

from readouts.admin_findings import findings_view

admin.site.site_header = "Diplomatic readouts"
admin.site.site_title = "Diplomatic readouts"
admin.site.index_title = "Curation"
admin.site.site_url = "/"
# The admin's home adds a link to "Records to look at" (readouts/admin_findings.py).
admin.site.index_template = "admin/readouts/index.html"

# A request Django refuses before any view runs (a paste over DATA_UPLOAD_MAX_MEMORY_SIZE on the
# import page) gets a page that says why; only used with DEBUG off.
handler400 = "readouts.errors.bad_request"
# An address under /api/ that leads nowhere answers JSON, as the API does.
handler404 = "readouts.api.errors.not_found"

urlpatterns = [
    # Before the admin's own URLs, whose catch-all would answer 404.
    path("admin/findings/", admin.site.admin_view(findings_view), name="admin_findings"),
    path("admin/", admin.site.urls),
    path("api/", include("readouts.api.urls")),
    path("", include("readouts.urls")),
]
