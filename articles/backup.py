"""Backing up the whole newsroom into one archive, and restoring it into an empty database.

``manage.py backup_newsroom FILE`` writes a tar archive (``.tar``, or compressed for
``.tar.gz``/``.tgz``/``.tar.xz``) holding:

- ``manifest.json``: when, from which database, each model's row count, each file's size
  and SHA-256;
- ``data/NNN-<app>.<model>.json``: every row of every installed app's models, read at run
  time from INSTALLED_APPS (content, tag links, history versions, corrections, share links,
  images, users, groups, permissions, OTP devices, the admin's log), in an order that loads
  (``django.core.serializers.sort_dependencies``). Left out: sessions (logins end anyway)
  and django-axes' login-attempt logs. Proxy models are their concrete model's rows;
- ``media/<name>``: every file of the default storage (photographs and their renditions).

**Keys.** Rows keep their primary keys: simple-history's versions refer to their record by
its id (a plain integer, no foreign key), so the history is only identical if the ids are.
References are written as natural keys (``--natural-foreign``), so they do not depend on
the ids of the rows ``migrate`` creates itself: content types, permissions and groups,
which are matched by natural key (``--natural-primary``) and carry no id. Versions'
references are written as raw ids (their foreign keys have no constraint and may name a
deleted row, which has no natural key to write).

``manage.py restore_newsroom FILE`` loads it through the project's ``loaddata`` in one
transaction into a database that ``migrate`` has just created, and refuses one holding any
row of its own (content types, permissions and groups aside, which migrate makes). It checks
every model's row count against the manifest before committing. The files are written to
the default storage after the rows are committed, each checked against its SHA-256; a file
already there with other bytes is refused before anything is loaded.
"""

import contextlib
import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from tqdm import tqdm

FORMAT_VERSION = 1
# Apps whose rows are not the newsroom: logins in progress, and django-axes' attempt logs.
SKIPPED_APPS = {"sessions", "axes"}
# Rows that `migrate` creates itself, with ids of its own: matched by natural key.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "auth.group", "sites.site"}


def models_to_dump():
    """[(model, natural_foreign, natural_primary)] in an order that loads."""
    app_list = [
        (config, [m for m in config.get_models() if not m._meta.proxy])
        for config in apps.get_app_configs()
        if config.label not in SKIPPED_APPS
    ]
    app_list = [(config, models) for config, models in app_list if models]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        (
            model,
            # A foreign key without a constraint (a history version's) may name a row that
            # is gone: written as the raw id, since a missing row has no natural key.
            all(f.db_constraint for f in model._meta.concrete_fields if f.many_to_one),
            model._meta.label_lower in MADE_BY_MIGRATE and hasattr(model, "natural_key"),
        )
        for model in ordered
    ]


def _media_files(storage, directory=""):
    directories, files = storage.listdir(directory)
    for name in sorted(files):
        yield str(PurePosixPath(directory, name)) if directory else name
    for sub in sorted(directories):
        yield from _media_files(storage, str(PurePosixPath(directory, sub)) if directory else sub)


def _sha256(handle):
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _mode(path, writing):
    name = str(path).lower()
    if name.endswith((".tar.gz", ".tgz")):
        compression = "gz"
    elif name.endswith(".tar.xz"):
        compression = "xz"
    else:
        compression = ""
    return f"w:{compression}" if writing else "r:*"


