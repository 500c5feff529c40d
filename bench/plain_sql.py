"""The statistics' plain-SQL twin, for the benchmark (``bench/incidents.py``): the same figures as
``varna.incidents.statistics.aggregate(coordinator, group_by=("year", "type"), filters=...)`` in
hand-written SQL, so the benchmark can time the ORM's aggregate against it. Not used by the application;
``tests/incidents/test_statistics.py`` checks that both give the same figures.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from varna.incidents.models import Incident, IncidentType
from varna.incidents.statistics import COUNTED_STATUSES, Row, StatisticsFilter, excluded_categories, to_money


def plain_sql_aggregate(
    *,
    organisation_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    include_near_misses: bool = True,
    include_false_alarms: bool = True,
) -> list[Row]:
    """Counts and costs by year and type for a whole organisation, in hand-written SQL.

    The same figures as ``aggregate(coordinator, group_by=("year", "type"), filters=...)``
    for a person who sees the whole organisation: the benchmark compares the two.
    """
    incident = Incident._meta.db_table
    incident_type = IncidentType._meta.db_table
    year = (
        "CAST(EXTRACT(YEAR FROM i.occurred_on) AS integer)"
        if connection.vendor == "postgresql"
        else "CAST(strftime('%%Y', i.occurred_on) AS integer)"
    )
    excluded = excluded_categories(
        StatisticsFilter(
            date_from=date_from,
            date_to=date_to,
            include_near_misses=include_near_misses,
            include_false_alarms=include_false_alarms,
        )
    )
    statuses = ", ".join(["%s"] * len(COUNTED_STATUSES))
    category = f"AND t.category NOT IN ({', '.join(['%s'] * len(excluded))})" if excluded else ""
    sql = f"""
        SELECT {year} AS year, i.incident_type_id, t.name, COUNT(*),
               SUM(CASE WHEN i.total_cost > 0 THEN i.total_cost ELSE COALESCE(i.estimated_cost, 0) END),
               SUM(CASE WHEN i.total_cost > 0 THEN 0 ELSE COALESCE(i.estimated_cost, 0) END)
        FROM {incident} i JOIN {incident_type} t ON t.id = i.incident_type_id
        WHERE i.organisation_id = %s AND i.occurred_on >= %s AND i.occurred_on <= %s
          AND i.status IN ({statuses}) {category}
        GROUP BY 1, 2, 3
        ORDER BY 1, 3
    """  # noqa: S608 - table names come from the models; every value is a parameter
    params: list[Any] = [organisation_id, date_from, date_to, *COUNTED_STATUSES, *excluded]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            Row(
                year=int(y),
                incident_type_id=type_id,
                incident_type_name=name,
                count=n,
                cost=to_money(cost),
                estimated_cost=to_money(estimated),
            )
            for y, type_id, name, n, cost, estimated in cursor.fetchall()
        ]
