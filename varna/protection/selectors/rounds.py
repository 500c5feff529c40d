"""Reads of the self-inspection rounds and the checklists (``VIEW_FACILITIES``, as the facilities they belong to)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.models import User
from varna.protection.hooks import DEVIATION_ACTION, ActionLink
from varna.protection.models import ChecklistItem, Facility, InspectionRound, ItemResult, RoundItem

PERM = Perm.VIEW_FACILITIES


def _counted(rows: QuerySet[InspectionRound]) -> QuerySet[InspectionRound]:
    return rows.annotate(
        item_count=Count("items"),
        open_count=Count("items", filter=Q(items__result="")),
        deviation_count=Count("items", filter=Q(items__result=ItemResult.DEVIATION)),
    )


def rounds(user: User, *, facility_id: int | None = None, perm: Perm = PERM) -> QuerySet[InspectionRound]:
    """The rounds the person may see, the newest first, with ``item_count``, ``open_count`` (points not answered
    yet) and ``deviation_count``."""
    rows = access.scope(user, perm, InspectionRound.objects.select_related("facility__node", "created_by"))
    if facility_id is not None:
        rows = rows.filter(facility_id=facility_id)
    return _counted(rows).order_by("-done_on", "-pk")


def facility_rounds(facility: Facility, limit: int = 10) -> list[InspectionRound]:
    """A facility's latest rounds (for its page)."""
    rows = InspectionRound.objects.filter(facility_id=facility.pk).select_related("created_by")
    return list(_counted(rows).order_by("-done_on", "-pk")[:limit])


def round_for(user: User, pk: int, perm: Perm = PERM) -> InspectionRound:
    """One round the person may see (``perm``), with its facility and unit; else 404."""
    return access.get_object_or_404(
        user, perm, InspectionRound.objects.select_related("facility__node", "created_by"), pk=pk
    )


def round_items(inspection: InspectionRound) -> list[RoundItem]:
    return list(RoundItem.objects.filter(round_id=inspection.pk).order_by("position", "pk"))


def item_for(user: User, pk: int, perm: Perm = PERM) -> RoundItem:
    """One point of a round the person may see (``perm``); else 404."""
    return access.get_object_or_404(user, perm, RoundItem.objects.select_related("round__facility__node"), pk=pk)


def items(user: User, *, round_id: int | None = None) -> QuerySet[RoundItem]:
    rows = access.scope(user, PERM, RoundItem.objects.all())
    if round_id is not None:
        rows = rows.filter(round_id=round_id)
    return rows.order_by("round_id", "position", "pk")


def action_links(rows: list[RoundItem]) -> dict[int, ActionLink]:
    """Where each point's action is in the action plans (by the action's id); empty without the plans."""
    provider = registry.hook(DEVIATION_ACTION)
    ids = [r.action_id for r in rows if r.action_id is not None]
    if provider is None or not ids:
        return {}
    return provider.links(ids)


def can_make_actions() -> bool:
    return registry.hook(DEVIATION_ACTION) is not None


def checklists(user: User) -> dict[str, list[ChecklistItem]]:
    """The organisation's checklists by kind of facility, in order (those out of use too)."""
    found: dict[str, list[ChecklistItem]] = {}
    if user.organisation_id is None:
        return found
    for item in ChecklistItem.objects.filter(organisation_id=user.organisation_id).order_by(
        "facility_kind", "position", "pk"
    ):
        found.setdefault(item.facility_kind, []).append(item)
    return found


def checkpoint_for(user: User, pk: int) -> ChecklistItem | None:
    if user.organisation_id is None:
        return None
    return ChecklistItem.objects.filter(organisation_id=user.organisation_id, pk=pk).first()
