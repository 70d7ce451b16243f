"""Tests for articles.text: NFC, fold(), slugs, the slug validator/converter and find_word().

Plain functions, no database: these run under plain ``pytest -p no:django`` too.
"""

import random
import re
import unicodedata
import urllib.parse

import pytest
import regex
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.utils.text import slugify as django_slugify

from articles import text
from articles.text import (
    SLUG_PATTERN,
    SLUG_RE,
    SlugConverter,
    find_word,
    fold,
    normalize,
    slugify,
    validate_slug,
    word_pattern,
)

NBSP = "\u00a0"
NB_HYPHEN = "\u2011"
NUKTA = "\u093c"
VIRAMA = "\u094d"
ZWJ = "\u200d"
ZWNJ = "\u200c"

SEED_NAMES = {
    "मृणांक शर्मा": "मृणांक-शर्मा",
    "आकाश गुप्ता": "आकाश-गुप्ता",
    "हर्ष मेहता": "हर्ष-मेहता",
    "Dylan Scandinaro": "dylan-scandinaro",
    "Behnam Neyshabur": "behnam-neyshabur",
}

HEADLINE = "'मूल्य हार रहे, प्रेशर जीत रहा', AI कंपनी Anthropic"
LONG_HEADLINE = (
    "मृणांक शर्मा का इस्तीफ़ा: ‘मूल्य हार रहे, प्रेशर जीत रहा’ — AI कंपनी Anthropic के "
    "सुरक्षा शोधकर्ता ने बार‑बार चेतावनी दी, क्षमता और स्वतंत्रता पर प्रश्न; "
    "संस्थापकों ने कहा कि शोध जारी रहेगा। विशेषज्ञों की प्रतिक्रिया, २०२५ की रिपोर्ट और "
    "श्रृंखला के उद्धरण ॥ Dylan Scandinaro, Behnam Neyshabur"
)


# --- normalize --------------------------------------------------------------------------------


def test_normalize_is_nfc():
    decomposed = "इस्तीफ" + "\u092b" + NUKTA + "ा"
    precomposed = "इस्तीफ" + "\u095e" + "ा"  # फ़ as one code point
    assert normalize(decomposed) == normalize(precomposed)
    assert unicodedata.is_normalized("NFC", normalize(precomposed))
    assert normalize("e\u0301") == "\u00e9"


def test_normalize_keeps_whitespace():
    body = "  पहला पैरा।\n\n  दूसरा\tपैरा  "
    assert normalize(body) == body


def test_normalize_nfc_decomposes_nukta_letters():
    # Composition exclusions: NFC keeps क़ as क + nukta. Other code relies on this.
    assert normalize("\u0958") == "\u0915" + NUKTA


def test_normalize_word_by_word_is_exactly_nfc():
    # normalize() takes the words holding a nukta through NFC alone (text._nfc): the same
    # result as NFC of the whole, whatever surrounds them. Nukta-composing letters (न र ळ),
    # marks of other classes on either side (virama 9, anusvara 0, overlay 1, acute 230),
    # letters holding a nukta, Latin that composes, and every kind of break.
    alphabet = [*"नरळकफ़ऩक़ािंँ्", NUKTA, "\u0334", "e", "\u0301", "\u0327", "A", "x", "।"]
    alphabet += [" ", "\n", "\t", "\r", "\u00a0", "\u200d"]
    rng = random.Random(12)
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 24)))
        assert text._nfc(value) == unicodedata.normalize("NFC", value), ascii(value)


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "space", ["\u00a0", "\u202f", "\u2007", "\u2002", "\u2003", "\u2009", "\u3000", "\t", "\n"]
)
def test_fold_unicode_spaces(space):
    assert fold(f"मृणांक{space}शर्मा") == "मृणांक शर्मा"


@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"])
def test_fold_dashes(dash):
    assert fold(f"बार{dash}बार") == "बार-बार"


def test_fold_non_breaking_hyphen_from_seed():
    assert fold("बार‑बार") == fold("बार-बार")
    assert NB_HYPHEN in "बार‑बार"


@pytest.mark.parametrize(
    "quoted",
    [
        "'मूल्य हार रहे'",
        '"मूल्य हार रहे"',
        "‘मूल्य हार रहे’",
        "“मूल्य हार रहे”",
        "‚मूल्य हार रहे‛",
        "„मूल्य हार रहे‟",
        "«मूल्य हार रहे»",
        "‹मूल्य हार रहे›",
        "′मूल्य हार रहे″",
        "मूल्य हार रहे",
    ],
)
def test_fold_quote_marks_are_removed(quoted):
    assert fold(quoted) == "मूल्य हार रहे"


