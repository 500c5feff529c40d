"""The API root: django-ninja at /api/v1/. Each domain app adds its router here.

Every error is JSON ``{"detail": ...}``: 401 without a valid token, 403 when the caller's
roles do not allow the operation at all, 404 for objects that do not exist or are outside the
caller's scope (never 403, which would leak that they exist), 422 for invalid parameters.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from varna.core.api import BearerToken
from varna.core.api import router as core_router
from varna.core.api_retention import router as retention_router
from varna.documents.api import router as documents_router
from varna.followup.api import router as followup_router
from varna.incidents.api import router as incidents_router
from varna.insurance.api import router as insurance_router
from varna.plans.api import router as plans_router
from varna.protection.api import router as protection_router
from varna.protection.api_exposure import router as protection_exposure_router
from varna.protection.api_rounds import router as protection_rounds_router
from varna.risks.api import router as risks_router
from varna.training.api import router as training_router

api = NinjaAPI(
    title="Värna API",
    version="1",
    description="Read access to a municipality's security work. Authenticate with 'Authorization: Bearer TOKEN' "
    "(a token comes from 'varna token USERNAME').",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": _("A valid API token is required.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="varna"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("Your roles do not allow this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


api.add_router("", core_router)
api.add_router("", retention_router)
api.add_router("", incidents_router)
api.add_router("", risks_router)
api.add_router("", plans_router)
api.add_router("", insurance_router)
api.add_router("", training_router)
api.add_router("", protection_router)
api.add_router("", protection_rounds_router)
api.add_router("", protection_exposure_router)
api.add_router("", documents_router)
api.add_router("", followup_router)
