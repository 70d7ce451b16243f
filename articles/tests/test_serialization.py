"""loaddata reads natural keys in bulk (articles/serialization.py) and writes new rows in
batches (the loaddata command): the queries of a load do not grow with its rows, and what
it loads is what Django's one-lookup-per-key, one-save-per-row loading would load."""

import json

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Person, Quote, Tag
from articles.tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

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


def test_new_rows_cost_a_constant_number_of_inserts_and_reads(tmp_path):
    rows = template()
    few_reads, few_writes = load(tmp_path, stories(rows, 2))
    many_reads, many_writes = load(
        tmp_path, [r for r in stories(rows, 6) if not re_first_two(r)]
    )  # stories 2 to 5
    assert len(many_reads) == len(few_reads)
    # One INSERT per model for the stories, their quotes, their tag links.
    assert len(few_writes) == len(many_writes) == 3
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


# New rows are held back and written in batches (the loaddata command's flush) -------------


def story(slug, **fields):
    return {
        "model": "articles.article",
        "fields": {"headline": f"ख़बर {slug}", "slug": slug, "status": "draft", **fields},
    }


@pytest.fixture
def small_batches(monkeypatch):
    from articles.management.commands.loaddata import Command

    monkeypatch.setattr(Command, "BATCH", 2)


def test_held_rows_get_their_links_signals_and_times_and_no_history(tmp_path, small_batches):
    from django.db.models.signals import m2m_changed, post_save

    people = [PersonFactory(), PersonFactory()]
    organisation = OrganisationFactory()
    source = SourceFactory()
    keys = [[p.slug] for p in people]
    objects = [
        # a person named twice is linked once, as add() links it
        story("s-0", people=[keys[0], keys[1], keys[0]], organisations=[[organisation.slug]]),
        story("s-1", people=[keys[1]], sources=[[source.slug]]),
        story("s-2", people=[]),
        story("s-3", people=keys, organisations=[], sources=[[source.slug]]),
        story("s-4"),
    ]
    saves, links = [], []

    def on_save(sender, instance, created, raw, **kwargs):
        if sender is Article:
            saves.append((instance.slug, instance.pk is not None, created, raw))

    def on_link(sender, instance, action, pk_set, **kwargs):
        if sender is Article.people.through:
            links.append((instance.slug, action, pk_set))

    post_save.connect(on_save, dispatch_uid="test.held.save")
    m2m_changed.connect(on_link, dispatch_uid="test.held.link")
    try:
        before = timezone.now()
        _, writes = load(tmp_path, objects)
    finally:
        post_save.disconnect(dispatch_uid="test.held.save")
        m2m_changed.disconnect(dispatch_uid="test.held.link")
    ids = [p.pk for p in people]
    assert saves == [(f"s-{i}", True, True, True) for i in range(5)]
    # As add() sends them, for each row with links, in fixture order (a batch at a time).
    added = [("s-0", set(ids)), ("s-1", {ids[1]}), ("s-3", set(ids))]
    assert [(slug, ids) for slug, action, ids in links if action == "pre_add"] == added
    assert [(slug, ids) for slug, action, ids in links if action == "post_add"] == added
    assert all(
        links.index((slug, "pre_add", ids)) < links.index((slug, "post_add", ids))
        for slug, ids in added
    )
    stored = {a.slug: a for a in Article.objects.filter(slug__startswith="s-")}
    assert sorted(stored) == [f"s-{i}" for i in range(5)]
    assert [sorted(stored[f"s-{i}"].people.values_list("pk", flat=True)) for i in range(5)] == [
        sorted(ids),
        [ids[1]],
        [],
        sorted(ids),
        [],
    ]
    assert list(stored["s-0"].organisations.all()) == [organisation]
    assert list(stored["s-3"].sources.all()) == [source]
    assert all(a.created_at >= before and a.updated_at == a.created_at for a in stored.values())
    assert not Article.history.filter(slug__startswith="s-").exists()
    # Five stories in batches of two, with their three link tables: not a write per row.
    article_inserts = [w for w in writes if w.startswith('INSERT INTO "articles_article" ')]
    assert len(article_inserts) == 3


def test_a_row_refers_to_a_row_still_held_back(tmp_path):
    objects = [
        story("मूल-ख़बर"),
        story("copy-en", language="en", translation_of=["मूल-ख़बर"]),
        {
            "model": "articles.quote",
            "fields": {
                "article": ["copy-en"],
                "position": 1,
                "speaker": [PersonFactory().slug],
                "text": "ख़बर",
            },
        },
    ]
    load(tmp_path, objects)
    english = Article.objects.get(slug="copy-en")
    assert english.translation_of == Article.objects.get(slug="मूल-ख़बर")
    assert english.quotes.get().text == "ख़बर"


