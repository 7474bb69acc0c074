from django.urls import path

from . import feeds, pair_views, views

app_name = "readouts"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path(
        "meetings/export.json",
        views.MeetingExportView.as_view(),
        {"extension": "json"},
        name="meeting_export_json",
    ),
    path(
        "meetings/export.csv",
        views.MeetingExportView.as_view(),
        {"extension": "csv"},
        name="meeting_export_csv",
    ),
    # An Atom feed of the newest meetings the list's filter chooses (not a slug: the dot).
    path("meetings/feed.atom", feeds.MeetingFeed(), name="meeting_list_feed"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("participants/", views.ParticipantListView.as_view(), name="participant_list"),
    path(
        "participants/<slug:slug>/",
        views.ParticipantDetailView.as_view(),
        name="participant_detail",
    ),
    # Two countries ("US", "CN") or two participants (by slug), or one of each.
    path("pairs/<str:a>/<str:b>/", pair_views.PairView.as_view(), name="pair"),
    # Contacts known from a record that the government concerned has no readout of.
    path("unreported/", pair_views.UnreportedView.as_view(), name="unreported"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("statements/", views.StatementListView.as_view(), name="statement_list"),
    path("statements/feed.atom", feeds.StatementFeed(), name="statement_list_feed"),
    path(
        "statements/export.json",
        views.StatementExportView.as_view(),
        {"extension": "json"},
        name="statement_export_json",
    ),
    path(
        "statements/export.csv",
        views.StatementExportView.as_view(),
        {"extension": "csv"},
        name="statement_export_csv",
    ),
    # Suggestions for the participant, speaker and topic inputs of the filter forms.
    path("suggest/participants/", views.suggest_participants, name="suggest_participants"),
    path("suggest/topics/", views.suggest_topics, name="suggest_topics"),
]
