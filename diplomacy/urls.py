from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Diplomatic readouts"
admin.site.site_title = "Diplomatic readouts"
admin.site.index_title = "Curation"
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("readouts.urls")),
]
