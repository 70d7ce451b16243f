"""The editors' admin: tagging, finding things, slugs and old URLs, language."""

import re
import shutil
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles.admin.stories import QuoteInline
from articles.forms import QUOTE_FIELDS
from articles.models import (
    Affiliation,
    Article,
    ArticleAuthor,
    Correction,
    Organisation,
    Person,
    Quote,
    Section,
    SlugRedirect,
    Tag,
)
from articles.tests import adminform
from articles.tests.conftest import require_or_skip
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)
from articles.tests.test_quality import HOW_TO_INSTALL, VNU_JAR, run_vnu

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "admin:articles_tag_autocomplete"


# Helpers ------------------------------------------------------------------------------


class _FormScraper(HTMLParser):
    """Collects what a browser would submit from the page's main form (#…_form)."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.append(
                [attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")]
            )
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
            self.data.append(self.textarea)
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append([self.select, attrs.get("value", "")])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def form_data(response, **changes):
    """The admin form on ``response`` as a browser would post it, with ``changes``."""
    scraper = _FormScraper()
    scraper.feed(response.content.decode())
    data = {}
    for name, value in scraper.data:
        if name in data:
            data[name] = [*([data[name]] if isinstance(data[name], str) else data[name]), value]
        else:
            # A textarea's first newline belongs to the markup, not the value.
            data[name] = value[1:] if value.startswith("\n") else value
    data.update(changes)
    return data


def user_with(*codenames, staff=True):
    user = User.objects.create_user(
        f"user{User.objects.count()}", password="x-pass-123", is_staff=staff
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )
    return user


@pytest.fixture(autouse=True)
def english(client):
    """The admin in English unless a test asks for Hindi (the site's default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


# The tag endpoint ---------------------------------------------------------------------


def test_autocomplete_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse(AUTOCOMPLETE), {"term": "ai"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_autocomplete_non_staff_is_sent_to_log_in(client):
    client.force_login(user_with("view_tag", staff=False))
    assert client.get(reverse(AUTOCOMPLETE), {"term": "ai"}).status_code == 302


def test_autocomplete_staff_without_permission_is_refused(client):
    Tag.objects.create(name="AI सेफ्टी")
    client.force_login(user_with("view_source"))
    response = client.get(reverse(AUTOCOMPLETE), {"term": "ai"})
    assert response.status_code == 403
    assert "सेफ्टी" not in response.content.decode()


@pytest.mark.parametrize("codename", ["view_tag", "change_article", "add_person", "change_quote"])
def test_autocomplete_for_whoever_may_tag(client, codename):
    Tag.objects.create(name="AI सेफ्टी")
    client.force_login(user_with(codename))
    response = client.get(reverse(AUTOCOMPLETE), {"term": "ai"})
    assert response.status_code == 200
    assert response.json() == {"results": [{"name": "AI सेफ्टी", "slug": "ai-सेफ्टी"}]}


def test_autocomplete_is_fold_aware(editor):
    for name in ["AI सेफ्टी", "इस्तीफ़ा", "OpenAI", "कविता"]:
        Tag.objects.create(name=name)

    def names(term):
        response = editor.get(reverse(AUTOCOMPLETE), {"term": term})
        return [result["name"] for result in response.json()["results"]]

    assert names("ai") == ["AI सेफ्टी", "OpenAI"]
    assert names("AI\u00a0से") == ["AI सेफ्टी"]
    assert names("इस्तीफा") == ["इस्तीफ़ा"]
    assert names("इस्तीफ\u093c") == ["इस्तीफ़ा"]
    assert names("") == []
    assert names("क" * 5000) == []


def test_autocomplete_costs_a_constant_number_of_queries(editor, django_assert_num_queries):
    for n in range(30):
        Tag.objects.create(name=f"टैग {n}")
    # session, user, tags
    with django_assert_num_queries(3):
        editor.get(reverse(AUTOCOMPLETE), {"term": "टैग"})


# Tag fields on the change forms -------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (ArticleFactory, "admin:articles_article_change"),
        (PersonFactory, "admin:articles_person_change"),
        (QuoteFactory, "admin:articles_quote_change"),
    ],
)
def test_change_forms_have_the_tag_autocomplete(editor, factory, url_name):
    item = factory()
    item.tags.add("AI सेफ्टी")
    html = editor.get(reverse(url_name, args=[item.pk])).content.decode()
    assert f'data-tag-autocomplete="{reverse(AUTOCOMPLETE)}"' in html
    assert 'value="AI सेफ्टी"' in html
    assert "articles/admin/tags." in html
    assert "Separate tags with commas" in html
    assert "A comma-separated list of tags." not in html  # taggit's text, wrong for ours


def test_saving_an_article_reuses_the_existing_tag(editor):
    existing = Tag.objects.create(name="AI सेफ्टी")
    article = ArticleFactory(draft=True)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor.get(url), tags="ai\u00a0सेफ्टी, इस्तीफा")
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(t.name for t in article.tags.all()) == ["AI सेफ्टी", "इस्तीफा"]
    assert Tag.objects.count() == 2
    assert article.tags.get(name="AI सेफ्टी") == existing


def test_saving_a_person_reuses_the_existing_tag(editor):
    Tag.objects.create(name="इस्तीफ़ा")
    person = PersonFactory()
    url = reverse("admin:articles_person_change", args=[person.pk])
    response = editor.post(url, form_data(editor.get(url), tags="इस्तीफा"))
    assert response.status_code == 302
    assert [t.name for t in person.tags.all()] == ["इस्तीफ़ा"]
    assert Tag.objects.count() == 1


