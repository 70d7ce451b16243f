"""Full-text search on PostgreSQL: the ``hindi`` text-search configuration and one GIN
expression index per searched model (see articles/search.py). Nothing to do on SQLite,
whose search scans in Python.

The indexed expressions must stay identical to those articles.search builds, or the
planner cannot use the indexes; test_search checks that it does.
"""

from django.db import migrations

FOLD = "translate(COALESCE({column}, ''), 'ऩऱऴ\u093c', 'नरळ')"


def document(fields):
    parts = []
    for name, weight, config in fields:
        folded = FOLD.format(column='"' + name + '"')
        parts.append(f"setweight(to_tsvector('{config}'::regconfig, {folded}), '{weight}')")
    return "(" + " || ".join(parts) + ")"


INDEXES = {
    "article_search_idx": (
        "articles_article",
        [("headline", "A", "simple"), ("summary", "B", "hindi"), ("body", "C", "hindi")],
    ),
    "person_search_idx": (
        "articles_person",
        [
            ("name", "A", "simple"),
            ("name_latin", "A", "simple"),
            ("aliases", "A", "simple"),
            ("description", "B", "simple"),
            ("bio", "C", "hindi"),
        ],
    ),
    "quote_search_idx": (
        "articles_quote",
        [("text", "A", "hindi"), ("original_text", "B", "simple")],
    ),
}

# The PostgreSQL 15 these machines run (Debian 12's) has a Snowball "hindi" configuration
# (stemmer, no stop words). Where a server has none, make one from "simple" so that queries
# naming it still work: words are then matched unstemmed (inflected forms only by prefix).
CREATE_HINDI = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'hindi') THEN
        CREATE TEXT SEARCH CONFIGURATION public.hindi (COPY = pg_catalog.simple);
    END IF;
END
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_HINDI)
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({document(fields)})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
