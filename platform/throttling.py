"""API throttling that stays out of the way when the cache is unreachable.

The rate counts live in the cache. If Redis is away, refusing every API call (a 500) would turn a
cache outage into a full outage and make callers retry their writes; letting the request through
for the length of the outage is the lesser harm, and the log says so.
"""

from __future__ import annotations

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class UserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as error:  # any cache client failure: connection refused, timeout, reset
            logger.warning("API throttle skipped: the cache is unreachable (%s)", type(error).__name__)
            return True
