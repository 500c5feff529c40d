"""A case's attachments get a change history; the files already added get their "added" row, by who added them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def record_files_already_added(apps, schema_editor):
    attachment_model = apps.get_model("incidents", "Attachment")
    history_model = apps.get_model("incidents", "HistoricalAttachment")
    batch = []
    for a in attachment_model.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            history_model(
                id=a.pk,
                organisation_id=a.organisation_id,
                incident_id=a.incident_id,
                file=a.file.name,
                original_name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                uploaded_by_id=a.uploaded_by_id,
                uploaded_at=a.uploaded_at,
                history_date=a.uploaded_at,
                history_type="+",
                history_user_id=a.uploaded_by_id,
            )
        )
        if len(batch) >= BATCH:
            history_model.objects.bulk_create(batch)
            batch = []
    history_model.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_mail"),
        ("incidents", "0003_case_revision_and_reason_without_investigation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalAttachment",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("file", models.TextField(max_length=100)),
                ("original_name", models.CharField(max_length=200, verbose_name="file name")),
                ("content_type", models.CharField(max_length=60)),
                ("size", models.PositiveIntegerField()),
                ("uploaded_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "incident",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="incidents.incident",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical attachment",
                "verbose_name_plural": "historical attachments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_files_already_added, migrations.RunPython.noop),
    ]
