"""What the protection app asks of later apps through core's registry (protection imports no app but core).

- :data:`THEFT_COUNTS`: how many thefts and burglaries each facility has had, for the list of unmarked property
  (K13). The incidents app answers it (``varna.incidents.selectors_facility.theft_counts``), scoped to what the
  person may see of incidents; ``None`` from the answer, or no answer at all, means the column is not shown.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from varna.core.models import User
from varna.core.registry import Hook


class TheftCounts(Protocol):
    def __call__(
        self, user: User, facility_ids: list[int], since: datetime.date
    ) -> dict[int, int] | None: ...  # facility id → thefts and burglaries since the day; None: may not see them


THEFT_COUNTS: Hook[TheftCounts] = Hook("protection.theft_counts")
