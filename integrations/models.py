"""Models of the integrations app (public schema)."""

from integrations.exchange.models import (
    Envelope,
    EnvelopeDocument,
    EnvelopeKind,
    EnvelopeState,
    ScanStatus,
)

__all__ = ["Envelope", "EnvelopeDocument", "EnvelopeKind", "EnvelopeState", "ScanStatus"]
