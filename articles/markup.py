"""Article bodies: Markdown source to safe HTML, and to plain text.

Editors write bodies as Markdown in a plain textarea. Two layers keep the output safe:

1. Markdown's raw-HTML passthrough is switched off, so ``<b>`` or ``<script>`` typed by an
   editor is shown as literal text (escaped), exactly as typed, rather than interpreted or
   silently deleted. A tech story that mentions the ``<script>`` tag keeps its words.
2. The rendered HTML then goes through ``nh3`` (ammonia) with an explicit allow-list, so even
   a bug in Markdown or an extension cannot emit a script, an event handler or a
   ``javascript:`` URL.

Typographic extensions such as ``smarty`` are deliberately not used: they would rewrite
quote marks and dashes, and quotes in bodies are checked against their sources.
"""

import html
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from articles.text import normalize

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "URL_SCHEMES",
    "candidate_figure_keys",
    "figure_keys",
    "render_markdown",
    "safe_url",
    "sanitize_html",
    "strip_markdown",
]

# No h1: the page's h1 is the headline, so body headings start at h2 (see _DemoteH1).
# No img for now: images need captions, credits and our own hosting; Markdown images are
# dropped (alt text included, see _DropImages). No table: the tables extension is not enabled.
ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "em",
        "strong",
        "br",
        "hr",
        "code",
        "pre",
    }
)
# Only links carry attributes. Consequences: ``<ol start="3">`` from sane_lists loses its
# start number, and fenced code loses its ``class="language-…"``.
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
# Relative URLs (/articles/…, #notes) pass through; absolute ones need one of these schemes,
# which rules out javascript:, data:, vbscript: and friends in any spelling, because ammonia
# parses the URL (entities decoded, tabs/newlines removed, scheme lowercased) before checking.
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Links are editorial (our own editors chose them), so no "nofollow", and no "noreferrer":
# cited sources may see our referral traffic. "noopener" is harmless without target=_blank
# and protects us if a template or script ever adds one.
LINK_REL = "noopener"
# Tags removed *with* their content (other disallowed tags are unwrapped, keeping the text).
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "noscript",
        "noembed",
        "noframes",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
        "xmp",
    }
)

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(),
    clean_content_tags=set(_CLEAN_CONTENT_TAGS),
    attributes={},
    strip_comments=True,
)


_SPACES = re.compile(r"[ \t]+")

# Figures: a paragraph of its own ``[[चित्र:key]]`` or ``[[image:key]]`` places the library
# image ``key``. Markdown turns it into a slot, a paragraph holding only the key between two
# OBJECT REPLACEMENT CHARACTERs; the slot goes through nh3 as plain text and is replaced,
# after sanitising, by the figure our own template renders. The character is removed from
# what editors type, so only our code can make a slot.
_SLOT_MARK = "\ufffc"
_FIGURE_SYNTAX = re.compile(r"\[\[\s*(?:चित्र|image)\s*:\s*([^\[\]\n]+?)\s*\]\]", re.IGNORECASE)
_FIGURE_PARAGRAPH = re.compile(rf"\A\s*{_FIGURE_SYNTAX.pattern}\s*\Z", re.IGNORECASE)
_FIGURE_LINE = re.compile(rf"^[ \t]*{_FIGURE_SYNTAX.pattern}[ \t]*$", re.IGNORECASE | re.MULTILINE)
_FIGURE_SLOT = re.compile(rf"<p>{_SLOT_MARK}([^{_SLOT_MARK}<]*){_SLOT_MARK}</p>")
_SLOT_TEXT = re.compile(rf"{_SLOT_MARK}[^{_SLOT_MARK}]*{_SLOT_MARK}")


