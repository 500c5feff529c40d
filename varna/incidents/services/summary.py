"""The damage statistics' daily summary (:class:`~varna.incidents.models.IncidentDaySummary`), kept by the writes.

The statistics pages and the API read the summary instead of grouping every incident (``statistics.py``). So
that it is never stale, every write of incidents or of what their figures are made of (status, cost lines)
moves it in the same transaction:

- :func:`keeping_summary` wraps the write: it reads the figures of the incidents the write touches before and
  after it (one small ``GROUP BY`` each, by primary key) and moves the summary by the difference:
  ``UPDATE … SET count = count + delta``, a new row where there was none, and rows that fall to zero are
  deleted. Reporting (the form, the API), the workflow (rejected, duplicate, reopened), cost lines added and
  removed, the import of historic incidents and any deletion go through it.
- :func:`rebuild_incident_summary` counts an organisation's summary afresh from its incidents: after the demo
  generator's bulk writes, from ``varna manage rebuild_incident_summary``, and in tests.

Concurrency. Two writes that meet on the same summary row never lose a count: the ``UPDATE`` adds to the row
in the database (the row lock orders them); when the row does not exist yet, both may try to create it, and
the unique key (:data:`~varna.incidents.models.IncidentDaySummary` ``incident_day_summary_key``) lets only one
succeed: the other's insert fails inside a savepoint and it adds to the new row instead. Rows are touched in
key order, so two writes cannot deadlock on them. On PostgreSQL every write also takes the organisation's
summary lock *shared* (writers do not wait for each other) and a rebuild takes it *exclusive*, so that no
write lands between the rebuild's count and its insert; SQLite runs one write transaction at a time anyway.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum

from varna.core.models import Organisation
from varna.incidents.models import Incident, IncidentDaySummary
from varna.incidents.statistics import COUNTED_STATUSES, cost_expression, estimated_expression, to_money

__all__ = ["add_to_summary", "contributions", "keeping_summary", "rebuild_incident_summary"]

# (organisation, day, node, type, security area, facility): one summary row.
Key = tuple[int, datetime.date, int, int, int | None, int | None]
KEY_FIELDS = (
    "organisation_id",
    "occurred_on",
    "incident_node_id",
    "incident_type_id",
    "security_area_id",
    "facility_id",
)
IDS_AT_A_TIME = 900  # primary keys per query (SQLite's limit on parameters is far above)
ROW_BY_ROW = 3  # more changed rows than this (a bulk write: the import) are written in bulk
BATCH = 2000
# The summary's columns, in the order of the columns of :func:`_grouped`'s query (for ``INSERT … SELECT``).
SUMMARY_COLUMNS = (
    "organisation_id", "day", "node_id", "incident_type_id", "security_area_id", "facility_id",
    "count", "injured", "serious", "cost", "estimated_cost",
)  # fmt: skip
LOCK_SPACE = 72_011  # the first key of PostgreSQL's advisory lock: "the incident summary of organisation N"


@dataclass(frozen=True)
class Figures:
    """What one summary row holds."""

    count: int = 0
    injured: int = 0
    serious: int = 0
    cost: Decimal = Decimal(0)
    estimated_cost: Decimal = Decimal(0)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.count + other.count,
            self.injured + other.injured,
            self.serious + other.serious,
            self.cost + other.cost,
            self.estimated_cost + other.estimated_cost,
        )

    def __neg__(self) -> Figures:
        return Figures(-self.count, -self.injured, -self.serious, -self.cost, -self.estimated_cost)

    def __bool__(self) -> bool:
        return bool(self.count or self.injured or self.serious or self.cost or self.estimated_cost)


def _grouped(incidents: QuerySet[Incident]) -> QuerySet[Incident, dict[str, Any]]:
    """The incidents' figures per summary key (the columns in the order of :data:`SUMMARY_COLUMNS`)."""
    grouped: QuerySet[Incident, dict[str, Any]] = (
        incidents.filter(status__in=COUNTED_STATUSES)
        .order_by()
        .values(*KEY_FIELDS)
        .annotate(
            n=Count("pk"),
            injured=Sum("injured_count"),
            serious=Count("pk", filter=Q(is_serious=True)),
            cost=Sum(cost_expression()),
            estimated=Sum(estimated_expression()),
        )
    )
    return grouped


def _key(r: dict[str, Any]) -> Key:
    return (
        r["organisation_id"],
        r["occurred_on"],
        r["incident_node_id"],
        r["incident_type_id"],
        r["security_area_id"],
        r["facility_id"],
    )


def contributions(incidents: QuerySet[Incident]) -> dict[Key, Figures]:
    """The summary rows these incidents make, as the statistics count them: one ``GROUP BY`` query."""
    return {
        _key(r): Figures(r["n"], r["injured"] or 0, r["serious"], to_money(r["cost"]), to_money(r["estimated"]))
        for r in _grouped(incidents)
    }


def _of(ids: Collection[int]) -> dict[Key, Figures]:
    found: dict[Key, Figures] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), IDS_AT_A_TIME):
        part = contributions(Incident.objects.filter(pk__in=ordered[start : start + IDS_AT_A_TIME]))
        for key, figures in part.items():
            found[key] = found[key] + figures if key in found else figures
    return found