def test_fold_quote_inside_body():
    body = "उन्होंने लिखा, “मूल्य हार रहे, प्रेशर जीत रहा”, और चले गए।"
    quote = "'मूल्य हार रहे, प्रेशर जीत रहा'"
    assert fold(quote) in fold(body)


def test_fold_apostrophes_unified():
    assert fold("don't") == fold("don’t") == fold("dont")


@pytest.mark.parametrize(
    ("with_nukta", "without"),
    [
        ("इस्तीफ़ा", "इस्तीफा"),
        ("\u0958", "क"),
        ("\u0959", "ख"),
        ("\u095a", "ग"),
        ("\u095b", "ज"),
        ("\u095c", "ड"),
        ("\u095d", "ढ"),
        ("\u095e", "फ"),
        ("\u095f", "य"),
        ("\u0929", "न"),  # ऩ, which NFC composes
        ("\u0931", "र"),
        ("\u0934", "ळ"),
        ("ज़रूरत", "जरूरत"),
        ("सड़क", "सडक"),
    ],
)
def test_fold_drops_nukta(with_nukta, without):
    assert fold(with_nukta) == fold(without)
    assert NUKTA not in fold(with_nukta)


def test_fold_nukta_precomposed_and_decomposed():
    assert fold("\u095e") == fold("\u092b" + NUKTA) == "\u092b"


@pytest.mark.parametrize("invisible", ["\u200b", ZWNJ, ZWJ, "\ufeff", "\u2060", "\u00ad"])
def test_fold_removes_invisibles(invisible):
    assert fold(f"क्{invisible}ष") == fold("क्ष")


def test_fold_casefold_and_whitespace():
    assert fold("  AI   कंपनी\u00a0\u00a0ANTHROPIC \n") == "ai कंपनी anthropic"
    assert fold("STRASSE") == fold("Straße")


def test_fold_keeps_matras_virama_and_punctuation():
    assert fold("मृणांक शर्मा ने कहा।") == "मृणांक शर्मा ने कहा।"


@pytest.mark.parametrize("value", [HEADLINE, LONG_HEADLINE, "", "   ", "बार‑बार"])
def test_fold_is_idempotent(value):
    assert fold(fold(value)) == fold(value)


# --- slugify ----------------------------------------------------------------------------------


def test_slugify_examples_from_spec():
    assert slugify("मृणांक शर्मा") == "मृणांक-शर्मा"
    assert slugify("Mrinank Sharma") == "mrinank-sharma"
    assert slugify(HEADLINE) == "मूल्य-हार-रहे-प्रेशर-जीत-रहा-ai-कंपनी-anthropic"


@pytest.mark.parametrize(("name", "slug"), SEED_NAMES.items())
def test_slugify_seed_names(name, slug):
    assert slugify(name) == slug
    assert SLUG_RE.match(slug)


def test_django_slugify_mangles_devanagari():
    # Why articles.text.slugify exists: Django's \w drops every combining mark.
    mangled = django_slugify("मृणांक शर्मा", allow_unicode=True)
    assert mangled != slugify("मृणांक शर्मा")
    assert "\u0943" not in mangled  # vowel sign ृ gone
    assert VIRAMA not in mangled


def test_django_unicode_slug_validator_rejects_our_slugs():
    with pytest.raises(ValidationError):
        validate_unicode_slug("मृणांक-शर्मा")
    validate_slug("मृणांक-शर्मा")


