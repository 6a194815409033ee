"""Background work for the exchange (public schema: envelopes are shared, not per organisation)."""

from __future__ import annotations

from send_platform.celery_app import app

from . import services


@app.task(name="integrations.exchange.expire_envelopes")
def expire_envelopes() -> int:
    """Expire envelopes not acknowledged by their expiry date; returns how many expired."""
    return services.expire_envelopes()
