"""The desk home: the admin index as the newsroom's desk (articles.admin.home)."""

import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import integrity, publishing
from articles.admin.home import PANEL_ROWS, desk_for
from articles.models import Article
from articles.tests.desk import EDITORS, REPORTERS, desk_user
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    PersonFactory,
    QuoteFactory,
)

pytestmark = pytest.mark.django_db


def made_by(article, user):
    """Attribute ``article``'s first version to ``user``, as an admin save by them does."""
    Article.history.filter(id=article.pk).update(history_user=user)
    return article


def changed_by(obj, user):
    """Record a change of ``obj`` by ``user`` (what simple-history does on an admin save)."""
    obj._history_user = user
    obj.save()
    return obj


def panel(desk, key):
    return next(p for p in desk["panels"] if p["key"] == key)


def labels(desk, key):
    return [row["label"] for row in panel(desk, key)["rows"]]


@pytest.fixture
def editor():
    return desk_user(EDITORS, "sampadak")


@pytest.fixture
def reporter():
    return desk_user(REPORTERS, "samvaddata")


def bad_quote(article, text="ये शब्द ख़बर में नहीं हैं"):
    return QuoteFactory(article=article, text=text)


# Branding -----------------------------------------------------------------------------


@override_settings(NEWSROOM_NAME="दैनिक समाचार")
def test_branding_in_hindi(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "<title>आज की डेस्क | दैनिक समाचार डेस्क</title>" in html
    assert "दैनिक समाचार डेस्क" in html and "आज की डेस्क" in html
    assert "ज्याँगो प्रशासन" not in html and "Django" not in html
    assert 'href="/"' in html  # "View site" still there


@override_settings(NEWSROOM_NAME="Daily News")
def test_branding_in_english(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Today’s desk | Daily News desk</title>" in html or (
        "<title>Today&#x27;s desk | Daily News desk</title>" in html
    )
    assert "Django administration" not in html
    assert "Your drafts" in html and "The whole desk" in html


def test_admin_loads_the_self_hosted_devanagari_font(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "articles/admin/desk." in html  # the hashed name of desk.css
    # The @font-face rules the readers' site links too, before desk.css.
    assert html.index("fonts/noto-sans-devanagari.") < html.index("articles/admin/desk.")
    css = Path(finders.find("articles/admin/desk.css")).read_text(encoding="utf-8")
    assert '--font-family-primary: "Noto Sans Devanagari"' in css
    assert "@font-face {" not in css
    fonts = Path(finders.find("fonts/noto-sans-devanagari.css")).read_text(encoding="utf-8")
    assert fonts.count("@font-face {") == 4
    for face in ("devanagari-400", "devanagari-700"):
        assert finders.find(f"fonts/noto-sans-devanagari-{face}-normal.woff2")
        assert f'url("noto-sans-devanagari-{face}-normal.woff2")' in fonts


# Panels: drafts ---------------------------------------------------------------------------


def test_drafts_are_the_users_own_for_reporter_and_editor(reporter, editor):
    mine = made_by(ArticleFactory(draft=True, headline="मेरा मसौदा"), reporter)
    made_by(ArticleFactory(draft=True, headline="संपादक का मसौदा"), editor)
    ArticleFactory(draft=True, headline="किसी का नहीं")  # no account made it (a command)
    made_by(ArticleFactory(headline="मेरी छपी ख़बर"), reporter)  # not a draft

    assert labels(desk_for(reporter), "drafts") == ["मेरा मसौदा"]
    assert labels(desk_for(editor), "drafts") == ["संपादक का मसौदा"]
    row = panel(desk_for(reporter), "drafts")["rows"][0]
    assert row["url"] == reverse("admin:articles_article_change", args=[mine.pk])


def test_a_draft_is_theirs_who_made_the_first_version_not_who_edited_it(reporter, editor):
    article = made_by(ArticleFactory(draft=True, headline="रिपोर्टर का"), reporter)
    changed_by(article, editor)
    assert labels(desk_for(reporter), "drafts") == ["रिपोर्टर का"]
    assert labels(desk_for(editor), "drafts") == []


def test_reporter_sees_only_their_panels(reporter):
    desk = desk_for(reporter)
    assert not desk["is_editor"]
    assert [p["key"] for p in desk["panels"]] == ["attention", "drafts"]


def test_editor_sees_the_whole_desk(editor):
    desk = desk_for(editor)
    assert desk["is_editor"]
    assert [p["key"] for p in desk["panels"]] == [
        "attention",
        "drafts",
        "scheduled",
        "corrections",
        "changes",
    ]


# Panels: needs attention ----------------------------------------------------------------


def test_needs_attention_lists_problem_quotes_reporter_only_their_stories(reporter, editor):
    theirs = made_by(ArticleFactory(draft=True, headline="रिपोर्टर की ख़बर"), reporter)
    others = made_by(ArticleFactory(headline="दूसरी ख़बर"), editor)
    bad = bad_quote(theirs)
    bad_quote(others)
    QuoteFactory(article=theirs)  # verbatim, with a source: fine

    reporter_rows = panel(desk_for(reporter), "attention")["rows"]
    assert [row["url"] for row in reporter_rows] == [
        reverse("admin:articles_quote_change", args=[bad.pk])
    ]
    assert reporter_rows[0]["label"].startswith("रिपोर्टर की ख़बर: ")
    assert reporter_rows[0]["note"] == integrity.describe(integrity.NOT_IN_BODY)

    editor_labels = labels(desk_for(editor), "attention")
    assert len(editor_labels) == 2
    assert any(label.startswith("दूसरी ख़बर") for label in editor_labels)
    assert panel(desk_for(editor), "attention")["more_url"].endswith("?integrity=problems")


def test_the_more_link_lists_the_same_quotes(client, editor):
    bad = bad_quote(ArticleFactory())
    fine = QuoteFactory()
    client.force_login(editor)
    html = client.get(panel(desk_for(editor), "attention")["more_url"]).content.decode()
    assert reverse("admin:articles_quote_change", args=[bad.pk]) in html
    assert reverse("admin:articles_quote_change", args=[fine.pk]) not in html


# Panels: scheduled, corrections, changes ---------------------------------------------------


def test_scheduled_lists_future_publications_soonest_first(editor):
    now = timezone.now()
    ArticleFactory(headline="बाद में", published_at=now + datetime.timedelta(days=2))
    ArticleFactory(headline="जल्द", published_at=now + datetime.timedelta(hours=2))
    ArticleFactory(headline="छप चुकी")
    ArticleFactory(draft=True, headline="मसौदा")
    assert labels(desk_for(editor), "scheduled") == ["जल्द", "बाद में"]


def test_corrections_newest_first(editor):
    article = ArticleFactory(headline="ख़बर")
    now = timezone.now()
    CorrectionFactory(article=article, text="पुराना", published_at=now - datetime.timedelta(days=1))
    new = CorrectionFactory(article=article, text="नया", published_at=now)
    rows = panel(desk_for(editor), "corrections")["rows"]
    assert [row["note"] for row in rows] == ["नया", "पुराना"]
    assert rows[0]["url"] == reverse("admin:articles_correction_change", args=[new.pk])


def test_recent_changes_are_others_newest_first(editor, reporter):
    person = PersonFactory(name="मृणांक शर्मा")
    changed_by(person, reporter)
    article = ArticleFactory(headline="संपादक ने बदली")
    changed_by(article, editor)  # the editor's own: not listed for them
    changed_by(ArticleFactory(headline="रिपोर्टर ने बदली"), reporter)

    rows = panel(desk_for(editor), "changes")["rows"]
    assert [row["label"] for row in rows] == ["लेख: रिपोर्टर ने बदली", "व्यक्ति: मृणांक शर्मा"]
    assert all("samvaddata" in row["note"] for row in rows)
    assert rows[1]["url"] == reverse("admin:articles_person_change", args=[person.pk])


def test_a_deleted_record_is_listed_without_a_link(editor, reporter):
    person = PersonFactory(name="हटाया गया")
    person._history_user = reporter
    person.delete()
    rows = panel(desk_for(editor), "changes")["rows"]
    assert len(rows) == 1 and rows[0]["url"] == ""


def test_panels_are_bounded(editor):
    for _ in range(PANEL_ROWS + 3):
        made_by(ArticleFactory(draft=True), editor)
    assert len(panel(desk_for(editor), "drafts")["rows"]) == PANEL_ROWS


# The page ---------------------------------------------------------------------------------


def test_headlines_are_escaped(client, reporter):
    made_by(ArticleFactory(draft=True, headline="<script>alert(1)</script> ख़बर"), reporter)
    client.force_login(reporter)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ख़बर" in html


def test_app_list_stays_reachable(client, reporter):
    client.force_login(reporter)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="desk-drafts"' in html
    assert reverse("admin:articles_article_changelist") in html


def test_another_reporters_drafts_are_not_shown(client, reporter):
    other = desk_user(REPORTERS, "doosra")
    made_by(ArticleFactory(draft=True, headline="दूसरे का मसौदा"), other)
    client.force_login(reporter)
    html = client.get(reverse("admin:index")).content.decode()
    assert "दूसरे का मसौदा" not in html


def _fill(editor, reporter, n):
    """n rows for every panel, for both users."""
    other = desk_user(EDITORS, f"other{n}")
    now = timezone.now()
    for i in range(n):
        for user in (editor, reporter):
            article = made_by(ArticleFactory(draft=True), user)
            bad_quote(article)
        ArticleFactory(published_at=now + datetime.timedelta(hours=i + 1))
        CorrectionFactory()
        changed_by(PersonFactory(), other)
        changed_by(ArticleFactory(), other)


@pytest.mark.parametrize("group", [EDITORS, REPORTERS])
def test_query_count_is_flat(client, editor, reporter, django_assert_num_queries, group):
    user = editor if group == EDITORS else reporter
    client.force_login(user)
    url = reverse("admin:index")
    _fill(editor, reporter, 1)
    client.get(url)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(editor, reporter, PANEL_ROWS + 2)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("<li>") >= PANEL_ROWS


def test_desk_for_query_counts(editor, reporter, django_assert_num_queries):
    _fill(editor, reporter, 3)
    for user in (editor, reporter):
        publishing.can_publish(user)  # reads (and caches) the user's permissions: 2 queries
    # Editor: attention 2, drafts 1, scheduled 1, corrections 1, changes 6 (one per history).
    with django_assert_num_queries(11):
        desk_for(editor)
    with django_assert_num_queries(3):
        desk_for(reporter)
