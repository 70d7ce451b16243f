"""The site's sections in templates: ``{% load navigation %}`` then

* ``{% site_sections as sections %}``: every section in navigation order (one query);
* ``{{ section|local_name }}``: its name in the interface language (English in the English
  interface when it has one, else Hindi), for ``{% in_lang %}`` to mark its script.
"""

from django import template
from django.utils.translation import get_language

from articles import caching
from articles.models import Section

register = template.Library()


@register.simple_tag
def site_sections():
    """Every section, in ``position`` order: the desk's sections are public by nature, and an
    empty one has its page saying so. One query per content generation (the page cache's,
    articles/caching.py), so a renamed or new section shows at once on every worker."""
    return caching.per_generation(
        "sections", lambda: list(Section.objects.order_by("position", "name"))
    )


@register.filter
def local_name(section):
    return section.name_for(get_language())
