"""Tests for the desk's history (django-simple-history on Article, Person, Quote, Source):
who, when, a field-by-field diff in the admin, and restoring an earlier version."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Person
from articles.tests.adminform import admin_form
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English; the desk's default language is Hindi."""
    settings.LANGUAGE_CODE = "en"


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk])


def rename(client, person, name):
    data = admin_form(client, change_url(person), "person_form")
    data["name"] = name
    response = client.post(change_url(person), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_an_admin_edit_is_kept_with_who_when_and_what(client):
    editor = logged_in(client, EDITORS)
    person = PersonFactory(name="मृणांक शरमा")
    rename(client, person, "मृणांक शर्मा")
    latest = person.history.latest()
    assert latest.history_user == editor
    assert latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "मृणांक शरमा", "मृणांक शर्मा")]


def test_the_history_page_shows_the_field_by_field_diff(client):
    logged_in(client, EDITORS, username="sampadak")
    person = PersonFactory(name="मृणांक शरमा")
    rename(client, person, "मृणांक शर्मा")
    response = client.get(history_url(person))
    assert response.status_code == 200
    page = response.content.decode()
    changes = page[page.index('id="change-history"') :]
    assert "sampadak" in changes
    assert "मृणांक शरमा" in changes and "मृणांक शर्मा" in changes
    assert "&rarr;" in changes or "→" in changes


def test_an_earlier_version_is_restored(client):
    logged_in(client, EDITORS)
    person = PersonFactory(name="पहला नाम", description="पहली भूमिका")
    rename(client, person, "दूसरा नाम")
    first = person.history.earliest()
    revert_url = reverse("admin:articles_person_simple_history", args=[person.pk, first.pk])
    data = admin_form(client, revert_url, "historicalperson_form")
    assert data["name"] == "पहला नाम"
    response = client.post(revert_url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "पहला नाम"
    assert person.history.count() == 3  # created, renamed, restored


def test_restoring_a_published_body_follows_the_correction_rule(client):
    logged_in(client, EDITORS)
    article = ArticleFactory(body="पुराना पाठ।")
    data = admin_form(client, change_url(article), "article_form")
    data.update(body="नया पाठ।", minor_edit="on")
    assert client.post(change_url(article), data).status_code == 302
    first = article.history.earliest()
    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    data = admin_form(client, revert_url, "historicalarticle_form")
    assert data["body"] == "पुराना पाठ।"
    response = client.post(revert_url, data)
    assert response.status_code == 200  # refused: a published body changes without a note
    data["correction_text"] = "पिछला पाठ वापस लाया गया।"
    assert client.post(revert_url, data).status_code == 302
    article.refresh_from_db()
    assert article.body == "पुराना पाठ।"
    assert article.corrections.get().text == "पिछला पाठ वापस लाया गया।"
    assert article.history.latest().history_change_reason == "correction: पिछला पाठ वापस लाया गया।"


def test_article_history_keeps_people_and_sources(client):
    logged_in(client, EDITORS)
    person = PersonFactory()
    article = ArticleFactory(draft=True, people=[person])
    data = admin_form(client, change_url(article), "article_form")
    data["people"] = []
    assert client.post(change_url(article), data).status_code == 302
    latest = article.history.latest()
    assert list(latest.people.values_list("person_id", flat=True)) == []
    earlier = latest.prev_record
    while earlier is not None and not earlier.people.exists():
        earlier = earlier.prev_record
    assert earlier is not None
    assert list(earlier.people.values_list("person_id", flat=True)) == [person.pk]


@pytest.mark.parametrize(
    "make", [PersonFactory, SourceFactory, ArticleFactory, QuoteFactory], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("group", [EDITORS, REPORTERS])
def test_every_record_has_a_history_page(client, make, group):
    obj = make()
    logged_in(client, group)
    response = client.get(history_url(obj))
    assert response.status_code == 200
    assert obj.history.count() == 1


def test_reporters_cannot_restore_a_published_article(client):
    article = ArticleFactory(body="पाठ।")
    logged_in(client, REPORTERS)
    first = article.history.earliest()
    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    assert client.post(revert_url, {"body": "कुछ और"}).status_code == 403


def test_the_history_stays_out_of_content_dumps():
    person = PersonFactory()
    person.name = "बदला"
    person.save()
    assert person.history.count() == 2
    out = io.StringIO()
    call_command("dumpdata", "articles", natural_foreign=True, natural_primary=True, stdout=out)
    models = {row["model"] for row in json.loads(out.getvalue())}
    assert models == {"articles.person"}
    assert Person.history.model._meta.app_label == "articles_history"
    assert Article.history.model._meta.app_label == "articles_history"


def test_rows_loaded_from_a_fixture_get_a_baseline_on_their_first_edit(client):
    call_command("loaddata", "seed", verbosity=0)
    person = Person.objects.get(slug="dylan-scandinaro")
    article = Article.objects.get()
    assert not person.history.exists()  # loaddata saves raw: no version
    logged_in(client, EDITORS)
    old_name = person.name
    rename(client, person, "डिलन स्कैंडिनारो")
    baseline, edit = person.history.order_by("history_date", "history_id")
    assert baseline.name == old_name and edit.name == "डिलन स्कैंडिनारो"
    assert [(c.field, c.old, c.new) for c in edit.diff_against(baseline).changes] == [
        ("name", old_name, "डिलन स्कैंडिनारो")
    ]

    data = admin_form(client, change_url(article), "article_form")
    data.update(language="hi-IN")
    assert client.post(change_url(article), data).status_code == 302
    # loaddata sets the article's people and sources after its raw save, and
    # simple-history versions those m2m changes: the edit has a previous version to
    # compare with, holding the links as loaded.
    latest = article.history.latest()
    assert latest.prev_record.people.count() == 5
    assert latest.prev_record.sources.count() == 4
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["language"]
