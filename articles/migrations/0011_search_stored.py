"""Search that scales: what articles.search matches is stored and indexed, never
recomputed per row at query time.

* PostgreSQL: each searched table gets a stored generated column ``search_document``, the
  weighted tsvector 0004_search's expression indexes were built on, under a GIN index of
  the same name; the expression indexes go. PostgreSQL keeps the column exact on every
  write (the admin, bulk updates, loaddata, a script).
* SQLite: an FTS5 table per searched table (``<table>_fts``, rowid = the row's id) holding
  the folded text of the same fields, kept exact by triggers on insert, update and delete,
  so loaddata and bulk updates are covered too. The triggers call ``newsroom_fold()``,
  which every Django connection has (articles.lookups); a writer outside Django (the
  sqlite3 shell) must register it or leave these tables alone. The unicode61 tokenizer's
  default categories split words at Devanagari vowel signs (they are marks), so the
  categories include M*; ``remove_diacritics 0`` keeps Latin accents too.

A later migration that makes SQLite remake one of these tables (Django's schema editor
copies it into a new table) drops its triggers: run ``install_sqlite`` again after it.
test_search checks the index is exact after every migration.
"""

import importlib

from django.db import migrations

search_0004 = importlib.import_module("articles.migrations.0004_search")

#: table → (the 0004/0009 index on the expression, the fields in document order).
SEARCHED = {
    "articles_article": ("article_search_idx", search_0004.INDEXES["article_search_idx"][1]),
    "articles_person": ("person_search_idx", search_0004.INDEXES["person_search_idx"][1]),
    "articles_quote": ("quote_search_idx", search_0004.INDEXES["quote_search_idx"][1]),
    "articles_organisation": (
        "organisation_search_idx",
        importlib.import_module("articles.migrations.0009_organisation_search").INDEXES[
            "organisation_search_idx"
        ][1],
    ),
}

TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"


def _columns(fields):
    return [name for name, _, _ in fields]


def install_postgresql(schema_editor):
    for table, (index, fields) in SEARCHED.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        install_postgresql_table(schema_editor, table, index, fields)


def install_postgresql_table(schema_editor, table, index, fields):
    """The stored ``search_document`` column of ``table`` and its GIN index ``index``."""
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_document tsvector "
        f"GENERATED ALWAYS AS {search_0004.document(fields)} STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_document)"
    )


def install_sqlite(schema_editor):
    """Create (or re-create) the FTS5 tables and their triggers, and fill them."""
    for table, (_, fields) in SEARCHED.items():
        install_sqlite_table(schema_editor, table, fields)


def install_sqlite_table(schema_editor, table, fields):
    """Create (or re-create) ``table``'s FTS5 table and its triggers, and fill it."""
    fts, columns = f"{table}_fts", _columns(fields)
    listed = ", ".join(columns)
    new = ", ".join(f"newsroom_fold(new.{column})" for column in columns)
    for trigger in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
    schema_editor.execute(
        f'CREATE VIRTUAL TABLE {fts} USING fts5({listed}, tokenize="{TOKENIZER}")'
    )
    schema_editor.execute(
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, {listed} ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {fts} WHERE rowid = old.id; END"
    )
    folded = ", ".join(f"newsroom_fold({column})" for column in columns)
    schema_editor.execute(f"INSERT INTO {fts}(rowid, {listed}) SELECT id, {folded} FROM {table}")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        install_postgresql(schema_editor)
    elif vendor == "sqlite":
        install_sqlite(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, (index, fields) in SEARCHED.items():
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                f"USING gin ({search_0004.document(fields)})"
            )
        elif vendor == "sqlite":
            for trigger in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{trigger}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_organisation_redirects_correction_constraint"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
