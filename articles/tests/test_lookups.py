"""The fold_contains lookup: the database folds the column as articles.text.fold does."""

import pytest

from articles.models import Article, Person
from articles.tests.factories import ArticleFactory, PersonFactory
from articles.text import QUOTE_MARKS, fold, fold_table, normalize

pytestmark = pytest.mark.django_db


def headlines(term):
    return set(
        Article.objects.filter(headline__fold_contains=term).values_list("headline", flat=True)
    )


@pytest.mark.parametrize(
    ("stored", "term"),
    [
        ("इस्तीफ़ा दिया", "इस्तीफा"),  # nukta in the column
        ("इस्तीफा दिया", "इस्तीफ़ा"),  # nukta in the term
        ("इस्तीफा दिया", "इस्ती\u095eा"),  # precomposed फ़ typed
        ("ऩया", "नया"),  # a nukta letter NFC keeps precomposed
        ("AI सेफ्टी", "ai सेफ्टी"),  # case
        ("Élan", "élan"),  # non-ASCII case
        ("AI\u00a0सेफ्टी", "AI सेफ्टी"),  # NBSP in the column
        ("AI सेफ्टी", "AI\u202fसेफ्टी"),  # narrow NBSP in the term
        ("बार\u2011बार", "बार-बार"),  # non-breaking hyphen
        ("बार\u2014बार", "बार-बार"),  # em dash
        ("“सच” कहा", "सच कहा"),  # curly quote marks
        ("don't", "dont"),
        ("क्\u200dष", "क्ष"),  # ZWJ
        ("दो  शब्द", "दो शब्द"),  # a run of spaces
        ("पंक्ति\nदूसरी", "पंक्ति दूसरी"),  # a line break
    ],
)
def test_variants_match(stored, term):
    ArticleFactory(headline=stored)
    ArticleFactory(headline="कुछ और")
    assert fold(term) in fold(stored)  # the contract, in Python
    assert headlines(term) == {ArticleFactory._meta.model.objects.get(headline=stored).headline}


@pytest.mark.parametrize("term", ["%", "_", "\\\\", "स%", "_य"])
def test_like_wildcards_are_literal(term):
    ArticleFactory(headline="सत्य")
    ArticleFactory(headline="100% सत्य_है \\\\ हाँ")
    assert headlines(term) == (
        {"100% सत्य_है \\\\ हाँ"} if fold(term) in fold("100% सत्य_है \\\\ हाँ") else set()
    )


def test_an_all_punctuation_term_matches_everything():
    ArticleFactory(headline="एक")
    ArticleFactory(headline="दो")
    assert headlines(QUOTE_MARKS[:3]) == {"एक", "दो"}


def test_every_text_field_and_relations():
    person = PersonFactory(name="फ़रहान", aliases="Farhaan\nफरहाँ")
    ArticleFactory(people=[person])
    assert Person.objects.filter(aliases__fold_contains="FARHAAN").get() == person
    assert Article.objects.filter(people__name__fold_contains="फरहान").count() == 1


def test_the_database_fold_agrees_with_python_on_every_fold_rule():
    """Each character fold() changes, stored in a headline, is found by its folded form."""
    sample = [char for char in fold_table() if char.isprintable() or char.isspace()][:400]
    for char in sample:
        ArticleFactory(headline=f"क{char}ख")
    for char in sample:
        stored = normalize(f"क{char}ख")  # as the field stores it (U+2000 is U+2002 in NFC)
        assert stored in headlines(fold(stored)), repr(char)


def test_fold_exact_is_whole_value_equality():
    ArticleFactory(headline="AI सेफ्टी")
    ArticleFactory(headline="AI सेफ्टी नीति")
    found = Article.objects.filter(headline__fold_exact="ai\u00a0सेफ्टी ")
    assert list(found.values_list("headline", flat=True)) == ["AI सेफ्टी"]


@pytest.mark.django_db(transaction=True)
def test_the_live_server_gives_each_thread_its_own_sqlite_connection(live_server):
    """A shared in-memory connection can deadlock on newsroom_fold() (see conftest): the
    browser tests' server must never share the test's connection."""
    from django.db import connection

    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()
    ArticleFactory(headline="इस्तीफ़ा दिया")
    assert headlines("इस्तीफा") == {"इस्तीफ़ा दिया"}
