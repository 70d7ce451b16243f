"""Tests for articles/publishing.py and its views: draft, scheduled and published; staff
preview; secret share links; noindex; "view on site"; correction notes on the public page."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import publishing
from articles.models import Article, Correction, ShareLink
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English; the desk's default language is Hindi. The readers'
    pages are in English at their /en/ addresses, which every reverse() and
    get_absolute_url() in these tests gives; the admin follows Accept-Language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'


def assert_not_indexed(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert ROBOTS_META in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def preview_url(article):
    return reverse("articles:article-preview", kwargs={"pk": article.pk})


# Draft, scheduled, published -------------------------------------------------------------


def test_scheduled_is_hidden_until_its_time():
    later = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert later.is_scheduled and not later.is_public
    assert later not in Article.objects.published()
    now = ArticleFactory()
    assert not now.is_scheduled and now.is_public
    draft = ArticleFactory(draft=True)
    assert not draft.is_scheduled and not draft.is_public


def test_scheduled_article_answers_404_then_appears(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_admin_list_says_scheduled(client):
    ArticleFactory(headline="कल की ख़बर", published_at=timezone.now() + datetime.timedelta(1))
    ArticleFactory(headline="आज की ख़बर")
    ArticleFactory(headline="मसौदा", draft=True)
    logged_in(client, EDITORS)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    cells = [part.split("<", 1)[0] for part in page.split('class="field-publication_state">')[1:]]
    assert sorted(cells) == ["draft", "published", "scheduled"]


# Staff preview ------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [EDITORS, REPORTERS])
def test_staff_preview_a_draft_in_the_site_design(client, group):
    draft = ArticleFactory(draft=True, headline="अभी मसौदा", body="गुप्त पाठ।")
    assert client.get(draft.get_absolute_url()).status_code == 404
    logged_in(client, group)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert "अभी मसौदा" in page and "गुप्त पाठ।" in page
    assert "Draft: readers cannot see this article." in page
    assert 'class="preview-banner"' in page
    assert_not_indexed(response)


def test_preview_of_a_scheduled_article_says_when(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    logged_in(client, EDITORS)
    assert (
        "Scheduled: readers will see this article from"
        in client.get(preview_url(article)).content.decode()
    )


def test_preview_is_for_staff_only(client):
    draft = ArticleFactory(draft=True, body="गुप्त पाठ।")
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(User.objects.create_user("reader", password="x-reader-1"))
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert "गुप्त" not in response.content.decode()
    staff_without_rights = User.objects.create_user("intern", password="x", is_staff=True)
    client.force_login(staff_without_rights)
    assert client.get(preview_url(draft)).status_code == 403


def test_the_public_page_is_indexed(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert "X-Robots-Tag" not in response
    assert ROBOTS_META not in response.content.decode()


def test_view_on_site_goes_to_the_preview_for_drafts(client):
    draft = ArticleFactory(draft=True)
    public = ArticleFactory()
    assert publishing.view_on_site_url(draft) == preview_url(draft)
    assert publishing.view_on_site_url(public) == public.get_absolute_url()
    logged_in(client, EDITORS)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert f'href="{preview_url(draft)}"' in page
    page = client.get(reverse("admin:articles_article_change", args=[public.pk])).content.decode()
    assert f'href="{public.get_absolute_url()}"' in page


def test_view_on_site_for_a_quote_of_a_draft_is_the_preview(client):
    draft_quote = QuoteFactory(article=ArticleFactory(draft=True))
    public_quote = QuoteFactory()
    logged_in(client, EDITORS)
    for quote, target in [
        (draft_quote, preview_url(draft_quote.article)),
        (public_quote, public_quote.get_absolute_url()),
    ]:
        page = client.get(reverse("admin:articles_quote_change", args=[quote.pk]))
        assert f'href="{target}"' in page.content.decode()


# Share links ------------------------------------------------------------------------------


def test_a_share_link_shows_one_draft_to_anyone(client):
    draft = ArticleFactory(draft=True, headline="साझा मसौदा", body="साझा पाठ।")
    other = ArticleFactory(draft=True, headline="दूसरा मसौदा")
    link = publishing.create_share_link(draft, note="तथ्य जाँच")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "साझा मसौदा" in page and "साझा पाठ।" in page
    assert "दूसरा मसौदा" not in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert_not_indexed(response)
    assert client.get(preview_url(other)).status_code == 302  # no account: no preview


def test_share_tokens_are_long_random_and_unique():
    article = ArticleFactory(draft=True)
    tokens = {publishing.create_share_link(article).token for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)


def test_a_revoked_or_unknown_link_is_404(client):
    draft = ArticleFactory(draft=True)
    link = publishing.create_share_link(draft)
    url = link.get_absolute_url()
    assert client.get(url).status_code == 200
    link.revoke()
    assert client.get(url).status_code == 404
    assert client.get(reverse("articles:share", kwargs={"token": "x" * 43})).status_code == 404
    assert ShareLink.objects.get().revoked_at is not None  # kept as a record


def test_a_link_to_an_article_since_published_redirects_to_it(client):
    article = ArticleFactory(draft=True)
    link = publishing.create_share_link(article)
    article.status = Article.Status.PUBLISHED
    article.save()
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_revoking_from_the_admin(client):
    draft = ArticleFactory(draft=True)
    links = [publishing.create_share_link(draft) for _ in range(2)]
    logged_in(client, EDITORS)
    response = client.post(
        reverse("admin:articles_sharelink_changelist"),
        {"action": "revoke", "_selected_action": [str(links[0].pk)]},
    )
    assert response.status_code == 302
    assert client.get(links[0].get_absolute_url()).status_code == 404
    assert client.get(links[1].get_absolute_url()).status_code == 200


def test_share_links_are_made_and_revoked_on_the_articles_own_page(client):
    from articles.tests.adminform import admin_form

    draft = ArticleFactory(draft=True)
    old = publishing.create_share_link(draft, note="पहले वाला")
    editor = logged_in(client, EDITORS)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    page = client.get(url).content.decode()
    with translation.override("hi"):  # shown at the site's own (unprefixed) address
        assert old.get_absolute_url() in page  # the link is shown there, to copy

    data = admin_form(client, url, "article_form")
    prefix = "share_links"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-{total}-note": "तथ्य जाँचने वाली",
            f"{prefix}-{total}-article": str(draft.pk),
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-0-revoke": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    old.refresh_from_db()
    assert not old.is_active
    assert client.get(old.get_absolute_url()).status_code == 404
    new = draft.share_links.get(note="तथ्य जाँचने वाली")
    assert new.created_by == editor and new.is_active
    assert client.logout() is None
    assert client.get(new.get_absolute_url()).status_code == 200


def test_reporters_see_no_share_links_on_the_article_page(client):
    draft = ArticleFactory(draft=True)
    link = publishing.create_share_link(draft)
    logged_in(client, REPORTERS)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "share_links-TOTAL_FORMS" not in page
    assert link.token not in page


def big_draft(n):
    article = ArticleFactory(draft=True, body="पहला अनुच्छेद।")
    article.people.set([PersonFactory() for _ in range(n)])
    for i in range(n):
        QuoteFactory(article=article, speaker=article.people.all()[i])
        CorrectionFactory(
            article=article, published_at=timezone.now() - datetime.timedelta(minutes=i)
        )
    return article


def test_share_page_queries_do_not_grow_with_the_article(client, django_assert_num_queries):
    small = publishing.create_share_link(big_draft(1))
    big = publishing.create_share_link(big_draft(8))
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_preview_queries_do_not_grow_with_the_article(client, django_assert_num_queries):
    small, big = big_draft(1), big_draft(8)
    logged_in(client, EDITORS)
    client.get(preview_url(small))  # warm the session
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(preview_url(small)).status_code == 200
    with django_assert_num_queries(len(small_queries)):
        assert client.get(preview_url(big)).status_code == 200


# Corrections on the public page -------------------------------------------------------------


def test_record_correction_is_public_newest_first(client):
    article = ArticleFactory()
    older = CorrectionFactory(
        article=article,
        text="पहला सुधार।",
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    newer = publishing.record_correction(
        article, kind=Correction.Kind.UPDATE, text="नई जानकारी जोड़ी गई।"
    )
    assert newer.published_at > older.published_at
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("नई जानकारी जोड़ी गई।") < page.index("पहला सुधार।")


def test_a_correction_note_is_escaped_on_the_public_page(client):
    article = ArticleFactory()
    publishing.record_correction(
        article, kind=Correction.Kind.CORRECTION, text="<script>alert(1)</script> नाम ठीक।"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; नाम ठीक।" in page
