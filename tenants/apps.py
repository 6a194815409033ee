from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .migrating import install_schema_has_table
        from .sessions import stamp_session

        # The migration recorder asks for django_migrations in one schema by name, not by listing
        # every table in the database (~93 ms a call at a thousand schools).
        install_schema_has_table()

        user_logged_in.connect(stamp_session, dispatch_uid="cairn-stamp-session")
