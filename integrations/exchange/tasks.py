"""Background work for the exchange (public schema: envelopes are shared, not per organisation)."""

from __future__ import annotations

from send_platform.celery_app import app

from . import services


@app.task(name="integrations.exchange.expire_envelopes")
def expire_envelopes() -> int:
    """Expire envelopes not acknowledged by their expiry date; returns how many expired."""
    return services.expire_envelopes()


@app.task(name="integrations.exchange.sweep_orphan_documents")
def sweep_orphan_documents() -> int:
    """Remove stored files left by sends that were rolled back."""
    return services.sweep_orphan_documents()
