"""The reader's first journey in a real Chromium: home, article, a person's profile."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_to_article_to_person(page, screenshot):
    call_command("loaddata", "seed", verbosity=0)
    page.goto("/")
    screenshot("home")
    page.locator("article.card h2 a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator(".people-list")).to_contain_text("मृणांक शर्मा")
    screenshot("article")
    page.locator(".people-list a", has_text="मृणांक शर्मा").click()
    expect(page.locator("h1")).to_have_text("मृणांक शर्मा")
    expect(page.locator(".quote").first).to_be_visible()
    screenshot("person")
