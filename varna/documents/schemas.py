"""Schemas of the governing documents API: query parameters and what comes out (read only)."""

import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from varna.core import access
from varna.core.schemas import NodeRef, SearchText
from varna.documents import selectors
from varna.documents.models import DocumentKind, DocumentVersion, GoverningDocument, Operation, VersionStatus


class DocumentFilters(Schema):
    kind: DocumentKind | None = Field(None, description="Only documents of this kind.")
    q: SearchText = Field("", description="Only documents whose title or registry number contains this text.")


class VersionOut(Schema):
    id: int
    document: int = Field(description="The document's id.")
    number: int
    status: VersionStatus
    changes: str = Field(description="What has changed since the version before (the changelog).")
    file_name: str
    content_type: str
    size: int = Field(description="The file's size in bytes.")
    download: str | None = Field(description="Where the file is fetched (with the same token); null without a file.")
    adopted_by_body: str
    decided_on: datetime.date | None
    minute_paragraph: str
    registry_number: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None

    @staticmethod
    def resolve_document(obj: DocumentVersion) -> int:
        return obj.document_id

    @staticmethod
    def resolve_file_name(obj: DocumentVersion) -> str:
        return obj.original_name

    @staticmethod
    def resolve_download(obj: DocumentVersion) -> str | None:
        return reverse("api:document_version_file", args=[obj.pk]) if obj.file else None


class DocumentOut(Schema):
    id: int
    title: str
    kind: DocumentKind
    operation: Operation | None = Field(description="The operation of a sub-plan for heightened readiness.")
    node: NodeRef = Field(description="The owner unit.")
    adopting_body: str
    secret: bool
    next_revision_on: datetime.date | None
    current_version: VersionOut | None = Field(description="The adopted version in force; null if none is.")

    @staticmethod
    def resolve_operation(obj: GoverningDocument) -> str | None:
        return obj.operation or None


class DocumentDetailOut(DocumentOut):
    description: str
    versions: list[VersionOut] = Field(description="The versions the caller may read, newest first.")

    @staticmethod
    def resolve_versions(obj: GoverningDocument, context: dict[str, Any]) -> list[DocumentVersion]:
        return list(selectors.versions(access.actor(context["request"]), obj))
