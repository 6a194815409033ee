from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_hashed_credentials"),
    ]

    operations = []
