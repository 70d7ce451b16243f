"""The page cache: public pages stored whole for anonymous readers, invalidated exactly.

**Key.** A page is stored under its scheme, host and full path (query string included:
pages, searches) and the *content generation*: a token that ``content_changed()`` replaces
on every write to content. A write therefore retires every stored page at once, so an
editor's save shows on the very next request to every page (story, home, profiles,
organisations, tags, sections, feeds, sitemaps, search results): nothing has to work out
which pages showed the changed record. The URL carries the interface language
(articles/i18n.py), so nothing else is in the key.

**Generation.** Kept where every process of the site sees it: in the cache when the cache
is shared (Redis), or in a small file (``PAGE_CACHE_GENERATION_FILE``) when it is per-process
memory, so that several gunicorn workers on one machine all see a save made through any of
them. Reading it costs no query.

**Writes.** ``content_changed()`` runs on post_save (loaddata's ``raw`` saves included),
post_delete and m2m_changed of every model of the articles app (receivers in apps.py), on
post_migrate (a deploy), and is called by every path that writes with ``QuerySet.update()``
or ``bulk_create`` (tags.py, forms.save_byline, redirects.py, make_renditions). Inside a
transaction it replaces the token at once (for reads on the same connection) and again when
the transaction commits, so that no page rendered from the data before the commit outlives
it.

**Time.** A scheduled story becomes public with no write. Every page's lifetime (in the cache
and in its ``Cache-Control``) ends at the next scheduled publication, read in one query and
itself cached for the generation until then; a stored page is served only before its end.

**Where.** A reader with neither a session nor a language cookie is answered from the store
by ``AnonymousPageCacheMiddleware``, right after the middleware that adds headers to every
answer and ConditionalGetMiddleware, before the session, locale, CSRF and auth middleware;
that is also where pages are stored, with the headers the later middleware added, so a
stored answer carries the same headers as a rendered one. ``PageCacheMiddleware``, after
authentication, adds the ETag and Cache-Control and answers readers who carry a cookie.

**Fragments.** ``per_generation()`` keeps what pages derive from content (the related
stories under a story, the section navigation, and through ``{% per_generation %}``
(articles/templatetags/fragments.py) the rendered parts of a page) for the generation and
never past the next scheduled publication, so that a page not stored (a new query string:
a link shared with tracking parameters, a reader's junk) mostly comes from what is kept.
A write retires them with the stored pages: after a save, the first request renders.

**What is never stored**: anything but a GET/HEAD to a readers' page (the ``articles``
namespace) other than previews and share links; a page asked for with a query parameter no
page reads (``STORED_PARAMETERS``); anything for a signed-in user (a request
with a session cookie whose user is logged in: the session is not touched for a reader
without a session cookie); a response other than 200, streaming, setting a cookie, or
marked private/no-store/no-cache; a response rendered for a request with a session.

**HTTP.** Public pages answered for an anonymous reader carry ``Cache-Control: public,
max-age=PAGE_MAX_AGE, s-maxage=PAGE_S_MAXAGE, stale-while-revalidate=PAGE_STALE_WHILE_
REVALIDATE`` (each bounded by the next scheduled publication) and an ETag (a hash of the
bytes, stored with the page); Django's ConditionalGetMiddleware answers 304. A readers' page
answered for a signed-in user is ``private, no-store``, as are the admin, previews and share
links (their own views). The content API keeps its own validators and caching headers
(articles/api/http.py); what its answers show is kept through ``per_generation()``, so a
write retires it with the pages.
"""

import contextlib
import hashlib
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from articles.cache_errors import cache

GENERATION_KEY = "pages:generation"
# Readers' pages that are not public: never stored, always private.
PRIVATE_PAGES = {"article-preview", "share"}
# The query parameters readers' pages read: the search, page numbers, a sitemap's page.
# A page asked for with any other (utm_source, fbclid, junk) is the same page: it is
# answered from its kept parts and not stored, so such links cannot fill the cache with
# copies of it.
STORED_PARAMETERS = {"q", "page", "written", "p"}
_NEVER = "never"
_TOKEN_BYTES = 8
_TOKEN_LENGTH = 2 * _TOKEN_BYTES  # hex digits


# The content generation ----------------------------------------------------------------


def _per_process_cache():
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _token():
    return secrets.token_hex(_TOKEN_BYTES)


def generation():
    """The current content generation (a short string); no query."""
    if _per_process_cache():
        try:
            descriptor = os.open(settings.PAGE_CACHE_GENERATION_FILE, os.O_RDONLY)
        except FileNotFoundError:
            return "0"
        try:
            token = os.pread(descriptor, _TOKEN_LENGTH, 0)
        finally:
            os.close(descriptor)
        # Anything but a whole token (a file being created) matches no stored page.
        return token.decode() if len(token) == _TOKEN_LENGTH else _token()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY)
    return str(value)


