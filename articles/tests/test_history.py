"""Tests for the desk's history (django-simple-history on Article, Person, Quote, Source):
who, when, a field-by-field diff in the admin, and restoring an earlier version."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import tags
from articles.models import Article, ArticleAuthor, Person, Section, Tag
from articles.tests.adminform import admin_form, with_byline
from articles.tests.desk import EDITORS, REPORTERS, logged_in
from articles.tests.factories import (
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
    "make",
    [PersonFactory, SourceFactory, ArticleFactory, QuoteFactory, OrganisationFactory],
    ids=lambda f: f.__name__,
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
    assert not article.history.exists()  # not even partial ones for its links
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
    # The baseline holds the links as loaded; the edit's diff is the one field.
    baseline, edit = article.history.order_by("history_date", "history_id")
    assert baseline.history_user is None
    assert baseline.people.count() == 5
    assert baseline.sources.count() == 4
    assert baseline.tags.count() == article.tags.count() > 0
    assert [c.field for c in edit.diff_against(baseline).changes] == ["language"]


# One version per save, tags in every version ------------------------------------------


def tag_names(version):
    return sorted(link.tag.name for link in version.tags.select_related("tag"))


def test_one_admin_save_is_one_version_holding_fields_links_and_reason(client):
    editor = logged_in(client, EDITORS)
    article = ArticleFactory(body="पुराना पाठ।")
    person = PersonFactory()
    Tag.objects.create(name="इस्तीफ़ा")
    before = article.history.count()
    data = admin_form(client, change_url(article), "article_form")
    data.update(
        body="नया पाठ।",
        people=[person.pk],
        tags="इस्तीफ़ा, AI सेफ्टी",
        correction_kind="correction",
        correction_text="पाठ सुधारा गया।",
    )
    assert client.post(change_url(article), data).status_code == 302
    assert article.history.count() == before + 1
    latest = article.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "correction: पाठ सुधारा गया।"
    assert tag_names(latest) == ["AI सेफ्टी", "इस्तीफ़ा"]
    changes = {c.field: c for c in latest.diff_against(latest.prev_record).changes}
    assert {"body", "people", "tags"} <= set(changes)
    assert "headline" not in changes


def test_a_tag_change_alone_is_a_version_with_its_diff_on_the_history_page(client):
    logged_in(client, EDITORS, username="sampadak")
    person = PersonFactory()
    person.tags.add("अर्थव्यवस्था")
    data = admin_form(client, change_url(person), "person_form")
    data["tags"] = "अर्थव्यवस्था, इस्तीफ़ा"
    assert client.post(change_url(person), data).status_code == 302
    latest = person.history.latest()
    [change] = latest.diff_against(latest.prev_record).changes
    assert change.field == "tags"
    page = client.get(history_url(person)).content.decode()
    changes = page[page.index('id="change-history"') :]
    assert "[अर्थव्यवस्था]" in changes
    assert "[अर्थव्यवस्था, इस्तीफ़ा]" in changes
    assert "sampadak" in changes


def test_quote_tags_are_versioned_too(client):
    logged_in(client, EDITORS)
    quote = QuoteFactory(article__draft=True)
    data = admin_form(client, change_url(quote), "quote_form")
    data["tags"] = "बयान"
    assert client.post(change_url(quote), data).status_code == 302
    assert tag_names(quote.history.latest()) == ["बयान"]


def test_saving_outside_the_admin_still_versions_tags():
    article = ArticleFactory(draft=True)
    article.tags.add("कविता")  # taggit's manager: simple-history sees the change
    assert tag_names(article.history.latest()) == ["कविता"]


def test_bulk_tagging_versions_each_item_changed_with_who_and_what(client):
    editor = logged_in(client, EDITORS)
    tagged, untagged, left_out = ArticleFactory.create_batch(3, draft=True)
    tagged.tags.add("कविता")
    counts = {a.pk: a.history.count() for a in (tagged, untagged, left_out)}
    changelist = reverse("admin:articles_article_changelist")
    data = {"action": "add_tag", "apply": "1", "tag": "कविता"}
    data["_selected_action"] = [tagged.pk, untagged.pk]
    assert client.post(changelist, data).status_code == 302
    assert tagged.history.count() == counts[tagged.pk]  # it had the tag: no change
    assert left_out.history.count() == counts[left_out.pk]
    assert untagged.history.count() == counts[untagged.pk] + 1
    latest = untagged.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "tag added: कविता")
    assert tag_names(latest) == ["कविता"]

    data.update(action="remove_tag", _selected_action=[untagged.pk])
    assert client.post(changelist, data).status_code == 302
    latest = untagged.history.latest()
    assert latest.history_change_reason == "tag removed: कविता"
    assert tag_names(latest) == []


def test_bulk_tagging_a_loaded_row_records_its_baseline_first(client):
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    before = sorted(article.tags.values_list("name", flat=True))
    tags.add_tag(Article.objects.all(), tags.get_or_create_tag("नया टैग"))
    baseline, change = article.history.order_by("history_date", "history_id")
    assert tag_names(baseline) == before
    assert tag_names(change) == sorted([*before, "नया टैग"])


def test_a_merge_versions_every_item_it_retags(client):
    editor = logged_in(client, EDITORS)
    old = Tag.objects.create(name="एआई सुरक्षा")
    target = Tag.objects.create(name="AI सेफ्टी")
    article = ArticleFactory(tags=[old])
    quote = QuoteFactory()
    quote.tags.add(old, target)
    changelist = reverse("admin:articles_tag_changelist")
    data = {"action": "merge_tags", "_selected_action": [old.pk], "apply": "1"}
    assert client.post(changelist, {**data, "target": target.name}).status_code == 302
    for item in (article, quote):
        latest = item.history.latest()
        assert latest.history_user == editor
        assert latest.history_change_reason == "tag “एआई सुरक्षा” merged into “AI सेफ्टी”"
        assert tag_names(latest) == ["AI सेफ्टी"]
    # The version before still says what the item carried, though that tag is gone.
    page = client.get(history_url(article)).content.decode()
    assert "Deleted tag" in page and "[AI सेफ्टी]" in page


def test_restoring_a_version_restores_its_people_sources_and_tags(client):
    logged_in(client, EDITORS)
    first_person, second_person = PersonFactory(), PersonFactory()
    source = SourceFactory()
    article = ArticleFactory(draft=True, people=[first_person])
    article.sources.add(source)
    article.tags.add("पहला")
    first = article.history.latest()
    data = admin_form(client, change_url(article), "article_form")
    data.update(people=[second_person.pk], sources=[], tags="दूसरा")
    assert client.post(change_url(article), data).status_code == 302

    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.pk])
    data = admin_form(client, revert_url, "historicalarticle_form")
    assert data["tags"] == "पहला"
    assert data["people"] == str(first_person.pk)  # one selected option
    assert data["sources"] == str(source.pk)
    assert client.post(revert_url, data).status_code == 302
    assert list(article.people.all()) == [first_person]
    assert list(article.sources.all()) == [source]
    assert [t.name for t in article.tags.all()] == ["पहला"]
    assert tag_names(article.history.latest()) == ["पहला"]


def test_the_history_page_costs_the_same_whatever_the_number_of_versions(client):
    logged_in(client, EDITORS)
    counts = []
    for versions in (2, 12):
        article = ArticleFactory(draft=True)
        original = ArticleFactory(draft=True, language="en")
        for i in range(versions):
            article.tags.add(f"टैग {i}")
            article.people.add(PersonFactory())
            # Every kind of change a version can show: links, the byline, each new field.
            ArticleAuthor.objects.create(article=article, person=PersonFactory(), position=i)
            article.section = Section.objects.create(name=f"खंड {versions}-{i}")
            article.lead_image = ImageFactory()
            article.translation_of = original if i % 2 else None
            article.save()
        with CaptureQueriesContext(connection) as captured:
            page = client.get(history_url(article)).content.decode()
        assert f"टैग {versions - 1}" in page
        assert f"खंड {versions}-{versions - 1}" in page
        assert str(article.lead_image) in page
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_article_history_leads_to_each_quotes_own_history(client):
    logged_in(client, EDITORS)
    quote = QuoteFactory(text="दुनिया ख़तरे में है")
    page = client.get(history_url(quote.article)).content.decode()
    assert reverse("admin:articles_quote_history", args=[quote.pk]) in page
    assert "दुनिया ख़तरे में है" in page
    client.cookies["django_language"] = "hi"
    assert "इस लेख के उद्धरण" in client.get(history_url(quote.article)).content.decode()


def test_a_quote_changed_on_its_article_page_carries_the_correction_note(client):
    logged_in(client, EDITORS)
    article = ArticleFactory(body="उन्होंने कहा कि दुनिया ख़तरे में है।")
    quote = QuoteFactory(article=article, text="दुनिया ख़तरे में है")
    data = admin_form(client, change_url(article), "article_form")
    data.update(
        {
            "body": "उन्होंने कहा कि पूरी दुनिया ख़तरे में है।",
            "quotes-0-text": "पूरी दुनिया ख़तरे में है",
            "correction_kind": "correction",
            "correction_text": "उद्धरण पूरा किया गया।",
        }
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = quote.history.latest()
    assert latest.text == "पूरी दुनिया ख़तरे में है"
    assert latest.history_change_reason == "correction: उद्धरण पूरा किया गया।"


# The whole story: byline, section, lead image, translation ------------------------------


def names(*people):
    return "[" + ", ".join(str(person) for person in people) + "]"


def test_one_save_with_byline_section_and_image_is_one_version_holding_them(client):
    editor = logged_in(client, EDITORS)
    article = ArticleFactory(draft=True)
    first, second = PersonFactory(), PersonFactory()
    section, image = Section.objects.create(name="टेक", name_en="Tech"), ImageFactory()
    before = article.history.count()
    data = with_byline(admin_form(client, change_url(article), "article_form"), second, first)
    data.update(section=str(section.pk), lead_image=str(image.pk))
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert article.history.count() == before + 1
    latest = article.history.latest()
    assert latest.history_user == editor
    assert (latest.section_id, latest.lead_image_id) == (section.pk, image.pk)
    assert list(latest.authors.order_by("position").values_list("person", flat=True)) == [
        second.pk,
        first.pk,
    ]


def test_the_history_page_shows_byline_section_image_and_translation_changes(client):
    logged_in(client, EDITORS)
    original = ArticleFactory(headline="मूल ख़बर", draft=True)
    article = ArticleFactory(draft=True, language="en")
    first, second = PersonFactory(name="पहला लेखक"), PersonFactory(name="दूसरा लेखक")
    tech, image = Section.objects.create(name="टेक"), ImageFactory(key="मंच-का-चित्र")
    data = with_byline(admin_form(client, change_url(article), "article_form"), first, second)
    data.update(section=str(tech.pk), lead_image=str(image.pk), translation_of=str(original.pk))
    assert client.post(change_url(article), data).status_code == 302
    # Then the same two names, the other way round: a move is a change.
    data = admin_form(client, change_url(article), "article_form")
    data.update({"byline-0-position": "2", "byline-1-position": "1"})
    assert client.post(change_url(article), data).status_code == 302

    page = client.get(history_url(article)).content.decode()
    changes = page[page.index('id="change-history"') :]
    for shown in ("टेक", "मंच-का-चित्र", "मूल ख़बर", names(first, second), names(second, first)):
        assert shown in changes, shown
    latest = article.history.latest()
    [change] = latest.diff_against(latest.prev_record).changes
    assert change.field == "authors"


def test_restoring_a_version_brings_back_its_byline(client):
    logged_in(client, EDITORS)
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    article = ArticleFactory(draft=True)
    data = with_byline(admin_form(client, change_url(article), "article_form"), first, second)
    assert client.post(change_url(article), data).status_code == 302
    version = article.history.latest()
    data = with_byline(admin_form(client, change_url(article), "article_form"), third)
    assert client.post(change_url(article), data).status_code == 302
    assert list(article.authors.all()) == [third]

    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, version.pk])
    page = client.get(revert_url).content.decode()
    assert f"{first}; {second}" in page  # the version's byline, shown read-only
    data = admin_form(client, revert_url, "historicalarticle_form")
    data["byline"] = str(third.pk)  # disabled: what is posted does not count
    assert client.post(revert_url, data).status_code == 302
    assert [a.person for a in ArticleAuthor.objects.filter(article=article)] == [first, second]
    latest = article.history.latest()
    assert list(latest.authors.order_by("position").values_list("person", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_restoring_a_published_byline_follows_the_correction_rule(client):
    logged_in(client, EDITORS)
    first, second = PersonFactory(), PersonFactory()
    article = ArticleFactory()
    article.authors.add(first, through_defaults={"position": 1})  # versioned, as in the admin
    version = article.history.latest()
    data = with_byline(admin_form(client, change_url(article), "article_form"), second)
    data["minor_edit"] = "on"
    assert client.post(change_url(article), data).status_code == 302
    assert list(version.authors.values_list("person", flat=True)) == [first.pk]

    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, version.pk])
    data = admin_form(client, revert_url, "historicalarticle_form")
    response = client.post(revert_url, data)
    assert response.status_code == 200
    assert "Byline of a published article changed" in str(response.context["adminform"].form.errors)
    assert list(article.authors.all()) == [second]
    data["correction_text"] = "लेखक का नाम वापस।"
    assert client.post(revert_url, data).status_code == 302
    assert list(article.authors.all()) == [first]


# Organisations (issue 9) --------------------------------------------------------------


def test_an_organisation_edit_is_a_version_with_its_diff(client):
    logged_in(client, REPORTERS, username="samvaddata")
    organisation = OrganisationFactory(name="एंथ्रोपिक", aliases="")
    data = admin_form(client, change_url(organisation), "organisation_form")
    data["aliases"] = "एंथ्रॉपिक"
    assert client.post(change_url(organisation), data).status_code == 302
    latest = organisation.history.latest()
    assert latest.history_type == "~" and latest.history_user.username == "samvaddata"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("aliases", "", "एंथ्रॉपिक")]
    page = client.get(history_url(organisation)).content.decode()
    assert "एंथ्रॉपिक" in page[page.index('id="change-history"') :]


def test_the_article_history_shows_organisation_changes_by_name(client):
    logged_in(client, EDITORS)
    anthropic = OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic")
    openai = OrganisationFactory(name="OpenAI", name_latin="OpenAI")
    article = ArticleFactory(draft=True, organisations=[anthropic])
    data = admin_form(client, change_url(article), "article_form")
    data["organisations"] = [str(anthropic.pk), str(openai.pk)]
    assert client.post(change_url(article), data).status_code == 302
    latest = article.history.latest()
    assert sorted(latest.organisations.values_list("organisation_id", flat=True)) == sorted(
        [anthropic.pk, openai.pk]
    )
    page = client.get(history_url(article)).content.decode()
    changes = page[page.index('id="change-history"') :]
    assert "[एंथ्रोपिक (Anthropic)]" in changes
    assert "[OpenAI, एंथ्रोपिक (Anthropic)]" in changes
