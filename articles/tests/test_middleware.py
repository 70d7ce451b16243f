"""SlugRedirectFallbackMiddleware: old slugs answer with a permanent redirect, only on a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import SlugRedirect, Tag
from articles.redirects import record_slug_change
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_old_tag_page_and_feed_redirect_to_the_new_slug(client):
    tag = Tag.objects.create(name="एआई सुरक्षा")
    ArticleFactory(tags=[tag])
    record_slug_change(SlugRedirect.Kind.TAG, "एआई", tag.slug)
    for name in ("articles:tag-detail", "articles:tag-feed"):
        response = client.get(reverse(name, args=["एआई"]))
        assert response.status_code == 301
        assert response["Location"] == reverse(name, args=[tag.slug])


def test_only_a_404_is_redirected(client):
    """A live page at the old slug (e.g. the slug was reused) wins over the redirect."""
    live = ArticleFactory(slug="पुराना")
    ArticleFactory(slug="नया")
    SlugRedirect.objects.create(kind=SlugRedirect.Kind.ARTICLE, old_slug="पुराना", new_slug="नया")
    assert client.get(live.get_absolute_url()).status_code == 200


def test_kinds_do_not_mix_and_unknown_slugs_stay_404(client):
    ArticleFactory(slug="नया")
    record_slug_change(SlugRedirect.Kind.PERSON, "पुराना", "नया")
    assert client.get(reverse("articles:article-detail", args=["पुराना"])).status_code == 404
    assert client.get(reverse("articles:article-detail", args=["कोई-नहीं"])).status_code == 404
    assert client.get("/no-such-page/").status_code == 404


def test_a_404_costs_one_extra_query(client):
    url = reverse("articles:article-detail", args=["कोई-नहीं"])
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    lookups = [q for q in captured if "articles_slugredirect" in q["sql"]]
    assert len(lookups) == 1
