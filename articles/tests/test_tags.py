"""articles.tags: one spelling per tag, bulk tagging, merging (and articles.redirects)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import tags
from articles.models import Article, Person, Quote, SlugRedirect, Tag
from articles.redirects import record_slug_change
from articles.tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db


# Parsing and cleaning -----------------------------------------------------------------


def test_clean_tag_name_nfc_and_single_spaces():
    assert tags.clean_tag_name("  AI\u00a0\u00a0सेफ्टी \n") == "AI सेफ्टी"
    assert tags.clean_tag_name("क\u093c") == "क\u093c"  # NFC keeps क़ decomposed
    assert tags.clean_tag_name("\u0958") == "क\u093c"  # precomposed क़ normalised
    assert tags.clean_tag_name(" \u00a0 ") == ""


def test_parse_tag_string_splits_on_commas_only_and_drops_fold_twins():
    assert tags.parse_tag_string("AI सेफ्टी, इस्तीफा") == ["AI सेफ्टी", "इस्तीफा"]
    # No comma: still one tag (taggit would split this on the space).
    assert tags.parse_tag_string("AI सेफ्टी") == ["AI सेफ्टी"]
    assert tags.parse_tag_string("AI सेफ्टी, ai\u00a0सेफ्टी,, , इस्तीफ़ा, इस्तीफा") == [
        "AI सेफ्टी",
        "इस्तीफ़ा",
    ]
    assert tags.parse_tag_string("") == []
    assert tags.parse_tag_string(None) == []


def test_tag_string_joins_sorted_names():
    assert tags.tag_string([Tag(name="कविता"), "Anthropic"]) == "Anthropic, कविता"
    assert tags.tag_string([]) == ""


# Near-duplicates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["ai सेफ्टी", "AI सेफ्टी", "Ai\u00a0सेफ्टी", "  ai   सेफ्टी ", "AI \u200dसेफ्टी"],
)
def test_canonical_names_use_the_existing_spelling(typed):
    Tag.objects.create(name="AI सेफ्टी")
    assert tags.canonical_names([tags.clean_tag_name(typed)]) == ["AI सेफ्टी"]


def test_canonical_names_nukta_variants_and_new_names():
    Tag.objects.create(name="इस्तीफ़ा")
    assert tags.canonical_names(["इस्तीफा", "नया टैग", "इस्तीफ़ा"]) == ["इस्तीफ़ा", "नया टैग"]


def test_canonical_names_costs_one_query(django_assert_num_queries):
    for n in range(5):
        Tag.objects.create(name=f"टैग {n}")
    with django_assert_num_queries(1):
        tags.canonical_names(["टैग 1", "टैग 2", "नया"])


def test_find_and_get_or_create_tag():
    existing = Tag.objects.create(name="OpenAI")
    assert tags.find_tag("openai") == existing
    assert tags.find_tag("  ") is None
    assert tags.find_tag("Claude") is None
    assert tags.get_or_create_tag("OPENAI") == existing
    created = tags.get_or_create_tag("AI\u00a0सेफ्टी")
    assert (created.name, created.slug) == ("AI सेफ्टी", "ai-सेफ्टी")
    assert Tag.objects.count() == 2
    with pytest.raises(ValueError):
        tags.get_or_create_tag(" ")


def test_search_tags_is_fold_aware_and_ranked():
    for name in ["AI सेफ्टी", "OpenAI", "आर्टिफिशियल इंटेलिजेंस", "इस्तीफ़ा", "Claude"]:
        Tag.objects.create(name=name)
    assert [t.name for t in tags.search_tags("ai")] == ["AI सेफ्टी", "OpenAI"]
    assert [t.name for t in tags.search_tags("इस्तीफा")] == ["इस्तीफ़ा"]  # no nukta typed
    assert [t.name for t in tags.search_tags("इंटेलिजेंस")] == ["आर्टिफिशियल इंटेलिजेंस"]
    assert [t.name for t in tags.search_tags("ai\u00a0से")] == ["AI सेफ्टी"]
    assert tags.search_tags("") == []
    assert tags.search_tags("“”") == []
    assert tags.search_tags("zzz") == []
    assert len(tags.search_tags("a", limit=1)) == 1


def test_tagging_through_taggit_with_canonical_names_keeps_one_tag():
    article = ArticleFactory()
    Tag.objects.create(name="AI सेफ्टी")
    article.tags.set(tags.canonical_names(tags.parse_tag_string("ai सेफ्टी, कविता")))
    assert sorted(t.name for t in article.tags.all()) == ["AI सेफ्टी", "कविता"]
    assert Tag.objects.count() == 2


# Bulk add and remove ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "model"),
    [(ArticleFactory, Article), (PersonFactory, Person), (QuoteFactory, Quote)],
)
def test_add_and_remove_tag_on_many_items(factory, model):
    items = [factory() for _ in range(3)]
    tag = Tag.objects.create(name="इस्तीफा")
    items[0].tags.add(tag)
    selected = model.objects.filter(pk__in=[i.pk for i in items[:2]])
    assert tags.add_tag(selected, tag) == 1  # the first already had it
    assert tags.add_tag(selected, tag) == 0
    assert [bool(i.tags.filter(pk=tag.pk)) for i in items] == [True, True, False]
    assert tags.remove_tag(model.objects.filter(pk=items[0].pk), tag) == 1
    assert [bool(i.tags.filter(pk=tag.pk)) for i in items] == [False, True, False]
    assert Tag.objects.filter(pk=tag.pk).exists()  # removing never deletes the tag


def test_add_tag_query_count_does_not_grow():
    tag = Tag.objects.create(name="कविता")
    statements = []
    for size in (2, 8):
        ArticleFactory.create_batch(size)
        Article.tags.through.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            tags.add_tag(Article.objects.all(), tag)
        # Savepoints aside: the same statements for 2 items as for 10, history included.
        statements.append([q["sql"].split()[0] for q in captured if "SAVEPOINT" not in q["sql"]])
        assert tag.article_links.count() == Article.objects.count()
    assert statements[0] == statements[1]
    assert statements[0][:2] == ["SELECT", "SELECT"]  # the existing links, the ids
    assert statements[0].count("INSERT") <= 10  # links, versions, their link snapshots


# Merge --------------------------------------------------------------------------------


def test_merge_moves_every_item_without_duplicates_and_redirects():
    target = Tag.objects.create(name="AI सेफ्टी")
    old = Tag.objects.create(name="एआई सुरक्षा")
    older = Tag.objects.create(name="AI Safety")
    both = ArticleFactory(tags=[target, old])
    only_old = ArticleFactory(tags=[old, older])
    person = PersonFactory()
    person.tags.add(older)
    quote = QuoteFactory()
    quote.tags.add(old, target)
    untouched = ArticleFactory(tags=[Tag.objects.create(name="कविता")])
    old_slug, older_slug = old.slug, older.slug

    tags.merge_tags([old, older, target], target)

    assert set(Tag.objects.values_list("name", flat=True)) == {"AI सेफ्टी", "कविता"}
    for item in (both, only_old, person, quote):
        assert [t.name for t in item.tags.all()] == ["AI सेफ्टी"]
    assert [t.name for t in untouched.tags.all()] == ["कविता"]
    assert SlugRedirect.objects.target(SlugRedirect.Kind.TAG, old_slug) == target.slug
    assert SlugRedirect.objects.target(SlugRedirect.Kind.TAG, older_slug) == target.slug


def test_merge_chains_collapse():
    a, b, c = (Tag.objects.create(name=n) for n in ("क", "ख", "ग"))
    a_slug = a.slug
    tags.merge_tags([a], b)
    tags.merge_tags([b], c)
    assert SlugRedirect.objects.target(SlugRedirect.Kind.TAG, a_slug) == c.slug
    assert SlugRedirect.objects.filter(new_slug=b.slug).count() == 0


# Redirect records ---------------------------------------------------------------------


def test_record_slug_change_contract():
    kind = SlugRedirect.Kind.ARTICLE
    record_slug_change(kind, "पुराना", "पुराना")
    record_slug_change(kind, "", "नया")
    assert not SlugRedirect.objects.exists()
    record_slug_change(kind, "पहला", "दूसरा")
    record_slug_change(kind, "दूसरा", "तीसरा")
    assert SlugRedirect.objects.target(kind, "पहला") == "तीसरा"
    assert SlugRedirect.objects.target(kind, "दूसरा") == "तीसरा"
    # Changed back: the slug is live again, so it no longer redirects.
    record_slug_change(kind, "तीसरा", "दूसरा")
    assert SlugRedirect.objects.target(kind, "दूसरा") is None
    assert SlugRedirect.objects.target(kind, "तीसरा") == "दूसरा"
    assert SlugRedirect.objects.target(kind, "पहला") == "दूसरा"
    # Kinds are separate namespaces.
    assert SlugRedirect.objects.target(SlugRedirect.Kind.TAG, "पहला") is None
