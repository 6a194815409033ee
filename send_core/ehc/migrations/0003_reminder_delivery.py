# Reminders record whether their email was accepted by the mail server (pending -> sent / failed),
# so a failed send is retried and a sent one never goes twice.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ehc", "0002_statutory_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        # Reminders made before this were emailed when they were made: they are "sent", or the
        # first run after the upgrade would email every reminder ever made. New rows start pending.
        migrations.AddField(
            model_name="reminder",
            name="delivery",
            field=models.CharField(
                choices=[("pending", "Not emailed yet"), ("sent", "Emailed"), ("failed", "Email failed")],
                default="sent",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="reminder",
            name="delivery",
            field=models.CharField(
                choices=[("pending", "Not emailed yet"), ("sent", "Emailed"), ("failed", "Email failed")],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="reminder",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reminder",
            name="email_subject",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="reminder",
            name="email_text",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="reminder",
            name="last_error",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="reminder",
            name="retry_after",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(fields=["delivery", "retry_after"], name="reminder_to_email"),
        ),
    ]
