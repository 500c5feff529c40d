"""The damage statistics' summaries, kept by the writes: the daily summary
(:class:`~varna.incidents.models.IncidentDaySummary`) and three coarser ones rolled up from it, one for each
thing the statistics page and the API group by: per month, type and area (``IncidentMonthSummary``), per year
and node (``IncidentYearNodeSummary``) and per year and facility (``IncidentYearFacilitySummary``). Each is a
:class:`Grain` in :data:`GRAINS`; :func:`apply` moves every grain by the same daily changes, so they always
agree, and :func:`rebuild_incident_summary` counts them all afresh.

The statistics pages and the API read the summary instead of grouping every incident (``statistics.py``). So
that it is never stale, every write of incidents or of what their figures are made of (status, cost lines)
moves it in the same transaction:

- :func:`keeping_summary` wraps the write: it reads the figures of the incidents the write touches before and
  after it (one small ``GROUP BY`` each, by primary key) and moves the summary by the difference:
  ``UPDATE … SET count = count + delta``, a new row where there was none, and rows that fall to zero are
  deleted, in each grain. Reporting (the form, the API), the workflow (rejected, duplicate, reopened), cost
  lines added and removed, the import of historic incidents and any deletion go through it.
- :func:`rebuild_incident_summary` counts an organisation's summaries afresh from its incidents: after the demo
  generator's bulk writes, from ``varna manage rebuild_incident_summary``, and in tests.

Concurrency. Two writes that meet on the same summary row never lose a count: the ``UPDATE`` adds to the row
in the database (the row lock orders them); when the row does not exist yet, both may try to create it, and
the unique key (:data:`~varna.incidents.models.IncidentDaySummary` ``incident_day_summary_key``) lets only one
succeed: the other's insert fails inside a savepoint and it adds to the new row instead. Rows are touched in
key order, grain by grain (daily first, then months), so two writes cannot deadlock on them. A month row is
shared by every report of that type and area in the month: two such reports at the same moment wait for each
other's commit on it (milliseconds), as they would on any running total. On PostgreSQL every write also takes
the organisation's summary lock *shared* (writers do not wait for each other) and a rebuild takes it
*exclusive*, so that no write lands between the rebuild's count and its insert; SQLite runs one write
transaction at a time anyway.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from varna.core.models import Organisation
from varna.incidents.models import (
    Incident,
    IncidentDaySummary,
    IncidentMonthSummary,
    IncidentYearFacilitySummary,
    IncidentYearNodeSummary,
    SummaryFigures,
)
from varna.incidents.statistics import COUNTED_STATUSES, cost_expression, estimated_expression, to_money

__all__ = ["GRAINS", "add_to_summary", "contributions", "keeping_summary", "rebuild_incident_summary", "rolled_up"]

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


@dataclass(frozen=True)
class Grain:
    """One summary table: its model, its key columns and how a daily key rolls up into its key."""

    model: type[SummaryFigures]  # its manager is read through :attr:`rows` (the base class has no organisation)
    fields: tuple[str, ...]  # the model's key columns (attnames), in the order of the key
    of: Callable[[Key], tuple[Any, ...]]  # the key of this grain that a daily key falls in
    narrow: str  # the key column by which the bulk path reads the stored rows (with the organisation)

    @property
    def rows(self) -> Any:
        """The model's manager."""
        return self.model._default_manager

    def key_filter(self, key: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(self.fields, key, strict=True))  # None: IS NULL

    def row_key(self, row: Any) -> tuple[Any, ...]:
        return tuple(getattr(row, f) for f in self.fields)

    def from_days(self) -> dict[str, Any]:
        """Its key columns (but the organisation) as ``values()`` of the daily summary."""
        dates = {"year": ExtractYear("day"), "month": ExtractMonth("day")}
        return {f: dates.get(f, F(f)) for f in self.fields[1:]}


DAY = Grain(
    IncidentDaySummary,
    ("organisation_id", "day", "node_id", "incident_type_id", "security_area_id", "facility_id"),
    lambda key: key,
    "day",
)
MONTH = Grain(
    IncidentMonthSummary,
    ("organisation_id", "year", "month", "incident_type_id", "security_area_id"),
    lambda key: (key[0], key[1].year, key[1].month, key[3], key[4]),
    "year",
)
YEAR_NODE = Grain(
    IncidentYearNodeSummary,
    ("organisation_id", "year", "node_id"),
    lambda key: (key[0], key[1].year, key[2]),
    "year",
)
YEAR_FACILITY = Grain(
    IncidentYearFacilitySummary,
    ("organisation_id", "year", "facility_id"),
    lambda key: (key[0], key[1].year, key[5]),
    "year",
)
# Every summary the writes keep, the daily one first; each write moves all of them by the same figures, and the
# coarser ones are what the daily one gives when rolled up (``tests/incidents/test_summary_properties.py``).
GRAINS: tuple[Grain, ...] = (DAY, MONTH, YEAR_NODE, YEAR_FACILITY)


def _sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(-1 if v is None else v for v in key)


def rolled_up(deltas: dict[Key, Figures], grain: Grain) -> dict[tuple[Any, ...], Figures]:
    """Daily changes summed into the keys of ``grain`` (changes that cancel out are left out)."""
    folded: dict[tuple[Any, ...], Figures] = {}
    for key, change in deltas.items():
        coarse = grain.of(key)
        folded[coarse] = folded[coarse] + change if coarse in folded else change
    return {key: change for key, change in folded.items() if change}


