"""Language and design of the readers' site: Hindi by default, English on request, lang
attributes on mixed-script text, self-hosted Devanagari font, no inline script or style."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, ArticleAuthor, Person, Quote, Section, Tag
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    PersonFactory,
    QuoteFactory,
)

LOCALE = Path(settings.BASE_DIR) / "locale"


# Catalogues ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["hi", "en"])
def test_catalogue_is_committed_and_compiles(language, tmp_path):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert catalogue.metadata["Language"] == language
    assert not catalogue.metadata_is_fuzzy
    assert (po_path.with_suffix(".mo")).exists()  # compiled by the test set-up


def test_every_interface_string_has_a_hindi_translation():
    catalogue = polib.pofile(str(LOCALE / "hi" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert untranslated == []
    assert catalogue.fuzzy_entries() == []


def test_catalogue_covers_every_template_string(tmp_path):
    """makemessages over the templates finds nothing the committed catalogue lacks."""
    committed = {e.msgid for e in polib.pofile(str(LOCALE / "hi" / "LC_MESSAGES" / "django.po"))}
    used = set()
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        if "admin" in template.parts:
            continue
        text = template.read_text()
        used |= set(re.findall(r'{% translate "([^"]+)"', text))
        used |= set(re.findall(r"{% translate '([^']+)'", text))
    assert used - committed == set()


# Hindi by default, English on request -----------------------------------------------------


@pytest.mark.django_db
def test_interface_is_hindi_by_default_with_hindi_dates(client):
    ArticleFactory(published_at=datetime.datetime(2026, 2, 10, 12, tzinfo=datetime.UTC))
    html = client.get(reverse("articles:article-list")).content.decode()
    assert '<html lang="hi" dir="ltr">' in html
    assert "ताज़ा ख़बरें" in html and "खोजें" in html
    assert "10 फ़रवरी 2026" in html


@pytest.mark.django_db
def test_reader_can_switch_to_english_and_back_without_javascript(client):
    article = ArticleFactory(headline="हिन्दी शीर्षक")
    hindi = article.get_absolute_url()
    with translation.override("en"):
        english = article.get_absolute_url()
    assert english == "/en" + hindi
    html = client.get(hindi).content.decode()
    assert f'<a href="{english}" lang="en" hreflang="en">English</a>' in html
    html = client.get(english).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "People" in html or "Latest news" in html
    # The story stays marked as Hindi inside the English page.
    assert '<h1 lang="hi">हिन्दी शीर्षक</h1>' in html
    assert f'<a href="{hindi}" lang="hi" hreflang="hi">हिन्दी</a>' in html
    assert '<html lang="hi"' in client.get(hindi).content.decode()


@pytest.mark.django_db
def test_the_url_alone_decides_the_readers_language(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    response = client.get("/", **english_browser)
    assert '<html lang="hi"' in response.content.decode()
    assert response["Content-Language"] == "hi"
    # Nothing to vary on: caches may hold one answer per URL.
    assert "Vary" not in response
    response = client.get("/en/", HTTP_ACCEPT_LANGUAGE="hi")
    assert '<html lang="en"' in response.content.decode() and "Vary" not in response
    for forged in ["fr", "xx", "hi", "../../etc"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = forged
        assert '<html lang="hi"' in client.get("/").content.decode(), forged


@pytest.mark.django_db
def test_an_old_english_cookie_redirects_once_to_the_english_address(client):
    article = ArticleFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-GB"
    response = client.get(article.get_absolute_url() + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/en" + article.get_absolute_url() + "?page=2"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # The cookie is deleted: the URL remembers the choice from now on.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert '<html lang="hi"' in client.get(article.get_absolute_url()).content.decode()
    # A path with no English version (the API) is not redirected.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("api:story-list")).status_code == 200


@pytest.mark.django_db
def test_the_old_switcher_form_redirects_to_the_page_in_that_language(client):
    article = ArticleFactory()
    url = reverse("set_language")
    response = client.post(url, {"language": "en", "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == "/en" + article.get_absolute_url()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url, {"language": "hi", "next": "/en/people/"})
    assert response["Location"] == reverse("articles:person-list") == "/people/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    # Not to another site; GET changes nothing.
    assert client.post(url, {"language": "en", "next": "https://evil.example/"})["Location"] == (
        "/en/"
    )
    assert client.get(url, {"next": "/people/"})["Location"] == "/people/"
    # The admin still follows the cookie, so for the admin it is set.
    response = client.post(url, {"language": "en", "next": reverse("admin:index")})
    assert response["Location"] == reverse("admin:index")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.django_db
def test_admin_keeps_following_the_browser_language(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en"' in response.content.decode()
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="hi")
    assert '<html lang="hi"' in response.content.decode()


@pytest.mark.django_db
def test_language_switcher_is_a_pair_of_links_and_pages_name_their_alternates(client):
    html = client.get(reverse("articles:search") + "?q=x").content.decode()
    switcher = html[html.index('<nav class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert "<form" not in switcher and "<select" not in switcher
    assert '<a href="/search/?q=x" lang="hi" hreflang="hi" aria-current="page">हिन्दी</a>' in (
        switcher
    )
    assert '<a href="/en/search/?q=x" lang="en" hreflang="en">English</a>' in switcher
    html = client.get("/en/people/").content.decode()
    assert '<link rel="alternate" hreflang="hi" href="http://testserver/people/">' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/people/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/people/">' in html


# lang on fragments in another script -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("मृणांक शर्मा", "hi"),
        ("Mrinank Sharma", "en"),
        ("AI सेफ्टी रिसर्चर", "hi"),
        ("Anthropic का AI", "en"),
        ("123 !", ""),
        ("", ""),
    ],
)
def test_script_lang_filter(text, lang):
    rendered = Template("{% load reader %}{{ text|script_lang }}").render(Context({"text": text}))
    assert rendered == lang


def render_in_lang(value, language, within=None):
    source = "{% load reader %}{% in_lang value" + (" within" if within else "") + " %}"
    with translation.override(language):
        return Template(source).render(Context({"value": value, "within": within}))


def test_latin_text_in_a_hindi_page_is_marked_english_and_vice_versa():
    assert render_in_lang("Mrinank Sharma", "hi") == '<span lang="en">Mrinank Sharma</span>'
    assert render_in_lang("मृणांक", "hi") == "मृणांक"
    assert render_in_lang("मृणांक", "en") == '<span lang="hi">मृणांक</span>'
    assert render_in_lang("Sharma", "hi", within="en-IN") == "Sharma"
    assert render_in_lang("<b>x</b>", "hi") == '<span lang="en">&lt;b&gt;x&lt;/b&gt;</span>'


@pytest.mark.django_db
def test_english_names_in_hindi_pages_carry_lang_en(client):
    person = PersonFactory(name="Behnam Neyshabur", name_latin="", description="AI researcher")
    ArticleFactory(people=[person])
    html = client.get("/").content.decode()
    assert '<span lang="en">Behnam Neyshabur</span>' in html
    html = client.get(person.get_absolute_url()).content.decode()
    assert '<h1><span lang="en">Behnam Neyshabur</span></h1>' in html


# Design: fonts, print, no inline script or style ---------------------------------------------


@pytest.mark.django_db
def test_devanagari_font_is_self_hosted_with_its_licence(client):
    # One set of @font-face rules, beside the fonts, linked before the site's own CSS.
    html = client.get("/").content.decode()
    assert html.index("fonts/noto-sans-devanagari.") < html.index("css/site.")
    fonts = Path(finders.find("fonts/noto-sans-devanagari.css")).read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", fonts)
    assert len(faces) == 4
    for face in faces:
        assert 'font-family: "Noto Sans Devanagari"' in face
        (url,) = re.findall(r'url\("([^"/]+)"\)', face)
        assert finders.find(f"fonts/{url}"), url
    css = Path(finders.find("css/site.css")).read_text()
    assert not re.search(r"@font-face\s*{", css)
    assert finders.find("fonts/OFL.txt")
    assert "SIL Open Font License" in Path(finders.find("fonts/OFL.txt")).read_text()
    stack = re.search(r"font-family: ([^;]+);", css.split(":root")[1]).group(1)
    assert stack.startswith('"Noto Sans Devanagari"')


def test_stylesheet_never_spaces_letters_and_has_print_rules():
    css = re.sub(r"/\*.*?\*/", "", Path(finders.find("css/site.css")).read_text(), flags=re.S)
    assert set(re.findall(r"letter-spacing:\s*([^;]+);", css)) <= {"normal"}
    assert "@media print" in css
    line_height = float(re.search(r"line-height: ([\d.]+);", css.split(":root")[1]).group(1))
    assert line_height >= 1.6


class InlineCodeFinder(HTMLParser):
    """Every inline script, style element, style attribute and event handler in a page.

    A parser, not a regex: a headline that *mentions* style="…" is text, not an attribute.
    """

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        kind = dict(attrs).get("type", "")
        if tag == "script" and "src" not in names and kind != "application/ld+json":
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{name} handler on <{tag}>" for name in names if name.startswith("on")]

    handle_startendtag = handle_starttag


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_inline_code_finder_finds_what_it_must():
    html = (
        '<p style="x">a</p><script>1</script><style>p{}</style><a onclick="x">b</a>'
        '<script src="/s.js"></script><script type="application/ld+json">{}</script>'
        "<p>style=&quot;x&quot; &lt;script&gt;</p>"
    )
    assert inline_code(html) == [
        "style attribute on <p>",
        "inline <script []>",
        "<style> element",
        "onclick handler on <a>",
    ]


@pytest.fixture
def every_page(client):
    """The URL of every public page type, from the seed plus a generated corner case."""
    call_command("loaddata", "seed", verbosity=0)
    person = PersonFactory(name='<style>x</style> "style=" नाम', name_latin="onload=x")
    section = Section.objects.create(name='<style>x</style> "style=" खंड', name_en="onclick=x")
    photo = ImageFactory(alt_text='<script>x()</script> style="a"', caption="<style>p{}</style>")
    article = ArticleFactory(
        section=section,
        lead_image=photo,
        headline='<script>alert(1)</script> style="color:red"',
        body='<div style="x">मृणांक</div> <script>bad()</script>',
        people=[person],
        tags=["शैली"],
    )
    QuoteFactory(article=article, speaker=person, text='<b style="x">बयान</b>')
    ArticleAuthor.objects.create(article=article, person=person, position=1)
    CorrectionFactory(article=article, text="<style>p{}</style>")
    seed = Article.objects.get(slug__startswith="मूल्य")
    return [
        "/",
        "/?page=1",
        seed.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:person-list"),
        *(s.get_absolute_url() for s in Section.objects.all()),
        *(p.get_absolute_url() for p in Person.objects.published()),
        *(t.get_absolute_url() for t in Tag.objects.published()),
        *(q.get_absolute_url() for q in Quote.objects.published()),
        reverse("articles:correction-list"),
        reverse("articles:search") + "?q=मृणांक",
        reverse("articles:search") + "?q=style",
        reverse("articles:search") + "?q=!!!",
        "/does-not-exist/",
    ]


@pytest.mark.django_db
def test_no_inline_script_style_or_handler_on_any_page(client, every_page):
    for language in ["hi", "en"]:
        prefix = "" if language == "hi" else f"/{language}"
        for url in every_page:
            url = prefix + url
            response = client.get(url)
            assert response.status_code in {200, 404}, url
            html = response.content.decode()
            assert f'<html lang="{language}"' in html, url
            assert inline_code(html) == [], url


# A real browser ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_render_with_the_self_hosted_font_and_work_without_javascript(browser, live_server):
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृणांक")
    article = ArticleFactory(
        headline="सेफगार्ड हेड का इस्तीफा",
        body="मृणांक ने इस्तीफा दिया।",
        people=[person],
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    screenshots = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    # A phone-sized window with JavaScript off: everything must still work.
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())
        assert page.locator("h1").inner_text() == article.headline
        # The linked name in the body leads to the profile, without any script.
        page.locator(".body a.person-link").click()
        page.wait_for_url(f"**{person.get_absolute_url()}")
        assert page.locator("h1").inner_text() == "मृणांक शर्मा"
        # Search and language switch are plain forms.
        page.fill("#site-search", "इस्तीफे")
        page.locator(".search-form button").click()
        page.wait_for_url("**/search/?q=*")
        assert page.locator("mark").first.inner_text() == "इस्तीफा"
        page.locator(".language-switcher a[lang=en]").click()
        page.wait_for_url("**/en/search/?q=*")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Search"
        page.screenshot(path=str(screenshots / "reader-search-mobile.png"), full_page=True)
    finally:
        context.close()

    # With scripts on (to ask the browser), the Devanagari face really is our web font.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())
        page.evaluate("document.fonts.ready.then(() => true)")
        loaded = page.evaluate(
            "Array.from(document.fonts).filter(f => f.status === 'loaded')"
            ".map(f => f.family.replaceAll('\"', ''))"
        )
        assert "Noto Sans Devanagari" in loaded
        family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert family.startswith('"Noto Sans Devanagari"')
        spacing = page.evaluate("getComputedStyle(document.querySelector('.body')).letterSpacing")
        assert spacing == "normal"
        page.screenshot(path=str(screenshots / "reader-article-font.png"), full_page=True)
    finally:
        context.close()