# Bulk tag actions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "model"),
    [(ArticleFactory, Article), (PersonFactory, Person), (QuoteFactory, Quote)],
)
def test_bulk_add_then_remove_a_tag(editor, factory, model):
    existing = Tag.objects.create(name="AI सेफ्टी")
    chosen, other = factory(), factory()
    changelist = reverse(f"admin:articles_{model._meta.model_name}_changelist")
    selection = {"action": "add_tag", "_selected_action": [chosen.pk]}

    page = editor.post(changelist, selection)
    assert page.status_code == 200
    assert 'name="tag"' in page.content.decode()
    assert str(chosen) in page.content.decode()

    done = editor.post(changelist, {**selection, "apply": "1", "tag": "ai सेफ्टी"})
    assert done.status_code == 302
    assert list(chosen.tags.all()) == [existing]
    assert not other.tags.exists()
    assert Tag.objects.count() == 1

    removal = {"action": "remove_tag", "_selected_action": [chosen.pk], "apply": "1"}
    assert editor.post(changelist, {**removal, "tag": "AI सेफ्टी"}).status_code == 302
    assert not chosen.tags.exists()


def test_bulk_add_creates_a_new_tag_once(editor):
    articles = ArticleFactory.create_batch(3)
    data = {
        "action": "add_tag",
        "_selected_action": [a.pk for a in articles],
        "apply": "1",
        "tag": "नया टैग",
    }
    editor.post(reverse("admin:articles_article_changelist"), data)
    tag = Tag.objects.get()
    assert (tag.name, tag.slug) == ("नया टैग", "नया-टैग")
    assert tag.article_links.count() == 3


def test_bulk_remove_of_an_unknown_tag_is_refused_clearly(editor):
    article = ArticleFactory(tags=["कविता"])
    data = {"action": "remove_tag", "_selected_action": [article.pk], "apply": "1", "tag": "x"}
    response = editor.post(reverse("admin:articles_article_changelist"), data)
    assert response.status_code == 200
    assert "There is no tag “x”." in response.content.decode()
    assert [t.name for t in article.tags.all()] == ["कविता"]


def test_bulk_tag_actions_need_change_permission(client):
    article = ArticleFactory()
    client.force_login(user_with("view_article"))
    changelist = reverse("admin:articles_article_changelist")
    assert 'value="add_tag"' not in client.get(changelist).content.decode()
    data = {"action": "add_tag", "_selected_action": [article.pk], "apply": "1", "tag": "x"}
    client.post(changelist, data)
    assert not Tag.objects.exists()


# The tag admin: rename and merge ------------------------------------------------------


def test_merge_action_moves_items_and_redirects_the_old_tag_page(editor):
    target = Tag.objects.create(name="AI सेफ्टी")
    old = Tag.objects.create(name="एआई सुरक्षा")
    article = ArticleFactory(tags=[old])
    person = PersonFactory()
    person.tags.add(old, target)
    changelist = reverse("admin:articles_tag_changelist")
    selection = {"action": "merge_tags", "_selected_action": [old.pk]}
    page = editor.post(changelist, selection)
    assert page.status_code == 200 and 'name="target"' in page.content.decode()

    done = editor.post(changelist, {**selection, "apply": "1", "target": "ai सेफ्टी"})
    assert done.status_code == 302
    assert list(Tag.objects.all()) == [target]
    assert list(article.tags.all()) == [target]
    assert list(person.tags.all()) == [target]

    old_url = reverse("articles:tag-detail", kwargs={"slug": old.slug})
    response = editor.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:tag-detail", kwargs={"slug": target.slug})


def test_merge_into_a_missing_tag_is_refused(editor):
    old = Tag.objects.create(name="पुराना")
    data = {"action": "merge_tags", "_selected_action": [old.pk], "apply": "1", "target": "नहीं"}
    response = editor.post(reverse("admin:articles_tag_changelist"), data)
    assert response.status_code == 200
    assert "There is no tag “नहीं”." in response.content.decode()
    assert Tag.objects.filter(pk=old.pk).exists()


def test_merge_needs_the_merge_permission(client):
    old, target = Tag.objects.create(name="क"), Tag.objects.create(name="ख")
    client.force_login(user_with("view_tag", "change_tag", "delete_tag"))
    changelist = reverse("admin:articles_tag_changelist")
    assert 'value="merge_tags"' not in client.get(changelist).content.decode()
    data = {"action": "merge_tags", "_selected_action": [old.pk], "apply": "1", "target": "ख"}
    client.post(changelist, data)
    assert Tag.objects.count() == 2

    client.force_login(user_with("view_tag", "change_tag", "delete_tag", "merge_tags"))
    assert 'value="merge_tags"' in client.get(changelist).content.decode()
    client.post(changelist, data)
    assert list(Tag.objects.all()) == [target]


def test_rename_to_a_near_duplicate_is_refused(editor):
    Tag.objects.create(name="AI सेफ्टी")
    other = Tag.objects.create(name="सुरक्षा")
    url = reverse("admin:articles_tag_change", args=[other.pk])
    response = editor.post(url, {"name": "ai\u00a0सेफ्टी", "slug": other.slug})
    assert response.status_code == 200
    assert "The tag “AI सेफ्टी” already exists: merge the tags instead." in (
        response.content.decode()
    )
    other.refresh_from_db()
    assert other.name == "सुरक्षा"


def test_rename_with_a_new_slug_keeps_the_old_url(editor):
    tag = Tag.objects.create(name="एआई")
    url = reverse("admin:articles_tag_change", args=[tag.pk])
    assert editor.post(url, {"name": "एआई सुरक्षा", "slug": "एआई-सुरक्षा"}).status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("एआई सुरक्षा", "एआई-सुरक्षा")
    assert SlugRedirect.objects.target(SlugRedirect.Kind.TAG, "एआई") == "एआई-सुरक्षा"


def test_tag_add_form_fills_an_empty_slug(editor):
    response = editor.post(reverse("admin:articles_tag_add"), {"name": "मृणांक शर्मा", "slug": ""})
    assert response.status_code == 302
    assert Tag.objects.get().slug == "मृणांक-शर्मा"


def test_tag_changelist_counts_items_in_constant_queries(editor):
    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            response = editor.get(reverse("admin:articles_tag_changelist"))
        assert response.status_code == 200
        return len(captured), response.content.decode()

    tag = Tag.objects.create(name="कविता")
    ArticleFactory(tags=[tag])
    small, _html = count_queries()
    for n in range(5):
        ArticleFactory(tags=[tag, f"टैग {n}"])
        PersonFactory().tags.add(tag)
    large, html = count_queries()
    assert small == large
    assert '<td class="field-article_count">6</td>' in html
    assert '<td class="field-person_count">5</td>' in html


