import pytest

from articles.collation import group_by_initial, initial, sort_key
from articles.tests.factories import PersonFactory

# Each list is in dictionary order, and differs from code-point order.
DEVANAGARI = [
    "अंकित",  # anusvara first after its base
    "अब",
    "आनंद",  # independent vowels in alphabet order, all before consonants
    "इरा",
    "ऋषि",
    "ओम",
    "कँवर",  # chandrabindu, then anusvara, before any other letter after क
    "कंवल",
    "कमल",
    "काजल",  # vowel signs after the bare consonant
    "क़ासिम",  # nukta letters sort with their base: क़ा = का, then ज < स
    "क्षमा",  # the conjunct (virama) after every vowel sign
    "खन्ना",
    "ख़ान",
    "जया",
    "ज़ोया",
    "हरि",
]
LATIN = ["alice", "Bob", "Émile", "zed", "Zoe"]


def test_devanagari_names_sort_in_dictionary_order():
    assert sorted(DEVANAGARI, key=sort_key) == DEVANAGARI
    assert sorted(DEVANAGARI) != DEVANAGARI  # code-point order would be wrong


def test_latin_names_sort_ignoring_case_and_accents():
    assert sorted(["Zoe", "zed", "Émile", "Bob", "alice"], key=sort_key) == LATIN
    assert sorted(LATIN) != LATIN


def test_sort_is_on_nfc_text():
    decomposed = "क\u093cासिम"
    assert sort_key(decomposed) == sort_key("क़ासिम")


@pytest.mark.parametrize(
    ("name", "letter"), [("क़ासिम", "क"), ("ऋषि", "ऋ"), ("émile", "E"), ("  zoe", "Z"), ("1", "#")]
)
def test_index_letter(name, letter):
    assert initial(name) == letter


@pytest.mark.django_db
def test_people_grouped_by_letter_in_each_script():
    people = [
        PersonFactory(name="क़ासिम अली", name_latin="Qasim Ali"),
        PersonFactory(name="काजल", name_latin="kajal"),
        PersonFactory(name="अमित", name_latin=""),
        PersonFactory(name="Zoe Smith", name_latin="", aliases="ज़ो स्मिथ"),
    ]
    deva = group_by_initial(people, script="deva")
    assert [(letter, [name for name, _ in entries]) for letter, entries in deva] == [
        ("अ", ["अमित"]),
        ("क", ["काजल", "क़ासिम अली"]),
        ("ज", ["ज़ो स्मिथ"]),
    ]
    latin = group_by_initial(people, script="latn")
    assert [(letter, [name for name, _ in entries]) for letter, entries in latin] == [
        ("K", ["kajal"]),
        ("Q", ["Qasim Ali"]),
        ("Z", ["Zoe Smith"]),
    ]
