"""The desk's tagging and slug journeys in a real Chromium (static/articles/admin/*.js)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Person, Tag
from articles.text import slugify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_SLUG_START = "मूल्य-हार-रहे"


@pytest.fixture
def desk(page):
    """The seed loaded and an editor logged in to the admin (in English)."""
    call_command("loaddata", "seed", verbosity=0)
    User.objects.create_superuser("editor", "editor@example.com", "a-long-pass-phrase")
    page.context.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-pass-phrase")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def seed_article():
    return Article.objects.get(slug__startswith=SEED_SLUG_START)


def test_add_an_existing_tag_to_the_seed_article_through_the_autocomplete(desk, screenshot):
    page = desk
    existing = Tag.objects.create(name="एआई सुरक्षा नीति")
    article = seed_article()
    before = sorted(article.tags.names())
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    field = page.locator("#id_tags")
    field.click()
    field.press("End")
    field.press_sequentially(", सुरक्षा")
    option = page.locator(".tag-suggestions [role=option]", has_text="एआई सुरक्षा नीति")
    expect(option).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    screenshot("admin-tag-autocomplete")
    option.click()
    expect(page.locator("#id_tags_suggestions")).to_be_hidden()
    value = field.input_value()
    assert value.rstrip(", ").endswith("एआई सुरक्षा नीति")
    assert "सुरक्षा," not in value.replace("एआई सुरक्षा नीति", "")  # the fragment was replaced
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    screenshot("admin-article-change")
    assert sorted(article.tags.names()) == sorted([*before, existing.name])
    assert Tag.objects.filter(name__contains="सुरक्षा").count() == 1

    # The history shows the tag change: the loaded tags, then with the new one, by whom.
    page.goto(reverse("admin:articles_article_history", args=[article.pk]))
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("editor")
    expect(latest).to_contain_text(existing.name)
    screenshot("admin-article-history-tags")


def test_keyboard_choice_and_near_duplicate_offers_the_existing_tag(desk):
    page = desk
    Tag.objects.create(name="AI सेफ्टी नीति")
    person = Person.objects.get(slug="मृणांक-शर्मा")
    page.goto(reverse("admin:articles_person_change", args=[person.pk]))
    field = page.locator("#id_tags")
    field.fill("")
    # Lower case and an NBSP: the widget still offers the tag as it is spelt.
    field.press_sequentially("ai\u00a0सेफ्टी न")
    option = page.locator(".tag-suggestions [role=option]").first
    expect(option).to_have_text("AI सेफ्टी नीति")
    field.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    field.press("Enter")  # picks the suggestion; does not submit the form
    expect(field).to_have_value("AI सेफ्टी नीति, ")
    assert page.url.endswith(reverse("admin:articles_person_change", args=[person.pk]))
    field.press("Escape")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert "AI सेफ्टी नीति" in person.tags.names()


def test_slug_prefill_keeps_devanagari(desk, screenshot):
    page = desk
    page.goto(reverse("admin:articles_person_add"))
    # Playwright types Devanagari as text input (no key events), so leave the field the
    # way an editor does: prepopulate.js updates on keyup, change and focus.
    page.locator("#id_name").press_sequentially("मृणांक शर्मा")
    page.locator("#id_name").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("मृणांक-शर्मा")
    screenshot("admin-person-add-slug")
    page.goto(reverse("admin:articles_article_add"))
    page.locator("#id_headline").press_sequentially("इस्तीफ़ा: AI सेफ्टी हेड ने कहा — “दुनिया ख़तरे में”")
    page.locator("#id_headline").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("इस्तीफ़ा-ai-सेफ्टी-हेड-ने-कहा-दुनिया-ख़तरे-में")


SAMPLES = [
    "मृणांक शर्मा",
    "Mrinank Sharma",
    "इस्तीफ़ा",
    "इस्तीफा",
    "क़ादिर",
    "AI सेफ्टी",
    "AI\u00a0सेफ्टी",
    "बार‑बार",
    "दुनिया ख़तरे में है।",
    "पहला॥दूसरा",
    "Women's rights — O'Brien",
    "José Ñandú Ærø",
    "ｆｕｌｌ width ﬁsh",
    "क्\u200dष",
    "  --- किनारे ---  ",
    "२०२६ में 2026",
    "ंशुरुआत में मात्रा",
    "Привет मित्र",
    "!!!",
    "",
    "शब्द " * 80,
]


def test_admin_urlify_matches_the_server_slugify(desk):
    page = desk
    page.goto(reverse("admin:articles_person_add"))
    for sample in SAMPLES:
        for max_length in (255, 12):
            in_browser = page.evaluate("([s, n]) => URLify(s, n, true)", [sample, max_length])
            assert in_browser == slugify(sample, max_length=max_length), (sample, max_length)


def test_key_admin_pages(desk, screenshot):
    page = desk
    article = seed_article()
    person = Person.objects.get(slug="मृणांक-शर्मा")
    page.goto(reverse("admin:articles_article_changelist"))
    expect(page.locator("#changelist-filter")).to_contain_text("By tag")
    screenshot("admin-article-list")
    page.goto(reverse("admin:articles_quote_changelist"))
    screenshot("admin-quote-list")
    page.goto(reverse("admin:articles_person_change", args=[person.pk]))
    expect(page.locator(".field-quote_links a").first).to_be_visible()
    expect(page.locator(".field-article_links")).to_contain_text(article.headline)
    screenshot("admin-person-change")
    page.goto(reverse("admin:articles_tag_changelist"))
    screenshot("admin-tag-list")
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", "merge_tags")
    page.click("button[name=index]")
    expect(page.locator("#id_target")).to_be_visible()
    screenshot("admin-tag-merge")
    page.goto(reverse("admin:index"))
    page.context.set_extra_http_headers({"Accept-Language": "hi"})
    page.goto(reverse("admin:index"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("#content")).to_contain_text("टैग")
    screenshot("admin-index-hindi")


def test_autocomplete_on_a_quote_added_inline(desk):
    page = desk
    page.goto(reverse("admin:articles_article_change", args=[seed_article().pk]))
    page.get_by_role("button", name="Add another Quote").click()
    field = page.locator("input[name$='-tags']:visible").last
    field.press_sequentially("कवि")
    expect(page.locator(".tag-suggestions:visible [role=option]")).to_have_text(["कविता"])
