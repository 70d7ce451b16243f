"""Junk input everywhere a stranger or a tired editor can type (issue 13): NUL bytes (which
PostgreSQL refuses in text), invalid UTF-8 sent raw, 1 MB strings, right-to-left overrides,
zero-width characters, byte-order marks and NFD look-alikes of existing names. Never a 5xx;
NUL in any form field is a form error on both databases; the body sanitiser is idempotent;
the NFC and NFD spellings of one name are one name.

Hypothesis runs derandomized with a fixed, small number of examples per test, so CI sees the
same inputs every run. The 1 MB strings are a fixed few, not generated.
"""

import unicodedata

import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import tags
from articles.markup import sanitize_html
from articles.models import Article, Organisation, Person, Section, Tag
from articles.tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Names whose NFC and NFD spellings differ: ऩ (U+0929) is न + ़ once decomposed, é is e + ́.
# (क़, U+0958, is no test: NFC itself decomposes it, a composition exclusion.)
NUKTA_NAME = "\u0929गर निगम Caf\u00e9"
NFD_NUKTA_NAME = unicodedata.normalize("NFD", NUKTA_NAME)
assert NFD_NUKTA_NAME != NUKTA_NAME


SPECIALS = [
    "\x00",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
    "\ufffc",  # the figure-slot mark (articles.markup)
    "\u0958",
    "\u0915\u093c",
    "\u093c",  # a nukta with nothing to sit on
    "\r\n",
    "<script>alert(1)</script>",
    "&amp;",
    "[[चित्र:x]]",
    ",",
    "'",
    '"',
    "%",
]

#: Short junk: runs of the specials above and arbitrary text (no lone surrogates: a str
#: cannot be sent with them; raw bad bytes are sent by the tests that need them).
junk = st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(max_size=6)), max_size=6).map("".join)

#: Raw query-string or body bytes, percent-encoded: invalid UTF-8, a UTF-16 surrogate
#: encoded as UTF-8 (CESU), overlong forms, NUL.
BAD_BYTES = ["%FF", "%C0%AF", "%ED%A0%80", "%E0%A4", "%00", "%F4%90%80%80", "%EF%BB%BF"]
raw_junk = st.lists(
    st.one_of(st.sampled_from(BAD_BYTES), st.sampled_from(["a", "%E0%A4%95", "%20", "+"])),
    min_size=1,
    max_size=6,
).map("".join)

MEGABYTE = [
    "क" * 350_000,  # about 1 MB in UTF-8
    "a" * 1_000_000,
    ("\u200b" + "ख़") * 200_000,
]

FUZZ = hypothesis_settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def boss(db):
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="boss-password-1"))
    return client


def assert_no_server_error(response):
    # The test client re-raises a view's exception, so reaching here means no crash; a
    # 5xx that a view returned by itself is still one.
    assert response.status_code < 500, response.status_code


# The admin forms ------------------------------------------------------------------------

MODELS = ["article", "person", "organisation", "source", "quote", "tag", "section"]


def filled_in(model):
    """Valid values for the add form of ``model`` (the records it points at made here)."""
    if model == "article":
        return {"headline": "नई ख़बर", "body": "पहला अनुच्छेद।", "status": "draft"}
    if model == "person":
        return {"name": "नया व्यक्ति"}
    if model == "organisation":
        return {"name": "नई संस्था", "kind": "company"}
    if model == "source":
        return {"title": "नया स्रोत", "kind": "press_report"}
    if model == "quote":
        article = ArticleFactory(draft=True, body="उन्होंने कहा कि सच कठिन है।")
        return {
            "article": str(article.pk),
            "speaker": str(PersonFactory().pk),
            "source": str(SourceFactory().pk),
            "kind": "direct",
            "text": "सच कठिन है",
            "position": "1",
        }
    if model == "tag":
        return {"name": "नया टैग"}
    return {"name": "नया विभाग", "name_en": "New section"}


def add_page(boss, model):
    """The add page's URL, its form's data as a browser sends it (filled in), and the
    names the form's fields are posted under (a split date/time field is two)."""
    from articles.tests.adminform import form_data

    page = reverse(f"admin:articles_{model}_add")
    response = boss.get(page)
    assert response.status_code == 200
    data = form_data(response.text, f"{model}_form")
    data.update(filled_in(model))
    form = response.context["adminform"].form
    names = {}
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput) or field.disabled:
            continue  # a checkbox reads any value as "on": there is no text to refuse
        if isinstance(widget, forms.MultiWidget):
            for suffix in widget.widgets_names:
                names[f"{name}{suffix}"] = name
        else:
            names[name] = name
    return page, data, names