def test_slugify_keeps_nukta_spelling():
    assert slugify("इस्तीफ़ा") != slugify("इस्तीफा")
    assert slugify("इस्तीफ़ा") == normalize("इस्तीफ़ा")
    # ...but typing फ़ precomposed or as फ + nukta gives the same slug.
    assert slugify("इस्ती\u095eा") == slugify("इस्ती\u092b" + NUKTA + "ा")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("मृणांक\u00a0शर्मा", "मृणांक-शर्मा"),
        ("बार‑बार", "बार-बार"),
        ("पहला वाक्य। दूसरा॥ तीसरा", "पहला-वाक्य-दूसरा-तीसरा"),
        ("  --मृणांक--  ", "मृणांक"),
        ("“मृणांक” (शर्मा)!", "मृणांक-शर्मा"),
        ("क्\u200dष", "क्ष"),  # ZWJ dropped, conjunct intact
        ("कोविड-19 के २०२५ आंकड़े", "कोविड-19-के-२०२५-आंकड़े"),
        ("चाँद सिंह", "चाँद-सिंह"),  # chandrabindu
        ("दुःख", "दुःख"),  # visarga
        ("ॐ", "ॐ"),
        ("Women's Day", "womens-day"),
        ("O’Brien", "obrien"),
        ("rock 'n' roll", "rock-n-roll"),
        ("José Erdoğan", "jose-erdogan"),
        ("Bjørn Łukasz", "bjorn-lukasz"),
        ("Straße", "strasse"),
        ("Ｆｕｌｌ ﬁx", "full-fix"),
        ("3.5% की दर", "3-5-की-दर"),
        ("a_b", "a-b"),
        ("AI/ML", "ai-ml"),
    ],
)
def test_slugify_cases(value, expected):
    assert slugify(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "।॥", "---", "!!!", "“”", "ा", "Ελλάδα", "😀"])
def test_slugify_may_return_empty(value):
    assert slugify(value) == ""


def test_slugify_drops_orphan_marks():
    # A vowel sign with no consonant (after a space, or after a dropped symbol) is dropped.
    assert slugify("ा शर्मा") == "शर्मा"
    assert slugify("★ा शर्मा") == "शर्मा"


def test_slugify_is_idempotent():
    for value in [*SEED_NAMES, HEADLINE, LONG_HEADLINE, "इस्तीफ़ा"]:
        once = slugify(value)
        assert slugify(once) == once


def test_slugify_rejects_bad_max_length():
    with pytest.raises(ValueError):
        slugify("abc", max_length=0)


SLUGIFY_INPUTS = [
    *SEED_NAMES,
    HEADLINE,
    LONG_HEADLINE,
    "इस्तीफ़ा",
    "बार‑बार",
    "ा्ं",
    "-ि-",
    "a\u0301b",
    "क\u0301",
    "Ελλάδα και भारत",
    "Москва и दिल्ली",
    "اردو और हिंदी",
    "বাংলা ১২৩ हिंदी",
    "\u0900\u0904\u093d\u0950\u0971\ua8f2\ua8e0",
    "tab\tnew\nline",
    "İstanbul",
    "ǅemal",
    "x" * 500,
    "क्ष" * 100,
]


@pytest.mark.parametrize("value", SLUGIFY_INPUTS)
def test_slugify_output_always_matches_slug_re(value):
    for max_length in (1, 2, 3, 5, 10, 200):
        slug = slugify(value, max_length=max_length)
        assert slug == "" or SLUG_RE.match(slug), (value, max_length, slug)
        assert len(slug) <= max_length


def test_slugify_every_single_code_point_gives_valid_slug():
    # Exhaustive over the BMP: whatever one character does, the slug stays valid.
    for code_point in range(0x10000):
        if 0xD800 <= code_point <= 0xDFFF:
            continue
        value = f"क{chr(code_point)}ख a{chr(code_point)}"
        slug = slugify(value)
        assert slug == "" or SLUG_RE.match(slug), (hex(code_point), slug)


def _clusters(value):
    return regex.findall(r"\X", value)


def test_slugify_truncation_properties():
    full = slugify(LONG_HEADLINE, max_length=10_000)
    assert len(full) > 200
    full_clusters = _clusters(full)
    for max_length in range(1, len(full) + 5):
        cut = slugify(LONG_HEADLINE, max_length=max_length)
        assert len(cut) <= max_length
        assert not cut.startswith("-") and not cut.endswith("-")
        assert not cut.endswith(VIRAMA), (max_length, cut)
        assert cut == "" or SLUG_RE.match(cut)
        assert full.startswith(cut)
        # Whole clusters only: the cut's clusters are a prefix of the full slug's clusters.
        cut_clusters = _clusters(cut)
        assert cut_clusters == full_clusters[: len(cut_clusters)], (max_length, cut)
        if cut and len(cut) < len(full):
            assert not unicodedata.category(full[len(cut)]).startswith("M")
            # Cut at a word boundary whenever the first word fits.
            first_word = full.split("-")[0]
            if len(first_word) <= max_length:
                assert full[len(cut)] == "-", (max_length, cut)