class _DemoteH1(Treeprocessor):
    """Render ``# Heading`` as h2: the page's only h1 is the headline.

    Only h1 moves; ``## Sub`` stays h2, so editors who use one ``#`` or two get the same
    result and the other levels keep the numbers editors chose.
    """

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _DropImages(Treeprocessor):
    """Remove images (not supported yet), and paragraphs that held nothing but images.

    nh3 would strip the ``img`` tags anyway; doing it here avoids leaving ``<p></p>``.
    """

    def run(self, root):
        for parent in list(root.iter()):
            previous = None
            for child in list(parent):
                if child.tag != "img":
                    previous = child
                    continue
                # Keep any text that followed the image in the same paragraph.
                if child.tail:
                    if previous is not None:
                        previous.tail = (previous.tail or "") + child.tail
                    else:
                        parent.text = (parent.text or "") + child.tail
                parent.remove(child)
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "p" and len(child) == 0 and not (child.text or "").strip():
                    parent.remove(child)


class _FigureSlots(Treeprocessor):
    """Turn each top-level paragraph that is only ``[[चित्र:key]]`` into a figure slot.

    Only top level: a figure inside a list item or a quotation would not be valid HTML in
    a ``<p>``-less context the reader expects, and a code block keeps the text as written.
    """

    def run(self, root):
        for child in root:
            if child.tag == "p" and len(child) == 0:
                match = _FIGURE_PARAGRAPH.match(child.text or "")
                if match:
                    child.text = f"{_SLOT_MARK}{match[1]}{_SLOT_MARK}"


class _NewsroomExtension(Extension):
    def extendMarkdown(self, md):  # Markdown's API name, hence camelCase.
        # Raw HTML blocks and inline tags are left as text; the serializer escapes them.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After "inline" (20), which creates the img elements, and before "prettify" (10).
        md.treeprocessors.register(_DropImages(md), "newsroom_drop_images", 15)
        md.treeprocessors.register(_DemoteH1(md), "newsroom_demote_h1", 14)
        md.treeprocessors.register(_FigureSlots(md), "newsroom_figure_slots", 13)


def _markdown_to_html(source: str) -> str:
    # A fresh Markdown instance per call: instances keep per-document state and are not
    # safe to share between threads.
    md = markdown.Markdown(
        extensions=["sane_lists", "fenced_code", _NewsroomExtension()],
        output_format="html",
    )
    return md.convert(normalize(source).replace(_SLOT_MARK, ""))


def sanitize_html(fragment: str) -> str:
    """Return ``fragment`` reduced to the body allow-list (the second layer of render_markdown).

    Disallowed tags are unwrapped (their text kept), except script, style, iframe, svg and
    similar, which go with their content; comments, disallowed attributes and URLs with a
    scheme outside ``URL_SCHEMES`` are removed. Text is not normalised. The result is a plain
    ``str``; wrap it in ``mark_safe`` yourself if you need to.
    """
    return _CLEANER.clean(fragment)


# What a browser ignores in an address before reading its scheme (WHATWG URL parser): C0
# controls and spaces at either end, ASCII tab and newline anywhere ("java\tscript:").
_URL_EDGE = "".join(map(chr, range(0x21)))
_URL_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_URL_SCHEME = re.compile(r"\A([a-zA-Z][a-zA-Z0-9+.\-]*):")


