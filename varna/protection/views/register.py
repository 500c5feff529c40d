"""The facility register as an Excel file (G11): the person's facilities to download, and the empty template.

Both have the columns of the register's import (:mod:`varna.protection.imports.register`), so a downloaded file
can be changed and imported again on the import page (core's, with its check and confirmation).
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, to_xlsx_list
from varna.protection.imports import register as register_import
from varna.protection.selectors.register import register


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@access.require(Perm.VIEW_FACILITIES)
def register_xlsx(request: HttpRequest) -> HttpResponse:
    """The facilities the person may see, one row each, in the columns of the import."""
    user = access.actor(request)
    assert user.organisation is not None  # noqa: S101 - access.require: a person of an organisation
    rows = register_import.export_rows(user.organisation, register(user))
    content = to_xlsx_list(register_import.HEADERS, rows, sheet=_("Facility register"))
    return _download(content, f"lokalregister-{timezone.localdate():%Y-%m-%d}.xlsx")


@access.require(Perm.MANAGE_PROTECTION)
def register_template(request: HttpRequest) -> HttpResponse:
    """The register's columns and no facility: the form to fill in and import."""
    content = to_xlsx_list(register_import.HEADERS, [], sheet=_("Facility register"))
    return _download(content, "lokalregister-mall.xlsx")
