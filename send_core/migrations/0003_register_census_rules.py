from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("send_core", "0002_needdescriptorlevel"),
    ]

    operations = []
