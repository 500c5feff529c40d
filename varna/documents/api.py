"""API for governing documents (read only): the documents, their versions and the versions' files.

The same access policy as the pages: a list holds what ``access.scope(user, VIEW_DOCUMENTS)`` lets through
(adopted public documents, and drafts and secret ones only for those who keep them); one document or version is
fetched and checked in one call (a 404 outside it).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from varna.core import access
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.documents import selectors
from varna.documents.files import KINDS
from varna.documents.models import DocumentVersion, GoverningDocument
from varna.documents.schemas import DocumentDetailOut, DocumentFilters, DocumentOut, VersionOut

router = Router(tags=["documents"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_RESPONSES: dict[str, Any] = {
    "responses": {"200": {"description": "The file", "content": {kind: _BINARY for kind in KINDS}}}
}


@router.get("/documents", response={200: list[DocumentOut], **ERRORS}, summary="Governing documents")
@access.require_api(Perm.VIEW_DOCUMENTS)
@paginate(Pagination)
def list_documents(request: HttpRequest, filters: Query[DocumentFilters]) -> QuerySet[GoverningDocument]:
    """The governing documents the caller may read, by title."""
    return selectors.documents(access.actor(request), kind=filters.kind, query=filters.q.strip())


@router.get("/documents/{id}", response={200: DocumentDetailOut, **ERRORS}, summary="One governing document")
@access.require_api(Perm.VIEW_DOCUMENTS, model=GoverningDocument)
def get_document(request: HttpRequest, id: int = ObjectId) -> GoverningDocument:
    """One document with its versions and changelog (drafts only for those who keep it)."""
    return selectors.document_for(access.actor(request), id)


@router.get("/document-versions/{id}", response={200: VersionOut, **ERRORS}, summary="One document version")
@access.require_api(Perm.VIEW_DOCUMENTS, model=DocumentVersion)
def get_version(request: HttpRequest, id: int = ObjectId) -> DocumentVersion:
    return selectors.version_for(access.actor(request), id)


@router.get(
    "/document-versions/{id}/file",
    response=ERRORS,
    summary="The file of a document version",
    url_name="document_version_file",
    openapi_extra=FILE_RESPONSES,
)
@access.require_api(Perm.VIEW_DOCUMENTS, model=DocumentVersion)
def get_version_file(request: HttpRequest, id: int = ObjectId) -> FileResponse:
    """The version's file (PDF or Word), as it was uploaded."""
    version = selectors.version_for(access.actor(request), id)
    if not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=version.original_name, content_type=version.content_type)
