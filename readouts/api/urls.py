from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("publishers", views.PublisherViewSet, basename="publisher")
router.register("readouts", views.ReadoutViewSet, basename="readout")
router.register("statements", views.StatementViewSet, basename="statement")


class SwaggerPage(SpectacularSwaggerSplitView):
    # Its styles from a file: the policy allows no inline <style> (CSP).
    template_name = "readouts/api_docs.html"


urlpatterns = [
    # JSON only: the page cache keeps one answer per address (readouts/caching.py).
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", SwaggerPage.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
