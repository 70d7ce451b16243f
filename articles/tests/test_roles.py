"""Tests for the Editors and Reporters groups (migration 0003_roles) and the admin limits
in articles/desk_admin.py: both sides of every boundary."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, Quote, ShareLink
from articles.tests.adminform import admin_form
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English; the desk's default language is Hindi."""
    settings.LANGUAGE_CODE = "en"


BODY = "उन्होंने कहा कि 'सच कहना कठिन है'।"


def url(name, *args):
    return reverse(f"admin:articles_{name}", args=args)


def test_the_groups_exist_with_their_permissions():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    reporters = set(
        Group.objects.get(name=REPORTERS).permissions.values_list("codename", flat=True)
    )
    assert {"publish_article", "merge_tags", "delete_article", "add_correction"} <= editors
    assert {"add_sharelink", "change_sharelink", "view_historicalarticle"} <= editors
    assert {"add_article", "change_article", "add_quote", "add_source", "add_person"} <= reporters
    assert not {"publish_article", "merge_tags", "add_correction", "add_sharelink"} & reporters
    assert not {codename for codename in reporters if codename.startswith("delete_")}


@pytest.fixture
def people():
    return PersonFactory(), SourceFactory()


def add_article_data(client, status, speaker, source):
    """The add page's own form, filled in, with one quote (the page's inline rows)."""
    data = admin_form(client, url("article_add"), "article_form")
    data.update(
        {
            "headline": "नई ख़बर",
            "body": BODY,
            "status": status,
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-position": "1",
            "quotes-0-speaker": str(speaker.pk),
            "quotes-0-kind": Quote.Kind.DIRECT,
            "quotes-0-text": "सच कहना कठिन है",
            "quotes-0-source": str(source.pk),
        }
    )
    return data


def test_a_reporter_creates_a_draft_with_its_quote(client, people):
    logged_in(client, REPORTERS)
    response = client.post(url("article_add"), add_article_data(client, "draft", *people))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.quotes.get().text == "सच कहना कठिन है"


def test_a_reporter_cannot_publish_a_new_article(client, people):
    logged_in(client, REPORTERS)
    response = client.post(url("article_add"), add_article_data(client, "published", *people))
    assert response.status_code == 200
    assert "Only editors can publish" in str(response.context["adminform"].form.errors)
    assert not Article.objects.exists()


def test_an_editor_publishes_a_new_article(client, people):
    logged_in(client, EDITORS)
    response = client.post(url("article_add"), add_article_data(client, "published", *people))
    assert response.status_code == 302
    assert Article.objects.get().is_public


def test_a_reporter_edits_a_draft_but_cannot_publish_it(client):
    draft = ArticleFactory(draft=True, body=BODY)
    logged_in(client, REPORTERS)
    data = admin_form(client, url("article_change", draft.pk), "article_form")
    data["body"] = BODY + "\n\nऔर।"
    assert client.post(url("article_change", draft.pk), data).status_code == 302
    data["status"] = "published"
    response = client.post(url("article_change", draft.pk), data)
    assert "Only editors can publish" in str(response.context["adminform"].form.errors)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.body.endswith("और।")