@contextlib.contextmanager
def _snapshot(using):
    """One read-only snapshot of every table, so the rows and the references between them
    agree, that blocks no editor: PostgreSQL's REPEATABLE READ; on SQLite a deferred read
    transaction (WAL keeps its snapshot while writers commit), not Django's atomic(), which
    the settings make IMMEDIATE, a write lock that would hold every save up."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")


def backup(path, *, using=DEFAULT_DB_ALIAS, progress=True):
    """Write the archive at ``path``; returns the manifest."""
    path = Path(path)
    manifest = {
        "format": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": connections[using].vendor,
        "models": {},
        "files": {},
    }
    plan = models_to_dump()
    partial = path.with_name(f".{path.name}.partial")
    with tarfile.open(partial, _mode(path, writing=True)) as archive:
        with _snapshot(using):
            for position, (model, natural_foreign, natural_primary) in enumerate(
                tqdm(plan, desc="tables", unit="table", disable=not progress)
            ):
                queryset = model._base_manager.using(using).order_by("pk")
                stream = io.StringIO()
                rows = [0]

                def counted(queryset=queryset, rows=rows):
                    for row in queryset.iterator(chunk_size=2000):
                        rows[0] += 1
                        yield row

                serializers.serialize(
                    "json",
                    counted(),
                    stream=stream,
                    use_natural_foreign_keys=natural_foreign,
                    use_natural_primary_keys=natural_primary,
                )
                label = model._meta.label_lower
                manifest["models"][label] = count = rows[0]
                if count:  # loaddata warns of a file with no rows
                    data = stream.getvalue().encode()
                    _add_bytes(archive, f"data/{position:03d}-{label}.json", data)
        names = list(_media_files(default_storage)) if default_storage.exists("") else []
        for name in tqdm(names, desc="files", unit="file", disable=not progress):
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            manifest["files"][name] = {
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            _add_bytes(archive, f"media/{name}", data)
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    partial.replace(path)  # never a half-written archive under the real name
    return manifest


def _rows_present(using):
    present = {}
    for model, _, _ in models_to_dump():
        label = model._meta.label_lower
        if label in MADE_BY_MIGRATE:
            continue
        count = model._base_manager.using(using).count()
        if count:
            present[label] = count
    return present


def _safe_member(name):
    parts = PurePosixPath(name).parts
    if PurePosixPath(name).is_absolute() or ".." in parts or not parts:
        raise CommandError(f"The archive holds an unsafe path: {name!r}.")
    return name


def restore(path, *, using=DEFAULT_DB_ALIAS, progress=True):
    """Load the archive at ``path`` into an empty database; returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"No archive at {path}.")
    present = _rows_present(using)
    if present:
        listed = ", ".join(f"{count} {label}" for label, count in sorted(present.items()))
        raise CommandError(
            "Refusing to restore into a database that already holds data "
            f"({listed}). Restore into a new, freshly migrated database."
        )
    with (
        tempfile.TemporaryDirectory(prefix="restore-") as scratch,
        tarfile.open(path, _mode(path, writing=False)) as archive,
    ):
        scratch = Path(scratch)
        members = [m for m in archive.getmembers() if m.isfile()]
        names = {m.name for m in members}
        if "manifest.json" not in names:
            raise CommandError(f"{path} is not a newsroom backup (no manifest.json).")
        for member in members:
            _safe_member(member.name)
        archive.extractall(scratch, members=members, filter="data")
        manifest = json.loads((scratch / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
        files = manifest["files"]
        for name, expected in files.items():
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    if _sha256(handle) != expected["sha256"]:
                        raise CommandError(
                            f"{name} already exists in the media storage with other bytes; "
                            "restore into an empty media storage."
                        )
        fixtures = sorted(str(p) for p in (scratch / "data").glob("*.json"))
        with transaction.atomic(using=using):
            call_command("loaddata", *fixtures, database=using, verbosity=0)
            for label, expected in manifest["models"].items():
                model = apps.get_model(label)
                count = model._base_manager.using(using).count()
                exact = label not in MADE_BY_MIGRATE
                if (count != expected) if exact else (count < expected):
                    raise CommandError(
                        f"{label}: {count} rows after loading, the backup has {expected}."
                    )
        # Rows committed: now the files, checked byte for byte against the manifest.
        for name in tqdm(sorted(files), desc="files", unit="file", disable=not progress):
            source = scratch / "media" / name
            with source.open("rb") as handle:
                if _sha256(handle) != files[name]["sha256"]:
                    raise CommandError(f"{name} in the archive is damaged (SHA-256 differs).")
            if default_storage.exists(name):
                continue  # the same bytes, checked above
            with source.open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}.")
    return manifest