# Finding things -----------------------------------------------------------------------


def changelist_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


def test_article_changelist_queries_do_not_grow(editor, django_assert_num_queries):
    url = reverse("admin:articles_article_changelist")
    person = PersonFactory()
    article = ArticleFactory(
        tags=["कविता"], people=[person], section=Section.objects.create(name="देश")
    )
    ArticleAuthor.objects.create(article=article, person=person)
    baseline = changelist_queries(editor, url)
    assert baseline <= 15
    for n in range(6):
        article = ArticleFactory(
            tags=["कविता", f"टैग {n}"],
            people=[person, PersonFactory()],
            section=Section.objects.create(name=f"खंड {n}"),
        )
        ArticleAuthor.objects.create(article=article, person=PersonFactory())
    with django_assert_num_queries(baseline):
        html = editor.get(url).content.decode()
    assert '<td class="field-section nowrap">खंड 5</td>' in html


def test_quote_changelist_queries_do_not_grow(editor, django_assert_num_queries):
    url = reverse("admin:articles_quote_changelist")
    QuoteFactory().tags.add("कविता")
    baseline = changelist_queries(editor, url)
    assert baseline <= 15
    for n in range(6):
        QuoteFactory().tags.add("कविता", f"टैग {n}")
    with django_assert_num_queries(baseline):
        editor.get(url)


def test_person_changelist_queries_do_not_grow(editor, django_assert_num_queries):
    url = reverse("admin:articles_person_changelist")
    PersonFactory().tags.add("कविता")
    baseline = changelist_queries(editor, url)
    for n in range(6):
        PersonFactory().tags.add(f"टैग {n}")
    with django_assert_num_queries(baseline):
        editor.get(url)


def rows(client, url_name, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


def test_article_filters_by_tag_person_status_and_language(editor):
    person = PersonFactory()
    tagged = ArticleFactory(headline="टैग वाली ख़बर", tags=["इस्तीफा", "कविता"], people=[person])
    draft = ArticleFactory(headline="मसौदा", draft=True, language="en")
    name = "admin:articles_article_changelist"
    assert rows(editor, name, tag="इस्तीफा") == {"टैग वाली ख़बर"}
    assert rows(editor, name, people__id__exact=person.pk) == {"टैग वाली ख़बर"}
    assert rows(editor, name, status__exact="draft") == {"मसौदा"}
    assert rows(editor, name, language__exact="en") == {"मसौदा"}
    html = editor.get(reverse(name)).content.decode()
    assert "?tag=%E0%A4%95%E0%A4%B5%E0%A4%BF%E0%A4%A4%E0%A4%BE" in html  # कविता, encoded
    assert tagged.pk and draft.pk


def test_quote_filters_by_speaker_article_source_kind_and_tag(editor):
    quote = QuoteFactory(text="पहला उद्धरण")
    quote.tags.add("कविता")
    paraphrase = QuoteFactory(text="दूसरा", kind=Quote.Kind.PARAPHRASE)
    name = "admin:articles_quote_changelist"

    def texts(**params):
        response = editor.get(reverse(name), params)
        return {q.text for q in response.context["cl"].result_list}

    assert texts(speaker__id__exact=quote.speaker_id) == {"पहला उद्धरण"}
    assert texts(article__id__exact=paraphrase.article_id) == {"दूसरा"}
    assert texts(source__id__exact=quote.source_id) == {"पहला उद्धरण"}
    assert texts(kind__exact="paraphrase") == {"दूसरा"}
    assert texts(tag="कविता") == {"पहला उद्धरण"}


def test_source_filter_by_kind(editor):
    SourceFactory(title="पत्र", kind="letter")
    SourceFactory(title="पोस्ट", kind="social_post")
    assert rows(editor, "admin:articles_source_changelist", kind__exact="letter") == {"पत्र"}


@pytest.mark.parametrize(
    "term",
    [
        "मृणांक",  # Devanagari name
        "Mrinank",  # Latin name
        "mrinank sharma",  # case
        "मृनांक",  # an alias spelling
        "Mrinaank",  # a Latin alias
    ],
)
def test_people_found_by_either_script_and_any_alias(editor, term):
    PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृनांक\nMrinaank")
    PersonFactory(name="आकाश गुप्ता", name_latin="Aakash Gupta")
    found = rows(editor, "admin:articles_person_changelist", q=term)
    assert found == {"मृणांक शर्मा (Mrinank Sharma)"}


def test_search_normalises_the_term_to_nfc(editor):
    PersonFactory(name="क़ादिर", name_latin="")
    ArticleFactory(headline="इस्तीफ़ा की ख़बर")
    decomposed_nukta = "क\u093cादिर"
    precomposed_nukta = "\u0958ादिर"  # क़ as one code point: NFC decomposes it
    for term in (decomposed_nukta, precomposed_nukta):
        assert rows(editor, "admin:articles_person_changelist", q=term) == {"क़ादिर"}
    assert rows(editor, "admin:articles_article_changelist", q="इस्ती\u095eा") == {"इस्तीफ़ा की ख़बर"}


@pytest.mark.parametrize(
    ("changelist", "term", "expected"),
    [
        # Without the nukta, and the other way round.
        ("article", "इस्तीफा", {"इस्तीफ़ा की ख़बर"}),
        ("person", "क़ादिर", {"कादिर"}),
        # Case and non-breaking space.
        ("article", "ai\u00a0सेफ्टी", {"AI सेफ्टी पर बहस"}),
        # A related field: the article found by a person's name typed without nukta.
        ("article", "कादिर", {"AI सेफ्टी पर बहस"}),
        # Two words: both must match, each anywhere.
        ("article", "इस्तीफा खबर", {"इस्तीफ़ा की ख़बर"}),
        ("article", "इस्तीफा सेफ्टी", set()),
        # LIKE's wildcards are plain characters.
        ("article", "%", set()),
        ("article", "_", set()),
    ],
)
def test_search_ignores_nukta_case_and_space_variants(editor, changelist, term, expected):
    ArticleFactory(headline="इस्तीफ़ा की ख़बर")
    ArticleFactory(headline="AI सेफ्टी पर बहस", people=[PersonFactory(name="कादिर", name_latin="")])
    assert rows(editor, f"admin:articles_{changelist}_changelist", q=term) == expected


def test_autocompletes_search_folded_too(editor):
    PersonFactory(name="फ़रहान ज़ैदी", name_latin="")
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "quote", "field_name": "speaker"}
    found = editor.get(url, {**params, "term": "फरहान जैदी"}).json()["results"]
    assert [result["text"] for result in found] == ["फ़रहान ज़ैदी"]


