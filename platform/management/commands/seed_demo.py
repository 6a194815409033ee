from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from send_platform.demo import seed_demo

from tenants.demo import DEMO_PASSWORD, SCHOOLS, demo_sign_ins


class Command(BaseCommand):
    help = "Load the demo organisations, people and children (composed in send_platform.demo). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo's accounts share a published password.
            raise CommandError("The demo is for development machines only; it is refused in production.")
        organisations = seed_demo()
        port = options["port"]
        base = settings.BASE_DOMAIN
        self.stdout.write("")
        self.stdout.write(f"  Sign in:     http://{base}:{port}/sign-in/")
        self.stdout.write(f"  Operator:    http://{base}:{port}/operator/organisations/")
        for slug in ("westmere", "riverstone", *(s.slug for s in SCHOOLS)):
            self.stdout.write(f"  {organisations[slug].name:<32} http://{slug}.{base}:{port}/")
        self.stdout.write(f"\n  Every demo sign-in uses the password: {DEMO_PASSWORD}\n")
        for organisation, role, email in demo_sign_ins():
            self.stdout.write(f"  {organisation:<32} {role:<26} {email}")
        # Last, so it is the last line on screen (`./cairn run` shows this once the server answers).
        self.stdout.write(self.style.SUCCESS("\nCairn demo is ready.\n"))
