from django.apps import AppConfig


class SendCoreConfig(AppConfig):
    name = "send_core"
    verbose_name = "SEND records"
