"""The desk home's panels for the admin index (templates/admin/index.html).

A tag rather than a custom AdminSite, so the stock ``admin.site`` every module registers
with keeps working unchanged; the panels themselves are built by
articles.admin.home.desk_for.
"""

from django import template

from articles.admin.home import desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_home(context):
    """``{% desk_home as desk %}``: desk_for(the signed-in user)."""
    return desk_for(context["request"].user)
