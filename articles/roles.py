"""The desk's two roles, Editors and Reporters, as Django groups.

Editors may do everything in the articles and history apps: publish
(``articles.publish_article``), corrections, delete, tag merge (``articles.merge_tags``),
share links, sections, restoring versions. Reporters create and edit drafts with their
quotes, sources, people, organisations and bylines (a byline is part of its article: no
permission of its own), and upload images and pick a draft's section and lead image; the admin
(articles/admin/desk.py) keeps them off published articles, and they have no delete,
publish, correction, share-link, section-editing or tag-merge permission at all.

Migration 0003_roles creates the groups; ``sync_groups`` runs again after every ``migrate``
(see articles/history/apps.py), so a model added later is an Editors' model at once, and a
database flushed by a test run gets its groups back.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

EDITORS = "Editors"
REPORTERS = "Reporters"
APP_LABELS = ["articles", "articles_history"]

# (model, actions, app label) for Reporters.
REPORTER_PERMISSIONS = [
    ("article", ["add", "change", "view"], "articles"),
    ("quote", ["add", "change", "view"], "articles"),
    ("source", ["add", "change", "view"], "articles"),
    ("person", ["add", "change", "view"], "articles"),
    ("organisation", ["add", "change", "view"], "articles"),
    # A person's roles are edited on the person's page, like the person (no delete).
    ("affiliation", ["add", "change", "view"], "articles"),
    ("image", ["add", "change", "view"], "articles"),
    ("correction", ["view"], "articles"),
    ("tag", ["view"], "articles"),
    # Viewing is what picking one in an article's section box takes.
    ("section", ["view"], "articles"),
    ("historicalarticle", ["view"], "articles_history"),
    ("historicalquote", ["view"], "articles_history"),
    ("historicalsource", ["view"], "articles_history"),
    ("historicalperson", ["view"], "articles_history"),
    ("historicalorganisation", ["view"], "articles_history"),
    ("historicalaffiliation", ["view"], "articles_history"),
    ("historicalimage", ["view"], "articles_history"),
    ("historicalsection", ["view"], "articles_history"),
]


def sync_groups(apps, using=DEFAULT_DB_ALIAS):
    """Create the two groups if missing and set their permissions to exactly the above.

    ``apps`` is an app registry (a migration's, or django.apps.apps). Idempotent.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    editors, _ = Group.objects.using(using).get_or_create(name=EDITORS)
    editors.permissions.set(
        Permission.objects.using(using).filter(content_type__app_label__in=APP_LABELS)
    )
    wanted = Q()
    for model, actions, app_label in REPORTER_PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    reporters, _ = Group.objects.using(using).get_or_create(name=REPORTERS)
    reporters.permissions.set(Permission.objects.using(using).filter(wanted))


def sync_groups_after_migrate(sender, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver: permissions exist by now (Django creates them on the same
    signal, earlier), so the groups can be brought up to date. ``flush`` sends the signal
    without ``apps``: the installed apps are meant."""
    try:
        apps.get_model("auth", "Group")
        apps.get_model("articles", "Article")
    except LookupError:  # migrating backwards, or auth not installed yet
        return
    sync_groups(apps, using)
