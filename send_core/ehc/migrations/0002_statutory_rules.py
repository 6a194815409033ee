# EHC statutory rules: Reg 10(4) exceptions and the Reg 8(2) advice they concern, amendments after
# review (Reg 22), preparing for adulthood (Reg 20(6)), plans' making dates (CFA 2014 s44), and
# requests made by families themselves (CFA 2014 s36(1)).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ehc", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreview',
            name='preparing_for_adulthood',
            field=models.TextField(blank=True, verbose_name='preparing for adulthood'),
        ),
        migrations.AddField(
            model_name='annualreview',
            name='la_proposed_amendments',
            field=models.TextField(blank=True, verbose_name='amendments the LA proposes'),
        ),
        migrations.AddField(
            model_name='caseannualreview',
            name='amendment_notice_on',
            field=models.DateField(blank=True, null=True, verbose_name='notice of proposed amendments served on'),
        ),
        migrations.AddField(
            model_name='caseannualreview',
            name='proposed_amendments',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='clockexception',
            name='advice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='exceptions', to='ehc.advicerequest'),
        ),
        migrations.AddField(
            model_name='ehccase',
            name='received_how',
            field=models.CharField(choices=[('exchange', 'Through Cairn from the school'), ('letter', 'Letter'), ('email', 'Email'), ('online', 'Online form'), ('phone', 'Telephone'), ('in_person', 'In person')], default='exchange', max_length=20),
        ),
        migrations.AddField(
            model_name='ehccase',
            name='requested_by',
            field=models.CharField(choices=[('school', "The child's school"), ('parent', 'A parent'), ('young_person', 'The young person')], default='school', max_length=20),
        ),
        migrations.AddField(
            model_name='ehccase',
            name='requester_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='who made the request'),
        ),
        migrations.AddField(
            model_name='ehcplan',
            name='amended',
            field=models.BooleanField(default=False, verbose_name='an amended plan'),
        ),
        migrations.AddField(
            model_name='ehcplan',
            name='plan_made_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='clockexception',
            name='reason',
            field=models.CharField(choices=[('school_closure', 'Advice asked of a school or college around its closure of four weeks or more (Reg 10(4)(a))'), ('early_years_closure', 'Advice asked of an early years provider around its closure of four weeks or more (Reg 10(4)(b))'), ('personal_circumstances', 'Exceptional personal circumstances of the child, parent or young person (Reg 10(4)(c))'), ('absent_from_area', 'The child, parent or young person away from the area for four weeks or more (Reg 10(4)(d))'), ('missed_appointment', 'A missed appointment for an examination or test (Reg 8(2))')], max_length=30),
        ),
        migrations.AlterField(
            model_name='ehccase',
            name='school_id',
            field=models.BigIntegerField(blank=True, help_text="The child's school (an organisation).", null=True),
        ),
        migrations.AlterField(
            model_name='ehccase',
            name='school_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='ehccase',
            name='school_pupil_id',
            field=models.BigIntegerField(blank=True, help_text="The child's id in the school's records.", null=True),
        ),
    ]
