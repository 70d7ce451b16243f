"""loaddata reads natural keys in bulk (articles/serialization.py): the queries of a load
do not grow with its rows beyond one write per row, and what it loads is what Django's
one-lookup-per-key loading would load."""

import json

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Person, Quote, Tag
from articles.tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def template():
    """A story with a featured person, a tag and a quote, as natural-key fixture rows
    (deleted from the database: only what they refer to stays)."""
    person = PersonFactory()
    article = ArticleFactory(slug="template-story")
    article.people.add(person)
    article.tags.add("चुनाव")
    quote = QuoteFactory(article=article, speaker=person, position=1)
    rows = json.loads(
        serializers.serialize(
            "json",
            [article, quote, *article.tags.through.objects.filter(content_object=article)],
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
    )
    article.delete()
    return rows


def stories(rows, n):
    """``n`` copies of the template story, each with its own slug, model by model as
    dumpdata writes them. Without many-to-many links: Django's set() reads each row's
    links before writing them, a query per row and link field that is Django's own."""
    out = []
    for row in rows:
        row["fields"] = {
            k: v
            for k, v in row["fields"].items()
            if not isinstance(v, list)
            or k in ("section", "article", "speaker", "content_object", "tag")
        }
        for i in range(n):
            copy = json.loads(json.dumps(row))
            fields = copy["fields"]
            if copy["model"] == "articles.article":
                fields["slug"] = f"story-{i}"
            else:  # the quote and the tag link name their story
                key = "article" if "article" in fields else "content_object"
                fields[key] = [f"story-{i}"]
            out.append(copy)
    return out


def re_first_two(row):
    names = (row["fields"].get(k) for k in ("slug", "article", "content_object"))
    return any(n in ("story-0", "story-1", ["story-0"], ["story-1"]) for n in names)


def load(tmp_path, objects):
    path = tmp_path / f"fixture-{len(objects)}.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        call_command("loaddata", str(path), verbosity=0)
    sql = [q["sql"] for q in queries.captured_queries]
    reads = [s for s in sql if s.startswith("SELECT") and "setval" not in s]
    writes = [s for s in sql if s.startswith(("INSERT", "UPDATE"))]
    return reads, writes


def test_new_rows_cost_one_insert_each_and_a_constant_number_of_reads(tmp_path):
    rows = template()
    few_reads, few_writes = load(tmp_path, stories(rows, 2))
    many_reads, many_writes = load(
        tmp_path, [r for r in stories(rows, 6) if not re_first_two(r)]
    )  # stories 2 to 5
    assert len(many_reads) == len(few_reads)
    # Per story: its row, its quote, its tag link.
    assert len(few_writes) == 2 * 3 and len(many_writes) == 4 * 3
    assert Article.objects.filter(slug__startswith="story-").count() == 6
    assert Quote.objects.filter(article__slug__startswith="story-").count() == 6
    story = Article.objects.get(slug="story-5")
    assert [t.name for t in story.tags.all()] == ["चुनाव"]
    assert story.quotes.get().position == 1


def test_loading_again_updates_the_same_rows_with_as_few_reads(tmp_path):
    rows = template()
    first_reads, _ = load(tmp_path, stories(rows, 3))
    ids = sorted(Quote.objects.values_list("pk", flat=True))
    again = stories(rows, 3)
    for row in again:
        if row["model"] == "articles.quote":
            row["fields"]["text"] = "नया पाठ"
    reads, writes = load(tmp_path, again)
    assert len(reads) <= len(first_reads)
    assert not [w for w in writes if w.startswith("INSERT") and "articles_quote" in w]
    assert sorted(Quote.objects.values_list("pk", flat=True)) == ids
    assert set(Quote.objects.values_list("text", flat=True)) == {"नया पाठ"}
    assert Tag.objects.filter(name="चुनाव").count() == 1


def test_a_key_twice_in_one_fixture_is_one_row_as_with_django(tmp_path):
    rows = template()
    twice = [r for r in stories(rows, 1) if r["model"] == "articles.article"] * 2
    twice[1] = json.loads(json.dumps(twice[1]))
    twice[1]["fields"]["headline"] = "दूसरी बार"
    load(tmp_path, twice)
    assert Article.objects.get(slug="story-0").headline == "दूसरी बार"


def test_a_tag_spelt_otherwise_is_found_the_way_django_finds_it(tmp_path):
    rows = template()
    objects = stories(rows, 1)
    for row in objects:
        if row["model"] == "articles.articletag":
            row["fields"]["tag"] = ["चुनाव\u200d"]  # a ZWJ: folds equal to the stored name
    load(tmp_path, objects)
    assert Tag.objects.count() == 1
    assert [t.name for t in Article.objects.get(slug="story-0").tags.all()] == ["चुनाव"]


def test_links_of_new_rows_and_of_reloaded_rows(tmp_path):
    rows = template()
    person = Person.objects.get()
    objects = [json.loads(json.dumps(r)) for r in rows if r["model"] == "articles.article"]
    objects[0]["fields"]["slug"] = "linked"
    objects[0]["fields"]["organisations"] = []
    load(tmp_path, objects)  # new: its people added, no link read first
    assert list(Article.objects.get(slug="linked").people.all()) == [person]
    objects[0]["fields"]["people"] = []
    load(tmp_path, objects)  # known: Django's set(), which removes the link
    assert not Article.objects.get(slug="linked").people.exists()
