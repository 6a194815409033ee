from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ehc", "0001_initial"),
    ]

    operations = []
