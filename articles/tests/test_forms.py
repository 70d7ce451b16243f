"""Tests for articles/forms.py through the real admin: the correction-or-minor-edit rule and
the refusal to publish a broken quote."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.forms import EditNoteForm
from articles.models import Article, ArticleAuthor, Correction, Quote, Section
from articles.tests.adminform import admin_form, with_byline, with_inline_rows
from articles.tests.desk import EDITORS, logged_in
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


BODY = "मृणांक ने लिखा कि 'हमारे मूल्यों से काम चलाना बहुत मुश्किल है'।\n\nदूसरा अनुच्छेद।"
QUOTED = "हमारे मूल्यों से काम चलाना बहुत मुश्किल है"


@pytest.fixture
def editor(client):
    return logged_in(client, EDITORS)


@pytest.fixture
def article():
    article = ArticleFactory(body=BODY)
    QuoteFactory(article=article, text=QUOTED)
    return article


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def article_form(client, article):
    return admin_form(client, change_url(article), "article_form")


def post(client, obj, data):
    return client.post(change_url(obj), data)


def errors(response):
    """Every error message on a re-rendered admin form, main form and inlines."""
    assert response.status_code == 200, "expected the form back with errors"
    context = response.context
    found = [str(e) for e in context["adminform"].form.non_field_errors()]
    for name, field_errors in context["adminform"].form.errors.items():
        found.extend(f"{name}: {e}" for e in field_errors)
    for inline in context.get("inline_admin_formsets", []):
        found.extend(str(e) for e in inline.formset.non_form_errors())
    return found


# The correction rule --------------------------------------------------------------------


@pytest.mark.parametrize("field", ["headline", "summary", "body"])
def test_changing_a_published_story_without_a_note_is_refused(client, editor, article, field):
    data = article_form(client, article)
    data[field] = data[field] + " और बदलाव"
    response = post(client, article, data)
    assert any("of a published article changed" in e for e in errors(response))
    article.refresh_from_db()
    assert "और बदलाव" not in getattr(article, field)
    assert not Correction.objects.exists()


def test_a_correction_note_is_published_dated_now(client, editor, article):
    data = article_form(client, article)
    data["body"] = BODY.replace("दूसरा", "तीसरा")
    data["correction_kind"] = Correction.Kind.CLARIFICATION
    data["correction_text"] = "अनुच्छेद की संख्या ठीक की गई।"
    before = timezone.now()
    response = post(client, article, data)
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert "तीसरा" in article.body
    correction = Correction.objects.get(article=article)
    assert correction.kind == Correction.Kind.CLARIFICATION
    assert correction.text == "अनुच्छेद की संख्या ठीक की गई।"
    assert before <= correction.published_at <= timezone.now()


def test_the_note_kind_defaults_to_correction():
    form = EditNoteForm({"correction_text": "नाम ठीक किया।", "correction_kind": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["correction_kind"] == Correction.Kind.CORRECTION


def test_a_minor_edit_needs_no_note(client, editor, article):
    data = article_form(client, article)
    data["headline"] = article.headline + "।"
    data["minor_edit"] = "on"
    response = post(client, article, data)
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.headline.endswith("।")
    assert not Correction.objects.exists()


def test_note_and_minor_edit_together_are_refused(client, editor, article):
    data = article_form(client, article)
    data["body"] = BODY + "\n\nनया।"
    data["minor_edit"] = "on"
    data["correction_text"] = "जोड़ा गया।"
    response = post(client, article, data)
    assert any("not both" in e for e in errors(response))
    assert not Correction.objects.exists()


def test_other_fields_of_a_published_article_need_no_note(client, editor, article):
    data = article_form(client, article)
    data["language"] = "hi-IN"
    response = post(client, article, data)
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.language == "hi-IN"


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        # Scheduled: readers have not seen it yet.
        {
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() + datetime.timedelta(days=1),
        },
    ],
)
def test_unpublished_stories_change_freely(client, editor, state):
    article = ArticleFactory(body=BODY, **state)
    data = article_form(client, article)
    data["body"] = BODY + "\n\nनया अनुच्छेद।"
    response = post(client, article, data)
    assert response.status_code == 302, errors(response)
    article.refresh_from_db()
    assert article.body.endswith("नया अनुच्छेद।")
    assert not Correction.objects.exists()


def test_changing_a_quote_in_the_inline_needs_a_note(client, editor, article):
    quote = article.quotes.get()
    data = article_form(client, article)
    data["quotes-0-kind"] = Quote.Kind.PARAPHRASE
    response = post(client, article, data)
    assert any("A quote of a published article changed" in e for e in errors(response))
    quote.refresh_from_db()
    assert quote.kind == Quote.Kind.DIRECT

    data["correction_text"] = "यह सीधा उद्धरण नहीं, सारांश है।"
    response = post(client, article, data)
    assert response.status_code == 302, errors(response)
    quote.refresh_from_db()
    assert quote.kind == Quote.Kind.PARAPHRASE
    assert Correction.objects.get(article=article).text == "यह सीधा उद्धरण नहीं, सारांश है।"


def test_deleting_a_quote_of_a_published_article_needs_a_note(client, editor, article):
    data = article_form(client, article)
    data["quotes-0-DELETE"] = "on"
    response = post(client, article, data)
    assert any("A quote of a published article changed" in e for e in errors(response))
    assert article.quotes.exists()
    data["minor_edit"] = "on"
    assert post(client, article, data).status_code == 302
    assert not article.quotes.exists()


def test_changing_a_quote_on_its_own_page_needs_a_note(client, editor, article):
    quote = article.quotes.get()
    url = change_url(quote)
    data = admin_form(client, url, "quote_form")
    data["said_on"] = "2026-02-09"
    response = client.post(url, data)
    assert any("A quote of a published article changed" in e for e in errors(response))
    data["correction_kind"] = Correction.Kind.UPDATE
    data["correction_text"] = "तारीख़ जोड़ी गई।"
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    quote.refresh_from_db()
    assert quote.said_on == datetime.date(2026, 2, 9)
    assert Correction.objects.get(article=article).kind == Correction.Kind.UPDATE


# Publishing refused for broken quotes ----------------------------------------------------


def test_publishing_a_draft_with_a_misquote_is_refused_naming_the_quote(client, editor):
    draft = ArticleFactory(body=BODY, draft=True)
    QuoteFactory(article=draft, text=QUOTED)
    QuoteFactory(article=draft, text="मूल्य हार रहे हैं")
    data = article_form(client, draft)
    data["status"] = Article.Status.PUBLISHED
    response = post(client, draft, data)
    found = errors(response)
    assert any("Quote 2 “मूल्य हार रहे हैं”" in e and "verbatim" in e for e in found)
    assert not any("Quote 1" in e for e in found)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_publishing_a_draft_with_an_unsourced_quote_is_refused(client, editor):
    draft = ArticleFactory(body=BODY, draft=True)
    QuoteFactory(article=draft, text="कुछ कहा", kind=Quote.Kind.PARAPHRASE, source=None)
    data = article_form(client, draft)
    data["status"] = Article.Status.PUBLISHED
    found = errors(post(client, draft, data))
    assert any("Quote 1 “कुछ कहा”: it has no source" in e for e in found)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_publishing_a_clean_draft_works(client, editor):
    draft = ArticleFactory(body=BODY, draft=True)
    QuoteFactory(article=draft, text=QUOTED)
    data = article_form(client, draft)
    data["status"] = Article.Status.PUBLISHED
    response = post(client, draft, data)
    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert draft.is_public


def test_editing_a_published_body_away_from_its_quote_is_refused(client, editor, article):
    data = article_form(client, article)
    data["body"] = "दूसरा अनुच्छेद।"
    data["correction_text"] = "पहला अनुच्छेद हटाया गया।"
    found = errors(post(client, article, data))
    assert any("Quote 1" in e and "verbatim" in e for e in found)
    article.refresh_from_db()
    assert article.body == BODY
    assert not Correction.objects.exists()


def test_a_new_misquote_in_a_published_article_is_refused(client, editor, article):
    data = article_form(client, article)
    data.update(
        {
            "quotes-TOTAL_FORMS": "2",
            "quotes-1-speaker": str(article.quotes.get().speaker_id),
            "quotes-1-kind": Quote.Kind.DIRECT,
            "quotes-1-text": "यह उन्होंने नहीं कहा",
            "quotes-1-source": str(article.quotes.get().source_id),
            "minor_edit": "on",
        }
    )
    found = errors(post(client, article, data))
    assert any("New quote “यह उन्होंने नहीं कहा”" in e for e in found)
    assert article.quotes.count() == 1


def test_a_misquote_on_the_quote_page_of_a_published_article_is_refused(client, editor, article):
    quote = article.quotes.get()
    url = change_url(quote)
    data = admin_form(client, url, "quote_form")
    data["text"] = "हमारे मूल्यों से काम चलाना आसान है"
    data["correction_text"] = "उद्धरण ठीक किया।"
    found = errors(client.post(url, data))
    assert any("Quote 1" in e and "verbatim" in e for e in found)
    quote.refresh_from_db()
    assert quote.text == QUOTED


# The correction rule covers the byline, the section and the lead image ------------------


def byline(article):
    return list(
        ArticleAuthor.objects.filter(article=article)
        .order_by("position")
        .values_list("person_id", flat=True)
    )


@pytest.fixture
def bylined(article):
    """The published article, written by two people, in the टेक section with a lead image."""
    first, second = PersonFactory(), PersonFactory()
    ArticleAuthor.objects.create(article=article, person=first, position=1)
    ArticleAuthor.objects.create(article=article, person=second, position=2)
    article.section = Section.objects.create(name="टेक", name_en="Tech")
    article.lead_image = ImageFactory()
    article.save()
    return article


BYLINE_CHANGES = {
    "moved": {"byline-0-position": "3"},  # the first name after the second
    "removed": {"byline-1-DELETE": "on"},
    "added": {"byline-TOTAL_FORMS": "3", "byline-2-position": "3"},  # person set below
}


@pytest.mark.parametrize("change", ["moved", "removed", "added"])
def test_changing_a_published_byline_needs_a_note(client, editor, bylined, change):
    before = byline(bylined)
    data = article_form(client, bylined)
    data.update(BYLINE_CHANGES[change])
    if change == "added":
        data["byline-2-person"] = str(PersonFactory().pk)
    assert any(
        "The byline of a published article changed" in e
        for e in errors(post(client, bylined, data))
    )
    assert byline(bylined) == before

    data["minor_edit"] = "on"
    response = post(client, bylined, data)
    assert response.status_code == 302, errors(response)
    assert byline(bylined) != before


def test_renumbering_a_byline_in_the_same_order_is_no_change(client, editor, bylined):
    before = byline(bylined)
    data = article_form(client, bylined)
    data.update({"byline-0-position": "10", "byline-1-position": "20"})
    response = post(client, bylined, data)
    assert response.status_code == 302, errors(response)
    assert byline(bylined) == before
    assert not Correction.objects.exists()


@pytest.mark.parametrize(("field", "label"), [("section", "Section"), ("lead_image", "Lead image")])
def test_changing_a_published_section_or_lead_image_needs_a_note(
    client, editor, bylined, field, label
):
    other = (
        Section.objects.create(name="देश", name_en="India") if field == "section" else ImageFactory()
    )
    data = article_form(client, bylined)
    data[field] = str(other.pk)
    found = errors(post(client, bylined, data))
    assert any(f"{label} of a published article changed" in e for e in found), found
    bylined.refresh_from_db()
    assert getattr(bylined, field) != other

    data.update(correction_kind=Correction.Kind.UPDATE, correction_text="खंड/चित्र बदला गया।")
    response = post(client, bylined, data)
    assert response.status_code == 302, errors(response)
    bylined.refresh_from_db()
    assert getattr(bylined, field) == other
    assert bylined.corrections.get().kind == Correction.Kind.UPDATE


@pytest.mark.parametrize("field", ["section", "lead_image"])
def test_removing_a_published_section_or_lead_image_needs_a_note(client, editor, bylined, field):
    data = article_form(client, bylined)
    data[field] = ""
    assert any("of a published article changed" in e for e in errors(post(client, bylined, data)))


def test_a_drafts_byline_section_and_lead_image_change_freely(client, editor):
    draft = ArticleFactory(draft=True, body=BODY)
    author = PersonFactory()
    data = with_byline(article_form(client, draft), author)
    data.update(
        section=str(Section.objects.create(name="खेल").pk), lead_image=str(ImageFactory().pk)
    )
    response = post(client, draft, data)
    assert response.status_code == 302, errors(response)
    assert byline(draft) == [author.pk]
    assert not Correction.objects.exists()


def test_a_name_twice_in_a_byline_is_refused(client, editor):
    draft = ArticleFactory(draft=True, body=BODY)
    author = PersonFactory()
    data = with_byline(article_form(client, draft), author, author)
    response = post(client, draft, data)
    assert response.status_code == 200
    assert not ArticleAuthor.objects.exists()


# Linked translations --------------------------------------------------------------------


@pytest.fixture
def original():
    return ArticleFactory(headline="मूल ख़बर", language="hi", draft=True)


def link_translation(client, article, original):
    data = article_form(client, article)
    data["translation_of"] = str(original.pk)
    return post(client, article, data)


def test_a_translation_links_to_its_original(client, editor, original):
    english = ArticleFactory(language="en", draft=True)
    response = link_translation(client, english, original)
    assert response.status_code == 302, errors(response)
    assert list(original.translations.all()) == [english]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("hi", "must be in another language than the story it translates"),
        ("hi-IN", "must be in another language than the story it translates"),
    ],
)
def test_a_translation_in_the_originals_language_is_refused(
    client, editor, original, language, message
):
    other = ArticleFactory(language=language, draft=True)
    found = errors(link_translation(client, other, original))
    assert any(message in e for e in found), found
    other.refresh_from_db()
    assert other.translation_of is None


def test_translation_links_never_chain_or_loop(client, editor, original):
    english = ArticleFactory(language="en", draft=True, translation_of=original)
    bengali = ArticleFactory(language="bn", draft=True)
    found = errors(link_translation(client, bengali, english))
    # The model's own rules (Article.clean), shown on the form.
    assert any("is itself a translation: choose the story it translates" in e for e in found)
    found = errors(link_translation(client, original, bengali))
    assert any("This story has translations of its own" in e for e in found)
    found = errors(link_translation(client, bengali, bengali))
    assert any("cannot be a translation of itself" in e for e in found)


def test_a_second_translation_in_one_language_is_refused_naming_the_first(client, editor, original):
    ArticleFactory(headline="First English", language="en", draft=True, translation_of=original)
    second = ArticleFactory(language="en", draft=True)
    found = errors(link_translation(client, second, original))
    assert any("already has a translation in “en”: “First English”" in e for e in found), found


# Sources by organisations, corrections tied to a record (issue 9) ------------------------


def inline_errors(response, prefix):
    assert response.status_code == 200, "expected the form back with errors"
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    ]
    return [
        f"{name}: {e}" for form in formset.forms for name, es in form.errors.items() for e in es
    ]


def with_correction(data, **record):
    row = {"kind": "correction", "text": "ठीक किया गया।", "published_at_0": "2026-02-11"}
    row["published_at_1"] = "10:00:00"
    return with_inline_rows(data, "corrections", [{**row, **record}])


def test_a_source_has_one_author_person_organisation_or_name(client, editor):
    source = SourceFactory()
    url = change_url(source)
    data = admin_form(client, url, "source_form")
    both = {**data, "author": str(PersonFactory().pk), "author_organisation": ""}
    both["author_organisation"] = str(OrganisationFactory().pk)
    response = client.post(url, both)
    assert any("A source has one author" in e for e in errors(response))
    named = {**data, "author_organisation": both["author_organisation"], "author_name": "PTI"}
    assert any("A source has one author" in e for e in errors(client.post(url, named)))
    source.refresh_from_db()
    assert source.author_organisation is None  # nothing was saved
    alone = {**data, "author_organisation": both["author_organisation"]}
    assert client.post(url, alone).status_code == 302
    source.refresh_from_db()
    assert source.attribution == str(source.author_organisation)


def test_a_correction_may_name_only_a_record_of_its_own_story(client, editor, article):
    quote = article.quotes.get()
    elsewhere = QuoteFactory()
    data = with_correction(article_form(client, article), quote=str(elsewhere.pk))
    found = inline_errors(post(client, article, data), "corrections")
    assert found == [
        f"quote: “{elsewhere}” is not in this story: a correction can only name the story's "
        "own quotes, people, organisations and sources."
    ]
    assert not Correction.objects.exists()
    organisation = OrganisationFactory()
    data = with_correction(article_form(client, article), organisation=str(organisation.pk))
    assert inline_errors(post(client, article, data), "corrections")  # not in the story yet
    article.organisations.add(organisation)
    data = with_correction(article_form(client, article), quote=str(quote.pk))
    assert post(client, article, data).status_code == 302
    assert Correction.objects.get().record == quote


@pytest.mark.parametrize("record", ["person", "source", "organisation"])
def test_the_storys_people_sources_and_organisations_may_be_named(record):
    speaker, featured, writer = PersonFactory(), PersonFactory(), PersonFactory()
    article = ArticleFactory(people=[featured], authors=[writer])
    quote = QuoteFactory(article=article, speaker=speaker)
    cited, organisation = SourceFactory(), OrganisationFactory()
    article.sources.add(cited)
    article.organisations.add(organisation)
    allowed = {
        "person": [speaker, featured, writer],
        "source": [cited, quote.source],
        "organisation": [organisation],
    }[record]
    for obj in allowed:
        Correction(article=article, text="ठीक", **{record: obj}).full_clean()
    stranger = {"person": PersonFactory, "source": SourceFactory}.get(record, OrganisationFactory)()
    with pytest.raises(ValidationError) as excinfo:
        Correction(article=article, text="ठीक", **{record: stranger}).full_clean()
    assert excinfo.value.error_dict[record][0].code == "record_not_in_story"


def test_a_correction_names_one_record_at_most():
    quote = QuoteFactory()
    correction = Correction(article=quote.article, text="ठीक", quote=quote, person=quote.speaker)
    with pytest.raises(ValidationError, match="one record at most"):
        correction.full_clean()


def test_correction_admin_refuses_a_record_from_another_story(client, editor, article):
    elsewhere = OrganisationFactory()
    url = reverse("admin:articles_correction_add")
    data = admin_form(client, url, "correction_form")
    data.update(
        article=str(article.pk),
        text="ठीक",
        organisation=str(elsewhere.pk),
        published_at_0="2026-02-11",
        published_at_1="10:00:00",
    )
    response = client.post(url, data)
    assert any("is not in this story" in e for e in errors(response))
    article.organisations.add(elsewhere)
    assert client.post(url, data).status_code == 302


def test_a_published_storys_organisations_change_without_a_note(client, editor, article):
    """Organisations file a story, like its tags and people: no public note needed."""
    data = article_form(client, article)
    data["organisations"] = [str(OrganisationFactory().pk)]
    assert post(client, article, data).status_code == 302
    assert article.organisations.count() == 1
    assert not Correction.objects.exists()