def test_quotes_found_by_speaker_alias_and_article_text(editor):
    speaker = PersonFactory(name="आकाश गुप्ता", aliases="Akash")
    QuoteFactory(speaker=speaker, text="दुनिया ख़तरे में है")
    QuoteFactory(text="कुछ और")
    assert len(rows(editor, "admin:articles_quote_changelist", q="akash")) == 1
    assert len(rows(editor, "admin:articles_quote_changelist", q="ख़तरे")) == 1


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (
            "article",
            ["section", "lead_image", "translation_of", "people", "organisations", "sources"],
        ),
        # A correction on its story's page names the record it fixes.
        ("article", [f"corrections-__prefix__-{name}" for name in Correction.RECORD_FIELDS]),
        ("person", ["photo"]),
        # The byline's row template, copied for each name added.
        ("article", ["byline-__prefix__-person"]),
        ("quote", ["speaker", "article", "source"]),
        ("source", ["author", "author_organisation", "based_on"]),
        ("correction", ["article", *Correction.RECORD_FIELDS]),
    ],
)
def test_every_relation_uses_an_autocomplete_widget(editor, model, fields):
    html = editor.get(reverse(f"admin:articles_{model}_add")).content.decode()
    for field in fields:
        assert f'name="{field}"' in html
        start = html.index(f'name="{field}"')
        tag = html[html.rindex("<", 0, start) : html.index(">", start)]
        assert "admin-autocomplete" in tag, (field, tag)


def test_person_page_lists_their_quotes_and_articles_linked_and_escaped(editor):
    person = PersonFactory()
    article = ArticleFactory(headline="<script>alert(1)</script> ख़बर", people=[person])
    quote = QuoteFactory(speaker=person, article=article, text="<b>कहा</b>")
    other = ArticleFactory(headline="दूसरी ख़बर", people=[person], draft=True)
    html = editor.get(reverse("admin:articles_person_change", args=[person.pk])).content.decode()
    assert reverse("admin:articles_quote_change", args=[quote.pk]) in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert reverse("admin:articles_article_change", args=[other.pk]) in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ख़बर" in html
    assert "&lt;b&gt;कहा&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html
    assert "lang='hi'" in html or 'lang="hi"' in html


def test_person_page_record_costs_constant_queries(editor):
    person = PersonFactory()
    url = reverse("admin:articles_person_change", args=[person.pk])
    article = ArticleFactory(people=[person])
    QuoteFactory(speaker=person, article=article)
    small = changelist_queries(editor, url)
    for _ in range(5):
        other = ArticleFactory(people=[person])
        QuoteFactory(speaker=person, article=other)
    assert changelist_queries(editor, url) == small


def test_person_add_page_has_no_record_yet(editor):
    html = editor.get(reverse("admin:articles_person_add")).content.decode()
    assert "field-quote_links" not in html
    assert "field-byline_links" not in html


# Bylines, sections, portraits ---------------------------------------------------------


def test_person_page_lists_the_stories_they_wrote_apart_linked_and_escaped(editor):
    writer = PersonFactory(newsroom_role=Person.NewsroomRole.STAFF)
    wrote = ArticleFactory(headline="<i>लिखी</i> ख़बर")
    ArticleAuthor.objects.create(article=wrote, person=writer)
    draft = ArticleFactory(headline="अधूरी ख़बर", draft=True)
    ArticleAuthor.objects.create(article=draft, person=writer)
    featured = ArticleFactory(headline="जिसमें वे हैं", people=[writer])
    html = editor.get(reverse("admin:articles_person_change", args=[writer.pk])).content.decode()
    written = html[html.index("field-byline_links") : html.index("field-quote_links")]
    assert "&lt;i&gt;लिखी&lt;/i&gt; ख़बर" in written and "<i>लिखी" not in html
    assert written.index("अधूरी ख़बर") < written.index("लिखी")  # drafts first
    assert reverse("admin:articles_article_change", args=[wrote.pk]) in written
    assert featured.headline not in written
    assert featured.headline in html[html.index("field-article_links") :]
    other = PersonFactory()
    html = editor.get(reverse("admin:articles_person_change", args=[other.pk])).content.decode()
    assert "No stories written yet." in html


def test_person_page_with_stories_written_costs_constant_queries(editor):
    writer = PersonFactory()
    url = reverse("admin:articles_person_change", args=[writer.pk])
    ArticleAuthor.objects.create(article=ArticleFactory(), person=writer)
    small = changelist_queries(editor, url)
    for _ in range(5):
        ArticleAuthor.objects.create(article=ArticleFactory(), person=writer)
    assert changelist_queries(editor, url) == small


def test_people_filter_by_newsroom_role(editor):
    PersonFactory(name="रिपोर्टर", name_latin="", newsroom_role=Person.NewsroomRole.STAFF)
    PersonFactory(name="लेखक", name_latin="", newsroom_role=Person.NewsroomRole.CONTRIBUTOR)
    PersonFactory(name="नेता", name_latin="")
    name = "admin:articles_person_changelist"
    assert rows(editor, name, newsroom_role__exact="staff") == {"रिपोर्टर"}
    assert rows(editor, name, newsroom_role__exact="contributor") == {"लेखक"}
    assert len(rows(editor, name)) == 3


