from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("send_core", "0003_register_census_rules"),
    ]

    operations = []
