"""Photographs in templates: ``{% picture %}`` and ``{% figure %}``.

::

    {% load images %}
    {% figure article.lead_image loading="eager" lang=article.language %}
    {% picture person.photo sizes="12rem" %}

Both take the surrounding text's language as ``lang`` (the interface language when
omitted) and mark the alt text and caption with the image's own ``lang`` when it differs.
``loading`` is "lazy" unless told otherwise: pass "eager" for the image above the fold.
Every URL, width and height is computed (``articles.images``): no query, no file access.
"""

from django import template
from django.utils.translation import get_language

from articles import images, markup

register = template.Library()

DEFAULT_SIZES = "(max-width: 48rem) 100vw, 46rem"


def _srcset(renditions):
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in renditions)


def _other_lang(image, lang):
    """``image.language`` when it is not the language of the text around it, else ""."""
    around = (lang or get_language() or "").split("-")[0].lower()
    own = (image.language or "").split("-")[0].lower()
    return image.language if own and own != around else ""


def picture_context(image, sizes=DEFAULT_SIZES, loading="lazy", lang=None, alt_lang=None):
    """What ``_picture.html`` needs; ``{"image": None}`` for a missing or empty image."""
    if image is None or not image.width or not image.height:
        return {"image": None}
    src = images.fallback(image)
    return {
        "image": image,
        "src": src,
        "jpeg_srcset": _srcset(images.srcset(image, "JPEG")),
        "webp_srcset": _srcset(images.srcset(image, "WEBP")),
        "sizes": sizes,
        "loading": "eager" if loading == "eager" else "lazy",
        "alt_lang": _other_lang(image, lang) if alt_lang is None else alt_lang,
    }


def figure_context(image, sizes=DEFAULT_SIZES, loading="lazy", lang=None):
    """What ``_figure.html`` needs: the picture, plus the figure's own ``lang``."""
    context = picture_context(image, sizes, loading, lang, alt_lang="")
    if context["image"] is not None:
        context["figure_lang"] = _other_lang(image, lang)
        # Only a web address is a link; anything else loaddata let in stays plain text.
        context["licence_url"] = markup.safe_url(image.licence_url)
    return context


@register.inclusion_tag("articles/_picture.html")
def picture(image, sizes=DEFAULT_SIZES, loading="lazy", lang=None):
    """``<picture>``: WebP ``<source>`` and a JPEG ``<img>`` with srcset, sizes, width,
    height, alt (in the image's language), loading and decoding."""
    return picture_context(image, sizes, loading, lang)


@register.inclusion_tag("articles/_figure.html")
def figure(image, sizes=DEFAULT_SIZES, loading="lazy", lang=None):
    """``<figure>``: the picture and a ``<figcaption>`` with caption, credit and copyright."""
    return figure_context(image, sizes, loading, lang)
