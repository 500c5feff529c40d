"""The facility register as a file (G11): every facility the person may see, with what the export writes."""

from __future__ import annotations

from django.db.models import QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.protection.models import Facility


def register(user: User) -> QuerySet[Facility]:
    """The facilities the person may see (``VIEW_FACILITIES``), by name, with their unit and the other units that
    use them (three queries in all, however many)."""
    rows = Facility.objects.select_related("node").prefetch_related("user_nodes")
    return access.scope(user, Perm.VIEW_FACILITIES, rows).order_by("name", "pk")
