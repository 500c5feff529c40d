"""The tables of the statistics page, built with the table writer of :mod:`varna.core.exports`.

The page and its Excel and CSV export are built from the same tables, so they always show the
same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from varna.core.exports import Column, Table, TableRow
from varna.incidents.statistics import FACILITY_TOP, AnalysisDue, Ranked, Row, StatisticsPage


def _share(count: int, whole: int) -> Decimal | None:
    return (Decimal(count) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def page_tables(
    page: StatisticsPage,
    *,
    node_link: Callable[[Row], str | None] | None = None,
    facility_link: Callable[[Row], str | None] | None = None,
) -> list[Table]:
    """The tables of the statistics page, in the order they are shown."""
    number, cost = Column(_("Number of incidents")), Column(_("Cost (SEK)"), "money")
    estimated = Column(_("Of which estimated (SEK)"), "money")
    per_100 = Column(_("Per 100 employees"), "rate")
    share = Column(_("Share (%)"), "percent")
    whole = page.total.count

    years = Table(
        "years",
        _("Incidents per year"),
        [Column(_("Year"), "text"), number, cost, estimated, per_100],
        [TableRow((str(r.year), r.count, r.cost, r.estimated_cost, r.per_100_staff)) for r in page.years],
        note=_("Per 100 employees: the year's incidents per 100 employees counted today (%(staff)s employees).")
        % {"staff": page.staff},
        footer=TableRow((_("Total"), page.total.count, page.total.cost, page.total.estimated_cost, None)),
    )
    day = date_format(page.today, "j F")
    year_to_date = Table(
        "year_to_date",
        _("This year so far compared with earlier years"),
        [
            Column(_("Year"), "text"),
            Column(_("Incidents 1 January – %(day)s") % {"day": day}),
            Column(_("Cost 1 January – %(day)s (SEK)") % {"day": day}, "money"),
        ],
        [TableRow((str(r.year), r.ytd_count or 0, r.ytd_cost or Decimal(0))) for r in page.years],
    )
    months = Table(
        "months",
        _("Incidents per month"),
        [Column(_("Month"), "text")] + [Column(str(year)) for year in page.months],
        [
            TableRow((str(MONTHS[m]).capitalize(), *(rows[m - 1].count for rows in page.months.values())))
            for m in range(1, 13)
        ],
    )
    types = Table(
        "types",
        _("Incidents per type of event"),
        [Column(_("Type of event"), "text"), number, share, cost, estimated],
        [
            TableRow((r.incident_type_name, r.count, _share(r.count, whole), r.cost, r.estimated_cost))
            for r in page.types
        ],
    )
    areas = Table(
        "areas",
        _("Incidents per security area"),
        [Column(_("Security area"), "text"), number, share, cost, estimated],
        [
            TableRow((r.security_area_name, r.count, _share(r.count, whole), r.cost, r.estimated_cost))
            for r in page.areas
        ],
    )
    nodes = Table(
        "nodes",
        _("Incidents per part of the organisation"),
        [Column(_("Part of the organisation"), "text"), number, cost, Column(_("Employees")), per_100],
        [
            TableRow(
                (r.node_name, r.count, r.cost, r.staff, r.per_100_staff),
                node_link(r) if node_link else None,
            )
            for r in page.nodes
        ],
        note=_(
            "Each row includes everything below it in the organisation. Per 100 employees: the incidents of the "
            "whole period per 100 employees counted today."
        ),
    )
    facilities = Table(
        "facilities",
        _("The facilities with most incidents"),
        [Column(_("Facility"), "text"), number, cost],
        [
            TableRow((r.facility_name, r.count, r.cost), facility_link(r) if facility_link else None)
            for r in page.facilities
        ],
        note=_("At most %(count)s facilities. Incidents without a facility are not counted here.")
        % {"count": FACILITY_TOP},
    )
    return [years, year_to_date, months, types, areas, nodes, facilities]


def analysis_tables(result: AnalysisDue, *, node_link: Callable[[Row], str | None] | None = None) -> list[Table]:
    """The two rankings of the page "Where is a risk analysis due?"."""

    def ranked_row(position: int, r: Ranked, link: str | None) -> TableRow:
        return TableRow(
            (str(position), r.name, r.row.count, r.per_100_staff_per_year, r.row.cost, r.frequency_rank, r.cost_rank),
            link,
        )

    place = Column(_("Place"), "text")
    count = Column(_("Number of incidents"))
    cost = Column(_("Cost (SEK)"), "money")
    nodes = Table(
        "nodes",
        _("Parts of the organisation"),
        [
            place,
            Column(_("Part of the organisation"), "text"),
            count,
            Column(_("Per 100 employees and year"), "rate"),
            cost,
            Column(_("Place by frequency")),
            Column(_("Place by cost")),
        ],
        [ranked_row(i, r, node_link(r.row) if node_link else None) for i, r in enumerate(result.nodes, 1)],
    )
    facilities = Table(
        "facilities",
        _("Facilities"),
        [
            place,
            Column(_("Facility"), "text"),
            count,
            Column(_("Per 100 employees and year"), "rate"),
            cost,
            Column(_("Place by number")),
            Column(_("Place by cost")),
        ],
        [ranked_row(i, r, None) for i, r in enumerate(result.facilities, 1)],
    )
    return [nodes, facilities]


# --- files -----------------------------------------------------------------------------------------