def errors_of(response):
    adminform = response.context["adminform"]
    return adminform.form.errors


@pytest.mark.parametrize("model", MODELS)
def test_nul_in_any_field_of_an_admin_form_is_a_form_error(boss, model):
    """Every field type: text, slug, tag list, choice, autocomplete, date and time."""
    page, data, names = add_page(boss, model)
    for posted, field in names.items():
        response = boss.post(page, {**data, posted: f"क\x00{data.get(posted) or 'ख'}"})
        assert response.status_code == 200, (posted, response.status_code)
        assert field in errors_of(response), (posted, errors_of(response))
    # The filled-in form itself saves: the refusals were the NUL's.
    assert boss.post(page, data).status_code == 302


def test_a_crafted_choice_is_a_form_error_not_a_crash(boss):
    """Autocompletes draw a refused form by reading the chosen objects again: a value no
    key can hold (text, a number beyond 64 bits) is dropped there, not queried."""
    page, data, _names = add_page(boss, "quote")
    for value in ["abc", "9" * 30, "-1", "1.5", "1e3"]:
        response = boss.post(page, {**data, "article": value, "speaker": value})
        assert response.status_code == 200, value
        assert {"article", "speaker"} <= errors_of(response).keys(), value


@pytest.mark.parametrize("model", MODELS)
def test_admin_add_forms_take_any_junk_without_a_crash(boss, model):
    page, data, names = add_page(boss, model)
    fields = sorted(names)

    @FUZZ
    @given(field=st.sampled_from(fields), value=junk)
    def post(field, value):
        response = boss.post(page, {**data, field: value})
        assert_no_server_error(response)
        if "\x00" in value:
            assert response.status_code == 200

    post()


@pytest.mark.parametrize("value", MEGABYTE, ids=["devanagari", "ascii", "zero-width"])
def test_a_megabyte_in_a_name_or_a_body_is_refused_or_saved_never_a_crash(boss, value):
    page, data, _names = add_page(boss, "article")
    response = boss.post(page, {**data, "headline": value})
    assert response.status_code == 200 and "headline" in errors_of(response)
    page, data, _names = add_page(boss, "person")
    response = boss.post(page, {**data, "name": value})
    assert response.status_code == 200 and "name" in errors_of(response)
    page, data, _names = add_page(boss, "tag")
    response = boss.post(page, {**data, "name": value})
    assert response.status_code == 200 and "name" in errors_of(response)


def test_a_change_form_takes_junk_in_every_field(boss):
    article = ArticleFactory(draft=True, body="पहला अनुच्छेद।")
    from articles.tests.adminform import admin_form

    page = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form(boss, page, "article_form")

    # The story's page is the desk's heaviest to draw: fewer examples.
    @hypothesis_settings(FUZZ, max_examples=10)
    @given(field=st.sampled_from(["headline", "slug", "summary", "body", "tags"]), value=junk)
    def post(field, value):
        response = boss.post(page, {**data, field: value})
        assert_no_server_error(response)

    post()
    article.refresh_from_db()
    assert "\x00" not in article.body + article.headline + article.summary


def test_invalid_utf8_in_a_posted_form_is_no_crash(boss):
    page, _data, _names = add_page(boss, "person")

    @FUZZ
    @given(value=raw_junk)
    def post(value):
        body = f"name={value}&slug={value}&kind=&description={value}"
        response = boss.post(page, body, content_type="application/x-www-form-urlencoded")
        assert_no_server_error(response)

    post()


# The import page ---------------------------------------------------------------------------


def test_the_import_page_takes_junk(boss):
    page = reverse("admin:articles_article_import")

    @FUZZ
    @given(text=junk, step=st.sampled_from(["preview", "confirm"]))
    def post(text, step):
        data = {"text": f"{text}\n\nसारांश।\n\n{text}", step: "1"}
        if step == "confirm":
            data["seen"] = ""
        response = boss.post(page, data)
        assert_no_server_error(response)
        if "\x00" in text:
            assert not Article.objects.filter(headline__contains="\ufffd").exists()

    post()
    # Nothing with a NUL got in.
    for article in Article.objects.all():
        assert "\x00" not in article.headline + article.body


def test_an_uploaded_import_file_of_bad_bytes_is_a_form_error(boss):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = reverse("admin:articles_article_import")
    for content in [b"\xffstory", b"\x00\x00\x00", b"\xed\xa0\x80story\n\nx", b"a\x00b\n\nc"]:
        upload = SimpleUploadedFile("story.txt", content, "text/plain")
        response = boss.post(page, {"upload": upload, "preview": "1"})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Article.objects.exists()


