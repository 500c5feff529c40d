"""What the documents app registers for the life of records (``core/retention.py``): governing documents."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from varna.core import registry
from varna.documents.models import GoverningDocument


def describe_document(document: GoverningDocument) -> dict[str, Any]:
    """The document and every version of it (decision, §, diarienummer, validity, what changed) for the archive."""
    data = registry.describe_fields(document)
    data["node_name"] = document.node.name
    data["versions"] = [registry.describe_fields(v) for v in document.versions.order_by("pk")]
    return data


def register() -> None:
    registry.register_record_kind(
        registry.RecordKind(
            key="documents.document",
            label=gettext_lazy("Governing documents"),
            records=lambda org: GoverningDocument.objects.filter(organisation_id=org),
            clock="current_version__adopted_at",
            clock_label=gettext_lazy("after the adoption of the version in force"),
            default_years=10,
            default_action="preserve",
            default_basis=gettext_lazy(
                "Policies, guidelines, routines and plans adopted by the municipality's bodies show how the security "
                "work was governed: they are preserved, with every version and its decision."
            ),
            describe=describe_document,
            files=lambda d: [v.file for v in d.versions.order_by("pk") if v.file],
            label_of=lambda d: d.title,
            order=40,
        )
    )