def test_a_reporter_sees_a_published_article_read_only(client):
    article = ArticleFactory(body=BODY)
    logged_in(client, REPORTERS)
    response = client.get(url("article_change", article.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="body"' not in response.content
    response = client.post(url("article_change", article.pk), {"body": "बदला"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.body == BODY


def test_an_editor_changes_a_published_article(client):
    article = ArticleFactory(body=BODY)
    logged_in(client, EDITORS)
    response = client.get(url("article_change", article.pk))
    assert response.context["has_change_permission"] is True
    assert b'name="body"' in response.content


def test_scheduled_counts_as_published_for_reporters(client):
    from django.utils import timezone

    scheduled = ArticleFactory(published_at=timezone.now() + timezone.timedelta(days=1))
    logged_in(client, REPORTERS)
    assert client.post(url("article_change", scheduled.pk), {}).status_code == 403


@pytest.mark.parametrize("group, status", [(REPORTERS, 403), (EDITORS, 302)])
def test_only_editors_delete_articles(client, group, status):
    draft = ArticleFactory(draft=True)
    logged_in(client, group)
    response = client.post(url("article_delete", draft.pk), {"post": "yes"})
    assert response.status_code == status
    assert Article.objects.filter(pk=draft.pk).exists() is (status == 403)


@pytest.mark.parametrize("group, status", [(REPORTERS, 403), (EDITORS, 302)])
def test_only_editors_delete_quotes(client, group, status):
    quote = QuoteFactory(article=ArticleFactory(draft=True))
    logged_in(client, group)
    response = client.post(url("quote_delete", quote.pk), {"post": "yes"})
    assert response.status_code == status


def test_a_reporter_cannot_change_a_quote_of_a_published_article(client):
    quote = QuoteFactory(article=ArticleFactory(body="पहला अनुच्छेद।"))
    logged_in(client, REPORTERS)
    assert client.post(url("quote_change", quote.pk), {"text": "बदला"}).status_code == 403
    response = client.get(url("article_change", quote.article.pk))
    assert b'name="quotes-0-text"' not in response.content


def test_a_reporter_changes_a_quote_of_a_draft(client):
    draft = ArticleFactory(draft=True, body=BODY)
    quote = QuoteFactory(article=draft, text="सच कहना कठिन है")
    logged_in(client, REPORTERS)
    data = admin_form(client, url("quote_change", quote.pk), "quote_form")
    data["text"] = "सच कहना"
    assert client.post(url("quote_change", quote.pk), data).status_code == 302
    quote.refresh_from_db()
    assert quote.text == "सच कहना"


def test_a_reporter_cannot_add_a_quote_to_a_published_article(client):
    article = ArticleFactory(body=BODY)
    draft = ArticleFactory(draft=True, body=BODY)
    speaker, source = PersonFactory(), SourceFactory()
    logged_in(client, REPORTERS)
    data = admin_form(client, url("quote_add"), "quote_form")
    data.update(
        {
            "article": str(article.pk),
            "position": "1",
            "speaker": str(speaker.pk),
            "kind": Quote.Kind.DIRECT,
            "text": "सच कहना कठिन है",
            "source": str(source.pk),
        }
    )
    response = client.post(url("quote_add"), data)
    assert response.status_code == 200
    assert "Only editors can change the quotes" in str(response.context["adminform"].form.errors)
    assert not article.quotes.exists()
    data["article"] = str(draft.pk)
    assert client.post(url("quote_add"), data).status_code == 302
    assert draft.quotes.count() == 1


@pytest.mark.parametrize("group, status", [(REPORTERS, 403), (EDITORS, 200)])
def test_only_editors_make_share_links(client, group, status):
    logged_in(client, group)
    assert client.get(reverse("admin:articles_sharelink_add")).status_code == status
    assert client.get(reverse("admin:articles_sharelink_changelist")).status_code == status


def test_editors_get_share_links_made_by_them(client):
    draft = ArticleFactory(draft=True)
    editor = logged_in(client, EDITORS)
    response = client.post(
        reverse("admin:articles_sharelink_add"), {"article": str(draft.pk), "note": "वकील"}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert (link.article, link.note, link.created_by) == (draft, "वकील", editor)


def test_the_groups_come_back_after_every_migrate():
    """A flushed test database, or a model added later, gets the right groups."""
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.filter(name__in=[EDITORS, REPORTERS]).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    editors = Group.objects.get(name=EDITORS).permissions
    assert editors.filter(content_type__app_label="articles", codename="view_slugredirect")
    assert editors.filter(codename="view_historicalperson").exists()
    reporters = Group.objects.get(name=REPORTERS).permissions
    assert reporters.count() == 18
    assert not reporters.filter(codename="publish_article").exists()
