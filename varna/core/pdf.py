"""PDF documents from HTML templates (WeasyPrint): reports are HTML + CSS, with no external requests.

The template is rendered like any page (the same SVG charts and tables); WeasyPrint may read only
files inside the project's static directories, never the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _no_network(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: documents may not fetch anything."""
    raise ValueError(f"PDF documents may not fetch {url!r}")


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """Render ``template`` with ``context`` to a PDF document."""
    from weasyprint import HTML  # imported here: loading pango is only needed for PDFs

    html = render_to_string(template, context, request=request)
    base = Path(settings.BASE_DIR)
    return bytes(HTML(string=html, base_url=str(base), url_fetcher=_no_network).write_pdf())


def pdf_response(
    template: str, context: dict[str, Any], filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """A download of the rendered PDF with a safe, UTF-8 file name."""
    response = HttpResponse(render_pdf(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
