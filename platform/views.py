"""Health checks (liveness and readiness) and the error pages."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

# Each readiness check gives up after this long, so a hung dependency answers the probe in seconds.
READY_CHECK_SECONDS = 2


def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _database_ready() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {READY_CHECK_SECONDS * 1000}")
        cursor.execute("SELECT 1")


def _cache_ready() -> None:
    # A write and a read back: a cache that accepts connections but cannot store is not ready.
    # The key is this probe's own: every pod probes the one shared cache, often in the same second,
    # and a shared key let one probe read another's value and report a healthy cache as down.
    value = secrets.token_hex(8)
    key = f"cairn:ready:{value}"
    cache.set(key, value, timeout=READY_CHECK_SECONDS * 5)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not keep a value")
    finally:
        cache.delete(key)


def _broker_ready() -> None:
    from send_platform.celery_app import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=READY_CHECK_SECONDS)


READY_CHECKS = {"database": _database_ready, "cache": _cache_ready, "broker": _broker_ready}


def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database, cache and broker, each reported on its own; 503 names what is down."""
    checks = {}
    for name, check in READY_CHECKS.items():
        try:
            check()
        except Exception as error:  # the probe reports, it never fails itself
            # The kind of error only: messages can carry host names and credentials.
            logger.warning("Readiness: %s is unavailable (%s)", name, type(error).__name__)
            checks[name] = "unavailable"
        else:
            checks[name] = "ok"
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "unavailable", "checks": checks, "unavailable": down}
    return JsonResponse(body, status=503 if down else 200)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in them.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
