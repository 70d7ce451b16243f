"""Stored XSS: the corpus (articles/tests/xss.py) written into every field an editor can
write, through a fixture (loaddata: no validation, so URL fields get javascript: and data:)
and through the admin's own forms, then read back on every page that shows it: no payload
may come out as markup that runs.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core import serializers
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.markup import safe_url
from articles.models import (
    Affiliation,
    Article,
    Correction,
    Image,
    Organisation,
    Person,
    Quote,
    Section,
    Source,
    Tag,
)
from articles.tests import adminform, xss
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Text fields that are not free text: identifiers the site puts into its own addresses (and
# validates as such), and language codes.
NOT_FREE_TEXT = {"slug", "key", "token", "language", "original_language", "old_slug", "new_slug"}


def hostile_text(field, start):
    """Payloads from the ``start``-th on, as many as fit the field (PostgreSQL enforces
    ``max_length`` even on loaddata), at least one (cut to fit)."""
    limit = field.max_length or 100_000
    text, n = "", start
    while len(text) + len(xss.payload(n)) + 1 <= limit and n < start + len(xss.PAYLOADS):
        text += xss.payload(n) + " "
        n += 1
    return (text or xss.payload(start)[:limit]).strip()


def free_text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.URLField | models.SlugField)
        and not field.choices
        and field.name not in NOT_FREE_TEXT
    ]


def url_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.URLField)]


def world():
    """A published story linked to everything a page can show about it."""
    section = SectionFactory()
    organisation = OrganisationFactory(website="https://example.in/", wikidata_id="Q42")
    person = PersonFactory(
        website="https://example.in/p", wikipedia_url="https://hi.wikipedia.org/"
    )
    image = ImageFactory(licence_url="https://creativecommons.org/licenses/by/4.0/")
    person.photo = image
    person.save()
    source = SourceFactory(
        url="https://example.in/s", archive_url="https://archive.org/x", author=person
    )
    article = ArticleFactory(
        section=section,
        lead_image=image,
        people=[person],
        organisations=[organisation],
        authors=[person],
        tags=["टैग"],
    )
    article.sources.add(source)
    person.tags.add("टैग")
    quote = QuoteFactory(
        article=article,
        speaker=person,
        source=source,
        original_text="words",
        original_language="en",
    )
    AffiliationFactory(person=person, organisation=organisation, source=source)
    # A minute apart: a dump keeps milliseconds, and one moment per story is unique.
    for minutes, record in enumerate(
        [{}, {"quote": quote}, {"person": person}, {"source": source}]
    ):
        at = timezone.now() - datetime.timedelta(minutes=minutes + 1)
        CorrectionFactory(article=article, published_at=at, **record)
    return article


CORPUS_MODELS = [
    Tag,
    Section,
    Image,
    Organisation,
    Person,
    Source,
    Affiliation,
    Article,
    Quote,
    Correction,
]


def load_corpus(tmp_path):
    """Dump every row, put the corpus into its text and URL fields, loaddata it back."""
    rows = json.loads(
        serializers.serialize("json", [o for m in CORPUS_MODELS for o in m.objects.all()])
    )
    n = 0
    for row in rows:
        model = {m._meta.label_lower: m for m in CORPUS_MODELS}[row["model"]]
        for field in free_text_fields(model):
            if field.name in row["fields"]:
                row["fields"][field.name] = hostile_text(field, n)
                n += 1
        for field in url_fields(model):
            row["fields"][field.name] = xss.URL_PAYLOADS[n % len(xss.URL_PAYLOADS)]
            n += 1
        if "wikidata_id" in row["fields"]:
            row["fields"]["wikidata_id"] = '"><svg onload=alert(1)>'[:20]
    path = tmp_path / "xss.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    return n


def public_pages(article):
    person = article.people.get()
    organisation = article.organisations.get()
    tag = article.tags.get()
    the_quote = article.quotes.get()
    pages = [
        reverse("articles:article-list"),
        article.get_absolute_url(),
        person.get_absolute_url(),
        organisation.get_absolute_url(),
        tag.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:quote-detail", args=[the_quote.pk]),
        reverse("articles:person-list"),
        reverse("articles:organisation-list"),
        reverse("articles:correction-list"),
    ]
    pages += [f"{reverse('articles:search')}?q={quote(m)}" for m in xss.MARKERS[:4]]
    return pages


def feeds(article):
    person = article.people.get()
    return [
        reverse("articles:feed-rss"),
        reverse("articles:feed-atom"),
        reverse("articles:person-feed", args=[person.slug]),
        reverse("articles:author-feed", args=[person.slug]),
        reverse("articles:organisation-feed", args=[article.organisations.get().slug]),
        reverse("articles:tag-feed", args=[article.tags.get().slug]),
        reverse("articles:section-feed", args=[article.section.slug]),
    ]


def check_json(data, where, found):
    """Strings in API JSON are data; but links must have a safe scheme and HTML be clean."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and value:
                if key.endswith(("url", "link")) and value != safe_url(value):
                    found.append(f"{where}: {key}={value!r}")
                if key.endswith("_html"):
                    found += [f"{where}: {key}: {f}" for f in xss.find_executable(value)]
            else:
                check_json(value, where, found)
    elif isinstance(data, list):
        for value in data:
            check_json(value, where, found)


