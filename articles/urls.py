from django.urls import path, register_converter

from articles import views
from articles.text import SlugConverter

# <slug:> matches no Devanagari vowel sign; this converter matches the slugs we make.
register_converter(SlugConverter, "hslug")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<hslug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("people/<hslug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
]