def test_nul_in_the_import_text_is_a_form_error(boss):
    page = reverse("admin:articles_article_import")
    response = boss.post(page, {"text": "शीर्षक\x00\n\nसार।\n\nपाठ।", "preview": "1"})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors


# The public pages and the API --------------------------------------------------------------


@pytest.fixture
def seed(db):
    """A published story with a person, an organisation, a tag and a section to address."""
    cache.clear()
    tag = Tag.objects.create(name=NUKTA_NAME)
    return ArticleFactory(
        people=[PersonFactory(name=NUKTA_NAME, name_latin="")],
        organisations=[OrganisationFactory()],
        tags=[tag],
        section=SectionFactory(),
    )


def public_paths(story):
    person = story.people.first()
    return [
        reverse("articles:article-list"),
        reverse("articles:search"),
        reverse("articles:person-list"),
        reverse("articles:person-detail", kwargs={"slug": person.slug}),
        reverse("articles:organisation-list"),
        reverse("articles:correction-list"),
        reverse("articles:article-detail", kwargs={"slug": story.slug}),
    ]


def test_public_query_parameters_take_junk(client, seed):
    paths = public_paths(seed)

    @FUZZ
    @given(
        path=st.sampled_from(paths),
        name=st.sampled_from(["q", "page", "written", "lang", "language", "ünknown", "q\x00"]),
        value=junk,
    )
    def get(path, name, value):
        assert_no_server_error(client.get(path, {name: value}))

    get()


def test_public_query_strings_of_invalid_utf8_are_no_crash(client, seed):
    paths = public_paths(seed)

    @FUZZ
    @given(path=st.sampled_from(paths), name=st.sampled_from(["q", "page", "x"]), value=raw_junk)
    def get(path, name, value):
        assert_no_server_error(client.get(path, QUERY_STRING=f"{name}={value}&{value}={value}"))

    get()


def test_search_with_nul_answers(client, seed):
    for q in ["\x00", "मंत्री\x00", "%00"]:
        response = client.get(reverse("articles:search"), {"q": q})
        assert response.status_code == 200
    response = client.get(reverse("articles:search"), QUERY_STRING="q=%00%FF")
    assert response.status_code == 200


def test_junk_path_slugs_are_not_found_never_a_crash(client, seed):
    prefixes = ["/articles/", "/people/", "/organisations/", "/tags/", "/sections/"]

    @FUZZ
    @given(prefix=st.sampled_from(prefixes), slug=junk.filter(bool))
    def get(prefix, slug):
        from urllib.parse import quote

        response = client.get(prefix + quote(slug, safe="") + "/")
        assert_no_server_error(response)

    get()


def test_nfd_forms_of_existing_slugs_reach_the_page(client, seed):
    """An address typed (or linked) in NFD reaches the NFC page, or redirects to it."""
    from urllib.parse import quote, unquote

    person, tag = seed.people.get(), seed.tags.get()
    assert unicodedata.normalize("NFD", person.slug) != person.slug
    for page in [seed, person, tag, seed.section]:
        path = unquote(page.get_absolute_url())
        nfd = unicodedata.normalize("NFD", path)
        assert client.get(quote(path)).status_code == 200, path
        response = client.get(quote(nfd), follow=True)
        assert response.status_code == 200, (nfd, response.status_code)


API_FILTERS = {
    "/api/v1/stories/": ["person", "author", "organisation", "tag", "section", "language"],
    "/api/v1/quotes/": ["speaker", "organisation", "source", "story", "kind"],
    "/api/v1/people/": ["q"],
    "/api/v1/organisations/": ["q", "kind"],
    "/api/v1/stories/?x": ["published_since", "published_before", "page", "page_size"],
}


@pytest.fixture
def no_rate_limit(settings):
    settings.API_ANON_RATE = "1000000/min"
    cache.clear()


def test_api_filters_with_nul_are_refused_never_a_crash(client, seed, no_rate_limit):
    """schemathesis (test_api_schema.py) sends what the schema allows and some it does not,
    but never a NUL or bytes that are not UTF-8: those are here."""
    for path, names in API_FILTERS.items():
        path = path.split("?")[0]
        for name in names:
            response = client.get(path, {name: "क\x00ख"})
            assert response.status_code == 400, (path, name, response.status_code)
            response = client.get(path, QUERY_STRING=f"{name}=%FF%00%ED%A0%80")
            assert response.status_code == 400, (path, name, response.status_code)


