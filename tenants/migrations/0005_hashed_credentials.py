from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0004_organisation_key_salt"),
    ]

    operations = []
