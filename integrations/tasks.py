"""Celery finds tasks in each app's tasks module; the exchange's live in its own package."""

from integrations.exchange.tasks import expire_envelopes  # noqa: F401
