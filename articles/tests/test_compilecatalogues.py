"""manage.py compilecatalogues: the project's .po files compiled without GNU gettext."""

import ast
import gettext
import site
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.management.commands.compilecatalogues import compile_catalogue, project_catalogues

ARTICLES_PO = Path(settings.BASE_DIR) / "articles/locale/hi/LC_MESSAGES/django.po"


def test_finds_the_project_catalogues_and_no_installed_package_catalogue():
    found = project_catalogues()
    assert ARTICLES_PO in found
    installed = [Path(p) for p in site.getsitepackages()]
    assert not [po for po in found if any(po.is_relative_to(p) for p in installed)]
    assert all(po.is_relative_to(settings.BASE_DIR) for po in found)


def test_compiles_translated_entries_and_leaves_out_fuzzy_ones(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "hi"}
    po.append(polib.POEntry(msgid="tags", msgstr="टैग"))
    po.append(polib.POEntry(msgid="guess", msgstr="अनुमान", flags=["fuzzy"]))
    po.append(
        polib.POEntry(
            msgid="%(count)d tag",
            msgid_plural="%(count)d tags",
            msgstr_plural={0: "%(count)d टैग", 1: "%(count)d टैग"},
        )
    )
    path = tmp_path / "django.po"
    po.save(str(path))

    mo = compile_catalogue(path)

    assert mo == tmp_path / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("tags") == "टैग"
    assert catalogue.gettext("guess") == "guess"
    assert catalogue.ngettext("%(count)d tag", "%(count)d tags", 3) == "%(count)d टैग"


def test_a_broken_catalogue_fails_clearly(tmp_path):
    path = tmp_path / "django.po"
    path.write_text('msgid "fine"\nmsgstr "ठीक"\nthis is not gettext\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"django\.po"):
        compile_catalogue(path)


def test_the_committed_hindi_catalogue_is_complete_and_compiles():
    catalogue = polib.pofile(str(ARTICLES_PO))
    assert catalogue.metadata["Language"] == "hi"
    assert not catalogue.metadata_is_fuzzy
    assert [e.msgid for e in catalogue if not e.obsolete and not e.translated()] == []
    call_command("compilecatalogues")
    assert ARTICLES_PO.with_suffix(".mo").exists()


GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def translatable_strings(root: Path) -> set:
    """msgids (and singular/plural pairs) passed as literals to gettext in ``root``'s code."""
    found = set()
    for source in root.rglob("*.py"):
        if {"tests", "migrations"} & set(source.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            literals = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
            if name in GETTEXT_CALLS and literals and isinstance(literals[0], str):
                found.add(tuple(literals) if name.startswith("ngettext") else literals[0])
    return found


def test_the_hindi_catalogue_covers_every_string_in_the_code():
    committed = set()
    for entry in polib.pofile(str(ARTICLES_PO)):
        committed.add((entry.msgid, entry.msgid_plural) if entry.msgid_plural else entry.msgid)
    used = translatable_strings(Path(settings.BASE_DIR) / "articles")
    assert "Merge tags" in used  # the extraction itself works: plain, lazy and plural
    assert "old slugs" in used
    assert ("%(count)d tag merged into “%(tag)s”.", "%(count)d tags merged into “%(tag)s”.") in used
    missing = used - committed
    assert missing == set(), (
        "Add these to articles/locale/hi/LC_MESSAGES/django.po with their Hindi: "
        "cd articles && django-admin makemessages -l hi --ignore='tests/*' "
        "--ignore='migrations/*', then translate"
    )
