"""The anonymous rate limit: ``API_ANON_RATE`` requests per client address ("120/min"),
counted in the default cache; over it, 429 with Retry-After (DRF's Throttled)."""

from django.conf import settings
from rest_framework import throttling

from articles.cache_errors import cache


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's AnonRateThrottle with its rate read from ``settings.API_ANON_RATE`` at each
    request (DRF's own reads its rates once, at import), so a changed setting applies."""

    # With the cache down the count cannot be kept: every request is allowed (fail open)
    # rather than every request failing (articles/cache_errors.py).
    cache = cache

    def __init__(self):
        # DRF reads the rate in __init__; read ours there too, each request.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self):
        return settings.API_ANON_RATE
