from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0003_handoff_ticket"),
    ]

    operations = []
