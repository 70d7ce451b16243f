from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from articles import feeds, sitemaps, views
from articles.text import SlugConverter

# <slug:> matches no Devanagari vowel sign; this converter matches the slugs we make.
register_converter(SlugConverter, "hslug")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<hslug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<hslug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<hslug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("tags/<hslug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("sections/<hslug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("quotes/<int:pk>/", views.QuoteDetailView.as_view(), name="quote-detail"),
    path("corrections/", views.CorrectionListView.as_view(), name="correction-list"),
    path("search/", views.SearchView.as_view(), name="search"),
    # Unpublished articles for the desk (noindex): staff preview and secret share links.
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("share/<str:token>/", views.SharedArticleView.as_view(), name="share"),
    # Machine-readable site: feeds, sitemaps, robots.txt (articles/feeds.py, sitemaps.py).
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("people/<hslug:slug>/feed/", feeds.PersonFeed(), name="person-feed"),
    path("organisations/<hslug:slug>/feed/", feeds.OrganisationFeed(), name="organisation-feed"),
    path("tags/<hslug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("sections/<hslug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("people/<hslug:slug>/stories/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
