"""The API root: django-ninja at /api/v1/. Each domain app adds its router here."""

from ninja import NinjaAPI

from varna.core.api import BearerToken, router as core_router

api = NinjaAPI(
    title="Värna API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url=None,
)
api.add_router("", core_router)
