"""The photograph journey in a real Chromium: upload in the admin's image library, make it
the seed story's lead image, and read it on the public page."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Image
from articles.tests.desk import EDITORS
from articles.tests.factories import jpeg_bytes
from articles.tests.test_browser_desk import log_in, make_user, save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def test_editor_uploads_a_photo_and_readers_see_it_as_the_lead_image(
    page, screenshot, seed, tmp_path
):
    """Upload in the image library, pick it as the seed story's lead image through the
    autocomplete, and read the story: the photograph, its caption and credit, served."""
    make_user("sampadak", EDITORS)
    log_in(page, "sampadak")
    photo = tmp_path / "sabha.jpg"
    photo.write_bytes(jpeg_bytes(2000, 1300))
    page.goto(reverse("admin:articles_image_add"))
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "सभा में मंच पर बोलते हुए एक शोधकर्ता")
    page.fill("#id_caption", "सैन फ़्रांसिस्को में एक सभा।")
    page.fill("#id_credit", "फ़ोटो: न्यूज़रूम")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    image = Image.objects.get()
    assert (image.width, image.height) == (2000, 1300)
    screenshot("desk-image-library")

    page.goto(reverse("admin:articles_article_change", args=[seed.pk]))
    # Django's autocomplete (select2): open it, search the library, pick the image.
    page.locator("#id_lead_image + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("सभा")
    page.locator(".select2-results__option", has_text=image.key).first.click()
    # A published story: the new photograph is a minor edit, said so explicitly.
    page.check("#id_minor_edit")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    seed.refresh_from_db()
    assert seed.lead_image == image

    page.goto(seed.get_absolute_url())
    lead = page.locator("article.story figure").first
    expect(lead).to_contain_text("सैन फ़्रांसिस्को में एक सभा।")
    expect(lead).to_contain_text("फ़ोटो: न्यूज़रूम")
    img = lead.locator("img")
    expect(img).to_have_attribute("alt", "सभा में मंच पर बोलते हुए एक शोधकर्ता")
    # The browser really loaded a rendition (not a broken image). The lead image is
    # eager, so it has loaded by the load event that goto waited for.
    expect(img).to_have_js_property("complete", True)
    assert img.evaluate("(img) => img.naturalWidth") > 0
    assert "/media/" in img.evaluate("(img) => img.currentSrc")
    screenshot("story-lead-image")
