"""Writes of an imported facility register (G11): new facilities and changes to existing ones, all in the import's
transaction, with history naming the person and the file.

The import (:mod:`varna.protection.imports.register`) has checked every row; ``MANAGE_PROTECTION`` is checked here
again for every facility's unit before and after the change, whatever the import did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from varna.core.models import Node, User
from varna.core.services import stamp
from varna.protection.models import Facility
from varna.protection.services.common import require

BATCH = 500


@dataclass
class RegisterRow:
    """One checked row: ``facility`` is ``None`` for a new one; ``values`` are facility fields (``node`` a
    :class:`Node`); ``user_nodes`` is ``None`` when the file does not say which other units use it."""

    facility: Facility | None
    values: dict[str, Any]
    user_nodes: list[Node] | None = None
    changed: list[str] = field(default_factory=list)  # the fields of an existing facility that change


@transaction.atomic
def save_register(*, actor: User, rows: Iterable[RegisterRow], reason: str) -> None:
    """Create the new facilities and change the others (call inside the import's transaction)."""
    rows = list(rows)
    organisation_id = 0
    for row in rows:
        organisation_id = require(actor, row.values["node"] if row.facility is None else row.facility.node)
        if row.facility is not None and "node" in row.values:
            require(actor, row.values["node"])
        if row.facility is not None and row.facility.organisation_id != organisation_id:
            raise PermissionDenied
    new = [row for row in rows if row.facility is None]
    created = [Facility(organisation_id=organisation_id, **row.values) for row in new]
    if created:
        bulk_create_with_history(created, Facility, batch_size=BATCH, default_user=actor, default_change_reason=reason)
    changed = [row for row in rows if row.facility is not None and row.changed]
    fields = sorted({name for row in changed for name in row.changed})
    now = timezone.now()
    facilities: list[Facility] = []
    for row in changed:
        facility = row.facility
        assert facility is not None  # noqa: S101 - filtered above
        for name in row.changed:
            setattr(facility, name, row.values[name])
        facility.revision += 1
        facility.updated_at = now
        facilities.append(facility)
    if facilities:
        bulk_update_with_history(
            facilities,
            Facility,
            [*fields, "revision", "updated_at"],
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
    for row, facility in [*zip(new, created, strict=True), *((r, r.facility) for r in rows if r.facility)]:
        if row.user_nodes is None or facility is None:
            continue
        wanted = {n.pk for n in row.user_nodes if n.pk != facility.node_id}
        if row.facility is not None and wanted == {n.pk for n in row.facility.user_nodes.all()}:
            continue
        if row.facility is None and not wanted:
            continue
        stamp(facility, actor, reason)
        facility.user_nodes.set(sorted(wanted))
