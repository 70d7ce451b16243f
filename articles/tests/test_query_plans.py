"""The public pages' heaviest queries read through indexes (PostgreSQL, EXPLAIN).

On a few thousand generated rows: the related stories (``ArticleQuerySet.related_to``) and a
profile's stories (``featuring``) start from the link tables' person, speaker and tag
indexes (0012_page_indexes), so their cost follows the story's own people and tags, not
the archive. Sequential scans are turned off, as in test_search.py, so that the plan shows
which index a query can use whatever the planner's estimate for so small a table.
"""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleTag, Person, Quote, Tag
from articles.tests.factories import SectionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
]

STORIES = 3000
# Either index on the speaker serves (the planner picks by its statistics, which the
# tests before this one move): (speaker, article) of 0012, or the foreign key's own.
SPEAKER_INDEX = re.compile(r"quote_speaker_article_idx|articles_quote_speaker_id_")


@pytest.fixture
def archive():
    section = SectionFactory()
    now = timezone.now()
    people = Person.objects.bulk_create(
        Person(name=f"व्यक्ति {n}", slug=f"vyakti-{n}") for n in range(300)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"विषय {n}", slug=f"vishay-{n}") for n in range(60))
    articles = Article.objects.bulk_create(
        Article(
            headline=f"ख़बर {n}",
            slug=f"khabar-{n}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=n),
        )
        for n in range(STORIES)
    )
    featured = Article.people.through
    featured.objects.bulk_create(
        featured(article=article, person=people[(n + 37 * k) % len(people)])
        for n, article in enumerate(articles)
        for k in range(3)
    )
    Quote.objects.bulk_create(
        Quote(article=article, speaker=people[(n * 3) % len(people)], text="बयान", position=1)
        for n, article in enumerate(articles)
    )
    ArticleTag.objects.bulk_create(
        ArticleTag(content_object=article, tag=tags[n % len(tags)])
        for n, article in enumerate(articles)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return articles, people


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_related_stories_start_from_the_link_tables_indexes(archive):
    articles, _ = archive
    story = Article.objects.for_article_page().get(pk=articles[10].pk)
    related = Article.objects.published().related_to(story)
    assert len(list(related)) == 6
    text = plan(related)
    assert SPEAKER_INDEX.search(text), text
    assert "articles_article_people_person_id" in text, text
    assert "articles_articletag_tag_id" in text, text
    assert "Seq Scan" not in text, text


def test_a_profiles_stories_start_from_the_persons_links(archive):
    _, people = archive
    stories = Article.objects.published().featuring(people[3]).order_by("-published_at")
    assert stories.exists()
    text = plan(stories)
    assert SPEAKER_INDEX.search(text), text
    assert "articles_article_people_person_id" in text, text
    assert "Seq Scan" not in text, text
