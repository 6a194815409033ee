# A school's age range (and the infant, first and junior phases), which says when its pupils move
# phase (SEND Regulations 2014, Regs 2 and 18).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_hashed_credentials"),
    ]

    operations = [
        migrations.AddField(
            model_name='organisation',
            name='first_year_group',
            field=models.CharField(blank=True, choices=[('N1', 'Nursery 1'), ('N2', 'Nursery 2'), ('R', 'Reception'), ('1', 'Year 1'), ('2', 'Year 2'), ('3', 'Year 3'), ('4', 'Year 4'), ('5', 'Year 5'), ('6', 'Year 6'), ('7', 'Year 7'), ('8', 'Year 8'), ('9', 'Year 9'), ('10', 'Year 10'), ('11', 'Year 11'), ('12', 'Year 12'), ('13', 'Year 13'), ('14', 'Year 14')], max_length=2, verbose_name='youngest year group'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='last_year_group',
            field=models.CharField(blank=True, choices=[('N1', 'Nursery 1'), ('N2', 'Nursery 2'), ('R', 'Reception'), ('1', 'Year 1'), ('2', 'Year 2'), ('3', 'Year 3'), ('4', 'Year 4'), ('5', 'Year 5'), ('6', 'Year 6'), ('7', 'Year 7'), ('8', 'Year 8'), ('9', 'Year 9'), ('10', 'Year 10'), ('11', 'Year 11'), ('12', 'Year 12'), ('13', 'Year 13'), ('14', 'Year 14')], max_length=2, verbose_name='oldest year group'),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='phase',
            field=models.CharField(blank=True, choices=[('nursery', 'Nursery'), ('infant', 'Infant'), ('first', 'First'), ('junior', 'Junior'), ('primary', 'Primary'), ('middle', 'Middle'), ('secondary', 'Secondary'), ('all_through', 'All-through'), ('special', 'Special'), ('ap', 'Alternative provision')], max_length=20),
        ),
    ]