def test_slugify_truncation_examples():
    assert slugify("मृणांक शर्मा", max_length=8) == "मृणांक"
    assert slugify("मृणांक शर्मा", max_length=6) == "मृणांक"
    # First word too long: cut between clusters, never after the virama of a conjunct.
    assert slugify("मृणांक शर्मा", max_length=5) == "मृणां"
    assert slugify("शर्मा", max_length=3) == "श"  # not "शर्" (र् + म is one cluster)
    assert slugify("क्षत्रिय", max_length=2) == ""  # क्ष is three code points
    assert slugify("mrinank sharma", max_length=9) == "mrinank"


def test_slugify_word_final_virama_is_kept():
    # A virama that ends a word is spelling, not a broken cluster.
    assert slugify("अर्थात् यह") == "अर्थात्-यह"
    assert slugify("अर्थात् यह", max_length=9) == "अर्थात्"


# --- SLUG_PATTERN / SLUG_RE / validator / converter ---------------------------------------


def test_slug_pattern_is_plain_re_syntax():
    assert "\\p" not in SLUG_PATTERN
    assert SLUG_PATTERN.isascii()
    compiled = re.compile(SLUG_PATTERN)
    assert compiled.groups == 0  # safe to embed in a Django route
    assert SLUG_RE.pattern == rf"\A{SLUG_PATTERN}\Z"


@pytest.mark.parametrize(
    "slug",
    [
        "मृणांक-शर्मा",
        "mrinank-sharma",
        "मूल्य-हार-रहे-प्रेशर-जीत-रहा-ai-कंपनी-anthropic",
        "इस्तीफ़ा",
        "कोविड-19",
        "२०२५",
        "a",
        "क्ष",
        "अर्थात्",
        "\ua8f2",
    ],
)
def test_slug_re_accepts(slug):
    assert SLUG_RE.match(slug)
    validate_slug(slug)


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "-",
        "-मृणांक",
        "मृणांक-",
        "मृणांक--शर्मा",
        "Mrinank",
        "मृणांक शर्मा",
        "मृणांक_शर्मा",
        "मृणांक।",
        "मृणांक॥",
        "॰",
        "ा",  # segment starting with a vowel sign
        "मृणांक-्",
        f"क्{ZWJ}ष",
        "josé",
        "ελλάδα",
        "मृणांक\n",
        "a/b",
        "a.b",
    ],
)
def test_slug_re_rejects(slug):
    assert not SLUG_RE.match(slug)
    with pytest.raises(ValidationError) as excinfo:
        validate_slug(slug)
    assert excinfo.value.code == "invalid_slug"


def test_validate_slug_rejects_non_strings():
    with pytest.raises(ValidationError):
        validate_slug(None)


def test_slug_ranges_agree_with_unicode_categories():
    base = re.compile(f"[{text._SLUG_BASE}]")
    marks = re.compile(f"[{text._SLUG_MARKS}]")
    for code_point in [*range(0x0900, 0x0980), *range(0xA8E0, 0xA900)]:
        char = chr(code_point)
        category = unicodedata.category(char)
        if category[0] in "LN":
            assert base.match(char) and not marks.match(char), hex(code_point)
        elif category[0] == "M":
            assert marks.match(char) and not base.match(char), hex(code_point)
        else:  # danda, double danda, abbreviation sign, Extended punctuation
            assert not base.match(char) and not marks.match(char), hex(code_point)


def test_converter_regex_in_django_route():
    from django.urls import register_converter
    from django.urls.converters import get_converters
    from django.urls.resolvers import RoutePattern

    if "test_hslug" not in get_converters():
        register_converter(SlugConverter, "test_hslug")
    pattern = RoutePattern("articles/<test_hslug:slug>/", is_endpoint=True)
    # Browsers send percent-encoded UTF-8; Django decodes the path before resolving.
    path = urllib.parse.unquote(
        "articles/%E0%A4%AE%E0%A5%83%E0%A4%A3%E0%A4%BE%E0%A4%82%E0%A4%95-"
        "%E0%A4%B6%E0%A4%B0%E0%A5%8D%E0%A4%AE%E0%A4%BE/"
    )
    assert pattern.match(path) == ("", (), {"slug": "मृणांक-शर्मा"})
    assert pattern.match("articles/mrinank-sharma/")[2] == {"slug": "mrinank-sharma"}
    assert pattern.match("articles/मृणांक--शर्मा/") is None
    assert pattern.match("articles/Mrinank/") is None


def test_converter_to_python_normalises():
    converter = SlugConverter()
    decomposed = "इस्ती\u092b" + NUKTA + "ा"
    precomposed = "इस्ती\u095eा"
    assert converter.to_python(precomposed) == converter.to_python(decomposed)
    assert converter.to_python(precomposed) == normalize(precomposed)
    assert re.fullmatch(SlugConverter.regex, precomposed)  # matches either form


