from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "send_core.provision"
    label = "provision"
    verbose_name = "Provision mapping"

    def ready(self) -> None:
        from send_core.permissions import register_pupil_visibility
        from send_core.ports import register_pupil_provision

        from .permissions import pupils_in_their_groups
        from .ports import pupil_provision_panel

        # Teachers and TAs who run an intervention group see the pupils in it.
        register_pupil_visibility(pupils_in_their_groups)
        # The pupil's provision page shows the groups and individual provision they receive.
        register_pupil_provision(pupil_provision_panel)
        # Group places, sessions and individual provision as kinds of record on a pupil.
        from .kinds import register as register_record_kinds

        register_record_kinds()
