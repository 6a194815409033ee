from django.core.management.base import BaseCommand

from tenants.services import prepare_template_schema


class Command(BaseCommand):
    help = "Create and migrate the empty template schema new organisations are cloned from."

    def handle(self, *args, **options):
        prepare_template_schema(verbosity=max(0, options["verbosity"] - 1))
        self.stdout.write("Template schema ready.")
