import os

import tenants.models
from django.db import migrations, models


def give_each_organisation_its_own_salt(apps, schema_editor):
    """A random salt per existing organisation (a callable default would give them all one value).

    Their documents' keys were wrapped without a salt, so they keep reading those until
    `manage.py rewrap_keys` has moved every one of them.
    """
    Organisation = apps.get_model("tenants", "Organisation")
    for organisation in Organisation.objects.all().only("pk"):
        Organisation.objects.filter(pk=organisation.pk).update(key_salt=os.urandom(32), reads_unsalted_keys=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0003_handoff_ticket"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="key_salt",
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="reads_unsalted_keys",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(give_each_organisation_its_own_salt, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="key_salt",
            field=models.BinaryField(default=tenants.models.new_key_salt),
        ),
    ]
