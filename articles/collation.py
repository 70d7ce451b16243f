"""Dictionary order for people's names: Devanagari (अ आ इ … क ख …) and Latin (A to Z).

Code-point order is wrong for both scripts (it puts "Zoe" before "alice", and क़ासिम, whose
nukta is a separate code point in NFC, before काजल). We sort in Python with the Unicode
Collation Algorithm (``pyuca``, pure Python, so the order is the same on SQLite and
PostgreSQL, whatever collations the database was created with), tailored to the Hindi
dictionary convention:

* anusvara (ं), chandrabindu (ँ) and visarga (ः) come before every other letter or vowel
  sign after the same base (कंगन, कँवर before कमल before काजल); the root collation treats them
  as accents, which would put कंवल after कमल;
* the nukta stays an accent, as in the root collation: क़ sorts with क, ज़ with ज.
"""

import functools
import unicodedata

import pyuca

from articles.text import NUKTA, normalize

__all__ = ["group_by_initial", "script_of", "sort_key"]

_NASALS_AND_VISARGA = {"\u0901": 0x00C3, "\u0902": 0x00C4, "\u0903": 0x00C5}


@functools.cache
def _collator():
    collator = pyuca.Collator()
    # The lowest primary weight of the Devanagari block, less one: lower than every
    # Devanagari letter and vowel sign, so "base + ं" sorts right after the bare base.
    lowest = min(collator.sort_key(chr(cp))[0] for cp in range(0x0904, 0x0940) if _is_letter(cp))
    for char, secondary in _NASALS_AND_VISARGA.items():
        collator.table.add([ord(char)], [[lowest - 1, secondary, 0x0002]])
    return collator


def _is_letter(cp):
    return unicodedata.category(chr(cp)).startswith("L")


def sort_key(value: str) -> tuple:
    """The collation key of ``value`` (NFC first): use with ``sorted(..., key=...)``."""
    return _collator().sort_key(normalize(value))


def script_of(value: str) -> str:
    """ "deva", "latn" or "" for the script of the first letter in ``value``."""
    for char in value:
        if "\u0900" <= char <= "\u097f" and _is_letter(ord(char)):
            return "deva"
        if _is_letter(ord(char)):
            return "latn" if unicodedata.name(char, "").startswith("LATIN") else ""
    return ""


def initial(value: str) -> str:
    """The index letter of a name: its first letter, nukta and accents removed, uppercased."""
    for char in unicodedata.normalize("NFD", normalize(value)):
        if _is_letter(ord(char)):
            return char.upper() if script_of(char) == "latn" else char.replace(NUKTA, "")
    return "#"


def _name_in(person, script):
    """The person's name in ``script``: their name, else the Latin name, else an alias."""
    for name in person.names:
        if script_of(name) == script:
            return name
    return ""


def group_by_initial(people, *, script):
    """``[(letter, [(name, person), …]), …]`` in dictionary order, for ``script`` "deva"/"latn".

    Each person is listed under the first of their names (``Person.names``: the newsroom's
    spelling, the Latin spelling, the aliases) written in that script, and left out of that
    script's index if they have none.
    """
    entries = [(name, person) for person in people if (name := _name_in(person, script))]
    entries.sort(key=lambda entry: (sort_key(entry[0]), entry[1].pk))
    groups = []
    for name, person in entries:
        letter = initial(name)
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append((name, person))
    return groups
