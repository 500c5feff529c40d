"""The rule of the exposure (G11), in one place: the starting level per kind of facility and the steps the damage
history raises it. ``services/exposure.py`` applies it and stores the result; ``selectors/exposure.py`` explains it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from varna.protection.hooks import DamageCount
from varna.protection.models import ExposureLevel, FacilityKind

K = FacilityKind
L = ExposureLevel
YEARS = 3
ORDER = (L.LOW, L.MEDIUM, L.HIGH)
BASE_LEVEL: dict[str, str] = {
    K.SCHOOL: L.MEDIUM,
    K.PRESCHOOL: L.MEDIUM,
    K.CARE_HOME: L.MEDIUM,
    K.WATERWORKS: L.MEDIUM,
    K.CULTURE: L.MEDIUM,
}  # every other kind starts at low


@dataclass(frozen=True)
class Threshold:
    count: int
    cost: Decimal

    def reached(self, count: int, cost: Decimal) -> bool:
        return count >= self.count or cost >= self.cost


ONE_STEP = Threshold(2, Decimal(50_000))
TWO_STEPS = Threshold(5, Decimal(200_000))


def since(today: datetime.date) -> datetime.date:
    """The first day of the damage history read: the same day three years back (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - YEARS)
    except ValueError:
        return today.replace(year=today.year - YEARS, day=28)


def derive(kind: str, damage: Iterable[DamageCount]) -> tuple[str, int]:
    """The derived level and how many steps the damage raised it (0, 1 or 2) for a facility of ``kind``."""
    rows = list(damage)
    count = sum(d.count for d in rows)
    cost = sum((d.cost for d in rows), Decimal(0))
    steps = 2 if TWO_STEPS.reached(count, cost) else 1 if ONE_STEP.reached(count, cost) else 0
    base = ORDER.index(L(BASE_LEVEL.get(kind, L.LOW)))
    return ORDER[min(base + steps, len(ORDER) - 1)].value, steps


def basis(kind: str, damage: Iterable[DamageCount], first: datetime.date, steps: int) -> dict[str, Any]:
    """What the level came from, stored with it so that the page explains it without asking again."""
    rows = sorted(damage, key=lambda d: (-d.count, d.type_name))
    return {
        "kind": kind,
        "since": first.isoformat(),
        "count": sum(d.count for d in rows),
        "cost": str(sum((d.cost for d in rows), Decimal(0)).quantize(Decimal("0.01"))),
        "types": [[d.type_name, d.count] for d in rows],
        "steps": steps,
    }