def test_articles_filter_by_section_and_author(editor):
    tech = Section.objects.create(name="टेक", name_en="Tech")
    writer = PersonFactory()
    in_tech = ArticleFactory(headline="टेक की ख़बर", section=tech)
    ArticleAuthor.objects.create(article=in_tech, person=writer)
    ArticleFactory(headline="दूसरी ख़बर")
    name = "admin:articles_article_changelist"
    assert rows(editor, name, section__id__exact=tech.pk) == {"टेक की ख़बर"}
    assert rows(editor, name, authors__id__exact=writer.pk) == {"टेक की ख़बर"}


def test_sections_are_ordered_in_the_list_with_their_story_counts(editor):
    tech = Section.objects.create(name="टेक", name_en="Tech", position=20)
    india = Section.objects.create(name="देश", name_en="India", position=10)
    for _ in range(3):
        ArticleFactory(section=tech)
    ArticleFactory(section=tech, draft=True)
    url = reverse("admin:articles_section_changelist")
    small = changelist_queries(editor, url)
    for n in range(5):
        ArticleFactory(section=Section.objects.create(name=f"खंड {n}", position=30 + n))
    assert changelist_queries(editor, url) == small
    response = editor.get(url)
    assert [s.name for s in response.context["cl"].result_list][:2] == ["देश", "टेक"]
    html = response.content.decode()
    assert '<td class="field-story_count">4</td>' in html  # drafts too: the desk's count

    # Reordering the navigation from the list: one version per section changed.
    data = adminform.form_data(html, "changelist-form")
    forms = {data[f"form-{i}-id"]: i for i in range(int(data["form-TOTAL_FORMS"]))}
    data[f"form-{forms[str(tech.pk)]}-position"] = "5"
    data["_save"] = "Save"
    assert editor.post(url, data).status_code == 302
    assert list(Section.objects.values_list("name", flat=True))[:2] == ["टेक", "देश"]
    assert tech.history.count() == 2  # created, then moved
    assert india.history.count() == 1


def test_a_section_is_added_with_its_slug_made_from_the_name(editor):
    response = editor.get(reverse("admin:articles_section_add"))
    data = form_data(response, name="बिज़नेस", name_en="Business", slug="", position="30")
    assert editor.post(reverse("admin:articles_section_add"), data).status_code == 302
    section = Section.objects.get()
    assert (section.slug, section.name_en) == ("बिज़नेस", "Business")
    assert section.history.get().history_type == "+"


def test_a_section_with_stories_cannot_be_deleted(editor):
    section = Section.objects.create(name="खेल", name_en="Sports")
    ArticleFactory(section=section)
    url = reverse("admin:articles_section_delete", args=[section.pk])
    response = editor.post(url, {"post": "yes"})
    assert response.status_code == 200  # Django's "cannot delete: protected" page
    assert Section.objects.filter(pk=section.pk).exists()


def test_lead_image_and_portrait_are_set_in_the_admin(editor):
    image = ImageFactory()
    person = PersonFactory()
    url = reverse("admin:articles_person_change", args=[person.pk])
    response = editor.post(url, form_data(editor.get(url), photo=str(image.pk)))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.photo == image


# Slugs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "source"),
    [
        ("article", "headline"),
        ("person", "name"),
        ("source", "title"),
        ("tag", "name"),
        ("section", "name"),
        ("organisation", "name"),
    ],
)
def test_slugs_prepopulate_with_our_urlify(editor, model, source):
    html = editor.get(reverse(f"admin:articles_{model}_add")).content.decode()
    assert f'"dependency_ids": ["#id_{source}"]' in unescape(html)
    django_urlify = html.index("admin/js/urlify.")
    ours = html.index("articles/admin/urlify.")
    assert django_urlify < ours  # ours is loaded last, so it is the URLify prepopulate uses


def test_person_slug_may_be_left_empty(editor):
    response = editor.get(reverse("admin:articles_person_add"))
    data = form_data(response, name="मृणांक शर्मा", name_latin="", slug="")
    assert editor.post(reverse("admin:articles_person_add"), data).status_code == 302
    assert Person.objects.get().slug == "मृणांक-शर्मा"


def test_duplicate_slug_is_refused(editor):
    PersonFactory(slug="मृणांक-शर्मा")
    response = editor.get(reverse("admin:articles_person_add"))
    data = form_data(response, name="मृणांक शर्मा", slug="मृणांक-शर्मा")
    response = editor.post(reverse("admin:articles_person_add"), data)
    assert response.status_code == 200
    assert Person.objects.count() == 1


def change_slug(client, obj, url_name, slug, **extra):
    url = reverse(url_name, args=[obj.pk])
    response = client.post(url, form_data(client.get(url), slug=slug, **extra))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_published_article_slug_change_keeps_the_old_url(editor, client):
    article = ArticleFactory(headline="पुरानी ख़बर")
    old_url = article.get_absolute_url()
    change_slug(editor, article, "admin:articles_article_change", "नई-ख़बर")
    article.refresh_from_db()
    assert article.slug == "नई-ख़बर"
    client.logout()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # Query strings survive the redirect.
    assert client.get(old_url, {"utm": "x"})["Location"] == article.get_absolute_url() + "?utm=x"


def test_draft_article_slug_change_leaves_no_redirect(editor):
    article = ArticleFactory(draft=True)
    change_slug(editor, article, "admin:articles_article_change", "मसौदा-नया")
    assert not SlugRedirect.objects.exists()


def test_person_slug_change_keeps_the_old_profile_url(editor, client):
    person = PersonFactory(name="मृणांक शर्मा", slug="मृणांक")
    ArticleFactory(people=[person])
    old_url = person.get_absolute_url()
    change_slug(editor, person, "admin:articles_person_change", "मृणांक-शर्मा")
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:person-detail", args=["मृणांक-शर्मा"])