def apply(deltas: dict[Key, Figures]) -> None:
    """Move every summary (:data:`GRAINS`) by ``deltas``, daily keys (inside the write's transaction)."""
    if not deltas:
        return
    _lock(key[0] for key in deltas)
    in_bulk = len(deltas) > ROW_BY_ROW  # a bulk write (the import): every grain in bulk, however few its rows
    for grain in GRAINS:
        changes = rolled_up(deltas, grain)
        keys = sorted(changes, key=_sort_key)
        if in_bulk:
            try:
                with transaction.atomic():
                    _apply_in_bulk(grain, keys, changes)
                continue
            except IntegrityError:  # a concurrent write created one of the rows meanwhile: row by row then
                pass
        for key in keys:
            _apply_one(grain, key, changes[key])


def _increments(change: Figures) -> dict[str, Any]:
    return {
        "count": F("count") + change.count,
        "injured": F("injured") + change.injured,
        "serious": F("serious") + change.serious,
        "cost": F("cost") + change.cost,
        "estimated_cost": F("estimated_cost") + change.estimated_cost,
    }


def _new_row(grain: Grain, key: tuple[Any, ...], change: Figures) -> Any:
    model: Any = grain.model
    return model(
        **grain.key_filter(key),
        count=change.count,
        injured=change.injured,
        serious=change.serious,
        cost=change.cost,
        estimated_cost=change.estimated_cost,
    )


def _apply_one(grain: Grain, key: tuple[Any, ...], change: Figures) -> None:
    rows = grain.rows.filter(**grain.key_filter(key))
    if not rows.update(**_increments(change)):
        try:
            with transaction.atomic():
                _new_row(grain, key, change).save(force_insert=True)
        except IntegrityError:  # another write created the row since our update: add to it
            rows.update(**_increments(change))
    if change.count < 0:
        rows.filter(count__lte=0).delete()


def _apply_in_bulk(grain: Grain, keys: list[tuple[Any, ...]], deltas: dict[tuple[Any, ...], Figures]) -> None:
    """Many rows at once (an import): read the rows there are, locked, update them and create the others."""
    manager = grain.rows
    at = grain.fields.index(grain.narrow)
    stored: dict[tuple[Any, ...], Any] = {}
    for organisation_id in {key[0] for key in keys}:
        values = sorted({key[at] for key in keys if key[0] == organisation_id})
        for start in range(0, len(values), IDS_AT_A_TIME):
            part = values[start : start + IDS_AT_A_TIME]
            for row in manager.select_for_update().filter(
                organisation_id=organisation_id, **{f"{grain.narrow}__in": part}
            ):
                stored[grain.row_key(row)] = row
    changed: list[Any] = []
    created: list[Any] = []
    for key in keys:
        change = deltas[key]
        found = stored.get(key)
        if found is None:
            created.append(_new_row(grain, key, change))
            continue
        row = found
        row.count += change.count
        row.injured += change.injured
        row.serious += change.serious
        row.cost += change.cost
        row.estimated_cost += change.estimated_cost
        changed.append(row)
    manager.bulk_update(changed, ["count", "injured", "serious", "cost", "estimated_cost"], batch_size=BATCH)
    manager.bulk_create(created, batch_size=BATCH)
    emptied = [row.pk for row in changed if row.count <= 0]
    for start in range(0, len(emptied), IDS_AT_A_TIME):
        manager.filter(pk__in=emptied[start : start + IDS_AT_A_TIME]).delete()


def _roll_up(grain: Grain, organisation_id: int) -> int:
    """A coarser summary of an organisation from its daily summary (just counted): one ``GROUP BY``."""
    columns = grain.from_days()
    renamed = {f"key_{i}": expression for i, expression in enumerate(columns.values())}  # no clash with a field
    grouped = (
        IncidentDaySummary.objects.filter(organisation_id=organisation_id)
        .order_by()
        .values(**renamed)
        .annotate(
            n=Sum("count"),
            injured_sum=Sum("injured"),
            serious_sum=Sum("serious"),
            cost_sum=Sum("cost"),
            estimated_sum=Sum("estimated_cost"),
        )
    )
    model: Any = grain.model
    rows = [
        model(
            organisation_id=organisation_id,
            **{field: r[name] for field, name in zip(columns, renamed, strict=True)},  # type: ignore[literal-required]
            count=r["n"],
            injured=r["injured_sum"],
            serious=r["serious_sum"],
            cost=to_money(r["cost_sum"]),
            estimated_cost=to_money(r["estimated_sum"]),
        )
        for r in grouped
    ]
    grain.rows.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@transaction.atomic
def rebuild_incident_summary(*, organisation_id: int | None = None) -> int:
    """Count the summaries afresh from the incidents: one organisation, or all. Returns the daily rows written.

    One ``INSERT … SELECT`` per organisation: the database groups the incidents and writes the daily rows
    itself; the coarser summaries are then grouped from them (:func:`_roll_up`).
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
        for grain in GRAINS:
            grain.rows.filter(organisation_id=org).delete()
        select, params = _grouped(Incident.objects.filter(organisation_id=org)).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
            written += max(cursor.rowcount, 0)
        for grain in GRAINS[1:]:
            _roll_up(grain, org)
    return written
