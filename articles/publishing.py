"""Publishing rules: who may publish, the public correction note, share links and previews.

Explicit domain functions, called by the admin forms and views (never from signals).
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from articles.models import Article, Correction, ShareLink

PUBLISH_PERMISSION = "articles.publish_article"

# Sent with every draft, preview and share-link page, and also written into the page as
# <meta name="robots">: the header covers crawlers that never parse the HTML.
NOINDEX_HEADER = ("X-Robots-Tag", "noindex, nofollow")


def can_publish(user) -> bool:
    """True when ``user`` may publish, unpublish and change published articles (Editors)."""
    return user.has_perm(PUBLISH_PERMISSION)


def record_correction(article: Article, *, kind: str, text: str) -> Correction:
    """Publish a correction note on ``article``, dated now, and return it.

    The note is public at once: the article page lists notes newest first.
    """
    return Correction.objects.create(article=article, kind=kind, text=text)


def preview_url(article: Article) -> str:
    """The staff-only preview of ``article`` in the site's design (works for any status)."""
    return reverse("articles:article-preview", kwargs={"pk": article.pk})


def view_on_site_url(article: Article) -> str:
    """Where the admin's "view on site" goes: the public page once public, else the preview."""
    return article.get_absolute_url() if article.is_public else preview_url(article)


def create_share_link(article: Article, *, user=None, note: str = "") -> ShareLink:
    """A new secret link to ``article`` (a fresh unguessable token); revoke it with
    ``ShareLink.revoke()``."""
    return ShareLink.objects.create(article=article, created_by=user, note=note)


def article_for_share_token(token: str) -> Article:
    """The article an active share link opens, with everything its page shows.

    Raises Http404 for an unknown or revoked token, so a revoked link looks exactly like
    one that never existed.
    """
    link = get_object_or_404(ShareLink.objects.active(), token=token)
    return get_object_or_404(Article.objects.for_article_page(), pk=link.article_id)
