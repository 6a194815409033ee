"""The reporting app. Its folder is `graphql/` and its package `send_graphql` (see README.md there)."""

from pathlib import Path

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "send_graphql"
    label = "reporting"
    verbose_name = "Anonymised reporting"
    # A namespace package (a `graphql/__init__.py` would hide graphql-core), so Django is told where it lives.
    path = str(Path(__file__).resolve().parent)

    def ready(self) -> None:
        from . import signals

        signals.connect()
