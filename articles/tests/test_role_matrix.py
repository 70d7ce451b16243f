"""The desk's roles as one table (issue 13): POLICY says, for each role and action, whether
the role may do it, and each cell does the action for real, through the admin URL a
browser would use, and checks the database.

A refused role does not get to read the form it would post (it may not even see the page),
so every POST here is a crafted one: the form as a superuser's browser would submit it,
edited, then posted by the role. That is what a reporter who saved an editor's page, or
guessed the field names, could send. Single cells with their messages are in test_roles.py;
this module is the systematic version.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Article, Correction, Image, Tag
from articles.tests.adminform import admin_form
from articles.tests.desk import EDITORS, REPORTERS, desk_user
from articles.tests.factories import ArticleFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

BODY = "उन्होंने कहा कि सच कहना कठिन है।"
CHANGED = BODY + "\n\nऔर एक अनुच्छेद।"

ROLES = ["anonymous", "reporter", "editor", "superuser"]


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


# The actions: each takes the role's client and a superuser's ("boss", to read forms the
# role may not see), does the thing, and returns (response, whether the database changed).


def view(client, boss):
    article = ArticleFactory(body=BODY)
    response = client.get(url("articles_article_change", article.pk))
    return response, response.status_code == 200 and article.headline in response.text


def add(client, boss):
    data = admin_form(boss, url("articles_article_add"), "article_form")
    data.update(headline="नई ख़बर", body=BODY, status="draft")
    response = client.post(url("articles_article_add"), data)
    return response, Article.objects.filter(headline="नई ख़बर").exists()


def _change(client, boss, article, **changes):
    data = admin_form(boss, url("articles_article_change", article.pk), "article_form")
    data.update(changes)
    response = client.post(url("articles_article_change", article.pk), data)
    article.refresh_from_db()
    return response


def change_draft(client, boss):
    draft = ArticleFactory(draft=True, body=BODY)
    response = _change(client, boss, draft, body=CHANGED)
    return response, draft.body == CHANGED


def change_published(client, boss):
    article = ArticleFactory(body=BODY)
    response = _change(client, boss, article, body=CHANGED, minor_edit="on")
    return response, article.body == CHANGED


def delete(client, boss):
    draft = ArticleFactory(draft=True)
    response = client.post(url("articles_article_delete", draft.pk), {"post": "yes"})
    return response, not Article.objects.filter(pk=draft.pk).exists()


def publish(client, boss):
    draft = ArticleFactory(draft=True, body=BODY)
    response = _change(client, boss, draft, status="published")
    return response, draft.status == Article.Status.PUBLISHED


def set_publication_time(client, boss):
    """A draft given a publication time: the editor who publishes it later would send it
    out at the time a reporter chose (backdated, say) unless they notice the field."""
    draft = ArticleFactory(draft=True, body=BODY)
    response = _change(client, boss, draft, published_at_0="2020-01-02", published_at_1="03:04:05")
    return response, draft.published_at is not None


def correct(client, boss):
    article = ArticleFactory(body=BODY)
    data = admin_form(boss, url("articles_correction_add"), "correction_form")
    data.update(article=str(article.pk), text="नाम की वर्तनी ठीक की गई।")
    response = client.post(url("articles_correction_add"), data)
    return response, Correction.objects.filter(article=article).exists()


def merge_tags(client, boss):
    old, target = Tag.objects.create(name="पुराना"), Tag.objects.create(name="नया")
    ArticleFactory(tags=[old])
    data = {"action": "merge_tags", "_selected_action": [old.pk], "apply": "1"}
    response = client.post(url("articles_tag_changelist"), {**data, "target": target.name})
    return response, not Tag.objects.filter(pk=old.pk).exists()


def _restore(client, boss, article):
    first = article.history.earliest()
    article.body = CHANGED
    article.save()
    revert = url("articles_article_simple_history", article.pk, first.pk)
    data = admin_form(boss, revert, "historicalarticle_form")
    data["minor_edit"] = "on"
    response = client.post(revert, data)
    article.refresh_from_db()
    return response, article.body == BODY


def restore_draft(client, boss):
    return _restore(client, boss, ArticleFactory(draft=True, body=BODY))


def restore_published(client, boss):
    return _restore(client, boss, ArticleFactory(body=BODY))


def upload(client, boss):
    data = admin_form(boss, url("articles_image_add"), "image_form")
    data.update(alt_text="मंच पर वक्ता", language="hi", key="")
    data["file"] = SimpleUploadedFile("photo.jpg", jpeg_bytes(64, 48), "image/jpeg")
    response = client.post(url("articles_image_add"), data)
    return response, Image.objects.filter(alt_text="मंच पर वक्ता").exists()


IMPORTED = "आयात की गई ख़बर\n\nसारांश।\n\nपहला अनुच्छेद।\n"


def import_story(client, boss):
    # The confirmation, as the preview page would post it (a story with no quotes).
    data = {"text": IMPORTED, "seen": "", "confirm": "1"}
    response = client.post(url("articles_article_import"), data)
    return response, Article.objects.filter(headline="आयात की गई ख़बर").exists()


def _change_user(client, boss, **changes):
    """Post the user admin's form for a plain staff member, with ``changes``."""
    victim = User.objects.create_user("target", password="target-password-1", is_staff=True)
    page = url("auth_user_change", victim.pk)
    data = admin_form(boss, page, "user_form")
    data.update(changes)
    response = client.post(page, data)
    return response, victim


