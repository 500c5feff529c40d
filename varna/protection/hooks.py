"""What the protection app asks of later apps through core's registry (protection imports no app but core).

- :data:`THEFT_COUNTS`: how many thefts and burglaries each facility has had, for the list of unmarked property
  (K13). The incidents app answers it (``varna.incidents.selectors_facility.theft_counts``), scoped to what the
  person may see of incidents; ``None`` from the answer, or no answer at all, means the column is not shown.
- :data:`DEVIATION_ACTION`: a deviation found on a self-inspection round becomes an action in the action plan of
  the facility's unit. The action plans app answers it (``plans/deviations.py``, registered in
  ``PlansConfig.ready``); without it, the round page offers nothing.
- :data:`DAMAGE_HISTORY`: the damage at each facility since a day, by event type, for the exposure's derivation
  (``services/exposure.py``). The incidents app answers it from its daily summary
  (``varna.incidents.selectors_facility.damage_history``); an organisation-wide figure, not scoped to a person,
  since the derived level is the facility's. Without an answer, the level comes from the kind of facility alone.
- :data:`ANALYSIS_LINKS`: for each flagged facility, where its risk analysis is: the newest one of the facility
  or of its unit that the person may see, otherwise the form to start one for the unit and the facility. The
  risks app answers it (``varna.risks.selectors_facility.analysis_links``); without it, no link is shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from varna.core import registry
from varna.core.models import User

if TYPE_CHECKING:
    from collections.abc import Callable

    from varna.core.models import Node
    from varna.protection.models import Facility


class TheftCounts(Protocol):
    def __call__(
        self, user: User, facility_ids: list[int], since: datetime.date
    ) -> dict[int, int] | None: ...  # facility id → thefts and burglaries since the day; None: may not see them


THEFT_COUNTS: registry.Hook[TheftCounts] = registry.Hook("protection.theft_counts")


class CreateAction(Protocol):
    def __call__(self, *, actor: User, node: Node, what: str, how: str, due: datetime.date) -> int:
        """Add the action to the right plan of ``node`` (creating this year's plan if it has none) and give its id;
        ``ValidationError`` with a Swedish message, or ``PermissionDenied``, when that cannot be done."""
        ...


@dataclass(frozen=True)
class ActionLink:
    url: str
    label: str  # the plan's title and year
    status: str  # the action's status as shown


@dataclass(frozen=True)
class DeviationAction:
    create: CreateAction
    links: Callable[[list[int]], dict[int, ActionLink]]  # the action ids → where each is (one query)


DEVIATION_ACTION: registry.Hook[DeviationAction] = registry.Hook("protection.deviation_action")


@dataclass(frozen=True)
class DamageCount:
    """Damage of one event type at one facility: how many incidents and what they cost."""

    type_name: str
    count: int
    cost: Decimal


class DamageHistory(Protocol):
    def __call__(
        self, *, organisation_id: int, facility_ids: list[int] | None, since: datetime.date
    ) -> dict[int, list[DamageCount]]: ...  # facility id → its damage since the day (every facility when None)


DAMAGE_HISTORY: registry.Hook[DamageHistory] = registry.Hook("protection.damage_history")


@dataclass(frozen=True)
class AnalysisLink:
    url: str
    label: str  # the analysis's number and title, or what the link starts
    exists: bool  # an analysis there already (else: the link starts a new one)


class AnalysisLinks(Protocol):
    def __call__(self, user: User, facilities: list[Facility]) -> dict[int, AnalysisLink]: ...


ANALYSIS_LINKS: registry.Hook[AnalysisLinks] = registry.Hook("protection.analysis_links")
