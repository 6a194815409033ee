from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_schoolfigures_sen_support_cost_dominated"),
    ]

    operations = []