def test_organisation_slug_change_keeps_the_old_page_and_feed(editor, client):
    organisation = OrganisationFactory(name="एंथ्रोपिक", slug="एंथ्रोपिक")
    ArticleFactory(organisations=[organisation])
    old_page, old_feed = (
        reverse(f"articles:organisation-{page}", args=["एंथ्रोपिक"]) for page in ("detail", "feed")
    )
    change_slug(editor, organisation, "admin:articles_organisation_change", "एंथ्रोपिक-पीबीसी")
    for old, page in ((old_page, "detail"), (old_feed, "feed")):
        response = client.get(old)
        assert response.status_code == 301
        new = reverse(f"articles:organisation-{page}", args=["एंथ्रोपिक-पीबीसी"])
        assert response["Location"] == new
        assert client.get(new).status_code == 200


def test_unknown_slug_is_still_404(client):
    assert client.get(reverse("articles:article-detail", args=["कोई-नहीं"])).status_code == 404


# Language -----------------------------------------------------------------------------


def test_admin_in_hindi(editor):
    html = editor.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert 'lang="hi"' in html
    assert "आज की डेस्क" in html  # the desk home's title (articles.admin.home)
    assert "टैग" in html  # ours: Tag's verbose_name_plural
    assert "उद्धरण" in html  # ours: Quote's verbose_name_plural


def test_only_our_tags_are_in_the_admin(editor):
    from taggit.models import Tag as TaggitTag

    html = editor.get(reverse("admin:index")).content.decode()
    assert reverse("admin:articles_tag_changelist") in html
    assert "/admin/taggit/" not in html
    assert not admin.site.is_registered(TaggitTag)


def test_admin_in_english(editor):
    html = editor.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html
    assert "Today's desk" in html or "Today&#x27;s desk" in html
    assert "Tags" in html and "Quotes" in html


def test_our_admin_messages_are_translated(editor):
    article = ArticleFactory()
    data = {"action": "add_tag", "_selected_action": [article.pk], "apply": "1", "tag": "कविता"}
    changelist = reverse("admin:articles_article_changelist")
    response = editor.post(changelist, data, HTTP_ACCEPT_LANGUAGE="hi", follow=True)
    assert "टैग “कविता” 1 चीज़ में जोड़ा गया।" in response.content.decode()
    selection = {"action": "add_tag", "_selected_action": [article.pk]}
    page = editor.post(changelist, selection, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "<title>टैग जोड़ें" in page
    assert "1 लेख चुना गया:" in page


def test_reporters_bulk_tag_drafts_but_not_published_articles(client):
    from django.contrib.auth.models import Group

    reporter = User.objects.create_user("reporter", password="x-pass-123", is_staff=True)
    reporter.groups.add(Group.objects.get(name="Reporters"))
    client.force_login(reporter)
    draft, published = ArticleFactory(draft=True), ArticleFactory()
    changelist = reverse("admin:articles_article_changelist")
    data = {"action": "add_tag", "apply": "1", "tag": "कविता"}

    response = client.post(changelist, {**data, "_selected_action": [draft.pk, published.pk]})
    assert response.status_code == 302
    assert not Tag.objects.exists()  # all or nothing
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(published.headline in m and draft.headline not in m for m in messages)

    assert client.post(changelist, {**data, "_selected_action": [draft.pk]}).status_code == 302
    assert list(draft.tags.names()) == ["कविता"]


# Organisations (issue 9) --------------------------------------------------------------


def test_organisations_are_found_by_any_spelling_in_the_article_autocomplete(editor):
    OrganisationFactory(name="एंथ्रोपिक", name_latin="Anthropic", aliases="एंथ्रॉपिक")
    OrganisationFactory(name="OpenAI", name_latin="OpenAI")
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "article", "field_name": "organisations"}
    for term in ("एंथ्रॉपिक", "anthropic", "एंथ्रोपिक"):
        found = editor.get(url, {**params, "term": term}).json()["results"]
        assert [result["text"] for result in found] == ["एंथ्रोपिक (Anthropic)"], term


def test_an_organisation_is_added_with_its_slug_made_from_the_name(editor):
    response = editor.get(reverse("admin:articles_organisation_add"))
    data = form_data(response, name="ओपनएआई", name_latin="", slug="", kind="company")
    assert editor.post(reverse("admin:articles_organisation_add"), data).status_code == 302
    assert Organisation.objects.get().slug == "ओपनएआई"


def test_organisation_page_lists_its_stories_and_people_linked_and_escaped(editor):
    organisation = OrganisationFactory()
    story = ArticleFactory(headline="<script>x</script> ख़बर", organisations=[organisation])
    draft = ArticleFactory(headline="मसौदा", draft=True, organisations=[organisation])
    now = AffiliationFactory(organisation=organisation, title="<b>प्रमुख</b>")
    before = AffiliationFactory(organisation=organisation, ended=True)
    url = reverse("admin:articles_organisation_change", args=[organisation.pk])
    html = editor.get(url).content.decode()
    for article in (story, draft):
        assert reverse("admin:articles_article_change", args=[article.pk]) in html
    for role in (now, before):
        assert reverse("admin:articles_person_change", args=[role.person_id]) in html
    assert "&lt;script&gt;x&lt;/script&gt; ख़बर" in html and "<script>x" not in html
    assert "&lt;b&gt;प्रमुख&lt;/b&gt; (current role)" in html
    assert f"{before.title} (former role)" in html
    empty = OrganisationFactory()
    html = editor.get(reverse("admin:articles_organisation_change", args=[empty.pk])).content
    assert b"In no story yet." in html and b"Nobody affiliated yet." in html
    add_page = editor.get(reverse("admin:articles_organisation_add")).content
    assert b"field-article_links" not in add_page


def test_organisation_pages_and_list_cost_constant_queries(editor, django_assert_num_queries):
    organisation = OrganisationFactory()
    ArticleFactory(organisations=[organisation])
    AffiliationFactory(organisation=organisation)
    page = reverse("admin:articles_organisation_change", args=[organisation.pk])
    listing = reverse("admin:articles_organisation_changelist")
    small = [changelist_queries(editor, url) for url in (page, listing)]
    for _ in range(5):
        ArticleFactory(organisations=[organisation, OrganisationFactory()])
        AffiliationFactory(organisation=organisation)
    for url, count in zip((page, listing), small, strict=True):
        with django_assert_num_queries(count):
            editor.get(url)


