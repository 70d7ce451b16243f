"""Old slugs keep working: a 404 on an article, person or tag page whose slug was changed
(or whose tag was merged away) becomes a permanent redirect to the current page."""

from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, reverse

from articles.models import Article, Organisation, Person, SlugRedirect, Tag

# URL names (in the articles namespace) whose ``slug`` argument can have moved.
KINDS = {
    "article-detail": SlugRedirect.Kind.ARTICLE,
    "person-detail": SlugRedirect.Kind.PERSON,
    "person-feed": SlugRedirect.Kind.PERSON,
    "organisation-detail": SlugRedirect.Kind.ORGANISATION,
    "organisation-feed": SlugRedirect.Kind.ORGANISATION,
    "tag-detail": SlugRedirect.Kind.TAG,
    "tag-feed": SlugRedirect.Kind.TAG,
}

# Drafts never leak: where an old slug may send a reader. A story taken down after a
# rename must answer 404 at its old address, not redirect and so reveal its new slug.
PUBLIC = {
    SlugRedirect.Kind.ARTICLE: lambda: Article.objects.published(),
    SlugRedirect.Kind.PERSON: lambda: Person.objects.published(),
    SlugRedirect.Kind.ORGANISATION: lambda: Organisation.objects.published(),
    SlugRedirect.Kind.TAG: lambda: Tag.objects.published(),
}


class SlugRedirectFallbackMiddleware:
    """Like django.contrib.redirects' fallback, keyed on (page kind, slug) instead of a path.

    contrib.redirects stores the percent-encoded path in 200 characters, about 20 Devanagari
    letters: too short for a Hindi headline's slug. Matching on the resolved URL name also
    keeps working under any language prefix. Costs one query, and only on a 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        match = request.resolver_match
        if match is None or match.namespace != "articles" or "slug" not in match.kwargs:
            return response
        kind = KINDS.get(match.url_name)
        if kind is None:
            return response
        new_slug = SlugRedirect.objects.target(kind, match.kwargs["slug"])
        if new_slug is None or not PUBLIC[kind]().filter(slug=new_slug).exists():
            return response
        try:
            url = reverse(
                match.view_name, args=match.args, kwargs={**match.kwargs, "slug": new_slug}
            )
        except NoReverseMatch:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
