"""The desk's two roles, as groups: Editors and Reporters.

Editors may do everything in the articles app (publish, corrections, delete, tag merge,
share links, history). Reporters create and edit drafts with their quotes and sources;
the admin (articles/admin/) stops them from publishing, deleting or changing a
published article, whatever the table-level permissions below say.
"""

from django.db import migrations
from django.db.models import Q

EDITORS = "Editors"
REPORTERS = "Reporters"

# (model, actions, app label) for Reporters. No delete anywhere, no publish_article, no
# corrections, no share links, no tag merge.
REPORTER_PERMISSIONS = [
    ("article", ["add", "change", "view"], "articles"),
    ("quote", ["add", "change", "view"], "articles"),
    ("source", ["add", "change", "view"], "articles"),
    ("person", ["add", "change", "view"], "articles"),
    ("correction", ["view"], "articles"),
    ("tag", ["view"], "articles"),
    # The audit trail, in the articles_history app: reporters read it; reverting an
    # article needs change permission on the article itself (see ArticleAdmin).
    ("historicalarticle", ["view"], "articles_history"),
    ("historicalquote", ["view"], "articles_history"),
    ("historicalsource", ["view"], "articles_history"),
    ("historicalperson", ["view"], "articles_history"),
]


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run (post_migrate); the
    # groups need them now, including the custom publish_article and merge_tags.
    for label in ("contenttypes", "auth", "articles", "articles_history"):
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias

    editors, _ = Group.objects.using(db).get_or_create(name=EDITORS)
    editors.permissions.set(
        Permission.objects.using(db).filter(
            content_type__app_label__in=["articles", "articles_history"]
        )
    )

    reporters, _ = Group.objects.using(db).get_or_create(name=REPORTERS)
    wanted = Q()
    for model, actions, app_label in REPORTER_PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    reporters.permissions.set(Permission.objects.using(db).filter(wanted))


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=[EDITORS, REPORTERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_sharelinks_permissions"),
        ("articles_history", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
