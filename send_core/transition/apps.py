from django.apps import AppConfig


class TransitionConfig(AppConfig):
    # Public schema only: a grant and a handed-on file concern two schools at once, so they live
    # beside the exchange's envelopes and name the child by each school's opaque pupil id.
    name = "send_core.transition"
    label = "transition"
    verbose_name = "Transition to the next school"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The board shows a file as acknowledged however the next school acknowledged it.
        from send_core.exchange import message_acknowledged

        from .services import file_acknowledged

        message_acknowledged.connect(file_acknowledged, dispatch_uid="transition-file-acknowledged")
