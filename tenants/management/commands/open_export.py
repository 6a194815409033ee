"""Open a sealed off-boarding export: `python manage.py open_export <file> [--output contents.json]`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.exports import ExportUnreadable, read_export


class Command(BaseCommand):
    help = "Write the contents of an off-boarding export as JSON (to a new 0600 file, or to standard output)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--output", help="A new file to write; it must not exist.")

    def handle(self, *args, path: str, output: str | None = None, **options) -> None:
        try:
            content = read_export(Path(path))
        except (OSError, ExportUnreadable) as error:
            raise CommandError(str(error)) from None
        text = json.dumps(content, indent=1)
        if output:
            descriptor = os.open(output, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"Written to {output}.")
        else:
            self.stdout.write(text)
