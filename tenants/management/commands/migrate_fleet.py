from django.core.management.base import BaseCommand, CommandError

from tenants.migrating import migrate_fleet


class Command(BaseCommand):
    help = (
        "Migrate public, the template and only the organisation schemas (and spares) that are behind, "
        "replaying the SQL worked out once per group of schemas in parallel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="Database connections replaying at once (2-4).")

    def handle(self, *args, **options):
        quiet = options["verbosity"] < 1
        result = migrate_fleet(workers=max(1, options["workers"]), stdout=None if quiet else self.stdout)
        if not quiet:
            self.stdout.write(
                f"{result.total} schemas: {result.up_to_date} already up to date, {len(result.replayed)} replayed, "
                f"{len(result.migrated)} migrated one by one, {len(result.failures)} failed ({result.seconds:.1f} s)."
            )
        for schema, error in sorted(result.failures.items()):
            self.stderr.write(f"{schema}: {error}")
        if result.failures:
            raise CommandError(f"{len(result.failures)} schemas failed to migrate; re-run to retry only those.")
