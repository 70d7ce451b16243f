"""The editors' desk journeys in a real Chromium, on the seed: history, corrections, roles,
share links. Screenshots of the key admin pages go to artifacts/screenshots/."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Correction, Person, ShareLink
from articles.tests.desk import EDITORS, REPORTERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "desk-password-1"


@pytest.fixture
def seed():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get()


def make_user(username, group):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


def save(page):
    page.locator("input[name=_save]").click()


def test_editor_fixes_a_name_and_sees_it_in_history(page, screenshot, seed):
    make_user("sampadak", EDITORS)
    log_in(page, "sampadak")
    person = Person.objects.get(slug="dylan-scandinaro")
    page.goto(reverse("admin:articles_person_change", args=[person.pk]))
    old_name = page.input_value("#id_name")
    page.fill("#id_name", "डिलन स्कैंडिनारो")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    person.refresh_from_db()
    assert person.name == "डिलन स्कैंडिनारो"

    page.goto(reverse("admin:articles_person_history", args=[person.pk]))
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text("sampadak")
    # The "Changes" column: name, old → new (the seed's version is the baseline).
    diff = latest.locator("td").last
    expect(diff).to_contain_text(f"{old_name}")
    expect(diff).to_contain_text("→")
    expect(diff).to_contain_text("डिलन स्कैंडिनारो")
    screenshot("desk-person-history")


def test_editor_is_stopped_until_a_correction_note_then_readers_see_it(page, screenshot, seed):
    make_user("sampadak", EDITORS)
    log_in(page, "sampadak")
    page.goto(reverse("admin:articles_article_change", args=[seed.pk]))
    screenshot("desk-article-change")
    body = page.locator("#id_body")
    original = body.input_value()
    body.fill(original + "\n\nकंपनी ने इस्तीफे पर कोई टिप्पणी नहीं की है।")
    save(page)
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".errorlist").first).to_be_visible()
    screenshot("desk-correction-required")
    seed.refresh_from_db()
    assert seed.body == original

    page.select_option("#id_correction_kind", "update")
    page.fill("#id_correction_text", "कंपनी की प्रतिक्रिया न मिलने की जानकारी जोड़ी गई।")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Correction.objects.get(article=seed).kind == "update"

    page.goto(seed.get_absolute_url())
    expect(page.locator("body")).to_contain_text("कंपनी की प्रतिक्रिया न मिलने की जानकारी जोड़ी गई।")
    expect(page.locator("body")).to_contain_text("कंपनी ने इस्तीफे पर कोई टिप्पणी नहीं की है।")
    screenshot("desk-correction-public")


def test_reporter_is_refused_publishing(page, screenshot, seed):
    make_user("samvaddata", REPORTERS)
    draft = Article.objects.create(headline="रिपोर्टर का मसौदा", body="पहला अनुच्छेद।")
    log_in(page, "samvaddata")
    page.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    page.select_option("#id_status", "published")
    save(page)
    expect(page.locator(".field-status .errorlist")).to_be_visible()
    screenshot("desk-reporter-refused")
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT

    # The published seed story opens read-only: no body field to edit, no save button.
    page.goto(reverse("admin:articles_article_change", args=[seed.pk]))
    expect(page.locator("#id_body")).to_have_count(0)
    expect(page.locator("input[name=_save]")).to_have_count(0)


def test_share_link_shows_a_draft_logged_out_until_revoked(page, browser, live_server, screenshot):
    call_command("loaddata", "seed", verbosity=0)
    make_user("sampadak", EDITORS)
    draft = Article.objects.create(headline="गुप्त मसौदा", body="यह अभी छपा नहीं है।")
    log_in(page, "sampadak")
    page.goto(reverse("admin:articles_sharelink_add") + f"?article={draft.pk}")
    page.fill("#id_note", "क़ानूनी सलाहकार")
    save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    link = page.locator("a.share-url").first
    share_path = link.get_attribute("href")
    assert share_path == ShareLink.objects.get().get_absolute_url()
    screenshot("desk-share-links")

    stranger = browser.new_context(base_url=live_server.url)
    try:
        reader = stranger.new_page()
        response = reader.goto(share_path)
        assert response.status == 200
        assert response.headers["x-robots-tag"] == "noindex, nofollow"
        expect(reader.locator("h1")).to_have_text("गुप्त मसौदा")
        expect(reader.locator(".preview-banner")).to_be_visible()
        expect(reader.locator('meta[name="robots"]')).to_have_attribute(
            "content", "noindex, nofollow"
        )
        assert reader.goto(draft.get_absolute_url()).status == 404

        page.goto(reverse("admin:articles_sharelink_changelist"))
        page.locator("input.action-select").first.check()
        page.select_option("select[name=action]", "revoke")
        page.locator("button[name=index]").click()
        expect(page.locator(".messagelist .success")).to_be_visible()

        assert reader.goto(share_path).status == 404
    finally:
        stranger.close()


def test_editor_imports_a_story_from_text_into_a_draft(page, screenshot, seed):
    """Paste a story on the import page, check the preview, confirm: a draft with its quotes,
    and the editor on its change page. Nothing exists before the confirmation."""
    make_user("sampadak", EDITORS)
    log_in(page, "sampadak")
    page.goto(reverse("admin:articles_article_changelist"))
    page.locator(f"a[href='{reverse('admin:articles_article_import')}']").click()
    page.fill(
        "#id_text",
        "मृणांक शर्मा की नई कविता\n\nमृणांक शर्मा ने अपनी पहली कविता साझा की.\n\n"
        "मृणांक लिखते हैं, 'कविता वह जगह है जहाँ मैं सच के सबसे क़रीब होता हूँ.' "
        "आकाश गुप्ता ने इसे 'सुंदर' कहा.\n",
    )
    page.locator("input[name=preview]").click()
    quotes = page.locator("#import-quotes tbody tr")
    expect(quotes).to_have_count(1)  # 'सुंदर' is a scare quote
    expect(quotes.first).to_contain_text("कविता वह जगह है")
    expect(page.locator("#id_speaker_0 option:checked")).to_contain_text("मृणांक शर्मा")
    screenshot("desk-import-preview")
    assert not Article.objects.filter(headline="मृणांक शर्मा की नई कविता").exists()

    page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    draft = Article.objects.get(headline="मृणांक शर्मा की नई कविता")
    assert page.url.endswith(reverse("admin:articles_article_change", args=[draft.pk]))
    assert draft.status == Article.Status.DRAFT
    assert [q.speaker.slug for q in draft.quotes.all()] == ["मृणांक-शर्मा"]
    expect(page.locator("#id_headline")).to_have_value("मृणांक शर्मा की नई कविता")


def test_editor_lands_on_the_desk_home_and_follows_a_link(page, screenshot, seed):
    make_user("desk-sampadak", EDITORS)
    quote = seed.quotes.order_by("position").first()
    # An integrity problem the desk must show: a direct quote not in the story's words.
    quote.text, quote.kind = "ये शब्द ख़बर में नहीं हैं", quote.Kind.DIRECT
    quote.save()
    log_in(page, "desk-sampadak")
    page.goto(reverse("admin:index"))
    panel = page.locator("#desk-attention")
    expect(panel).to_contain_text(seed.headline)
    heading = page.locator("#site-name")
    family = heading.evaluate("element => getComputedStyle(element).fontFamily")
    assert "Noto Sans Devanagari" in family
    screenshot("desk-home")
    panel.locator("a").first.click()
    expect(page.locator("#id_text")).to_have_value(quote.text)


def test_two_editors_save_the_same_story_and_the_second_is_refused_keeping_the_text(
    page, browser, live_server, seed
):
    """Reena and Akash open the seed story in two browsers and both edit the summary.
    Reena saves first; Akash's save is refused, naming her, with his text still there."""
    make_user("reena", EDITORS)
    make_user("akash", EDITORS)
    url = reverse("admin:articles_article_change", args=[seed.pk])
    log_in(page, "reena")
    page.goto(url)
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        akash = other.new_page()
        log_in(akash, "akash")
        akash.goto(url)
        # The notice, without JavaScript's help: Reena opened it first.
        # (The admin capitalises a message's first letter.)
        expect(akash.locator(".messagelist .info")).to_contain_text(re.compile("reena", re.I))

        page.fill("#id_summary", "रीना का सार")
        page.check("#id_minor_edit")
        save(page)
        expect(page.locator(".messagelist .success")).to_be_visible()

        akash.fill("#id_summary", "आकाश का सार, जो खोना नहीं चाहिए")
        akash.check("#id_minor_edit")
        save(akash)
        refusal = akash.locator(".errorlist.nonfield")
        expect(refusal).to_contain_text("reena")
        expect(akash.locator("#id_summary")).to_have_value("आकाश का सार, जो खोना नहीं चाहिए")
        expect(akash.locator("#id_overwrite")).to_be_visible()
        seed.refresh_from_db()
        assert seed.summary == "रीना का सार"
    finally:
        other.close()
