import datetime

from django.db import migrations, models


def keys_made_before_expire_a_year_after_they_were_made(apps, schema_editor):
    ReportingToken = apps.get_model("reporting", "ReportingToken")
    for token in ReportingToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ReportingToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + datetime.timedelta(days=365))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_schoolfigures_sen_support_cost_dominated"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportingtoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(keys_made_before_expire_a_year_after_they_were_made, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportingtoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
