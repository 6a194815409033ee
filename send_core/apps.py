from django.apps import AppConfig


class SendCoreConfig(AppConfig):
    name = "send_core"
    verbose_name = "SEND records"

    def ready(self) -> None:
        from tenants.ports import register_school_home_section, register_stored_files

        from .selectors.stored_documents import documents_for_export
        from .views.dashboard import school_home_section

        # A school's home page shows its SEND dashboard; off-boarding exports and deletes its pupils' documents.
        register_school_home_section(school_home_section)
        register_stored_files(documents_for_export)
        # The kinds of record a pupil has (the domain apps register theirs in their own ready()).
        from .record_kinds import register as register_record_kinds

        register_record_kinds()
