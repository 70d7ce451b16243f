"""Parts of a page rendered once per content generation: ``{% load fragments %}`` then

    {% per_generation "story" article.pk %}…{% endper_generation %}

renders what it encloses once and keeps the HTML with ``caching.per_generation``: a write
to content retires it with the stored pages, and nothing is kept past the next scheduled
publication. The page's own work (finding the story, answering 404, the headers) still runs
for every request; what the part reads (a story's people, quotes and roles) is read only
when it is rendered, when the view passes it lazily.

The key is the name and the values after it, plus what else decides the output: the
interface language, the scheme and host (absolute URLs in the page's metadata) and the
parameters that select content (articles.i18n.KEPT_PARAMETERS: the search, the page
numbers), never the rest of the query string. A preview of a draft or a share link
(``preview`` in the context) is rendered every time and never kept.
"""

import hashlib

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from articles import caching, i18n

register = template.Library()


class PerGenerationNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if request is None or context.get("preview"):
            return self.nodelist.render(context)
        parts = [str(value.resolve(context)) for value in (self.name, *self.vary_on)]
        parts += [translation.get_language() or "", request.scheme, request.get_host()]
        parts += [
            f"{name}={request.GET[name][: i18n.QUERY_VALUE_LIMIT]}"
            for name in i18n.KEPT_PARAMETERS
            if name in request.GET
        ]
        digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
        html = caching.per_generation(
            f"html:{digest}", lambda: str(self.nodelist.render(context)), request=request
        )
        # Safe to mark: the enclosed template rendered it, escaping as it does on every page.
        return mark_safe(html)


@register.tag
def per_generation(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]!r} needs a name: {{% per_generation 'story' article.pk %}}"
        )
    nodelist = parser.parse(("endper_generation",))
    parser.delete_first_token()
    return PerGenerationNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
