"""The printable sign of a facility: its name and a QR code that opens the incident report form with the facility
filled in (``/incidents/report/?facility=<id>``), so that what happens there can be reported from the spot.

The code is made here with segno, as an SVG inside the page: nothing is fetched from any service.
"""

from __future__ import annotations

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.protection.models import Facility
from varna.protection.selectors import facilities as selectors


def report_url(request: HttpRequest, facility: Facility) -> str | None:
    """The full address of the report form with the facility chosen (``None`` without the incidents app)."""
    try:
        path = reverse("incidents:report")
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(f"{path}?facility={facility.pk}")


def qr_svg(url: str, title: str) -> SafeString:
    """The QR code of ``url`` as an inline SVG (medium error correction, printable at any size)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=6, title=title, svgclass="qr-code", dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308 - segno's own markup; it escapes the title


@access.require(Perm.VIEW_FACILITIES, model=Facility)
def facility_sign(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_for(access.actor(request), pk)
    url = report_url(request, facility)
    title = _("QR code: report an incident at %(name)s") % {"name": facility.name}  # segno escapes it
    context = {"facility": facility, "url": url, "qr": qr_svg(url, title) if url else None}
    return render(request, "protection/facility_sign.html", context)
