"""PDF documents from HTML templates (WeasyPrint): reports are HTML + CSS, with no external requests.

The template is rendered like any page (the same SVG charts and tables); WeasyPrint may read only
files inside the project's static directories, never the network.

Laying out a long document takes WeasyPrint about a second, so the documents people download most (an adopted
risk analysis, an adopted action plan) are also **made by the worker and stored** (:class:`StoredDocument`):

- an app registers a :class:`Source` (:func:`varna.core.registry.register_document_source`): how the worker
  builds the document of one of its objects, and which objects keep one;
- a service that adopts or changes such an object calls :func:`request_store` in its transaction; the worker
  then runs :func:`store`, which renders the PDF and keeps it (the earlier file is deleted). A failing render is
  logged and never reaches the person's action;
- the download (:func:`stored_or_render`) builds the document's HTML as it would today (the queries and the
  template: tens of milliseconds) and serves the stored file when its fingerprint is the same; otherwise it
  renders the PDF as before. It never writes: a stale document is made again by the next change or by
  ``varna manage store_pdfs``, run nightly;
- the fingerprint is the SHA-256 of the HTML without its "printed" stamp (what the template marks with
  ``<!--printed-->…<!--/printed-->``), so a stored file says when it was made and never shows other content than
  a fresh one would (a reader who may see less gets a document of their own).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import registry
from varna.core.models import StoredDocument, User

logger = logging.getLogger(__name__)

PRINTED = re.compile(r"<!--printed-->.*?<!--/printed-->", re.DOTALL)


def _no_network(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: documents may not fetch anything."""
    raise ValueError(f"PDF documents may not fetch {url!r}")


def html_to_pdf(html: str) -> bytes:
    """Lay ``html`` out as a PDF (the slow part: about a second for an eight-page analysis)."""
    from weasyprint import HTML  # imported here: loading pango is only needed for PDFs

    base = Path(settings.BASE_DIR)
    return bytes(HTML(string=html, base_url=str(base), url_fetcher=_no_network).write_pdf())


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """Render ``template`` with ``context`` to a PDF document."""
    return html_to_pdf(render_to_string(template, context, request=request))


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def pdf_response(
    template: str, context: dict[str, Any], filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """A download of the rendered PDF with a safe, UTF-8 file name."""
    return _download(render_pdf(template, context, request), filename)


# --- stored documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """What a stored document shows: its template and context (rendered without a request)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)

    def html(self) -> str:
        return render_to_string(self.template, self.context)


@dataclass(frozen=True)
class Made:
    """The worker's document of one object, and the organisation the object belongs to."""

    organisation_id: int
    document: Document


@dataclass(frozen=True)
class Source:
    """What an app keeps stored documents of (registered in its ``AppConfig.ready``).

    ``build(object_id, actor)``: the document as the worker makes it (``actor``: the person whose change asked
    for it, or ``None``), or ``None`` when the object keeps no stored document (not adopted, or gone);
    ``kept()``: the ids of every object that keeps one, for ``varna manage store_pdfs``.
    """

    name: str
    build: Callable[[int, User | None], Made | None]
    kept: Callable[[], Iterable[int]]


def fingerprint(html: str) -> str:
    """What a stored document is compared by: its HTML without the "printed" stamp."""
    return hashlib.sha256(PRINTED.sub("", html).encode()).hexdigest()


def _stored_content(source: str, object_id: int, wanted: str) -> bytes | None:
    row = StoredDocument.objects.filter(source=source, object_id=object_id).only("fingerprint", "file").first()
    if row is None or row.fingerprint != wanted:
        return None
    try:
        with default_storage.open(row.file.name or "", "rb") as handle:
            return bytes(handle.read())
    except OSError:  # deleted by a newer one since the row was read: render it
        return None


def stored_or_render(*, source: str, object_id: int, document: Document, filename: str) -> HttpResponse:
    """The download of an object's PDF: the stored file when it is current, otherwise rendered now. Never writes."""
    html = document.html()
    content = _stored_content(source, object_id, fingerprint(html))
    return _download(content if content is not None else html_to_pdf(html), filename)


def request_store(source: str, object_id: int, actor: User | None = None) -> None:
    """Ask the worker to make and keep the object's PDF, in the caller's transaction (rolled back with it)."""
    from varna.core.tasks import store_pdf

    if registry.document_source(source) is None:
        raise KeyError(f"no stored documents of {source!r}")
    store_pdf.enqueue(source, object_id, actor.pk if actor is not None else None)


def store(source: str, object_id: int, actor_id: int | None = None) -> str:
    """The worker's step: make the object's PDF and keep it, unless the kept one is current. Never raises.

    Returns what happened: ``"stored"``, ``"current"``, ``"removed"`` (the object keeps none any more) or
    ``"failed"`` (logged; the download renders the PDF as before).
    """
    try:
        actor = User.objects.filter(pk=actor_id).first() if actor_id is not None else None
        with translation.override(settings.LANGUAGE_CODE):
            known = registry.document_source(source)
            if known is None:
                raise KeyError(f"no stored documents of {source!r}")
            made = known.build(object_id, actor)
            if made is None:
                forget(source, object_id)
                return "removed"
            html = made.document.html()
        wanted = fingerprint(html)
        row = StoredDocument.objects.filter(source=source, object_id=object_id).first()
        if row is not None and row.fingerprint == wanted and default_storage.exists(row.file.name or ""):
            return "current"
        content = html_to_pdf(html)
        _keep(source, object_id, made.organisation_id, wanted, content)
    except Exception:  # a failing render never fails anything else: the download renders it
        logger.exception("could not store the PDF of %s %s", source, object_id)
        return "failed"
    return "stored"


@transaction.atomic
def _keep(source: str, object_id: int, organisation_id: int, wanted: str, content: bytes) -> None:
    """Save the new file and point the row at it; the earlier file is deleted once this commits."""
    name = default_storage.save(f"documents/{source}/{object_id}-{wanted[:16]}.pdf", ContentFile(content))
    row = StoredDocument.objects.select_for_update().filter(source=source, object_id=object_id).first()
    old = row.file.name if row is not None else None
    if row is None:
        try:
            with transaction.atomic():
                StoredDocument.objects.create(
                    organisation_id=organisation_id, source=source, object_id=object_id, fingerprint=wanted, file=name
                )
        except IntegrityError:  # another worker stored it a moment ago: this one is as new
            row = StoredDocument.objects.select_for_update().get(source=source, object_id=object_id)
            old = row.file.name
    if row is not None:
        row.fingerprint, row.file.name, row.made_at = wanted, name, timezone.now()
        row.save(update_fields=["fingerprint", "file", "made_at"])
    if old and old != name:
        stale: str = old
        transaction.on_commit(lambda: default_storage.delete(stale))


def forget(source: str, object_id: int) -> None:
    """Remove an object's stored document and its file (the object was reopened or deleted)."""
    row = StoredDocument.objects.filter(source=source, object_id=object_id).first()
    if row is None:
        return
    name = row.file.name
    row.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
