from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.bootstrap import ensure_platform


class Command(BaseCommand):
    help = "Make sure the platform organisation, its domain and the template schema exist (idempotent)."

    def handle(self, *args, **options):
        platform = ensure_platform()
        self.stdout.write(f"Platform ready at {settings.BASE_DOMAIN} ({platform.schema_name}).")
