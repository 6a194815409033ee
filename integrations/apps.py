from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # Built-in and plugged-in toolkits go into send_core's registry, once, at start-up.
        from .toolkits.registry import install_toolkits

        install_toolkits()

        # send_core sends EHC requests, decisions, plans and transition files through the exchange.
        from send_core.exchange import register_exchange

        from .exchange.port import EnvelopeExchange

        register_exchange(EnvelopeExchange())
