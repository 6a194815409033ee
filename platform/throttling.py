"""API throttling that stays out of the way when the cache is unreachable.

The rate counts live in the cache. If Redis is away, refusing every API call (a 500) would turn a
cache outage into a full outage and make callers retry their writes; letting the request through
for the length of the outage is the lesser harm, and the log says so.
"""

from __future__ import annotations

import logging

from rest_framework import authentication, throttling

logger = logging.getLogger(__name__)


class UserRateThrottle(throttling.UserRateThrottle):
    """Per person, counted separately for sessions (`session`) and personal tokens (`token`).

    An MIS sync runs on a token and pages through a whole school at once, a person in a browser
    does not: each kind of client gets its own rate and its own count (settings.REST_FRAMEWORK).
    """

    scope = "session"

    def allow_request(self, request, view) -> bool:
        if isinstance(getattr(request, "successful_authenticator", None), authentication.TokenAuthentication):
            self.scope = "token"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception as error:  # any cache client failure: connection refused, timeout, reset
            logger.warning("API throttle skipped: the cache is unreachable (%s)", type(error).__name__)
            return True
