"""Issue a personal REST API token: `python manage.py issue_api_token <email> [--name "MIS sync"]`.

The key is printed once; Cairn keeps only its SHA-256 and cannot show it again.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import User
from tenants.tokens import issue_api_token


class Command(BaseCommand):
    help = "Issue an API token for a person (it answers with their roles, on each organisation's address)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="What the token is for, e.g. “MIS sync”.")

    def handle(self, *args, email: str, name: str = "", **options) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No one signs in as {email}.")
        try:
            issued = issue_api_token(user=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(issued.key)
        self.stderr.write("Copy this key now: Cairn keeps only a fingerprint of it and cannot show it again.")
