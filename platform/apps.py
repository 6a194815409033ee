from pathlib import Path

from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "send_platform"
    label = "send_platform"
    verbose_name = "Cairn platform"
    # A namespace package (see DESIGN.md), so Django is told where it lives.
    path = str(Path(__file__).resolve().parent)
