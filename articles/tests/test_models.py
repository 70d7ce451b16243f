import datetime
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article, Correction, Person, Quote, Source, Tag
from articles.tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)
from articles.text import normalize

pytestmark = pytest.mark.django_db


def test_deleting_a_person_with_quotes_is_refused():
    quote = QuoteFactory()
    with pytest.raises(ProtectedError):
        quote.speaker.delete()
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_deleting_a_person_without_quotes_works():
    person = PersonFactory()
    person.delete()
    assert not Person.objects.filter(pk=person.pk).exists()


def test_deleting_a_source_that_backs_a_quote_is_refused():
    quote = QuoteFactory()
    with pytest.raises(ProtectedError):
        quote.source.delete()


def test_deleting_an_article_takes_its_quotes_and_corrections():
    quote = QuoteFactory()
    CorrectionFactory(article=quote.article)
    quote.article.delete()
    assert not Quote.objects.exists()
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Person, "slug", "मृणांक-शर्मा"),
        (Article, "slug", "इस्तीफ़ा"),
        (Source, "slug", "letter"),
    ],
)
def test_slugs_are_unique(model, field, value):
    factory = {Person: PersonFactory, Article: ArticleFactory, Source: SourceFactory}[model]
    factory(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{field: value})


def test_published_article_needs_a_publication_time():
    article = ArticleFactory(draft=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_publishing_without_a_time_stamps_now():
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


def test_quote_positions_are_unique_per_article_and_assigned_in_order():
    first = QuoteFactory()
    second = QuoteFactory(article=first.article, speaker=first.speaker)
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(article=first.article, position=1)


def test_quote_with_original_text_needs_its_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(original_text="It is hard to let our values govern our actions.")
    quote = QuoteFactory(original_text="Values.", original_language="en")
    assert quote.original_language == "en"


def test_correction_times_are_unique_per_article():
    when = timezone.now()
    correction = CorrectionFactory(published_at=when)
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionFactory(article=correction.article, published_at=when)


def test_a_correction_names_one_record_at_most_whatever_writes_it():
    """The database refuses two records at once (a fixture skips clean()); full_clean
    says so in the editor's words, once."""
    quote = QuoteFactory()
    correction = CorrectionFactory.build(article=quote.article, quote=quote, person=quote.speaker)
    with pytest.raises(ValidationError) as refused:
        correction.full_clean()
    assert [error.code for error in refused.value.error_dict["__all__"]] == ["several_records"]
    with pytest.raises(IntegrityError), transaction.atomic():
        correction.save()
    correction.person = None
    correction.full_clean()
    correction.save()


def test_slugs_keep_devanagari_words_whole():
    person = PersonFactory(name="मृणांक शर्मा", name_latin="")
    article = ArticleFactory(headline="सेफगार्ड हेड का इस्तीफ़ा")
    assert person.slug == "मृणांक-शर्मा"
    assert article.slug == "सेफगार्ड-हेड-का-इस्तीफ़ा"


def test_person_slug_prefers_the_latin_name_when_given():
    assert PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma").slug == "mrinank-sharma"


def test_colliding_slugs_get_a_suffix():
    first = ArticleFactory(headline="इस्तीफ़ा")
    second = ArticleFactory(headline="इस्तीफ़ा")
    assert (first.slug, second.slug) == ("इस्तीफ़ा", "इस्तीफ़ा-2")


def test_tag_slugs_keep_vowel_signs():
    tag = Tag.objects.create(name="AI सेफ्टी")
    assert tag.slug == "ai-सेफ्टी"
    twin = Tag.objects.create(name="AI: सेफ्टी")
    assert twin.slug == "ai-सेफ्टी-1"


def test_mangled_slug_is_rejected_and_whole_slug_accepted():
    person = PersonFactory.build(slug="मृणांक-शर्मा")
    person.full_clean()
    person.slug = "मृणांक शर्मा"
    with pytest.raises(ValidationError) as excinfo:
        person.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_text_is_stored_nfc_normalised():
    # U+095E (precomposed फ़) is a composition exclusion: NFC spells it फ + nukta.
    precomposed, nfc = "इस्ती\u095eा", "इस्ती\u092b\u093cा"
    article = ArticleFactory(headline=precomposed, summary=precomposed, slug="x")
    article.refresh_from_db()
    assert article.headline == article.summary == nfc
    assert Article.objects.filter(headline=precomposed).get() == article


def test_published_hides_drafts_and_future_articles():
    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    assert list(Article.objects.published()) == [live]


def test_people_of_drafts_stay_private():
    public = PersonFactory()
    private = PersonFactory()
    ArticleFactory(people=[public])
    ArticleFactory(draft=True, people=[private])
    QuoteFactory(article=ArticleFactory(draft=True), speaker=private)
    assert list(Person.objects.published()) == [public]


def test_quoted_person_is_public_even_when_not_featured():
    quote = QuoteFactory()
    assert list(Person.objects.published()) == [quote.speaker]


def test_source_cannot_be_based_on_itself_through_a_cycle():
    letter = SourceFactory()
    post = SourceFactory(based_on=letter)
    letter.based_on = post
    with pytest.raises(ValidationError):
        letter.full_clean()


def test_str_and_urls():
    person = PersonFactory(name="मृणांक शर्मा", name_latin="Mrinank Sharma")
    article = ArticleFactory(headline="इस्तीफ़ा", people=[person])
    assert str(person) == "मृणांक शर्मा (Mrinank Sharma)"
    assert str(article) == "इस्तीफ़ा"
    assert person.get_absolute_url() == "/people/mrinank-sharma/"
    # reverse() percent-encodes the IRI; decoded, the slug is whole.
    assert unquote(article.get_absolute_url()) == normalize("/articles/इस्तीफ़ा/")
    quote = QuoteFactory(article=article, speaker=person, text="बहुत मुश्किल है")
    assert str(quote) == "मृणांक शर्मा: बहुत मुश्किल है"
    # A quote has a page of its own; get_article_url is its place in the article.
    assert quote.get_absolute_url() == f"/quotes/{quote.pk}/"
    assert unquote(quote.get_article_url()) == normalize("/articles/इस्तीफ़ा/#quote-1")


def test_person_names_lists_every_spelling_once():
    person = PersonFactory(
        name="मृणांक शर्मा", name_latin="Mrinank Sharma", aliases="मृणांक\n\nMrinank Sharma\n"
    )
    assert person.names == ["मृणांक शर्मा", "Mrinank Sharma", "मृणांक"]


def test_natural_keys_round_trip():
    quote = QuoteFactory()
    correction = CorrectionFactory(article=quote.article)
    tag = Tag.objects.create(name="Anthropic")
    quote.article.tags.add(tag)
    quote.tags.add(tag)
    quote.speaker.tags.add(tag)
    for obj in [quote.article, quote.speaker, quote.source, quote, correction, tag]:
        model = type(obj)
        assert model._default_manager.get_by_natural_key(*obj.natural_key()) == obj
    for link in [
        *quote.article.tag_links.all(),
        *quote.tag_links.all(),
        *quote.speaker.tag_links.all(),
    ]:
        model = type(link)
        assert model._default_manager.get_by_natural_key(*link.natural_key()) == link


# Linked translations and related stories (issue 8) ---------------------------------------


def translation_error(article):
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    return caught.value.message_dict["translation_of"]


def test_a_translation_in_another_language_is_valid():
    original = ArticleFactory(language="hi")
    english = ArticleFactory(language="en-IN", translation_of=original)
    english.full_clean()
    assert list(original.translations.all()) == [english]


def test_a_story_cannot_translate_itself():
    article = ArticleFactory(language="hi")
    article.translation_of = article
    assert translation_error(article) == ["कोई ख़बर अपना ही अनुवाद नहीं हो सकती।"]
    # The database agrees, whatever skips validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(translation_of=article)


def test_a_translation_must_change_language():
    original = ArticleFactory(language="hi")
    copy = ArticleFactory.build(language="hi-IN", translation_of=original)
    assert translation_error(copy) == ["अनुवाद मूल ख़बर से अलग भाषा में होना चाहिए।"]


def test_translations_do_not_chain():
    original = ArticleFactory(language="hi")
    english = ArticleFactory(language="en", translation_of=original)
    urdu = ArticleFactory.build(language="ur", translation_of=english)
    (message,) = translation_error(urdu)
    assert message == f"“{english.headline}” ख़ुद एक अनुवाद है: वह ख़बर चुनें जिसका यह अनुवाद है।"
    # Nor can a story that has translations become one.
    other = ArticleFactory(language="en")
    original.translation_of = other
    assert translation_error(original) == [
        "इस ख़बर के अपने अनुवाद हैं, इसलिए यह किसी का अनुवाद नहीं हो सकती।"
    ]


def test_one_translation_per_language():
    original = ArticleFactory(language="hi")
    ArticleFactory(language="en", translation_of=original)
    second = ArticleFactory.build(language="en", translation_of=original)
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert "__all__" in caught.value.message_dict


def test_language_versions_are_public_only():
    original = ArticleFactory(language="hi")
    english = ArticleFactory(language="en", translation_of=original)
    ArticleFactory(language="ur", translation_of=original, draft=True)
    page = Article.objects.for_article_page().get(pk=original.pk)
    assert page.language_versions == [english, original]
    assert page.other_versions == [english]
    page = Article.objects.for_article_page().get(pk=english.pk)
    assert page.other_versions == [original]


def related(article, **kwargs):
    return list(Article.objects.published().related_to(article, **kwargs))


def test_related_stories_rank_by_shared_people_then_tags_then_recency():
    a, b, c = PersonFactory.create_batch(3)
    article = ArticleFactory(people=[a, b], tags=["क", "ख"])
    QuoteFactory(article=article, speaker=c)  # a quoted speaker counts as a shared person
    hour = datetime.timedelta(hours=1)
    now = timezone.now()
    three = ArticleFactory(people=[a], published_at=now - 9 * hour)
    QuoteFactory(article=three, speaker=b, position=10)
    QuoteFactory(article=three, speaker=c, position=11)
    QuoteFactory(article=three, speaker=c, position=12)  # the same person twice counts once
    two_people = ArticleFactory(people=[a, b], published_at=now - 8 * hour)
    one_person_two_tags = ArticleFactory(people=[b], tags=["क", "ख"], published_at=now - 7 * hour)
    one_person_old = ArticleFactory(people=[c], published_at=now - 6 * hour)
    one_person_new = ArticleFactory(people=[a], published_at=now - 2 * hour)
    tags_only = ArticleFactory(tags=["ख"], published_at=now - hour)
    ArticleFactory(people=[PersonFactory()], tags=["ग"])  # shares nothing
    assert related(article) == [
        three,
        two_people,
        one_person_two_tags,
        one_person_new,
        one_person_old,
        tags_only,
    ]
    assert related(article, limit=2) == [three, two_people]


def test_related_stories_are_never_itself_a_draft_a_scheduled_story_or_a_version():
    person = PersonFactory()
    article = ArticleFactory(people=[person], language="hi")
    ArticleFactory(people=[person], draft=True)
    ArticleFactory(people=[person], published_at=timezone.now() + datetime.timedelta(hours=1))
    english = ArticleFactory(people=[person], language="en", translation_of=article)
    public = ArticleFactory(people=[person])
    assert related(article) == [public]
    assert related(english) == [public]


def test_related_stories_cost_one_query_however_many(django_assert_num_queries):
    people = PersonFactory.create_batch(3)
    article = ArticleFactory(people=people, tags=["क"])
    ArticleFactory(people=people[:1])
    # The article page's own prefetch gives related_to() the story's people and tags.
    page = Article.objects.for_article_page().get(pk=article.pk)
    with django_assert_num_queries(1):
        assert len(related(page)) == 1
    for _ in range(10):
        ArticleFactory(people=people, tags=["क", "ख"])
    with django_assert_num_queries(1):
        assert len(related(page)) == 6
    # Without it, three more: its people, its quotes' speakers and its tags.
    plain = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(4):
        assert len(related(plain)) == 6
