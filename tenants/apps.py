from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import stamp_session

        user_logged_in.connect(stamp_session, dispatch_uid="cairn-stamp-session")
