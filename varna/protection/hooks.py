"""What the protection app asks of later apps through core's registry (protection imports no app but core).

- :data:`THEFT_COUNTS`: how many thefts and burglaries each facility has had, for the list of unmarked property
  (K13). The incidents app answers it (``varna.incidents.selectors_facility.theft_counts``), scoped to what the
  person may see of incidents; ``None`` from the answer, or no answer at all, means the column is not shown.
- :data:`DEVIATION_ACTION`: a deviation found on a self-inspection round becomes an action in the action plan of
  the facility's unit. The action plans app answers it (``plans/deviations.py``, registered in
  ``PlansConfig.ready``); without it, the round page offers nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from varna.core import registry
from varna.core.models import User

if TYPE_CHECKING:
    from collections.abc import Callable

    from varna.core.models import Node


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
