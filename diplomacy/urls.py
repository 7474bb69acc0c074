from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Diplomatic readouts"
admin.site.site_title = "Diplomatic readouts"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the public pages exist, the admin is the way in.
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
]