def test_converter_to_url():
    assert SlugConverter().to_url("मृणांक-शर्मा") == "मृणांक-शर्मा"


# --- find_word / word_pattern ---------------------------------------------------------------


@pytest.mark.parametrize(
    "haystack",
    [
        "मृणांक ने कहा",
        "उन्होंने मृणांक, शर्मा से",
        "(मृणांक)",
        "मृणांक",
        "कहा मृणांक",
        "“मृणांक”",
        "मृणांक।",
        "मृणांक-शर्मा",
        f"नाम{NBSP}मृणांक{NBSP}है",
    ],
)
def test_find_word_matches_whole_word(haystack):
    index = find_word(haystack, "मृणांक")
    assert index >= 0
    assert haystack[index : index + len("मृणांक")] == "मृणांक"


@pytest.mark.parametrize(
    "haystack",
    [
        "मृणांकों ने कहा",
        "अमृणांक",
        "मृणांक्",
        "मृणांकी",
        "मृणांक२",
        "मृणांक1",
        f"मृणांक{ZWJ}",
        f"{ZWNJ}मृणांक",
        "मृणांकं",
        "",
    ],
)
def test_find_word_rejects_partial_words(haystack):
    assert find_word(haystack, "मृणांक") == -1


def test_find_word_needle_ending_in_matra():
    assert find_word("शर्मा की बात", "शर्मा") == 0
    assert find_word("मृणांक शर्मा की बात", "शर्मा की") == 7


def test_find_word_returns_first_whole_occurrence():
    haystack = "मृणांकों ने कहा, मृणांक ने नहीं"
    assert find_word(haystack, "मृणांक") == haystack.index("मृणांक ने")


def test_find_word_latin_case_insensitive():
    assert find_word("Mrinank Sharmaji and Sharma", "sharma") == len("Mrinank Sharmaji and ")
    assert find_word("Sharmaji", "Sharma") == -1
    assert find_word("SHARMA said", "Sharma") == 0
    assert find_word("STRASSE", "straße") == 0


def test_find_word_space_in_needle_matches_any_whitespace():
    assert find_word(f"मृणांक{NBSP}शर्मा", "मृणांक शर्मा") == 0
    assert find_word("मृणांक \n शर्मा", "मृणांक  शर्मा") == 0


def test_find_word_normalises_both_sides():
    assert find_word("उनका इस्ती\u095eा", "इस्ती\u092b" + NUKTA + "ा") == 5
    # Nukta is spelling, not folded here: use fold() on both sides for that.
    assert find_word("उनका इस्तीफ़ा", "इस्तीफा") == -1


def test_find_word_rejects_blank_needle():
    with pytest.raises(ValueError):
        find_word("abc", "")
    with pytest.raises(ValueError):
        word_pattern("   ")


def test_word_pattern_is_reusable_regex_pattern():
    pattern = word_pattern("मृणांक शर्मा")
    assert isinstance(pattern, regex.Pattern)
    assert pattern is word_pattern("मृणांक शर्मा")  # cached
    body = "मृणांक शर्मा ने, और फिर मृणांक शर्माओं ने"
    assert [m.start() for m in pattern.finditer(body)] == [0]
    linked = pattern.sub(lambda m: f"<a>{m.group()}</a>", body)
    assert linked.startswith("<a>मृणांक शर्मा</a> ने")


def test_find_word_needle_with_regex_metacharacters():
    assert find_word("C++ और C", "C++") == 0
    assert find_word("(a.b) axb", "a.b") == 1


def test_python_word_boundary_is_wrong_for_devanagari():
    # Contrast: the reason find_word does not use \b.
    assert re.search(r"\bमृणांक\b", "मृणांकों ने")  # false positive inside a word
    assert not re.search(r"\bशर्मा\b", "शर्मा की")  # misses a whole word
    assert find_word("मृणांकों ने", "मृणांक") == -1
    assert find_word("शर्मा की", "शर्मा") == 0


def test_fold_table_is_what_fold_does_per_character():
    table = text.fold_table()
    for char, replacement in table.items():
        assert text.fold(f"क{char}ख") == text.fold(f"क{replacement}ख"), repr(char)
    # Every space and dash anywhere in Unicode (all planes) is in it.
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in {"Zs", "Zl", "Zp", "Pd"} and char not in " -":
            assert char in table, hex(code)