def test_organisations_filter_by_kind_and_articles_by_organisation(editor):
    company = OrganisationFactory(name="कंपनी", name_latin="", kind=Organisation.Kind.COMPANY)
    OrganisationFactory(name="विश्वविद्यालय", name_latin="", kind=Organisation.Kind.UNIVERSITY)
    assert rows(editor, "admin:articles_organisation_changelist", kind="company") == {"कंपनी"}
    about = ArticleFactory(headline="कंपनी की ख़बर", organisations=[company])
    ArticleFactory(headline="दूसरी ख़बर")
    found = rows(editor, "admin:articles_article_changelist", organisations__id__exact=company.pk)
    assert found == {about.headline}


def test_an_article_gets_its_organisations_in_the_admin(editor):
    organisation = OrganisationFactory()
    article = ArticleFactory(draft=True)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = adminform.admin_form(editor, url, "article_form")
    data["organisations"] = [str(organisation.pk)]
    assert editor.post(url, data).status_code == 302
    assert list(article.organisations.all()) == [organisation]


# Roles over time on the person's page (AffiliationInline) ------------------------------


def person_page(client, person):
    url = reverse("admin:articles_person_change", args=[person.pk])
    return url, adminform.admin_form(client, url, "person_form")


def add_roles(data, *rows):
    """The person's form ``data`` with ``rows`` (field → value) added as new roles."""
    start = int(data["affiliations-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        data.update({f"affiliations-{start + offset}-{k}": v for k, v in row.items()})
    data["affiliations-TOTAL_FORMS"] = str(start + len(rows))
    return data


def test_person_page_edits_roles_inline_in_career_order_with_autocompletes(editor):
    person = PersonFactory()
    AffiliationFactory(person=person, title="बाद का पद", position=5)
    AffiliationFactory(person=person, title="पहला पद", position=2)
    html = editor.get(reverse("admin:articles_person_change", args=[person.pk])).content.decode()
    assert html.index("पहला पद") < html.index("बाद का पद")
    for field in ("organisation", "source"):
        select = html[html.index(f'name="affiliations-0-{field}"') - 400 :]
        assert "admin-autocomplete" in select[: select.index("</select>")]


def test_new_roles_need_no_numbering_and_each_save_is_one_version(editor):
    person = PersonFactory()
    organisation, source = OrganisationFactory(), SourceFactory()
    AffiliationFactory(person=person, organisation=organisation, title="पुराना पद", position=3)
    url, data = person_page(editor, person)
    add_roles(
        data,
        {"organisation": str(organisation.pk), "title": "नया पद", "source": str(source.pk)},
        {"body_name": "एक समिति", "title": "सदस्य", "title_en": "Member"},
    )
    people_before = person.history.count()
    roles_before = Affiliation.history.filter(person_id=person.pk).count()
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    roles = list(person.affiliations.order_by("position").values_list("title", "position"))
    assert roles == [("पुराना पद", 3), ("नया पद", 4), ("सदस्य", 5)]
    assert person.history.count() == people_before + 1
    # One version per new row; the row left as it was gets none.
    assert Affiliation.history.filter(person_id=person.pk).count() == roles_before + 2

    # Saving again with the roles untouched: the person's version, no role version.
    url, data = person_page(editor, person)
    assert editor.post(url, data).status_code == 302
    assert person.history.count() == people_before + 2
    assert Affiliation.history.filter(person_id=person.pk).count() == roles_before + 2


def test_a_loaded_role_gets_its_baseline_before_its_first_edit(editor):
    role = AffiliationFactory(title="लोड किया गया")
    Affiliation.history.all().delete()  # as loaddata leaves it: no version yet
    url, data = person_page(editor, role.person)
    data["affiliations-0-ended"] = "on"
    assert editor.post(url, data).status_code == 302
    versions = list(role.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.ended) for v in versions] == [("+", False), ("~", True)]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"title": "पद", "started_on": "2024-05-01", "ended_on": "2024-01-01", "ended": "on"},
            "ended_on",
            "The role cannot end before it starts.",
        ),
        (
            {"title": "पद", "ended_on": "2024-01-01"},
            "ended",
            "A role with an end date has ended: tick “role has ended” (or clear the date).",
        ),
        (
            {"title": "पद"},
            "organisation",
            "Choose the organisation, or write the name of the body when it has no record "
            "of its own.",
        ),
    ],
)
def test_a_bad_role_is_refused_with_a_clear_message_and_nothing_saved(editor, row, field, message):
    person = PersonFactory(name="पहला नाम")
    url, data = person_page(editor, person)
    data["name"] = "नया नाम"
    response = editor.post(url, add_roles(data, row))
    assert response.status_code == 200
    (formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
    with translation.override("en"):  # the lazy messages, read in the admin's language
        assert formset.forms[-1].errors[field] == [message]
    assert message in unescape(response.content.decode())
    person.refresh_from_db()
    assert person.name == "पहला नाम" and not person.affiliations.exists()


def test_person_history_lists_the_versions_of_their_roles(editor, django_assert_num_queries):
    person = PersonFactory()
    url, data = person_page(editor, person)
    add_roles(data, {"body_name": "<b>समिति</b>", "title": "सदस्य"})
    assert editor.post(url, data).status_code == 302
    history = reverse("admin:articles_person_history", args=[person.pk])
    html = editor.get(history).content.decode()
    section = html[html.index('id="role-histories"') :]
    assert "1. सदस्य, &lt;b&gt;समिति&lt;/b&gt;" in section
    assert "admin" in section  # who saved it
    with CaptureQueriesContext(connection) as few:
        editor.get(history)
    few = len(few)
    for _ in range(3):
        url, data = person_page(editor, person)
        data["affiliations-0-title"] += " (बदला)"
        assert editor.post(url, data).status_code == 302
    with django_assert_num_queries(few):  # three more versions of each: no more queries
        editor.get(history)


# The compact story page -------------------------------------------------------------------


def story_page_quotes(article, count):
    """``count`` quotes on ``article``, each with its own speaker, source and two tags."""
    for n in range(count):
        QuoteFactory(article=article, position=n + 1).tags.add("कविता", f"टैग {n}")


def test_story_page_costs_the_same_queries_for_one_quote_as_for_six(
    editor, django_assert_num_queries
):
    """The quote rows' speakers, sources and tags come with the quotes, not one row at a time."""
    article = ArticleFactory(people=[PersonFactory()], tags=["कविता"])
    story_page_quotes(article, 1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    editor.get(url)  # the session and the open-page mark settle
    with CaptureQueriesContext(connection) as one:
        assert editor.get(url).status_code == 200
    assert len(one) <= 20
    for n in range(2, 7):
        QuoteFactory(article=article, position=n).tags.add("कविता", f"और {n}")
    with django_assert_num_queries(len(one)):
        html = editor.get(url).content.decode()
    assert html.count('class="quote-details"') == 6 + 1  # six rows and the "add" template


def quote_row_tags(html):
    """{row id: whether its <details> starts open} for the quote rows of a story page."""
    found = re.findall(
        r'<div class="inline-related quote-row[^"]*" id="(quotes-\d+)">\s*'
        r'<details class="quote-details"( open)?>',
        html,
    )
    return {row: bool(is_open) for row, is_open in found}


def test_story_page_quotes_start_closed_with_one_line_each(editor):
    article = ArticleFactory()
    quote = QuoteFactory(article=article, position=1, text="पहला अनुच्छेद।")
    QuoteFactory(article=article, position=2, text="ये शब्द ख़बर में नहीं हैं", source=None)
    html = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert quote_row_tags(html) == {"quotes-0": False, "quotes-1": False}
    summary = html.split('id="quotes-0"')[1].split("</summary>")[0]
    assert quote.speaker.name in summary and "“पहला अनुच्छेद।”" in summary
    assert quote.source.title in summary
    # The second quote's problems: badges on its line, and listed at the top with a link.
    second = html.split('id="quotes-1"')[1].split("</summary>")[0]
    assert second.count('class="quote-badge"') == 2
    assert "not verbatim" in second and "no source" in second
    top = html.split('class="quote-problems"')[1].split("</section>")[0]
    assert top.count('href="#quotes-1-quote"') == 2
    assert "its words do not appear verbatim" in top and "it has no source" in top
    assert 'id="quotes-1-quote"' in html
    assert html.index('class="quote-problems"') < html.index('id="id_headline"')


def test_story_page_fieldsets_come_in_the_order_an_editor_works(editor):
    article = ArticleFactory()
    html = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    headings = re.findall(
        r'<h2 id="fieldset-0-\d+-heading" class="fieldset-heading">([^<]+)</h2>', html
    )
    assert headings == [
        "The story",
        "People, organisations, sources and tags",
        "Publishing",
        "Correction",
    ]
    assert re.search(r'<textarea name="body" cols="40" rows="3"', html)
    assert re.search(r'<textarea name="summary" cols="40" rows="3"', html)
    # Only a story that exists takes a correction note.
    html = editor.get(reverse("admin:articles_article_add")).content.decode()
    assert "Correction kind" not in html and 'name="correction_text"' not in html


def test_a_quote_with_an_error_comes_back_open_after_a_refused_save(editor):
    article = ArticleFactory(draft=True)
    QuoteFactory(article=article, position=1)
    QuoteFactory(article=article, position=2)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = adminform.admin_form(editor, url, "article_form")
    data["quotes-1-text"] = ""  # the words are required
    response = editor.post(url, data)
    assert response.status_code == 200  # refused, shown again
    html = response.content.decode()
    assert quote_row_tags(html) == {"quotes-0": False, "quotes-1": True}
    row = html.split('id="quotes-1"')[1].split('id="quotes-empty"')[0]
    assert 'class="errorlist' in row and 'class="quote-badge">error<' in row


def test_a_changed_quote_stays_open_when_another_field_refuses_the_save(editor):
    article = ArticleFactory(draft=True)
    QuoteFactory(article=article, position=1)
    QuoteFactory(article=article, position=2)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = adminform.admin_form(editor, url, "article_form")
    data["quotes-0-text"] = "दूसरा अनुच्छेद।"
    data["headline"] = ""  # refused for the headline, not the quote
    html = editor.post(url, data).content.decode()
    assert quote_row_tags(html) == {"quotes-0": True, "quotes-1": False}
    assert "दूसरा अनुच्छेद।</textarea>" in html  # the editor's words are kept


def test_the_quote_rows_lay_out_every_field_of_a_quote():
    """The story page's quote rows edit what the quote's own page does (QUOTE_FIELDS)."""
    laid_out = flatten_fieldsets(QuoteInline.fieldsets)
    assert sorted(laid_out) == sorted(QUOTE_FIELDS)
    assert len(laid_out) == len(set(laid_out))


def test_story_page_is_valid_html_closed_and_refused(editor, tmp_path):
    """The Nu HTML Checker on the seed story's page, and on a refused save of it (rows open,
    errors shown): one run for both (the JVM starts slowly)."""
    if not shutil.which("java") or not VNU_JAR.exists():
        require_or_skip(f"java or {VNU_JAR} not found: {HOW_TO_INSTALL}.")
    call_command("loaddata", "seed", verbosity=0)
    article = Article.objects.get()
    Quote.objects.filter(article=article, position=2).update(source=None)  # a problem to list
    url = reverse("admin:articles_article_change", args=[article.pk])
    closed = editor.get(url)
    data = adminform.form_data(closed.content.decode(), "article_form")
    data["quotes-0-text"] = ""
    refused = editor.post(url, data)
    assert refused.status_code == 200
    pages = {"story-closed.html": closed.content, "story-refused.html": refused.content}
    for name, content in pages.items():
        (tmp_path / name).write_bytes(content)
    errors = run_vnu([tmp_path / name for name in pages])
    assert errors == {name: [] for name in pages}
