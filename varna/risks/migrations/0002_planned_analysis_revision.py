"""A planned analysis carries ``revision`` and ``updated_at`` like every record a person edits."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_risk_matrix_analyses_risks_measures")]

    operations = [
        migrations.AddField(
            model_name="plannedanalysis",
            name="revision",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="plannedanalysis",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="updated"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalplannedanalysis",
            name="updated_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name="updated"),
            preserve_default=False,
        ),
    ]