def safe_url(value) -> str:
    """``value`` if it is an absolute address with a scheme in ``URL_SCHEMES`` (the body's
    allow-list: http, https, mailto), else ``""``; the one check for every URL *field*
    (official page, Wikipedia, source and archive addresses, image licence) wherever it is
    linked: templates (the ``safe_url`` filter), JSON-LD, feeds and the API.

    Model validators refuse anything else in forms, but loaddata skips them, so this runs at
    render time. The scheme is read as a browser reads it: entities decoded
    (``&#x6a;avascript:``, ``javascript&colon;``), control characters and spaces stripped at
    the ends, tabs and newlines removed anywhere, case folded; so no spelling of
    ``javascript:``, ``data:`` or ``vbscript:`` gets through. Relative and protocol-relative
    (``//host/``) addresses are refused too: a URL field holds a whole address, and one
    without a scheme would resolve against our own site. http and https need a host.

    The result is the address as stored, stripped of those ignored characters; templates
    still escape it.
    """
    url = _URL_TAB_NEWLINE.sub("", str(value or "").strip(_URL_EDGE))
    decoded = _URL_TAB_NEWLINE.sub("", html.unescape(url).strip(_URL_EDGE))
    match = _URL_SCHEME.match(decoded)
    if not match or match[1].lower() not in URL_SCHEMES:
        return ""
    # The stored text must read the same as its decoded form up to the scheme, so what the
    # browser sees (after our escaping) is the scheme we checked.
    if not url.lower().startswith(match[0].lower()):
        return ""
    if match[1].lower() in {"http", "https"}:
        try:
            if not urlsplit(decoded).netloc:
                return ""
        except ValueError:
            return ""
    return url


def render_markdown(source: str, figures: Callable[[str], str] | None = None) -> SafeString:
    """Render Markdown ``source`` to sanitised HTML, marked safe for templates.

    Supported: paragraphs, headings (``#`` renders as h2), lists (``sane_lists``), block
    quotes, links, emphasis, strong, line breaks (two trailing spaces), horizontal rules,
    inline code and indented or fenced code blocks. Raw HTML in ``source`` is escaped and
    shown as text. Images are dropped (``![alt](url)``: photographs come from the library,
    placed with ``[[चित्र:key]]``).

    The output contains only ``ALLOWED_TAGS``, only ``href``/``title`` attributes on ``a``
    (plus ``rel="noopener"``), and only relative or http/https/mailto URLs; it is safe to
    insert into a page unescaped, which is why it is returned as a ``SafeString``. Text is
    NFC-normalised and otherwise unchanged (Devanagari included).

    Figures: each top-level paragraph that is only ``[[चित्र:key]]`` (or ``[[image:key]]``)
    becomes ``figures(key)``, which must return trusted HTML (our own ``<figure>``
    template) or ``""`` for a key that names no image; without ``figures`` they render as
    nothing.
    """
    clean = sanitize_html(_markdown_to_html(source))

    def figure(slot):
        return figures(html.unescape(slot[1])) if figures else ""

    # Safe to mark: sanitize_html has just reduced it to the allow-list, and the figures
    # come from our own template.
    return mark_safe(_FIGURE_SLOT.sub(figure, clean))


def figure_keys(source: str) -> list[str]:
    """The image keys ``source`` places as figures, in order, each once (as rendered: a key
    in a code block or a list is not a figure)."""
    slots = _FIGURE_SLOT.findall(sanitize_html(_markdown_to_html(source)))
    return list(dict.fromkeys(html.unescape(slot) for slot in slots))


def candidate_figure_keys(source: str) -> list[str]:
    """Every key on a line of its own in ``source``, without rendering it: a cheap superset
    of ``figure_keys`` (a line inside a code block counts too), for cache keys."""
    return list(dict.fromkeys(normalize(key) for key in _FIGURE_LINE.findall(source)))


def strip_markdown(source: str) -> str:
    """Return the plain text of Markdown ``source``, for meta descriptions, search, quote checks.

    Markup is removed and entities are decoded (``&amp;`` becomes ``&``), so the result is
    *not* HTML: templates must escape it as usual. Blocks (paragraphs, list items, headings)
    are separated by a newline; leading and trailing whitespace is stripped. Link text is
    kept, URLs are not. Raw HTML the editor typed is kept as typed text, as ``render_markdown``
    shows it. Runs of ASCII spaces and tabs become one space.
    """
    text = _SLOT_TEXT.sub("", _TEXT_CLEANER.clean(_markdown_to_html(source)))
    text = html.unescape(text)
    # Removed markup (an image, a tag typed as text) can leave double spaces. Only ASCII
    # spaces and tabs are squeezed: an NBSP (१० किमी) is the editor's choice.
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
