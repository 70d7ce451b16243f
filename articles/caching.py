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

**What is never stored**: anything but a GET/HEAD to a readers' page (the ``articles``
namespace) other than previews and share links; anything for a signed-in user (a request
with a session cookie whose user is logged in: the session is not touched for a reader
without a session cookie); a response other than 200, streaming, setting a cookie, or
marked private/no-store/no-cache; a response rendered for a request with a session.

**HTTP.** Public pages answered for an anonymous reader carry ``Cache-Control: public,
max-age=PAGE_MAX_AGE, s-maxage=PAGE_S_MAXAGE, stale-while-revalidate=PAGE_STALE_WHILE_
REVALIDATE`` (each bounded by the next scheduled publication) and an ETag (a hash of the
bytes, stored with the page); Django's ConditionalGetMiddleware answers 304. A readers' page
answered for a signed-in user is ``private, no-store``, as are the admin, previews and share
links (their own views). The content API keeps its own validators and caching headers
(articles/api/http.py) and is not stored here: its answers are computed fresh each time.
"""

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

GENERATION_KEY = "pages:generation"
# Readers' pages that are not public: never stored, always private.
PRIVATE_PAGES = {"article-preview", "share"}
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


def content_changed(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Retire every stored page: content was written (see the module docstring).

    Usable as a signal receiver. Inside a transaction the generation is replaced now and
    again on commit (once per transaction, however many rows it writes).
    """
    _new_generation()
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if connection.in_atomic_block and not any(
        func is _new_generation for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_new_generation, using=using)


# Lifetime: the next scheduled publication ------------------------------------------------


def next_publication(generation_now, now):
    """When the next scheduled story becomes public (a datetime), or None: one query,
    cached for the generation until that moment."""
    from articles.models import Article

    key = f"pages:next-publication:{generation_now}"
    stored = cache.get(key)
    if stored == _NEVER:
        return None
    if stored is not None and stored > now:
        return stored
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set(key, upcoming or _NEVER, timeout=settings.PAGE_CACHE_SECONDS)
    return upcoming


def _seconds_until(moment, now, ceiling):
    if moment is None:
        return ceiling
    return max(0, min(ceiling, int((moment - now).total_seconds())))


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
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
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


class PageCacheMiddleware:
    """Serves and stores whole public pages for anonymous readers (see module docstring).

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
        now = timezone.now()
        generation_now = generation() if settings.PAGE_CACHE else ""
        until = next_publication(generation_now, now) if settings.PAGE_CACHE else None
        seconds_left = _seconds_until(until, now, settings.PAGE_CACHE_SECONDS)
        key = _cache_key(request, generation_now)
        if settings.PAGE_CACHE and seconds_left > 0:
            stored = cache.get(key)
            if stored is not None and (stored["until"] is None or now < stored["until"]):
                response = HttpResponse(stored["content"], status=stored["status"])
                for header, value in stored["headers"]:
                    response[header] = value
                _public_headers(response, seconds_left)
                return response
        response = self.get_response(request)
        if not _storable(request, response):
            return response
        if not response.has_header("ETag"):
            digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
            response["ETag"] = f'"{digest}"'
        storing = (
            settings.PAGE_CACHE
            and seconds_left > 0
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        if storing:
            cache.set(
                key,
                {
                    "until": until,
                    "status": response.status_code,
                    "headers": [
                        (header, value)
                        for header, value in response.items()
                        if header.lower() != "cache-control"
                    ],
                    "content": response.content,
                },
                timeout=seconds_left,
            )
        _public_headers(response, seconds_left)
        return response