def test_a_load_mixing_new_and_existing_rows(tmp_path, small_batches):
    existing = ArticleFactory(slug="old", headline="पुरानी")
    created = Article.objects.get(pk=existing.pk).created_at
    objects = [
        story("new-0"),
        story("old", headline="नई सुर्ख़ी"),
        story("new-1"),
        story("new-2"),
        story("new-3"),
    ]
    load(tmp_path, objects)
    old = Article.objects.get(slug="old")
    assert (old.pk, old.headline, old.created_at) == (existing.pk, "नई सुर्ख़ी", created)
    assert old.updated_at > created
    new = Article.objects.filter(slug__startswith="new-").order_by("pk")
    assert [a.slug for a in new] == ["new-0", "new-1", "new-2", "new-3"]
    # and again: the same rows, nothing changed
    stamps = dict(Article.objects.values_list("slug", "updated_at"))
    _, writes = load(tmp_path, objects)
    assert dict(Article.objects.values_list("slug", "updated_at")) == stamps
    assert not [w for w in writes if w.startswith("INSERT")]


# Where the held rows are written when one of them fails: a full batch, the end of the
# fixture, a later row asking for a held row's pk.
BROKEN = {
    "batch": ["bad-0", "kept", "bad-1", "bad-2!", "bad-3"],
    "end": ["bad-0", "kept", "bad-1", "bad-2!"],
    "lookup": ["bad-0", "kept", "bad-1", "bad-2!", "bad-3>bad-1"],
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", BROKEN)
def test_a_failure_in_held_rows_names_the_row_and_loses_nothing(tmp_path, monkeypatch, where):
    from articles.management.commands.loaddata import Command

    monkeypatch.setattr(Command, "BATCH", 2 if where == "batch" else 100)
    ArticleFactory(slug="kept", headline="रहेगी")
    objects = []
    for name in BROKEN[where]:
        slug, _, original = name.rstrip("!").partition(">")
        fields = {"translation_of": [original], "language": "en"} if original else {}
        if name.endswith("!"):  # published with no time: article_published_has_time
            fields["status"] = "published"
        objects.append(story(slug, **fields))
    objects[1]["fields"]["headline"] = "बदली"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception) as failure:
        call_command("loaddata", str(path), verbosity=0)
    message = str(failure.value)
    assert "broken.json" in message and "Could not load articles.Article(pk=None)" in message
    assert "field_value" not in message  # not blamed on another row's value
    assert not Article.objects.filter(slug__startswith="bad-").exists()
    assert Article.objects.get(slug="kept").headline == "रहेगी"


def test_a_large_load_is_analysed_at_once_on_postgresql(tmp_path):
    """Autovacuum's rule (50 rows plus a tenth of what the table had) without its wait."""
    if connection.vendor != "postgresql":
        pytest.skip("Planner statistics are PostgreSQL's concern (SQLite is never analysed).")

    def analysed(objects):
        path = tmp_path / f"fixture-{len(objects)}.json"
        path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
        with CaptureQueriesContext(connection) as queries:
            call_command("loaddata", str(path), verbosity=0)
        return {q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")}

    def counted(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            return cursor.fetchone()[0]

    # 80 stories, their quotes and tag links: each table is analysed, with the link
    # tables of its many-to-many fields (bylines and tags are links too).
    tables = {
        "articles_article",
        "articles_articleauthor",
        "articles_article_people",
        "articles_article_organisations",
        "articles_article_sources",
        "articles_articletag",
        "articles_quote",
        "articles_quotetag",
    }
    # ANALYZE writes its counts in place, past any rollback: earlier tests' loads left
    # theirs. Counted afresh, the tables hold what this test sees: nothing yet.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    assert counted("articles_article") == 0
    rows = template()
    assert analysed(stories(rows, 3)) == set()  # 3 stories: the planner's guess will do
    many = stories(rows, 80)
    assert analysed(many) == {f'ANALYZE "{table}"' for table in tables}
    assert counted("articles_article") >= 80
    assert counted("articles_quote") >= 80
    # Loaded again: 80 rows changed of the 80 counted is still more than 50 + 8.
    assert 'ANALYZE "articles_article"' in analysed(many)
