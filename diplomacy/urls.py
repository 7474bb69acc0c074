from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Diplomatic readouts"
admin.site.site_title = "Diplomatic readouts"
admin.site.index_title = "Curation"
admin.site.site_url = "/"

# A request Django refuses before any view runs (a paste over DATA_UPLOAD_MAX_MEMORY_SIZE on the
# import page) gets a page that says why; only used with DEBUG off.
handler400 = "readouts.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("readouts.urls")),
]