def _lock(organisation_ids: Iterable[int], *, exclusive: bool = False) -> None:
    """The organisations' summary lock (PostgreSQL): shared by writers, exclusive for a rebuild."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        for organisation_id in sorted(set(organisation_ids)):
            cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_SPACE, organisation_id])


@contextmanager
def keeping_summary(incident_ids: Collection[int] = ()) -> Iterator[set[int]]:
    """Around a write of incidents, inside its transaction: the summary follows the write.

    Yields the set of the incidents written; a write that creates incidents adds their ids to it. The figures
    of those incidents are read before the write (for the ids given) and after it, and the summary moves by
    the difference.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("keeping_summary must run inside the transaction of the write")
    tracked = set(incident_ids)
    before = _of(tracked)
    yield tracked
    after = _of(tracked)
    deltas: dict[Key, Figures] = {}
    for key in before.keys() | after.keys():
        change = after.get(key, Figures()) + -before.get(key, Figures())
        if change:
            deltas[key] = change
    apply(deltas)


def add_to_summary(incident_ids: Collection[int]) -> None:
    """Count newly written incidents into the summary (a bulk write: the import)."""
    with keeping_summary() as tracked:
        tracked.update(incident_ids)


def _key_filter(key: Key) -> dict[str, Any]:
    organisation_id, day, node_id, type_id, area_id, facility_id = key
    return {
        "organisation_id": organisation_id,
        "day": day,
        "node_id": node_id,
        "incident_type_id": type_id,
        "security_area_id": area_id,  # None: IS NULL
        "facility_id": facility_id,
    }


def _sort_key(key: Key) -> tuple[Any, ...]:
    return tuple(-1 if v is None else v for v in key)


def apply(deltas: dict[Key, Figures]) -> None:
    """Move the summary by ``deltas`` (inside the write's transaction)."""
    if not deltas:
        return
    _lock(key[0] for key in deltas)
    keys = sorted(deltas, key=_sort_key)
    if len(keys) > ROW_BY_ROW:
        try:
            with transaction.atomic():
                _apply_in_bulk(keys, deltas)
            return
        except IntegrityError:  # a concurrent write created one of the rows meanwhile: row by row then
            pass
    for key in keys:
        _apply_one(key, deltas[key])


def _increments(change: Figures) -> dict[str, Any]:
    return {
        "count": F("count") + change.count,
        "injured": F("injured") + change.injured,
        "serious": F("serious") + change.serious,
        "cost": F("cost") + change.cost,
        "estimated_cost": F("estimated_cost") + change.estimated_cost,
    }


def _new_row(key: Key, change: Figures) -> IncidentDaySummary:
    return IncidentDaySummary(
        **_key_filter(key),
        count=change.count,
        injured=change.injured,
        serious=change.serious,
        cost=change.cost,
        estimated_cost=change.estimated_cost,
    )


def _apply_one(key: Key, change: Figures) -> None:
    rows = IncidentDaySummary.objects.filter(**_key_filter(key))
    if not rows.update(**_increments(change)):
        try:
            with transaction.atomic():
                _new_row(key, change).save(force_insert=True)
        except IntegrityError:  # another write created the row since our update: add to it
            rows.update(**_increments(change))
    if change.count < 0:
        rows.filter(count__lte=0).delete()


def _apply_in_bulk(keys: list[Key], deltas: dict[Key, Figures]) -> None:
    """Many rows at once (an import): read the rows there are, locked, update them and create the others."""
    stored: dict[Key, IncidentDaySummary] = {}
    for organisation_id in {key[0] for key in keys}:
        days = sorted({key[1] for key in keys if key[0] == organisation_id})
        for start in range(0, len(days), IDS_AT_A_TIME):
            part = days[start : start + IDS_AT_A_TIME]
            for row in IncidentDaySummary.objects.select_for_update().filter(
                organisation_id=organisation_id, day__in=part
            ):
                stored[_row_key(row)] = row
    changed: list[IncidentDaySummary] = []
    created: list[IncidentDaySummary] = []
    for key in keys:
        change = deltas[key]
        found = stored.get(key)
        if found is None:
            created.append(_new_row(key, change))
            continue
        row = found
        row.count += change.count
        row.injured += change.injured
        row.serious += change.serious
        row.cost += change.cost
        row.estimated_cost += change.estimated_cost
        changed.append(row)
    IncidentDaySummary.objects.bulk_update(
        changed, ["count", "injured", "serious", "cost", "estimated_cost"], batch_size=BATCH
    )
    IncidentDaySummary.objects.bulk_create(created, batch_size=BATCH)
    emptied = [row.pk for row in changed if row.count <= 0]
    for start in range(0, len(emptied), IDS_AT_A_TIME):
        IncidentDaySummary.objects.filter(pk__in=emptied[start : start + IDS_AT_A_TIME]).delete()


def _row_key(row: IncidentDaySummary) -> Key:
    return (row.organisation_id, row.day, row.node_id, row.incident_type_id, row.security_area_id, row.facility_id)


@transaction.atomic
def rebuild_incident_summary(*, organisation_id: int | None = None) -> int:
    """Count the summary afresh from the incidents: one organisation, or all. Returns the rows written.

    One ``INSERT … SELECT`` per organisation: the database groups the incidents and writes the rows itself.
    """
    if organisation_id is None:
        ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = [organisation_id]
    _lock(ids, exclusive=True)
    table = connection.ops.quote_name(IncidentDaySummary._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in SUMMARY_COLUMNS)
    written = 0
    for org in ids:
        IncidentDaySummary.objects.filter(organisation_id=org).delete()
        select, params = _grouped(Incident.objects.filter(organisation_id=org)).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
            written += max(cursor.rowcount, 0)
    return written
