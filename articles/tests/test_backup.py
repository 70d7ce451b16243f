"""Backup and restore (issue 13): `manage.py backup_newsroom` then `restore_newsroom` into an
empty database gives the same newsroom, row for row, file for file, tag link for tag link,
on SQLite, on PostgreSQL and from one to the other.

The commands run as subprocesses with their own DATABASE_URL and MEDIA_ROOT, as an operator
runs them: the source is this run's test database, the target a new SQLite file or a new
PostgreSQL database made here and dropped after.
"""

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection

from articles.models import Article, Person, ShareLink, SlugRedirect
from articles.tests.conftest import require_or_skip
from articles.tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    CorrectionFactory,
    ImageFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SectionFactory,
)
from articles.tests.test_serving import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
# Tables that must hold rows in the backed-up newsroom, so that a test that restores them
# empty cannot pass by accident.
MUST_HAVE_ROWS = {
    "articles.article",
    "articles.articleauthor",
    "articles.articletag",
    "articles.persontag",
    "articles.quotetag",
    "articles.tag",
    "articles.section",
    "articles.image",
    "articles.organisation",
    "articles.person",
    "articles.source",
    "articles.affiliation",
    "articles.quote",
    "articles.correction",
    "articles.sharelink",
    "articles.slugredirect",
    "articles_history.historicalarticle",
    "articles_history.historicalperson",
    "articles_history.historicalquote",
    "articles_history.historicalimage",
    "auth.user",
    "auth.group",
    "auth.permission",
    "contenttypes.contenttype",
}

# Every row of every backed-up table as JSON: by primary key where the backup keeps it,
# by content where it matches rows by natural key; references by natural key, so that
# two databases whose content types, permissions and groups have other ids compare equal.
CANONICAL = """
import json

import django

django.setup()
from django.core import serializers

from articles.backup import models_to_dump

tables = {}
for model, natural_foreign, natural_primary in models_to_dump():
    m2m = {field.name for field in model._meta.many_to_many}
    rows = []
    text = serializers.serialize(
        "json",
        model._base_manager.order_by("pk"),
        use_natural_foreign_keys=True if natural_primary else natural_foreign,
        use_natural_primary_keys=natural_primary,
    )
    for row in json.loads(text):
        fields = {
            name: sorted(value, key=json.dumps) if name in m2m else value
            for name, value in row["fields"].items()
        }
        rows.append([row.get("pk"), fields])
    tables[model._meta.label_lower] = sorted(rows, key=json.dumps)
print(json.dumps(tables, ensure_ascii=False))
"""


def run(env, *args, check=True):
    result = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def environment(url, media):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "t",
        "DEBUG": "",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
    }


def canonical(env):
    return json.loads(run(env, "-c", CANONICAL).stdout)


def files(root):
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def newsroom():
    """The seed story plus a row of every model, history versions of edits and of a
    deletion, tags on all three kinds, users in groups, an OTP device, a share link."""
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)
    photo = ImageFactory()
    section = SectionFactory()
    person = PersonFactory(photo=photo)
    person.tags.add("पत्रकारिता", "AI सेफ्टी")
    organisation = OrganisationFactory()
    AffiliationFactory(person=person, organisation=organisation)
    article = ArticleFactory(
        section=section,
        lead_image=photo,
        people=[person],
        organisations=[organisation],
        tags=["इस्तीफ़ा", "AI सेफ्टी"],
        authors=[PersonFactory()],
    )
    quote = QuoteFactory(article=article, speaker=person)
    quote.tags.add("बयान")
    CorrectionFactory(article=article, quote=quote)
    # History: two edits and a deleted person (versions naming a row that is gone).
    article.headline = "संशोधित शीर्षक"
    article.save()
    article.summary = "नया सारांश"
    article.save()
    PersonFactory(name="हटाया गया व्यक्ति").delete()
    old_slug = article.slug
    article.slug = "नया-पता"
    article.save()
    if not SlugRedirect.objects.filter(old_slug=old_slug).exists():
        SlugRedirect.objects.create(kind=SlugRedirect.Kind.ARTICLE, old_slug=old_slug,
                                    new_slug=article.slug)  # fmt: skip
    users = get_user_model()
    editor = users.objects.create_user("sampadak", "s@example.org", "पासवर्ड-लंबा-123")
    editor.groups.add(*Group.objects.all()[:1])
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    group = Group.objects.create(name="डेस्क")
    group.permissions.add(Permission.objects.get(codename="view_article"))
    editor.groups.add(group)
    users.objects.create_superuser("admin", "a@example.org", "another-long-password")
    ShareLink.objects.create(article=ArticleFactory(draft=True), created_by=editor)
    if "django_otp.plugins.otp_totp" in settings.INSTALLED_APPS:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=editor, name="फ़ोन")
    assert Article.objects.get(pk=article.pk).history.count() >= 4
    assert Person.history.filter(history_type="-").exists()


