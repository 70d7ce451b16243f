"""Machine-readable head of a page: JSON-LD, canonical link, Open Graph, Twitter, feeds.

In a template that extends base.html::

    {% load seo %}
    {% block meta %}{% page_meta article %}{% endblock %}
    {% block jsonld %}{% jsonld article %}{% endblock %}

``page_meta`` takes the page's main object (an Article, Person, Quote or Tag) or nothing
(lists, search, …); ``jsonld`` takes an Article, Person, Organisation or Quote.
"""

from django import template
from django.conf import settings
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from articles import images, structured_data
from articles.models import Article, Organisation, Person, Quote, Section, Tag

register = template.Library()

DESCRIPTION_LENGTH = 200


@register.simple_tag(takes_context=True)
def jsonld(context, obj):
    """``<script type="application/ld+json">`` for ``obj``, escaped so it cannot be ended early.

    Django's json_script escapes the same way but writes type="application/json" and an id.
    """
    request = context["request"]
    if isinstance(obj, Article):
        data = structured_data.article_data(obj, request)
    elif isinstance(obj, Person):
        data = structured_data.profile_page_data(obj, request)
    elif isinstance(obj, Quote):
        data = structured_data.quotation_data(obj, request)
    elif isinstance(obj, Organisation):
        data = structured_data.organisation_page_data(obj, request)
    else:
        raise template.TemplateSyntaxError(f"jsonld: no structured data for {type(obj)!r}")
    return _script(data)


@register.simple_tag(takes_context=True)
def jsonld_breadcrumbs(context, article):
    """The BreadcrumbList (home › section › story) of an article page, as its own script."""
    return _script(structured_data.breadcrumb_data(article, context["request"]))


def _script(data):
    # mark_safe is sound here: to_script_json leaves no <, > or & in its output.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(structured_data.to_script_json(data)),
    )


def og_locale(language):
    """Open Graph locale for a BCP 47 tag: "hi" gives "hi_IN", "en-GB" and "hi-Deva-GB" "…_GB".

    India is the default region: this is an Indian newsroom.
    """
    primary, *subtags = (language or "hi").split("-")
    region = next((tag for tag in subtags if len(tag) == 2 and tag.isalpha()), "IN")
    return f"{primary.lower()}_{region.upper()}"


def _site_feeds():
    return [
        ("application/rss+xml", gettext("Latest news (RSS)"), reverse("articles:feed-rss")),
        ("application/atom+xml", gettext("Latest news (Atom)"), reverse("articles:feed-atom")),
    ]


def _meta_for(obj):
    """Title, description, og:type, language and own feed of the page's main object."""
    if isinstance(obj, Article):
        return {
            "title": obj.headline,
            "description": obj.summary,
            "type": "article",
            "language": obj.language,
            "article": obj,
            "image": obj.lead_image,
        }
    if isinstance(obj, Person):
        return {
            "title": obj.name,
            "description": obj.description or obj.bio,
            "type": "profile",
            "image": obj.photo,
            "feed": (
                "application/rss+xml",
                gettext("%(name)s in the news (RSS)") % {"name": obj.name},
                reverse("articles:person-feed", kwargs={"slug": obj.slug}),
            ),
        }
    if isinstance(obj, Organisation):
        return {
            "title": obj.name,
            "description": obj.description,
            "type": "website",
            "feed": (
                "application/rss+xml",
                gettext("%(name)s in the news (RSS)") % {"name": obj.name},
                reverse("articles:organisation-feed", kwargs={"slug": obj.slug}),
            ),
        }
    if isinstance(obj, Quote):
        return {
            "title": f"{obj.speaker.name}: “{truncatechars(obj.text, 80)}”",
            "description": obj.text,
            "type": "article",
            "language": obj.article.language,
        }
    if isinstance(obj, Section):
        name = obj.name_for(get_language())
        return {
            "title": name,
            "description": obj.description,
            "type": "website",
            "feed": (
                "application/rss+xml",
                gettext("%(name)s (RSS)") % {"name": name},
                reverse("articles:section-feed", kwargs={"slug": obj.slug}),
            ),
        }
    if isinstance(obj, Tag):
        return {
            "title": obj.name,
            "description": "",
            "type": "website",
            "feed": (
                "application/rss+xml",
                gettext("%(name)s (RSS)") % {"name": obj.name},
                reverse("articles:tag-feed", kwargs={"slug": obj.slug}),
            ),
        }
    return {"title": "", "description": "", "type": "website"}


def _image_meta(image, request):
    """og:image (the 16:9 crop, absolute) with its width, height, type and alt text."""
    if image is None or not image.width:
        return None
    crop = images.og_image(image)
    return {
        "url": request.build_absolute_uri(crop.url),
        "width": crop.width,
        "height": crop.height,
        "type": crop.mime_type,
        "alt": image.alt_text,
    }


@register.inclusion_tag("articles/_meta.html", takes_context=True)
def page_meta(context, obj=None, title=""):
    """Canonical link, Open Graph and Twitter card, and alternate feed links.

    The canonical URL is the object's own URL, absolute; for a page without an object it is
    the request's path without the query string (except a page number, which selects
    different content).
    """
    request = context["request"]
    meta = _meta_for(obj)
    if obj is not None:
        canonical = request.build_absolute_uri(obj.get_absolute_url())
    else:
        canonical = request.build_absolute_uri(request.path)
        page = request.GET.get("page", "")
        if page.isdigit() and page != "1":
            canonical += f"?page={page}"
    feeds = _site_feeds()
    if "feed" in meta:
        feeds.insert(0, meta["feed"])
    # hreflang alternates, this page included, when the story has a public translation;
    # x-default is the original (the version for a reader of neither language).
    alternates = []
    if isinstance(obj, Article) and len(obj.language_versions) > 1:
        versions = obj.language_versions
        original = next((v for v in versions if not v.translation_of_id), versions[0])
        alternates = [
            {"hreflang": v.language, "href": request.build_absolute_uri(v.get_absolute_url())}
            for v in versions
        ] + [
            {
                "hreflang": "x-default",
                "href": request.build_absolute_uri(original.get_absolute_url()),
            }
        ]
    return {
        "canonical": canonical,
        "site_name": settings.NEWSROOM_NAME,
        "title": meta["title"] or title,
        "description": truncatechars(" ".join(meta["description"].split()), DESCRIPTION_LENGTH),
        "og_type": meta["type"],
        "locale": og_locale(meta.get("language") or get_language()),
        "article": meta.get("article"),
        "image": _image_meta(meta.get("image"), request),
        "alternates": alternates,
        "feeds": [
            {"type": kind, "title": name, "href": request.build_absolute_uri(href)}
            for kind, name, href in feeds
        ],
    }
