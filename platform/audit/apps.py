from django.apps import AppConfig


class AuditConfig(AppConfig):
    # In both the public schema (cross-organisation events) and every organisation's schema.
    name = "send_platform.audit"
    label = "audit"
    verbose_name = "Audit trail"