def postgres_server():
    """The PostgreSQL this run may create a database on: the test database's server, or
    the local one when the run is on SQLite."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return {
            "host": db["HOST"] or "localhost",
            "port": db["PORT"] or 5432,
            "user": db["USER"] or "",
            "password": db["PASSWORD"] or "",
        }
    return {"host": "127.0.0.1", "port": 5432, "user": "root", "password": ""}


def postgres_url(server, name):
    quote = urllib.parse.quote
    credentials = quote(server["user"]) + (
        f":{quote(server['password'])}" if server["password"] else ""
    )
    return f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"


@pytest.fixture
def target(request, tmp_path):
    """(DATABASE_URL, MEDIA_ROOT) of an empty, migrated database of the requested kind."""
    kind = request.param
    media = tmp_path / "restored-media"
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        run(environment(url, media), "manage.py", "migrate", "--noinput", "-v", "0")
        yield url, media
        return
    import psycopg

    server = postgres_server()
    name = f"restore_{os.getpid()}"
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **server)
    except psycopg.OperationalError as error:
        require_or_skip(f"No PostgreSQL to restore into: {error}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = postgres_url(server, name)
            run(environment(url, media), "manage.py", "migrate", "--noinput", "-v", "0")
            yield url, media
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("target", ["sqlite", "postgresql"], indirect=True)
def test_a_restored_backup_is_the_same_newsroom(newsroom, target, media_root, tmp_path):
    source = environment(database_url(), media_root)
    archive = tmp_path / "newsroom.tar.gz"
    backed_up = run(source, "manage.py", "backup_newsroom", str(archive), "-v", "0")
    assert "Backed up" in backed_up.stdout

    url, media = target
    restored_env = environment(url, media)
    restored = run(restored_env, "manage.py", "restore_newsroom", str(archive), "-v", "0")
    assert "Restored" in restored.stdout

    before, after = canonical(source), canonical(restored_env)
    empty = sorted(label for label in MUST_HAVE_ROWS if not before.get(label))
    assert not empty, f"the test newsroom has no rows in {empty}"
    assert before.keys() == after.keys()
    for label in before:
        assert after[label] == before[label], label
    # Every file, originals and renditions, byte for byte.
    originals = files(media_root)
    assert any(name.startswith("renditions/") for name in originals)
    assert files(media) == originals

    # A second restore into what is now a full database is refused, and changes nothing.
    again = run(restored_env, "manage.py", "restore_newsroom", str(archive), check=False)
    assert again.returncode != 0
    assert "Refusing to restore into a database that already holds data" in again.stderr
    assert canonical(restored_env) == after


def test_a_file_that_is_not_a_backup_is_refused_before_anything_is_loaded(tmp_path):
    bogus = tmp_path / "not-a-backup.tar"
    import tarfile

    with tarfile.open(bogus, "w") as archive:
        archive.add(__file__, arcname="something.py")
    env = environment(database_url(), tmp_path / "media")
    result = run(env, "manage.py", "restore_newsroom", str(bogus), check=False)
    assert result.returncode != 0 and "not a newsroom backup" in result.stderr
    assert not Article.objects.exists()
