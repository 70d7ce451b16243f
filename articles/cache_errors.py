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


class TolerantCache:
    """The default cache's get/set/add/delete/get_many/set_many, with errors as misses."""

    def get(self, key, default=None):
        try:
            value = _cache.get(key, default)
        except CACHE_ERRORS as error:
            _failed("get", error)
            return default
        _succeeded()
        return value

    def get_many(self, keys):
        try:
            values = _cache.get_many(keys)
        except CACHE_ERRORS as error:
            _failed("get_many", error)
            return {}
        _succeeded()
        return values

    def set(self, key, value, timeout=None, **kwargs):
        try:
            _cache.set(key, value, timeout, **kwargs)
        except CACHE_ERRORS as error:
            _failed("set", error)
        else:
            _succeeded()

    def set_many(self, data, timeout=None):
        try:
            failed = _cache.set_many(data, timeout)
        except CACHE_ERRORS as error:
            _failed("set_many", error)
            return list(data)
        _succeeded()
        return failed

    def add(self, key, value, timeout=None):
        try:
            added = _cache.add(key, value, timeout)
        except CACHE_ERRORS as error:
            _failed("add", error)
            return False
        _succeeded()
        return added

    def delete(self, key):
        try:
            deleted = _cache.delete(key)
        except CACHE_ERRORS as error:
            _failed("delete", error)
            return False
        _succeeded()
        return deleted

    def ping(self):
        """Whether the cache answers now: one read of a key nobody sets."""
        try:
            _cache.get("health:ping")
        except CACHE_ERRORS as error:
            _failed("ping", error)
            return False
        _succeeded()
        return True


cache = TolerantCache()


class ImageKitCacheFileBackend(Simple):
    """ImageKit's default backend, keeping its rendition states in ``cache`` above, so that
    saving a photograph (which makes its renditions, articles/images.py) works with the
    cache down; a lost state only means ImageKit looks at the storage again."""

    @property
    def cache(self):
        return cache