def make_superuser(client, boss):
    response, victim = _change_user(client, boss, is_superuser="on")
    victim.refresh_from_db()
    return response, victim.is_superuser


def grant_groups(client, boss):
    editors = Group.objects.get(name=EDITORS)
    response, victim = _change_user(client, boss, groups=[str(editors.pk)])
    return response, victim.groups.filter(pk=editors.pk).exists()


def grant_permissions(client, boss):
    publish_perm = Permission.objects.get(codename="publish_article")
    response, victim = _change_user(client, boss, user_permissions=[str(publish_perm.pk)])
    return response, victim.user_permissions.filter(pk=publish_perm.pk).exists()


def widen_reporters(client, boss):
    """The Reporters group given the publish permission (every reporter would publish)."""
    reporters = Group.objects.get(name=REPORTERS)
    page = url("auth_group_change", reporters.pk)
    data = admin_form(boss, page, "group_form")
    publish_perm = Permission.objects.get(codename="publish_article")
    data["permissions"] = [*data.get("permissions", []), str(publish_perm.pk)]
    response = client.post(page, data)
    return response, reporters.permissions.filter(pk=publish_perm.pk).exists()


ACTIONS = {
    action.__name__: action
    for action in [
        view,
        add,
        change_draft,
        change_published,
        delete,
        publish,
        set_publication_time,
        correct,
        merge_tags,
        restore_draft,
        restore_published,
        upload,
        import_story,
        make_superuser,
        grant_groups,
        grant_permissions,
        widen_reporters,
    ]
}

#: What a reporter may do; an editor may do everything in the desk but manage accounts
#: (articles/roles.py gives the Editors group the articles and history apps only); a
#: superuser everything; an anonymous visitor nothing.
REPORTER_MAY = {
    "view",
    "add",
    "change_draft",
    "restore_draft",  # restoring a draft's version is editing the draft
    "upload",
    "import_story",
}
ACCOUNTS = {"make_superuser", "grant_groups", "grant_permissions", "widen_reporters"}

POLICY = {
    **{("anonymous", action): False for action in ACTIONS},
    **{("reporter", action): action in REPORTER_MAY for action in ACTIONS},
    **{("editor", action): action not in ACCOUNTS for action in ACTIONS},
    **{("superuser", action): True for action in ACTIONS},
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def boss():
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="boss-password-1"))
    return client


def client_for(role):
    client = Client()
    if role == "reporter":
        client.force_login(desk_user(REPORTERS))
    elif role == "editor":
        client.force_login(desk_user(EDITORS))
    elif role == "superuser":
        client.force_login(User.objects.create_superuser("root", password="root-password-1"))
    return client


def test_the_table_is_complete():
    assert set(POLICY) == {(role, action) for role in ROLES for action in ACTIONS}
    assert len(POLICY) >= 40


@pytest.mark.parametrize(
    ("role", "action"), [pytest.param(*cell, id="-".join(cell)) for cell in POLICY]
)
def test_every_cell_matches_the_policy(role, action, boss):
    response, done = ACTIONS[action](client_for(role), boss)
    assert done is POLICY[role, action], (response.status_code, response.content[:2000])
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(url("login"))
    elif not done:
        # Refused outright, or the form shown again with an error: never a crash.
        assert response.status_code in {200, 302, 403}, response.status_code
    else:
        assert response.status_code in {200, 302}


@pytest.mark.parametrize("group", [REPORTERS, EDITORS])
def test_no_desk_role_raises_its_own_account(group, boss):
    """The one crafted POST a matrix row cannot hold: the role's own account as target."""
    user = desk_user(group)
    client = Client()
    client.force_login(user)
    page = url("auth_user_change", user.pk)
    data = admin_form(boss, page, "user_form")
    data.update(is_superuser="on", user_permissions=[str(p.pk) for p in Permission.objects.all()])
    assert client.post(page, data).status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser and not user.user_permissions.exists()