def check_everything_public(client, article):
    found = []
    for url in public_pages(article):
        response = client.get(url)
        assert response.status_code == 200, url
        found += [f"{url}: {f}" for f in xss.find_executable(response.content.decode())]
    for url in feeds(article):
        response = client.get(url)
        assert response.status_code == 200, url
        found += [
            f"{url}: {f}" for f in xss.find_executable_in_feed(ET.fromstring(response.content))
        ]
    for url in [reverse("articles:sitemap"), reverse("articles:news-sitemap")]:
        response = client.get(url)
        assert response.status_code == 200, url
        found += [
            f"{url}: {f}" for f in xss.find_executable_in_feed(ET.fromstring(response.content))
        ]
    api = [
        reverse(f"api:{name}-list")
        for name in [
            "story",
            "person",
            "organisation",
            "quote",
            "source",
            "tag",
            "section",
            "correction",
        ]
    ]
    api += [
        reverse("api:story-detail", args=[article.slug]),
        reverse("api:person-detail", args=[article.people.get().slug]),
        reverse("api:organisation-detail", args=[article.organisations.get().slug]),
        reverse("api:quote-detail", args=[article.quotes.get().pk]),
        reverse("api:source-detail", args=[article.sources.get().slug]),
        reverse("api:tag-detail", args=[article.tags.get().slug]),
        reverse("api:section-detail", args=[article.section.slug]),
    ]
    for url in api:
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        check_json(response.json(), url, found)
    return found


def check_admin(client):
    found = []
    for model in CORPUS_MODELS:
        if model not in admin.site._registry:
            continue
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        for pk in model.objects.values_list("pk", flat=True)[:3]:
            urls += [
                reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[pk])
                for view in ("change", "history", "delete")
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found += [f"{url}: {f}" for f in xss.find_executable(response.content.decode())]
    return found


def test_the_corpus_is_big_varied_and_each_payload_has_its_own_marker():
    assert len(xss.PAYLOADS) >= 24
    for marker, text in zip(xss.MARKERS, xss.PAYLOADS, strict=True):
        assert marker in text
        assert not any(other in text for other in xss.MARKERS if other != marker)
    # The checker sees each payload that is executable as parsed (the rest need a mutation,
    # a sanitiser's round trip or Markdown to turn hostile): it is not a checker that passes.
    live = [text for text in xss.PAYLOADS if xss.find_executable(text)]
    assert len(live) >= 24
    assert not any(
        xss.find_executable(f"<a href='{url}'>x</a>") == [] for url in xss.URL_PAYLOADS[:9]
    )


@pytest.mark.parametrize("url", [*xss.URL_PAYLOADS, "//evil.example/", "/relative", "https:x"])
def test_safe_url_refuses_every_hostile_or_schemeless_address(url):
    assert safe_url(url) == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://example.in/a?b=1&c=2",
        "http://example.in/",
        "HTTPS://Example.in/",
        "mailto:desk@example.in",
    ],
)
def test_safe_url_keeps_web_addresses(url):
    assert safe_url(url) == url


@pytest.mark.slow
def test_a_fixture_with_the_corpus_in_every_field_renders_nothing_executable(
    client, admin_client, tmp_path
):
    article = world()
    assert load_corpus(tmp_path) > 40
    article.refresh_from_db()
    person = article.people.get()
    assert person.website.startswith(
        ("javascript", "JaVa", "java", " java", "&#x", "data", "vb", "\x01", '"')
    )
    assert "<script>" in article.body
    found = check_everything_public(client, article) + check_admin(admin_client)
    assert found == []


def test_url_fields_loaded_as_javascript_show_their_names_as_text(client, tmp_path):
    article = world()
    source = article.sources.get()
    Source.objects.filter(pk=source.pk).update(url="javascript:alert(1)")
    Person.objects.filter(pk=article.people.get().pk).update(website="data:text/html,x")
    Image.objects.filter(pk=article.lead_image_id).update(licence_url="JaVaScRiPt:alert(1)")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in page.lower() and "data:text" not in page
    assert source.title in page  # the source is named, just not linked
    profile = client.get(article.people.get().get_absolute_url()).content.decode()
    assert "data:text" not in profile


