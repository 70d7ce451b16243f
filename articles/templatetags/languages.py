"""The page in each interface language: the language switcher's links and hreflang."""

from django import template
from django.utils.html import format_html_join

from articles import i18n
from articles.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in each interface language (articles.i18n.language_versions)."""
    return i18n.language_versions(context["request"])


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """``<link rel="alternate" hreflang>`` for the page in each interface language, and
    x-default (the Hindi, unprefixed address), as absolute URLs.

    None on a page kept out of search engines (``noindex``: previews, share links), and none
    on a story with a public translation: there the alternates are the story's language
    versions (articles.templatetags.seo.page_meta), which a reader of the other language
    should get instead of the same story with another interface.
    """
    request = context.get("request")
    if request is None or context.get("noindex"):
        return ""
    article = context.get("article")
    if isinstance(article, Article) and len(article.language_versions) > 1:
        return ""
    versions = i18n.language_versions(request)
    links = [(v["code"], request.build_absolute_uri(v["url"])) for v in versions]
    links.append(("x-default", links[0][1]))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)
