"""The cache may fail; the site may not: a cache that cannot be reached is a miss.

Django's RedisCache raises on a connection error, so with Redis down every page that
reads the cache would answer 500. Every use of the cache on the readers' path (the page
cache, articles/caching.py; the linked bodies, articles/linking.py; the API's rate limit,
articles/api/throttling.py; the admin's open-form marks) goes through ``cache`` here
instead: a read that fails is a miss (``default``), a write that fails is dropped, and the
page is rendered as if nothing were cached. The failure is logged once per process when
the cache goes away and once when it is back, not on every call.

What is lost while the cache is down: caching itself (every page is rendered), the API's
rate limit (every request is allowed: better than refusing every reader), and the page
cache's invalidation. A save made while Redis is unreachable cannot retire the stored
pages, so if the same Redis comes back with its data those pages may be served until
``PAGE_CACHE_SECONDS`` runs out; a Redis restarted empty has none.
"""

import logging

from django.core.cache import cache as _cache
from imagekit.cachefiles.backends import Simple

logger = logging.getLogger(__name__)

try:
    from redis.exceptions import RedisError
except ImportError:  # redis is only needed with REDIS_URL
    RedisError = OSError

# Connection refused or reset, timeouts, a server answering errors (loading, read-only).
CACHE_ERRORS = (RedisError, OSError, EOFError)


class _State:
    down = False


def _failed(operation, error):
    if not _State.down:
        _State.down = True
        logger.warning("Cache unavailable (%s: %s); serving without it.", operation, error)


def _succeeded():
    if _State.down:
        _State.down = False
        logger.warning("Cache available again.")


_UNREACHABLE = object()


def _tolerant(operation, fallback):
    """The default cache's ``operation``, answering ``fallback(*args, **kwargs)`` when the
    cache cannot be reached."""

    def method(self, *args, **kwargs):
        try:
            result = getattr(_cache, operation)(*args, **kwargs)
        except CACHE_ERRORS as error:
            _failed(operation, error)
            return fallback(*args, **kwargs)
        _succeeded()
        return result

    method.__name__ = operation
    return method


class TolerantCache:
    """The default cache's get/set/add/delete/get_many/set_many, with errors as misses."""

    get = _tolerant("get", lambda key, default=None, **kwargs: default)
    get_many = _tolerant("get_many", lambda keys, **kwargs: {})
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    add = _tolerant("add", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)

    _probe = _tolerant("get", lambda *args, **kwargs: _UNREACHABLE)

    def ping(self):
        """Whether the cache answers now: one read of a key nobody sets."""
        return self._probe("health:ping") is not _UNREACHABLE


cache = TolerantCache()


class ImageKitCacheFileBackend(Simple):
    """ImageKit's default backend, keeping its rendition states in ``cache`` above, so that
    saving a photograph (which makes its renditions, articles/images.py) works with the
    cache down; a lost state only means ImageKit looks at the storage again."""

    @property
    def cache(self):
        return cache
