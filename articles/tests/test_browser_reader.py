"""A reader's journey through the seed story in a real Chromium.

Home, the article, a person linked inside the body, their profile, one of their quotes,
the quote's source, then a Hindi search. Screenshots go to artifacts/screenshots/.
"""

import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Person
from articles.tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    """A tab of a Hindi-speaking reader: the browser asks for hi-IN first."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="hi-IN"
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshot(page):
    def save(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save


def test_reader_journey_from_home_to_a_quotes_source_and_a_hindi_search(page, screenshot):
    call_command("loaddata", "seed", verbosity=0)
    sharma = Person.objects.get(slug="मृणांक-शर्मा")
    quote = sharma.quotes.order_by("position").first()

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator('link[rel="alternate"][type="application/rss+xml"]')).to_have_count(1)
    screenshot("reader-1-home")

    page.locator("article.card h2 a").first.click()
    expect(page.locator("h1")).to_contain_text("मूल्य हार रहे")
    # The structured data a search engine reads is really in the page, and parses.
    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    types = [json.loads(block)["@type"] for block in blocks]
    assert types == ["NewsArticle", "BreadcrumbList"]
    screenshot("reader-2-article")

    # The person as the body mentions them: the link the linker put into the story text.
    in_body = page.locator('.body a[href^="/people/"]', has_text="मृणांक शर्मा").first
    expect(in_body).to_be_visible()
    in_body.click()
    expect(page).to_have_url(re.compile(re.escape(sharma.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text("मृणांक शर्मा")
    expect(page.locator(".name-latin")).to_have_text("Mrinank Sharma")
    screenshot("reader-3-profile")

    page.locator(f'a[href="/quotes/{quote.pk}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/quotes/{quote.pk}/$"))
    expect(page.locator(".quote-page figure")).to_contain_text(quote.text[:30])
    # Its source: kind, title and author as the desk recorded them (the seed has no URL).
    source = page.locator(".facts dd").filter(has_text=quote.source.title)
    expect(source).to_be_visible()
    expect(source.locator(".source-kind")).to_have_text(quote.source.get_kind_display())
    expect(source).to_contain_text("मृणांक शर्मा")
    screenshot("reader-4-quote-and-source")

    page.get_by_role("searchbox").first.fill("इस्तीफा")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    results = page.locator("ol.results")
    expect(results.first).to_contain_text("मूल्य हार रहे")
    expect(page.locator("mark").first).to_have_text(re.compile("इस्तीफ"))
    screenshot("reader-5-search")
