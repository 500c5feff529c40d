"""The exposure API (G11), read only: a facility's exposure with why and the override, and the flagged facilities
(high exposure, a system the kind of facility requires missing) with their risk analysis. Scoped as the pages:
``VIEW_FACILITIES`` for the caller's facilities (the coordinator's whole organisation)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.core.models import User
from varna.protection.hooks import ANALYSIS_LINKS
from varna.protection.models import Facility
from varna.protection.schemas_exposure import ExposureOut, FlagOut
from varna.protection.selectors import exposure as selectors
from varna.protection.selectors import facilities as facility_selectors

router = Router(tags=["protection"])


@router.get(
    "/protection/facilities/{id}/exposure", response={200: ExposureOut, **ERRORS}, summary="A facility's exposure"
)
@access.require_api(Perm.VIEW_FACILITIES, model=Facility)
def get_exposure(request: HttpRequest, id: int = ObjectId) -> Any:
    """The level in force and the derived one, the damage it was derived from, why in sentences, the override
    (level, reason, who, when) and whether the facility is flagged. 404 until the exposure has been worked out."""
    facility = facility_selectors.facility_for(access.actor(request), id)
    exposure = selectors.exposure_of(facility)
    if exposure is None:
        return 404, {"detail": "Not Found"}
    basis = exposure.basis or {}
    missing = selectors.flag_of(facility, exposure)
    override = None
    if exposure.override_level and exposure.override_at is not None:
        override = {
            "level": exposure.override_level,
            "reason": exposure.override_reason,
            "by": str(exposure.override_by or ""),
            "at": exposure.override_at,
        }
    since = basis.get("since")
    return {
        "facility": facility.pk,
        "level": exposure.level,
        "derived_level": exposure.derived_level,
        "derived_at": exposure.derived_at,
        "damage_since": datetime.date.fromisoformat(since) if since else None,
        "damage_count": int(basis.get("count") or 0),
        "damage_cost": str(Decimal(basis.get("cost") or "0.00")),
        "damage_types": [{"type": name, "count": n} for name, n in basis.get("types", [])],
        "reasons": selectors.reasons(exposure),
        "override": override,
        "flagged": bool(missing),
        "missing": missing,
        "revision": exposure.revision,
    }


class _FlagRows:
    """The flagged facilities as the pagination slices them: each page's missing systems and risk analyses are
    read for the page at once (three queries), not per facility."""

    def __init__(self, user: User, rows: QuerySet[Facility]) -> None:
        self.user, self.rows = user, rows

    def all(self) -> _FlagRows:
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        facilities = list(self.rows[part])
        missing = selectors.missing(facilities)
        answer = registry.hook(ANALYSIS_LINKS)
        links = answer(self.user, facilities) if answer is not None else {}
        return [
            {
                "facility": f.pk,
                "name": f.name,
                "kind": f.kind,
                "node": f.node,
                "level": f.exposure.level,
                "missing": missing.get(f.pk, []),
                "risk_analysis_url": links[f.pk].url if f.pk in links else None,
                "risk_analysis_exists": links[f.pk].exists if f.pk in links else False,
            }
            for f in facilities
        ]


@router.get(
    "/protection/exposure/flags", response={200: list[FlagOut], **ERRORS}, summary="Facilities lacking protection"
)
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_flags(request: HttpRequest) -> Any:
    """The caller's facilities with high exposure that have no system in use of a kind their kind requires, by
    name, each with the link to its risk analysis (or to start one)."""
    user = access.actor(request)
    return _FlagRows(user, selectors.flagged(user))