def test_api_filters_take_raw_junk(client, seed, no_rate_limit):
    cells = [(path.split("?")[0], name) for path, names in API_FILTERS.items() for name in names]

    @FUZZ
    @given(cell=st.sampled_from(cells), value=raw_junk)
    def get(cell, value):
        path, name = cell
        response = client.get(path, QUERY_STRING=f"{name}={value}")
        assert_no_server_error(response)
        assert response["Content-Type"].startswith("application/json")

    get()


# The body sanitiser -----------------------------------------------------------------------

html_junk = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<a href='https://x.in/'>",
                "<a href='javascript:alert(1)'>",
                "</a>",
                "<script>",
                "</script>",
                "<b>",
                "<table><tr><td>",
                "<!--",
                "-->",
                "<img src=x onerror=alert(1)>",
                "<blockquote>",
                "&lt;",
                "&amp;",
                "<",
                ">",
                "<ul><li>",
                "<svg><style>",
                "<math>",
                "<h1>",
                "<br/>",
                "<noscript>",
                "<template>",
            ]
        ),
        junk,
    ),
    max_size=12,
).map("".join)


@hypothesis_settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(fragment=html_junk)
@example(fragment="<a href='https://x.in/'>x</a>")
@example(fragment="<table><tr><td><p>x")
def test_the_sanitiser_is_idempotent(fragment):
    """nh3's pass (articles.markup.sanitize_html) over its own output changes nothing: what
    was cleaned once is clean."""
    once = sanitize_html(fragment)
    assert sanitize_html(once) == once


# Look-alikes: the NFC and NFD spellings of one name ---------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "make"),
    [
        ("person", "name", lambda: PersonFactory(name=NUKTA_NAME, name_latin="")),
        ("organisation", "name", lambda: OrganisationFactory(name=NUKTA_NAME, name_latin="")),
        ("tag", "name", lambda: Tag.objects.create(name=NUKTA_NAME)),
        ("section", "name", lambda: SectionFactory(name=NUKTA_NAME)),
    ],
)
def test_an_nfd_twin_of_an_existing_name_is_refused_with_a_form_error(boss, model, field, make):
    existing = make()
    page, data, _names = add_page(boss, model)
    slug = unicodedata.normalize("NFD", existing.slug)
    for posted in [{field: NFD_NUKTA_NAME, "slug": slug}, {field: "अलग नाम", "slug": slug}]:
        response = boss.post(page, {**data, **posted})
        assert response.status_code == 200, (posted, response.status_code)
        assert errors_of(response), posted
    assert type(existing).objects.count() == 1


def test_people_may_share_a_name_but_not_a_slug(boss):
    """Two people may have one name (the slug tells them apart), so the person's name is
    not unique: an NFD twin of the name alone gets a slug of its own, in NFC."""
    existing = PersonFactory(name=NUKTA_NAME, name_latin="")
    page, data, _names = add_page(boss, "person")
    response = boss.post(page, {**data, "name": NFD_NUKTA_NAME, "slug": ""})
    assert response.status_code == 302
    twin = Person.objects.exclude(pk=existing.pk).get()
    assert twin.name == unicodedata.normalize("NFC", NFD_NUKTA_NAME)
    assert twin.slug != existing.slug and unicodedata.is_normalized("NFC", twin.slug)


def test_an_nfd_tag_in_the_tag_field_is_the_existing_tag(boss):
    existing = Tag.objects.create(name=NUKTA_NAME)
    assert tags.find_tag(NFD_NUKTA_NAME) == existing
    assert tags.canonical_names([NFD_NUKTA_NAME]) == [existing.name]
    article = ArticleFactory(draft=True, body="पहला अनुच्छेद।")
    from articles.tests.adminform import admin_form

    page = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form(boss, page, "article_form")
    data["tags"] = f"{NFD_NUKTA_NAME}, {NUKTA_NAME}"
    assert boss.post(page, data).status_code == 302
    assert list(article.tags.all()) == [existing]
    assert Tag.objects.count() == 1


def test_nfd_names_are_stored_nfc(db):
    for obj in [
        Organisation.objects.create(name=NFD_NUKTA_NAME, kind="company"),
        Section.objects.create(name=NFD_NUKTA_NAME, name_en="Law"),
    ]:
        obj.refresh_from_db()
        assert unicodedata.is_normalized("NFC", obj.name)
        assert unicodedata.is_normalized("NFC", obj.slug)
