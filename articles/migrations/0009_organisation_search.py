"""The GIN expression index for searching organisations on PostgreSQL, built by the same
document function as the other kinds' (0004_search), over the fields articles.search
gives organisations. Nothing to do on SQLite."""

import importlib

from django.db import migrations

search_0004 = importlib.import_module("articles.migrations.0004_search")

INDEXES = {
    "organisation_search_idx": (
        "articles_organisation",
        [
            ("name", "A", "simple"),
            ("name_latin", "A", "simple"),
            ("aliases", "A", "simple"),
            ("description", "C", "hindi"),
        ],
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ({search_0004.document(fields)})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_organisations_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