def _new_generation():
    token = _token()
    if _per_process_cache():
        path = Path(settings.PAGE_CACHE_GENERATION_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        # One write of a fixed-size token over the old one, in place: a read sees the old
        # token or the new (one small write is atomic for readers); 14 µs where writing a
        # new file and renaming it over the old took 0.7 ms per write, too slow for loaddata.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(descriptor, token.encode(), 0)
        finally:
            os.close(descriptor)
    else:
        cache.set(GENERATION_KEY, token, timeout=None)


# Bulk writes: one new generation per load, not per row ----------------------------------


_loading = threading.local()


@contextlib.contextmanager
def changes_on_commit(using=DEFAULT_DB_ALIAS):
    """Inside (and inside a transaction), writes replace the generation once when the
    transaction commits, and once at the end of the block for reads on the same
    connection, rather than once per row: for a bulk load (the loaddata command)."""
    outermost = not getattr(_loading, "depth", 0)
    if outermost:
        _loading.depth, _loading.changed = 0, False
    _loading.depth += 1
    try:
        yield
    finally:
        _loading.depth -= 1
        if outermost and _loading.changed:
            content_changed(using=using)


def content_changed(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Retire every stored page: content was written (see the module docstring).

    Usable as a signal receiver. Inside a transaction the generation is replaced now and
    again on commit (once per transaction, however many rows it writes); inside
    ``changes_on_commit()``, at the block's end instead of now.
    """
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if getattr(_loading, "depth", 0) and connection.in_atomic_block:
        _loading.changed = True
    else:
        _new_generation()
    if connection.in_atomic_block and not any(
        func is _new_generation for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_new_generation, using=using)


# Lifetime: the next scheduled publication ------------------------------------------------


# This process's copy of the next publication, for one generation: {generation: moment}.
_known_next = {}


def next_publication(generation_now, now):
    """When the next scheduled story becomes public (a datetime), or None: one query,
    cached for the generation until that moment (and kept by each process: read on every
    request, it cost a cache read each time)."""
    from articles.models import Article

    if generation_now in _known_next:
        known = _known_next[generation_now]
        if known is None or known > now:
            return known
    key = f"pages:next-publication:{generation_now}"
    stored = cache.get(key)
    if stored == _NEVER:
        upcoming = None
    elif stored is not None and stored > now:
        upcoming = stored
    else:
        upcoming = (
            Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        cache.set(key, upcoming or _NEVER, timeout=settings.PAGE_CACHE_SECONDS)
    _known_next.clear()  # one generation's: an older one is never asked for again
    _known_next[generation_now] = upcoming
    return upcoming


def _seconds_until(moment, now, ceiling):
    if moment is None:
        return ceiling
    return max(0, min(ceiling, int((moment - now).total_seconds())))


# Fragments: what pages derive from content, computed once per generation ----------------


class _Window:
    """The generation now and how long what is stored under it may be kept: until the
    next scheduled publication, at most PAGE_CACHE_SECONDS (0 with PAGE_CACHE off)."""

    def __init__(self):
        self.now = timezone.now()
        self.generation = generation() if settings.PAGE_CACHE else ""
        self.until = next_publication(self.generation, self.now) if settings.PAGE_CACHE else None
        self.seconds_left = _seconds_until(self.until, self.now, settings.PAGE_CACHE_SECONDS)

    def get(self, key):
        """What is stored under ``key`` (a dict with "until") if it is still fresh, or None."""
        if not (settings.PAGE_CACHE and self.seconds_left > 0):
            return None
        stored = cache.get(key)
        if stored is None or (stored["until"] is not None and self.now >= stored["until"]):
            return None
        return stored

    def set(self, key, stored):
        if settings.PAGE_CACHE and self.seconds_left > 0:
            cache.set(key, {"until": self.until, **stored}, timeout=self.seconds_left)


def per_generation(name, compute, request=None):
    """``compute()``, computed once per content generation and kept in the cache (``name``
    says what it is, e.g. ``related:42``; its value must pickle).

    Exact as the stored pages are: a write to content replaces the generation, so the next
    call computes afresh, and nothing is kept past the next scheduled publication (a story
    becoming public with no write). With ``PAGE_CACHE`` off, computed on every call.

    With ``request``, the generation is the one the request's page-cache lookup read (or
    one read once for the request): a page's fragments then cost one cache read each, and
    all of them belong to the same generation as the page around them.
    """
    if not settings.PAGE_CACHE:
        return compute()
    window = _window_of(request) if request is not None else _Window()
    key = f"fragments:{window.generation}:{name}"
    stored = window.get(key)
    if stored is not None:
        return stored["value"]
    value = compute()
    window.set(key, {"value": value})
    return value


def _window_of(request):
    # Read before the view reads any content, so nothing computed from older data can be
    # kept under a newer generation.
    window = getattr(request, "page_cache_moment", None) or getattr(
        request, "_fragment_window", None
    )
    if window is None:
        window = request._fragment_window = _Window()
    return window


# The middleware ------------------------------------------------------------------------


def _is_readers_page(request):
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.namespace == "articles" and match.url_name not in PRIVATE_PAGES


def _signed_in(request):
    """Whether a user is logged in; never opens a session a request does not carry."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _cache_key(request, generation_now):
    # The path as Django decoded it and the query string as sent: the same address each
    # time, without percent-encoding a Devanagari path again on every request.
    query = request.META.get("QUERY_STRING", "")
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"pages:{generation_now}:{digest}"


def _storable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    if "cookie" in response.get("Vary", "").lower():
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a form's CSRF token: the cookie goes with this answer alone
    session = getattr(request, "session", None)
    return not (session is not None and session.accessed)


def _public_headers(response, seconds_left):
    patch_cache_control(
        response,
        public=True,
        max_age=min(settings.PAGE_MAX_AGE, seconds_left),
        s_maxage=min(settings.PAGE_S_MAXAGE, seconds_left),
        stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
    )


class _Moment(_Window):
    """What one request's page-cache decisions rest on, computed once per request."""

    def __init__(self, request):
        super().__init__()
        self.key = _cache_key(request, self.generation)

    def stored(self):
        """The stored answer for this request, or None."""
        stored = self.get(self.key)
        if stored is None:
            return None
        response = HttpResponse(stored["content"], status=stored["status"])
        for header, value in stored["headers"]:
            response[header] = value
        _public_headers(response, self.seconds_left)
        return response

    def store(self, response):
        self.set(
            self.key,
            {
                "status": response.status_code,
                "headers": [
                    (header, value)
                    for header, value in response.items()
                    if header.lower() != "cache-control"
                ],
                "content": response.content,
            },
        )


def _anonymous(request):
    """A GET/HEAD that carries neither a session cookie (so no one is signed in: nothing
    needs the session or the user to tell) nor a language cookie (articles.i18n may
    redirect an old reader's cookie)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return settings.LANGUAGE_COOKIE_NAME not in request.COOKIES


def _readers_page_in_its_language(request):
    """Whether the path is a readers' page, resolved with the path's own language active,
    as articles.i18n makes it for the view."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return _is_readers_page(request)


class AnonymousPageCacheMiddleware:
    """Serves and stores the whole public pages of anonymous readers, early.

    Sits after the middleware that adds headers to every answer (security headers, the
    Content-Security-Policy and Permissions-Policy, CORS) and after ConditionalGetMiddleware
    (304 for a matching ETag), so that a page served from here passes through them as a
    rendered one does; and before the session, locale, common, CSRF and authentication
    middleware, which a request with neither a session nor a language cookie does not need
    to be answered from the cache. A page is stored here, on its way out, with every header
    the middleware after this one added (Content-Language, Vary, Content-Length, the ETag,
    X-Frame-Options...), but Cache-Control, recomputed for each answer: a stored answer
    carries the same headers as the rendered one. ``PageCacheMiddleware`` (after
    authentication) keeps the rest: ETags, Cache-Control, signed-in users, and answering
    anonymous readers who carry a session cookie from what is stored here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous(request):
            return self.get_response(request)
        # Also the generation of what the API keeps for this request (per_generation).
        moment = request.page_cache_moment = _Moment(request)
        stored = moment.stored()
        if stored is not None:
            # Only a readers' page is ever stored (below): what is stored needs no
            # resolving, which was a third of the cost of answering from the cache.
            return stored
        if not _readers_page_in_its_language(request):
            return self.get_response(request)
        response = self.get_response(request)
        storing = (
            settings.PAGE_CACHE
            and moment.seconds_left > 0
            and request.method == "GET"
            and response.has_header("ETag")  # marked public by PageCacheMiddleware
            and "public" in response.get("Cache-Control", "")
            and _storable(request, response)
            and set(request.GET) <= STORED_PARAMETERS
        )
        if storing:
            moment.store(response)
        return response


class PageCacheMiddleware:
    """ETags and Cache-Control of readers' pages; their stored copies for anonymous readers
    with a session cookie (see module docstring and ``AnonymousPageCacheMiddleware``).

    Sits after AuthenticationMiddleware (to tell signed-in users) and before the middleware
    whose headers belong to the stored page (X-Frame-Options, the slug redirects).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _is_readers_page(request):
            return self.get_response(request)
        if _signed_in(request):
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response
        moment = getattr(request, "page_cache_moment", None)
        if moment is None:
            # Not looked up before the session: a reader with a cookie, or a middleware
            # list without AnonymousPageCacheMiddleware. Served from the store, never stored
            # here (what is stored must carry the headers added after this middleware).
            moment = _Moment(request)
            stored = moment.stored()
            if stored is not None:
                return stored
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        if not response.has_header("ETag"):
            digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
            response["ETag"] = f'"{digest}"'
        _public_headers(response, moment.seconds_left)
        return response
