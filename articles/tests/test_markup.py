"""Tests for articles.markup: Markdown bodies to safe HTML and to plain text.

Hostile-input tests parse the output with html.parser and check it against the allow-list,
rather than only looking for substrings. Plain functions, no database.
"""

import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString

from articles.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    candidate_figure_keys,
    figure_keys,
    render_markdown,
    sanitize_html,
    strip_markdown,
)

NUKTA = "\u093c"


class _Collector(HTMLParser):
    """Collect every start tag with its (entity-decoded) attributes, and any comments."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.comments = []
        self.declarations = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.declarations.append(decl)

    def handle_pi(self, data):
        self.declarations.append(data)


def _parse(fragment):
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def _scheme(url):
    """Return the URL scheme a browser would see, or "" for a relative URL.

    Browsers drop leading C0 controls and spaces, and tabs/newlines anywhere, before parsing.
    """
    url = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(0x21))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


def assert_safe_html(fragment):
    """Fail unless ``fragment`` uses only the allow-list, with no scriptable URL or handler."""
    parsed = _parse(fragment)
    assert not parsed.comments, parsed.comments
    assert not parsed.declarations, parsed.declarations
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, (tag, fragment)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, fragment)
            if tag == "a" and name == "rel":
                assert value == "noopener"
                continue
            assert name in ALLOWED_ATTRIBUTES.get(tag, ()), (tag, name, fragment)
            if name == "href":
                scheme = _scheme(value or "")
                assert scheme in {"", *URL_SCHEMES}, (value, fragment)
                assert scheme not in {"javascript", "data", "vbscript"}
    # Substring checks on top: a "<" that opens a tag cannot hide in text, which is escaped.
    # ("javascript:" may legitimately appear as visible text, e.g. escaped raw HTML.)
    lowered = fragment.lower()
    for needle in ("<script", "<iframe", "<svg", "<math", "<object", "<embed", "<style", "<img"):
        assert needle not in lowered, (needle, fragment)
    # The sanitiser double-quotes every attribute value; outside those values, no handler.
    unquoted = re.sub(r'"[^"]*"', '""', lowered)
    assert not re.search(r"<[^>]*\son\w+\s*=", unquoted), fragment


# --- expected rendering -----------------------------------------------------------------------


def test_returns_safe_string():
    assert isinstance(render_markdown("नमस्ते"), SafeString)


def test_hindi_paragraph():
    source = "मृणांक शर्मा ने इस्तीफ़ा दिया। उन्होंने बार‑बार चेतावनी दी।"
    assert render_markdown(source) == f"<p>{unicodedata.normalize('NFC', source)}</p>"


def test_devanagari_survives_in_nfc():
    decomposed = "इस्ती\u092b" + NUKTA + "ा"
    precomposed = "इस्ती\u095eा"
    assert render_markdown(decomposed) == render_markdown(precomposed)
    html = render_markdown(precomposed)
    assert unicodedata.is_normalized("NFC", html)
    # No folding happens here: the non-breaking hyphen stays as written.
    assert "\u2011" in render_markdown("बार‑बार")


def test_paragraphs():
    assert render_markdown("पहला पैरा।\n\nदूसरा पैरा।") == "<p>पहला पैरा।</p>\n<p>दूसरा पैरा।</p>"


def test_hindi_list():
    source = "- मृणांक शर्मा\n- आकाश गुप्ता\n- हर्ष मेहता"
    assert render_markdown(source) == (
        "<ul>\n<li>मृणांक शर्मा</li>\n<li>आकाश गुप्ता</li>\n<li>हर्ष मेहता</li>\n</ul>"
    )


def test_ordered_list_and_sane_lists():
    assert render_markdown("1. पहला\n2. दूसरा") == "<ol>\n<li>पहला</li>\n<li>दूसरा</li>\n</ol>"
    # sane_lists: a change of list type starts a new list instead of merging.
    html = render_markdown("1. एक\n\n* दो")
    assert html.count("<ol>") == 1 and html.count("<ul>") == 1


def test_ordered_list_start_number_is_dropped():
    # ol[start] is not on the attribute allow-list (only a[href,title] is).
    assert render_markdown("3. तीन\n4. चार") == "<ol>\n<li>तीन</li>\n<li>चार</li>\n</ol>"


def test_blockquote():
    assert render_markdown("> मूल्य हार रहे, प्रेशर जीत रहा") == (
        "<blockquote>\n<p>मूल्य हार रहे, प्रेशर जीत रहा</p>\n</blockquote>"
    )


def test_link():
    html = render_markdown('[Anthropic का बयान](https://example.com/bayan "बयान")')
    assert html == (
        '<p><a href="https://example.com/bayan" title="बयान" rel="noopener">'
        "Anthropic का बयान</a></p>"
    )


@pytest.mark.parametrize(
    "href", ["/articles/मृणांक-शर्मा/", "../x", "#notes", "?page=2", "mailto:desk@example.com"]
)
def test_relative_and_mailto_links_allowed(href):
    parsed = _parse(render_markdown(f"[x]({href})"))
    assert ("a", [("href", href), ("rel", "noopener")]) in parsed.tags


def test_autolinks():
    html = render_markdown("<https://example.com/a>")
    assert html == '<p><a href="https://example.com/a" rel="noopener">https://example.com/a</a></p>'
    parsed = _parse(render_markdown("<desk@example.com>"))
    assert parsed.tags[1] == ("a", [("href", "mailto:desk@example.com"), ("rel", "noopener")])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*ज़ोर*", "<p><em>ज़ोर</em></p>"),
        ("_ज़ोर_", "<p><em>ज़ोर</em></p>"),
        ("**मुख्य**", "<p><strong>मुख्य</strong></p>"),
        ("`code`", "<p><code>code</code></p>"),
        ("पंक्ति  \nतोड़", "<p>पंक्ति<br>\nतोड़</p>"),
        ("ऊपर\n\n---\n\nनीचे", "<p>ऊपर</p>\n<hr>\n<p>नीचे</p>"),
        ("## उपशीर्षक", "<h2>उपशीर्षक</h2>"),
        ("### छोटा", "<h3>छोटा</h3>"),
        ("###### सबसे छोटा", "<h6>सबसे छोटा</h6>"),
    ],
)
def test_inline_and_block_elements(source, expected):
    assert render_markdown(source) == unicodedata.normalize("NFC", expected)


def test_h1_is_demoted_to_h2():
    assert render_markdown("# शीर्षक") == "<h2>शीर्षक</h2>"
    assert render_markdown("शीर्षक\n======") == "<h2>शीर्षक</h2>"
    assert "<h1" not in render_markdown("# a\n\n## b\n\n### c")


def test_code_blocks():
    fenced = render_markdown('```python\nx = "<b>" & 1\n```')
    assert fenced == '<pre><code>x = "&lt;b&gt;" &amp; 1\n</code></pre>'  # class dropped
    indented = render_markdown("पाठ\n\n    <script>alert(1)</script>")
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>" in indented
    assert_safe_html(fenced)
    assert_safe_html(indented)


def test_raw_html_is_shown_as_text():
    assert render_markdown("<b>मोटा</b>") == "<p>&lt;b&gt;मोटा&lt;/b&gt;</p>"
    assert render_markdown("<div>\nब्लॉक\n</div>") == "<p>&lt;div&gt;\nब्लॉक\n&lt;/div&gt;</p>"


def test_entities_and_ampersands():
    assert render_markdown("AT&T & R&amp;D") == "<p>AT&amp;T &amp; R&amp;D</p>"
    assert render_markdown("a < b > c") == "<p>a &lt; b &gt; c</p>"


def test_images_are_dropped_without_empty_paragraphs():
    assert render_markdown("![फ़ोटो](https://example.com/a.png)") == ""
    assert render_markdown("एक ![x](a.png) दो\n\n![y](b.png)\n\nतीन") == "<p>एक  दो</p>\n<p>तीन</p>"


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown("   \n\n  ") == ""


def test_windows_line_endings_from_textarea():
    assert render_markdown("पहला\r\n\r\nदूसरा") == "<p>पहला</p>\n<p>दूसरा</p>"


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#9;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://ok.example" onclick="alert(1)" style="color:red">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](\u200bjavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x.png "t\\" onerror=\\"alert(1)")',
    '[x](http://a "t\\" onmouseover=\\"alert(1)")',
    "[x](http://a 'a' onmouseover='alert(1)')",
    '[x](<http://a> "t" onclick="alert(1)")',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example"<script>alert(1)</script>>x</a>',
    "<body onload=alert(1)>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
    '<h1 id="x" class="y">x</h1>',
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`</code><script>alert(1)</script>`",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
    "- <img src=x onerror=alert(1)>\n- [y](javascript:alert(1))",
    "**<script>alert(1)</script>**",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    '<http://a.example/"onmouseover="alert(1)>',
    "\x00<script>alert(1)</script>",
    "<\x00script>alert(1)</script>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_safe(source):
    assert_safe_html(render_markdown(source))


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_html_is_sanitised_by_second_layer(source):
    # The nh3 layer alone, as if Markdown had let raw HTML through.
    assert_safe_html(sanitize_html(source))


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        "<style>body{}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe>alert(1)</iframe>",
        "<template>alert(1)</template>",
    ],
)
def test_sanitiser_drops_dangerous_content_not_just_tags(fragment):
    assert "alert" not in sanitize_html(fragment)
    assert "body" not in sanitize_html(fragment)


def test_sanitiser_unwraps_unknown_tags_but_keeps_text():
    assert sanitize_html('<div class="x"><span>मृणांक</span></div>') == "मृणांक"
    assert sanitize_html("<h1>शीर्षक</h1>") == "शीर्षक"


def test_sanitiser_keeps_allowed_markup():
    fragment = (
        "<h2>a</h2><p><em>b</em> <strong>c</strong> <code>d</code><br></p>"
        "<ul><li>e</li></ul><ol><li>f</li></ol><blockquote><p>g</p></blockquote><hr>"
        '<pre><code>h</code></pre><p><a href="https://x.example/" title="t">i</a></p>'
    )
    expected = fragment.replace('title="t">', 'title="t" rel="noopener">')
    assert sanitize_html(fragment) == expected


def test_hostile_link_title_stays_an_attribute_value():
    html = render_markdown('[x](http://a "t\\" onmouseover=\\"alert(1)")')
    (_p, (tag, attrs)) = _parse(html).tags
    assert tag == "a"
    names = [name for name, _value in attrs]
    assert names == ["href", "title", "rel"]


def test_javascript_links_lose_href_but_keep_text():
    html = render_markdown("[क्लिक](javascript:alert(1))")
    assert html == '<p><a rel="noopener">क्लिक</a></p>'


def test_script_typed_in_body_is_visible_text_not_markup():
    html = render_markdown("<script>alert(1)</script>")
    assert html == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert_safe_html(html)


# --- strip_markdown ---------------------------------------------------------------------------


def test_strip_markdown_plain_text():
    source = (
        "# शीर्षक\n\n"
        "मृणांक **शर्मा** ने [बयान](https://example.com/x) दिया & कहा:\n\n"
        "> मूल्य हार रहे\n\n"
        "- पहला\n- दूसरा\n"
    )
    expected = "शीर्षक\nमृणांक शर्मा ने बयान दिया & कहा:\nमूल्य हार रहे\nपहला\nदूसरा"
    assert strip_markdown(source) == expected


def test_strip_markdown_returns_plain_str_not_safe():
    result = strip_markdown("AT&T <b>")
    assert result == "AT&T <b>"
    assert not isinstance(result, SafeString)


def test_strip_markdown_drops_scripts_and_urls():
    result = strip_markdown("[x](javascript:alert(1)) ![फ़ोटो](a.png) `कोड`")
    assert result == "x कोड"


def test_strip_markdown_empty():
    assert strip_markdown("") == ""
    assert strip_markdown("![x](a.png)") == ""


def test_strip_markdown_keeps_quote_text_for_checking():
    from articles.text import fold

    body = "उन्होंने कहा, “मूल्य हार रहे, *प्रेशर* जीत रहा”।"
    assert fold("'मूल्य हार रहे, प्रेशर जीत रहा'") in fold(strip_markdown(body))


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" &#x09;JaVa&#x0A;Script:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        '<a href="https://ok.example" onclick="x">x</a>',
        '<p style="x">x</p>',
        "<div>x</div>",
        "<!-- x -->",
        '<a href="x" rel="opener">x</a>',
    ],
)
def test_safety_checker_itself_catches_unsafe_html(unsafe):
    # Guard against a checker that passes everything.
    with pytest.raises(AssertionError):
        assert_safe_html(unsafe)


# Figures ------------------------------------------------------------------------------


def test_a_figure_paragraph_becomes_what_the_figure_callback_renders():
    source = "पहला।\n\n[[चित्र:मंच-पर]]\n\n[[Image: second ]]\n\nअंत।"
    html = render_markdown(source, figures=lambda key: f"<figure>{key}</figure>")
    assert html == ("<p>पहला।</p>\n<figure>मंच-पर</figure>\n<figure>second</figure>\n<p>अंत।</p>")
    assert figure_keys(source) == ["मंच-पर", "second"]
    # Without a callback (feeds, previews of the plain body) a figure renders as nothing.
    assert render_markdown(source) == "<p>पहला।</p>\n\n\n<p>अंत।</p>"
    assert strip_markdown(source) == "पहला।\nअंत।"


def test_figure_syntax_inside_text_code_or_lists_is_not_a_figure():
    source = (
        "देखें [[चित्र:a]] यहाँ।\n\n    [[चित्र:in-code]]\n\n- [[चित्र:in-list]]\n\n"
        "```\n[[image:fenced]]\n```"
    )
    html = render_markdown(source, figures=lambda key: "<figure>X</figure>")
    assert "<figure>" not in html
    assert "[[चित्र:in-code]]" in html and "[[image:fenced]]" in html
    assert figure_keys(source) == []
    # The cheap superset used for cache keys may include lines in code; never fewer.
    assert set(candidate_figure_keys(source)) >= set(figure_keys(source))


def test_an_editor_cannot_forge_a_figure_slot():
    # The slot marker typed by an editor is removed before Markdown sees the text.
    forged = "\ufffcevil\ufffc\n\n<p>\ufffcevil\ufffc</p>"
    html = render_markdown(forged, figures=lambda key: "<figure>FORGED</figure>")
    assert "FORGED" not in html and "\ufffc" not in html


def test_a_figure_key_is_passed_unescaped_and_the_rest_stays_sanitised():
    seen = []
    html = render_markdown("[[image:a&b<c]]\n\n<script>x</script>", figures=seen.append)
    assert seen == ["a&b<c"]
    assert "<script" not in html
