"""Tests for the Editors and Reporters groups (migration 0003_roles) and the admin limits
in articles/admin/desk.py: both sides of every boundary."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Affiliation,
    Article,
    ArticleAuthor,
    Organisation,
    Quote,
    Section,
    ShareLink,
)
from articles.tests.adminform import admin_form, with_byline
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

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
    assert reporters.count() == 32  # with organisations and roles (affiliations)
    assert not reporters.filter(codename="publish_article").exists()


def test_permissions_added_later_reach_groups_made_before():
    """A database whose groups predate images and sections: the next migrate brings them."""
    from django.core.management.sql import emit_post_migrate_signal

    reporters, editors = Group.objects.get(name=REPORTERS), Group.objects.get(name=EDITORS)
    new = ["add_image", "change_image", "view_image", "view_section", "view_historicalimage"]
    reporters.permissions.remove(*reporters.permissions.filter(codename__in=new))
    editors.permissions.remove(*editors.permissions.filter(codename__contains="section"))
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(new) <= set(reporters.permissions.values_list("codename", flat=True))
    assert {"add_section", "change_section", "delete_section", "view_historicalsection"} <= set(
        editors.permissions.values_list("codename", flat=True)
    )


def test_reporters_upload_images_and_pick_sections_but_do_not_edit_sections():
    reporters = set(
        Group.objects.get(name=REPORTERS).permissions.values_list("codename", flat=True)
    )
    assert {"add_image", "change_image", "view_image", "view_section"} <= reporters
    assert not {"delete_image", "add_section", "change_section", "delete_section"} & reporters
    # A byline is part of its article, as Django's own link tables are: no rights of its own.
    assert not {codename for codename in reporters if codename.endswith("articleauthor")}


@pytest.mark.parametrize("group, status", [(REPORTERS, 403), (EDITORS, 200)])
def test_only_editors_edit_sections(client, group, status):
    section = Section.objects.create(name="टेक", name_en="Tech")
    logged_in(client, group)
    assert client.get(url("section_add")).status_code == status
    assert client.post(url("section_change", section.pk), {"name": "बदला"}).status_code == status
    section.refresh_from_db()
    assert section.name == "टेक"


# Bylines, sections and lead images -----------------------------------------------------


def byline(article):
    return list(
        ArticleAuthor.objects.filter(article=article)
        .order_by("position")
        .values_list("person__slug", flat=True)
    )


def test_a_reporter_sets_byline_section_and_lead_image_on_a_draft(client):
    draft = ArticleFactory(draft=True, body=BODY)
    first, second = PersonFactory(), PersonFactory()
    section, image = Section.objects.create(name="देश", name_en="India"), ImageFactory()
    logged_in(client, REPORTERS)
    data = admin_form(client, url("article_change", draft.pk), "article_form")
    data.update(section=str(section.pk), lead_image=str(image.pk))
    response = client.post(url("article_change", draft.pk), with_byline(data, second, first))
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.section, draft.lead_image) == (section, image)
    assert byline(draft) == [second.slug, first.slug]
    # And changes it again: removing a name is editing the draft, not deleting anything.
    data = admin_form(client, url("article_change", draft.pk), "article_form")
    assert client.post(url("article_change", draft.pk), with_byline(data, first)).status_code == 302
    assert byline(draft) == [first.slug]


def test_a_reporter_gives_a_new_draft_its_byline(client, people):
    author = PersonFactory()
    logged_in(client, REPORTERS)
    data = with_byline(add_article_data(client, "draft", *people), author)
    response = client.post(url("article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert byline(Article.objects.get()) == [author.slug]


def test_a_reporter_cannot_change_the_byline_of_a_published_article(client):
    author, other = PersonFactory(), PersonFactory()
    article = ArticleFactory(body=BODY)
    ArticleAuthor.objects.create(article=article, person=author, position=1)
    logged_in(client, REPORTERS)
    response = client.get(url("article_change", article.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="byline-0-person"' not in html
    assert author.name in html  # shown, read-only
    data = {
        "byline-TOTAL_FORMS": "1",
        "byline-INITIAL_FORMS": "0",
        "byline-0-person": str(other.pk),
        "byline-0-position": "2",
    }
    assert client.post(url("article_change", article.pk), data).status_code == 403
    assert byline(article) == [author.slug]


def test_an_editor_changes_the_byline_of_a_published_article(client):
    author, other = PersonFactory(), PersonFactory()
    article = ArticleFactory(body=BODY)
    ArticleAuthor.objects.create(article=article, person=author, position=1)
    logged_in(client, EDITORS)
    data = admin_form(client, url("article_change", article.pk), "article_form")
    assert "byline-0-person" in data
    data = with_byline(data, author, other)
    data["correction_text"] = "लेखक का नाम जोड़ा गया।"
    response = client.post(url("article_change", article.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert byline(article) == [author.slug, other.slug]


@pytest.mark.parametrize(("status", "reporter_may_change"), [("draft", True), ("published", False)])
def test_a_reporter_changes_an_image_only_while_no_published_story_shows_it(
    client, status, reporter_may_change
):
    lead, figure = ImageFactory(), ImageFactory()
    ArticleFactory(
        status=status,
        published_at=None if status == "draft" else timezone.now(),
        lead_image=lead,
        body=f"पहला अनुच्छेद।\n\n[[चित्र:{figure.key}]]",
    )
    unused = ImageFactory()
    logged_in(client, REPORTERS)
    for image in (lead, figure):
        page = client.get(url("image_change", image.pk))
        assert page.status_code == 200
        assert (b'name="_save"' in page.content) is reporter_may_change
    # An image no story shows yet is the reporter's to describe.
    assert b'name="_save"' in client.get(url("image_change", unused.pk)).content


def test_an_editor_changes_the_image_of_a_published_story(client):
    image = ImageFactory()
    ArticleFactory(lead_image=image)
    logged_in(client, EDITORS)
    assert b'name="_save"' in client.get(url("image_change", image.pk)).content


# Organisations (issue 9) --------------------------------------------------------------


def test_reporters_add_and_change_organisations_but_only_editors_delete_them(client):
    reporters = set(
        Group.objects.get(name=REPORTERS).permissions.values_list("codename", flat=True)
    )
    assert {"add_organisation", "change_organisation", "view_organisation"} <= reporters
    assert {"view_historicalorganisation"} <= reporters
    assert "delete_organisation" not in reporters
    organisation = OrganisationFactory()
    logged_in(client, REPORTERS)
    data = admin_form(client, url("organisation_add"), "organisation_form")
    data.update(name="ओपनएआई", name_latin="OpenAI", slug="", kind="company")
    assert client.post(url("organisation_add"), data).status_code == 302
    assert client.get(url("organisation_change", organisation.pk)).status_code == 200
    delete = url("organisation_delete", organisation.pk)
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.logout()
    logged_in(client, EDITORS)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["openai"]


# Roles over time (issue 9) --------------------------------------------------------------


def test_a_reporter_edits_a_persons_roles_like_the_person(client):
    """Roles are edited on the person's page: add and change, with organisation and source
    autocompletes that answer a reporter, but, as for people, no deleting."""
    reporters = set(
        Group.objects.get(name=REPORTERS).permissions.values_list("codename", flat=True)
    )
    assert {"add_affiliation", "change_affiliation", "view_affiliation"} <= reporters
    assert {"view_historicalaffiliation"} <= reporters
    assert "delete_affiliation" not in reporters
    logged_in(client, REPORTERS)
    person, organisation, source = PersonFactory(), OrganisationFactory(), SourceFactory()
    AffiliationFactory(person=person, organisation=organisation, title="पुराना पद", position=1)
    page = url("person_change", person.pk)
    # No box to delete a role (an editor's page has one: the other side of the boundary).
    assert 'name="affiliations-0-DELETE"' not in client.get(page).content.decode()
    data = admin_form(client, page, "person_form")
    data["affiliations-0-ended"] = "on"
    data.update(
        {
            "affiliations-TOTAL_FORMS": "2",
            "affiliations-1-organisation": str(organisation.pk),
            "affiliations-1-title": "नया पद",
            "affiliations-1-source": str(source.pk),
        }
    )
    response = client.post(page, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    roles = Affiliation.objects.filter(person=person).order_by("position")
    assert [(r.title, r.ended, r.position) for r in roles] == [
        ("पुराना पद", True, 1),
        ("नया पद", False, 2),
    ]
    for field, record in (("organisation", organisation), ("source", source)):
        answer = client.get(
            reverse("admin:autocomplete"),
            {
                "term": str(record)[:4],
                "app_label": "articles",
                "model_name": "affiliation",
                "field_name": field,
            },
        )
        assert answer.status_code == 200
        assert [row["id"] for row in answer.json()["results"]] == [str(record.pk)]
    history = reverse("admin:articles_person_history", args=[person.pk])
    assert client.get(history).status_code == 200
    client.logout()
    logged_in(client, EDITORS)
    assert 'name="affiliations-0-DELETE"' in client.get(page).content.decode()