# Through the admin's own forms -------------------------------------------------------------


def admin_errors(response):
    context = response.context
    errors = [context["adminform"].form.errors] if "adminform" in context else []
    errors += [formset.formset.errors for formset in context.get("inline_admin_formsets", [])]
    return errors


ADMIN_MODELS = [Section, Organisation, Person, Source, Image, Article, Quote, Correction, Tag]


@pytest.mark.slow
def test_the_admin_refuses_hostile_urls_and_escapes_hostile_text_everywhere(client, admin_client):
    article = world()
    article.status = Article.Status.DRAFT
    article.save()
    n = 0
    for model in ADMIN_MODELS:
        name = model._meta.model_name
        obj = model.objects.first()
        url = reverse(f"admin:articles_{name}_change", args=[obj.pk])
        page = admin_client.get(url)
        assert page.status_code == 200, url
        data = adminform.form_data(page.content.decode(), f"{name}_form")
        urls = [f.name for f in url_fields(model) if f.name in data]
        if urls:
            refused = {**data, **dict.fromkeys(urls, "javascript:alert('xssu')")}
            response = admin_client.post(url, refused)
            assert response.status_code == 200, (url, "a javascript: URL was accepted")
            assert "javascript:alert" not in "".join(
                str(getattr(model.objects.get(pk=obj.pk), f)) for f in urls
            )
        for field in free_text_fields(model):
            # A validated identifier (a Wikidata id) refuses the corpus, as it should; a
            # source with an author takes no author's name as well.
            if field.name in {"wikidata_id", "author_name"}:
                continue
            if field.name in data and not isinstance(data[field.name], list):
                data[field.name] = hostile_text(field, n)
                n += 1
        # Inline rows with free text: a person's roles (Affiliation), a story's quotes and
        # corrections; "<prefix>-<row>-<field>" in the form.
        for key, value in list(data.items()):
            inline = re.fullmatch(r"[\w]+-\d+-(title|title_en|text|original_text|note)", key)
            if inline and isinstance(value, str) and value:
                data[key] = xss.payload(n)
                n += 1
        response = admin_client.post(url, data)
        assert response.status_code == 302, (url, admin_errors(response))
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    article.refresh_from_db()
    assert "xss" in Affiliation.objects.get().title
    assert "<script>" in article.headline + article.body
    assert n >= len(xss.PAYLOADS) // 3
    found = check_everything_public(client, article) + check_admin(admin_client)
    assert found == []


# In Chromium ---------------------------------------------------------------------------------

# Anything in the live DOM that a payload could have made: elements that run or load code,
# event handlers, and links, sources or form targets whose scheme (as the browser parsed
# it) is javascript:, data: or vbscript:.
_DOM_CHECK = """() => {
  const found = [];
  const forbidden = 'iframe, frame, object, embed, applet, base, meta[http-equiv]';
  for (const el of document.querySelectorAll(forbidden)) found.push(el.outerHTML.slice(0, 120));
  for (const el of document.querySelectorAll('script')) {
    if (el.type !== 'application/ld+json') found.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const handler = attr.name.startsWith('on') || attr.name === 'srcdoc';
      if (handler) found.push(el.outerHTML.slice(0, 120));
    }
    for (const name of ['href', 'src', 'action', 'formAction', 'data']) {
      const value = el[name];
      const text = typeof value === 'string' ? value : (value && value.baseVal) || '';
      if (/^(javascript|data|vbscript):/i.test(text)) found.push(el.outerHTML.slice(0, 120));
    }
  }
  return found.concat(window.__xss || []);
}"""


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_in_chromium_no_payload_runs_on_any_public_page(browser, live_server, tmp_path):
    article = world()
    load_corpus(tmp_path)
    article.refresh_from_db()
    context = browser.new_context(base_url=live_server.url)
    # A payload that ran calls alert(); count the calls even where a dialog would not show.
    context.add_init_script(
        "window.__xss = []; for (const f of ['alert', 'confirm', 'prompt', 'print'])"
        " { window[f] = (m) => { window.__xss.push(`${f}(${m})`); }; }"
    )
    tab = context.new_page()
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = {}
    pages = public_pages(article)[:12]
    try:
        # The check itself sees a payload that runs (so an empty result means something).
        tab.set_content("<img src=x onerror=alert('probe')><b>x</b>")
        tab.wait_for_function("window.__xss.length > 0")
        assert tab.evaluate(_DOM_CHECK)
        for url in pages:
            response = tab.goto(url, wait_until="load")
            assert response.status == 200, url
            if problems := tab.evaluate(_DOM_CHECK):
                found[url] = problems
    finally:
        context.close()
    assert len(pages) == 12
    assert dialogs == []
    assert found == {}
