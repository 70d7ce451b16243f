"""The interface language: the URL decides it on the readers' site; the admin negotiates.

Readers' pages are under ``i18n_patterns`` without a prefix for the default language:
``/articles/…`` is the Hindi interface, ``/en/articles/…`` the English one. Nothing else
counts (no cookie, no Accept-Language: a phone set to English, as most are in India, still
gets the Hindi site at a Hindi address), so a page's answer depends on its URL alone and
caches (our page cache, a CDN) and search engines never mix the two: public pages send no
``Vary: Accept-Language`` or ``Vary: Cookie``. The admin keeps Django's full negotiation,
the language cookie and Accept-Language included: editors get the admin in their browser's
language.

Before URLs carried the language, the reader's choice was Django's language cookie. A reader
still holding ``django_language=en`` who opens an unprefixed page is redirected once to its
``/en/`` address, and the cookie is deleted (the URL now remembers the choice; a link to a
Hindi page then stays Hindi). The redirect is ``private, no-store`` and is never cached. The
old switcher's POST to ``set_language`` redirects to the ``next`` page in the chosen
language (``set_language`` below).
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path, reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

# What a page's address in the other language keeps of its query string (search.py's
# ``q``; the pages of lists and of a profile's two lists), and how much of each value.
KEPT_PARAMETERS = ("q", "page", "written")
QUERY_VALUE_LIMIT = 200  # search.MAX_QUERY_LENGTH: search reads no more

_admin_prefix = lazy(lambda: reverse("admin:index"), str)()


def is_admin_path(path):
    return path.startswith(str(_admin_prefix))


def _delete_language_cookie(response):
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _old_cookie_language(request):
    """The supported non-default language of an old reader's cookie, or None."""
    value = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not value:
        return None
    try:
        language = translation.get_supported_language_variant(value)
    except LookupError:
        return None
    return None if language == settings.LANGUAGE_CODE else language


class ReaderLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware with the readers' language from the URL alone (see module doc).

    The thread's language is put back as it was once the answer is made: with languages in
    URLs, a language left active would change what reverse() gives outside any request (a
    test's next URL, a command run in the same thread).
    """

    def __call__(self, request):
        previous = translation.get_language()
        try:
            return super().__call__(request)
        finally:
            if previous:
                translation.activate(previous)
            else:
                translation.deactivate_all()

    def process_request(self, request):
        if is_admin_path(request.path_info):
            # Django's negotiation (cookie, Accept-Language), which LocaleMiddleware itself
            # skips for every unprefixed path once i18n_patterns are in use.
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return None
        language = translation.get_language_from_path(request.path_info)
        if language is None:
            old = _old_cookie_language(request) if request.method in ("GET", "HEAD") else None
            if old is not None:
                # The prefix pattern matches the active language's prefix only.
                with translation.override(old):
                    path = f"/{old}{request.path_info}"
                    valid = is_valid_path(path, getattr(request, "urlconf", None))
                if valid:
                    response = HttpResponseRedirect(translate_url(request.get_full_path(), old))
                    _delete_language_cookie(response)
                    add_never_cache_headers(response)
                    return response
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if is_admin_path(request.path_info):
            return super().process_response(request, response)
        # The URL alone decides the readers' language: nothing to vary on.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def translate_path(url, language):
    """``url`` (a path, maybe with a query string) in ``language``; unchanged when it is not a
    readers' page. Django's translate_url resolves under the active language, which an
    address in another language's prefix does not match: resolve under the URL's own."""
    own = translation.get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(own):
        return translate_url(url, language)


@require_http_methods(["GET", "POST"])
def set_language(request):
    """The old language switcher's form (still at ``set_language``): redirect to ``next``
    in the chosen language.

    For a reader's page that is the page's address in that language, and any old language
    cookie is deleted; for the admin (which follows the cookie) the cookie is set, as
    Django's own ``set_language`` does. An unsafe or missing ``next`` means the home page.
    A GET changes nothing and redirects to ``next``.
    """
    next_url = request.POST.get("next", request.GET.get("next")) or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    language = request.POST.get("language") if request.method == "POST" else None
    if not language or not translation.check_for_language(language):
        return HttpResponseRedirect(next_url)
    language = translation.get_supported_language_variant(language)
    response = HttpResponseRedirect(translate_path(next_url, language))
    if is_admin_path(next_url):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    elif settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        _delete_language_cookie(response)
    return response


def language_versions(request):
    """The current page in each interface language: a list of dicts with ``code``,
    ``name`` (in that language), ``url`` (path and query string) and ``current``.

    The URL is the page's own address translated (``translate_url``: same view, same
    arguments, the other prefix); of the query string only the search and the page numbers
    are kept (a search stays a search), each value cut to ``QUERY_VALUE_LIMIT``.
    """
    current = translation.get_language()
    # Only what selects content, cut as search cuts it: a 10,000-letter ?q= is not repeated.
    query = urlencode(
        [
            (name, request.GET[name][:QUERY_VALUE_LIMIT])
            for name in KEPT_PARAMETERS
            if request.GET.get(name)
        ]
    )
    # One leading slash: the 404 page of //evil.test/ must not link (or name as its
    # alternate, made absolute) the protocol-relative //evil.test/. Backslashes are escaped.
    path = "/" + escape_uri_path(request.path).lstrip("/")
    versions = []
    for code, name in settings.LANGUAGES:
        versions.append(
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code) + (f"?{query}" if query else ""),
                "current": code == current,
            }
        )
    return versions
