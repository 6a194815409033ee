from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "send_core.provision"
    label = "provision"
    verbose_name = "Provision mapping"

    def ready(self) -> None:
        from send_core.permissions import register_pupil_visibility

        from .permissions import pupils_in_their_groups

        # Teachers and TAs who run an intervention group see the pupils in it.
        register_pupil_visibility(pupils_in_their_groups)
