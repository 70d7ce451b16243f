"""Compile the project's translation catalogues (.po → .mo) without GNU gettext.

Django's compilemessages needs msgfmt, which many machines lack; polib is pure Python.
The .mo files are build products (git-ignored), so `make run`, `make test` and the test
suite's set-up compile them. Only the project's own catalogues are compiled: those under
LOCALE_PATHS and each project app's ``locale`` directory, never installed packages'.
"""

import os
import site
import sys
import tempfile
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def project_catalogues():
    """Every .po file of the project, sorted."""
    base = Path(settings.BASE_DIR).resolve()
    # The virtual environment may live inside the project: never touch installed packages'
    # catalogues (they ship compiled).
    installed = [Path(p).resolve() for p in {sys.prefix, sys.base_prefix, *site.getsitepackages()}]
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(base) and not any(path.is_relative_to(p) for p in installed):
            dirs.append(path / "locale")
    return sorted({po for d in dirs if d.is_dir() for po in d.glob("*/LC_MESSAGES/*.po")})


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo next to ``po_path`` (fuzzy and obsolete entries left out, as msgfmt does)."""
    try:
        catalogue = polib.pofile(str(po_path))
    except (OSError, ValueError) as error:
        raise CommandError(f"{po_path}: {error}") from error
    for entry in list(catalogue):
        if "fuzzy" in entry.flags:
            catalogue.remove(entry)
    mo_path = po_path.with_suffix(".mo")
    # Written beside it and renamed into place: a server or a second test run reading the
    # catalogue while this one compiles sees the old file or the new one, never half of one.
    fd, partial = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.name}.")
    os.close(fd)
    try:
        catalogue.save_as_mofile(partial)
        os.chmod(partial, 0o644)
        os.replace(partial, mo_path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return mo_path


class Command(BaseCommand):
    help = "Compile the project's .po translation catalogues to .mo (pure Python, no msgfmt)."

    def handle(self, *args, **options):
        for po_path in project_catalogues():
            mo_path = compile_catalogue(po_path)
            if options["verbosity"] > 1:
                self.stdout.write(f"{po_path} → {mo_path.name}")
