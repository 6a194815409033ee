import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def hash_the_old_plaintext_tokens(apps, schema_editor):
    """Keep every existing API token working, but only as its SHA-256, and drop the plaintext table.

    rest_framework.authtoken kept keys in clear in `authtoken_token`; that app is no longer installed,
    so its table is read with SQL where it still exists.
    """
    ApiToken = apps.get_model("tenants", "ApiToken")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        if cursor.fetchone()[0] is None:
            return
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=user_id,
                name="Token made before keys were hashed",
                prefix=key[:6],
                key_hash=hashlib.sha256(key.encode()).hexdigest(),
                created_at=created,
            )
            for key, user_id, created in rows
        ]
    )
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0004_organisation_key_salt"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(blank=True, help_text="What it is for, e.g. “MIS sync”.", max_length=100),
                ),
                ("prefix", models.CharField(max_length=16)),
                ("key_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(hash_the_old_plaintext_tokens, migrations.RunPython.noop),
    ]
