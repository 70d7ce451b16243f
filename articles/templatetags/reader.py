"""Template helpers of the readers' site: language marking of mixed-script text, search
highlighting.

``{% load reader %}`` then:

* ``{{ value|script_lang }}``: "hi" for Devanagari text, "en" for Latin, "" otherwise;
* ``{% in_lang value %}``: ``value`` escaped, wrapped in ``<span lang="…">`` when its script
  is not the language around it (the interface language unless ``within="…"`` is given):
  "Mrinank Sharma" inside a Hindi page becomes ``<span lang="en">Mrinank Sharma</span>``,
  so screen readers and hyphenation treat it as English;
* ``{% highlight text query %}`` / ``{% snippet markdown query %}``: search results;
* ``{{ url|safe_url }}``: a URL field's address if it may be linked, else "" (show the
  name as text then): ``articles.markup.safe_url``.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from articles import markup, search
from articles.collation import script_of

register = template.Library()

_SCRIPT_LANG = {"deva": "hi", "latn": "en"}


def _base(language):
    return (language or "").split("-")[0].lower()


@register.filter
def script_lang(value):
    """The language tag a string's script implies: "hi" (Devanagari), "en" (Latin) or "".

    Mixed text ("AI सेफ्टी") goes by the script most of its letters are in.
    """
    counts = {"deva": 0, "latn": 0}
    for char in str(value or ""):
        script = script_of(char)
        if script:
            counts[script] += 1
    if not any(counts.values()):
        return ""
    return _SCRIPT_LANG[max(counts, key=counts.get)]


@register.filter
def safe_url(value):
    """A URL field's address if its scheme may be linked, else ""; see markup.safe_url."""
    return markup.safe_url(value)


@register.simple_tag
def in_lang(value, within=None):
    """``value`` escaped, marked with ``lang`` when its script differs from ``within``."""
    language = script_lang(value)
    around = _base(within or get_language())
    if language and language != around:
        return format_html('<span lang="{}">{}</span>', language, value)
    return format_html("{}", value)


@register.simple_tag
def highlight(text, query):
    return search.highlight(text, query)


@register.simple_tag
def snippet(markdown_source, query):
    return search.snippet(markdown_source, query)
