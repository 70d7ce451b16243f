"""``/api/v1/``: included by newsroom/urls.py with the namespace "api".

Slugs use the site's own ``hslug`` converter (Devanagari words whole, NFC-normalised),
registered by articles.urls, which is imported first for that reason.
"""

from django.urls import path, re_path

import articles.urls  # noqa: F401  (registers the "hslug" path converter)
from articles.api import views

app_name = "api"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(), name="docs"),
    path("stories/", views.StoryList.as_view(), name="story-list"),
    path("stories/<hslug:slug>/", views.StoryDetail.as_view(), name="story-detail"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<hslug:slug>/", views.PersonDetail.as_view(), name="person-detail"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<hslug:slug>/",
        views.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path("quotes/", views.QuoteList.as_view(), name="quote-list"),
    path("quotes/<int:pk>/", views.QuoteDetail.as_view(), name="quote-detail"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<hslug:slug>/", views.SourceDetail.as_view(), name="source-detail"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("tags/<hslug:slug>/", views.TagDetail.as_view(), name="tag-detail"),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("sections/<hslug:slug>/", views.SectionDetail.as_view(), name="section-detail"),
    path("corrections/", views.CorrectionList.as_view(), name="correction-list"),
    path("corrections/<int:pk>/", views.CorrectionDetail.as_view(), name="correction-detail"),
    # Anything else under /api/v1/ ending in a slash (a slug that cannot be one, a path
    # that names nothing): a JSON 404. Without the slash, APPEND_SLASH redirects here first.
    re_path(r"^.*/$", views.NotFoundView.as_view(), name="not-found"),
]
