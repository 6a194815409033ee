from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("send_core", "0002_needdescriptorlevel"),
    ]

    operations = [
        migrations.AddField(
            model_name="pupil",
            name="nc_not_followed",
            field=models.BooleanField(default=False, verbose_name="national curriculum not followed"),
        ),
        migrations.AddField(
            model_name="supportplan",
            name="source_key",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.CreateModel(
            name="TransferFileSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "destination",
                    models.CharField(help_text="LA and establishment number, or MMMMMMM.", max_length=7, unique=True),
                ),
                ("last_number", models.PositiveSmallIntegerField(default=0)),
            ],
        ),
    ]
