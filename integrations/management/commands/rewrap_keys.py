"""Move every wrapped key to the current master key: `python manage.py rewrap_keys`.

Run it after setting a new CAIRN_MASTER_KEY with the previous one in CAIRN_MASTER_KEYS_OLD; when
it reports nothing left to re-wrap and nothing unreadable, the old key may be dropped.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from integrations.rewrapping import rewrap_all_keys


class Command(BaseCommand):
    help = "Re-wrap every document, held import, exchange and export key under CAIRN_MASTER_KEY, with progress."

    def handle(self, *args, **options) -> None:
        total = rewrap_all_keys(write=lambda line: self.stdout.write(line))
        if total.unreadable:
            raise CommandError(
                f"{total.unreadable} key(s) could not be opened with the keys held: keep the old master keys "
                "in CAIRN_MASTER_KEYS_OLD, find those records, and run this again."
            )
        self.stdout.write("Done: every key is under the current master key; older keys may now be removed.")
