"""Heat maps: how many risks sit in each cell of the risk matrix, today and after the measures.

The counts come from one grouped query on the risk's denormalised judgements (``current_*``,
``residual_*``, ``inherent_*`` and ``matrix_id``): every stage in one ``UNION ALL``. A map is drawn
on one matrix version. Risks judged on another version of the same size land in the same cells
(their likelihood and consequence numbers mean the same place in the grid); risks judged on a matrix
of another size cannot be placed and are counted as not shown.

The map is drawn as an inline SVG with presentation attributes only (``fill=``, no ``style=``), so
the page's CSP allows it and WeasyPrint draws the same markup in a PDF. A data table goes with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from varna.risks.models import Risk, RiskAnalysis, RiskMatrix, RiskStatus, Stage

# The SVG's geometry, in user units (the SVG scales to the width it is given).
CELL_W, CELL_H = 92, 50
AXIS_W = 26  # the rotated axis title on the left
LABEL_W = 150  # the likelihood labels
TOP = 6
COLUMN_LABEL_H = 40  # the consequence numbers and labels
AXIS_H = 26  # the axis title below
MAX_ROW_LABEL = 20
MAX_COLUMN_LABEL = 13

DARK_TEXT, LIGHT_TEXT = "#1b1f23", "#ffffff"
EMPTY_FILL = "#ffffff"
MIN_CONTRAST = 4.5

STAGES = (Stage.INHERENT, Stage.CURRENT, Stage.RESIDUAL)

# One grouped row: (stage, matrix id, likelihood, consequence) -> number of risks.
Counts = dict[tuple[str, int, int | None, int | None], int]


def _luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2.1)."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with ``fill`` (at least 4.5:1 for any fill)."""
    return DARK_TEXT if contrast(DARK_TEXT, fill) >= contrast(LIGHT_TEXT, fill) else LIGHT_TEXT


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    consequence: int
    count: int
    level_index: int | None
    level_label: str
    fill: str
    text_fill: str
    title: str
    x: int
    y: int

    @property
    def text_x(self) -> int:
        return self.x + CELL_W // 2

    @property
    def text_y(self) -> int:
        return self.y + CELL_H // 2 + 7


@dataclass(frozen=True)
class HeatRow:
    likelihood: int
    label: str
    short_label: str
    cells: list[HeatCell]
    label_x: int
    label_y: int


@dataclass(frozen=True)
class HeatColumn:
    consequence: int
    label: str
    short_label: str
    x: int


@dataclass(frozen=True)
class LevelTotal:
    label: str
    colour: str
    min_score: int
    count: int


@dataclass
class HeatMap:
    """One stage's risks placed on one matrix version."""

    matrix: RiskMatrix
    stage: str
    dom_id: str
    rows: list[HeatRow]
    columns: list[HeatColumn]
    levels: list[LevelTotal]
    total: int  # risks placed in the grid
    not_shown: int  # judged on a matrix of another size
    unjudged: int  # not yet judged at this stage
    versions: list[int] = field(default_factory=list)  # other versions of the same size included

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def title(self) -> str:
        return _("Risks by likelihood and consequence: %(stage)s") % {"stage": self.stage_label.lower()}

    @property
    def description(self) -> str:
        parts = [
            _(
                "%(count)s risks placed on %(matrix)s, rows from the highest likelihood, "
                "columns from the lowest consequence."
            )
            % {"count": self.total, "matrix": str(self.matrix)}
        ]
        parts += [_("%(label)s: %(count)s.") % {"label": level.label, "count": level.count} for level in self.levels]
        return " ".join(parts)

    # geometry for the template
    @property
    def grid_x(self) -> int:
        return AXIS_W + LABEL_W

    @property
    def grid_y(self) -> int:
        return TOP

    @property
    def grid_width(self) -> int:
        return CELL_W * len(self.columns)

    @property
    def grid_height(self) -> int:
        return CELL_H * len(self.rows)

    @property
    def width(self) -> int:
        return self.grid_x + self.grid_width + 4

    @property
    def height(self) -> int:
        return self.grid_y + self.grid_height + COLUMN_LABEL_H + AXIS_H

    @property
    def cell_width(self) -> int:
        return CELL_W

    @property
    def cell_height(self) -> int:
        return CELL_H

    @property
    def column_number_y(self) -> int:
        return self.grid_y + self.grid_height + 17

    @property
    def column_label_y(self) -> int:
        return self.grid_y + self.grid_height + 33

    @property
    def x_axis_y(self) -> int:
        return self.height - 6

    @property
    def x_axis_x(self) -> int:
        return self.grid_x + self.grid_width // 2

    @property
    def y_axis_y(self) -> int:
        return self.grid_y + self.grid_height // 2

    @property
    def svg(self) -> SafeString:
        """The map as an inline SVG: counts in the cells (see :func:`svg_markup`)."""
        return svg_markup(self, cell_text=lambda cell: str(cell.count) if cell.count else "", font_size=20)


def svg_markup(
    heat_map: HeatMap,
    *,
    cell_text: Callable[[HeatCell], str],
    font_size: int,
    title: str | None = None,
    description: str | None = None,
    cell_title: Callable[[HeatCell], str] | None = None,
) -> SafeString:
    """An accessible inline SVG of the grid: ``role="img"``, a ``<title>`` and ``<desc>`` named by
    ``aria-labelledby``, axis labels, and a ``<title>`` in every cell.

    Built here rather than in a template: a template spends far longer on the hundreds of small values.
    Presentation attributes only (no ``style``), so the CSP and WeasyPrint accept it; every text is escaped.
    """
    hm = heat_map
    ident = escape(hm.dom_id)
    ink = DARK_TEXT
    out = [
        f'<svg class="heat-map-svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'viewBox="0 0 {hm.width} {hm.height}" width="{hm.width}" height="{hm.height}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12">',
        f'<title id="{ident}-title">{escape(title or hm.title)}</title>',
        f'<desc id="{ident}-desc">{escape(description or hm.description)}</desc>',
        f'<text x="14" y="{hm.y_axis_y}" text-anchor="middle" font-weight="bold" fill="{ink}" '
        f'transform="rotate(-90 14 {hm.y_axis_y})">{escape(_("Likelihood"))}</text>',
    ]
    for row in hm.rows:
        out.append(
            f'<text x="{row.label_x}" y="{row.label_y}" text-anchor="end" fill="{ink}">{escape(row.short_label)}</text>'
        )
        for cell in row.cells:
            text = cell_text(cell)
            out.append(
                f'<g class="heat-map-cell" data-likelihood="{cell.likelihood}" data-consequence="{cell.consequence}" '
                f'data-count="{cell.count}"><title>{escape(cell_title(cell) if cell_title else cell.title)}</title>'
                f'<rect x="{cell.x}" y="{cell.y}" width="{CELL_W}" height="{CELL_H}" fill="{escape(cell.fill)}" '
                'stroke="#ffffff" stroke-width="2"/>'
                + (
                    f'<text x="{cell.text_x}" y="{cell.text_y - (20 - font_size) // 3}" text-anchor="middle" '
                    f'font-size="{font_size}" font-weight="bold" fill="{cell.text_fill}">{escape(text)}</text>'
                    if text
                    else ""
                )
                + "</g>"
            )
    for column in hm.columns:
        out.append(
            f'<text x="{column.x}" y="{hm.column_number_y}" text-anchor="middle" fill="{ink}">'
            f"{column.consequence}</text>"
            f'<text x="{column.x}" y="{hm.column_label_y}" text-anchor="middle" fill="{ink}">'
            f"{escape(column.short_label)}</text>"
        )
    out.append(
        f'<text x="{hm.x_axis_x}" y="{hm.x_axis_y}" text-anchor="middle" font-weight="bold" fill="{ink}">'
        f"{escape(_('Consequence'))}</text></svg>"
    )
    return mark_safe("\n".join(out))  # noqa: S308 - every text above is escaped


def matrix_svg(matrix: RiskMatrix) -> SafeString:
    """The matrix itself: the risk level of every cell, for the matrix page."""
    grid = build_heat_map(matrix, Stage.CURRENT, {}, {}, dom_id="matrix-grid")
    bands = "; ".join(
        _("%(label)s from score %(score)s") % {"label": band["label"], "score": band["min_score"]}
        for band in matrix.risk_levels
    )
    return svg_markup(
        grid,
        cell_text=lambda cell: _short(cell.level_label, 14),
        font_size=11,
        title=_("The risk level of each combination of likelihood and consequence"),
        description=_("%(matrix)s. The score is likelihood times consequence: %(bands)s.")
        % {"matrix": str(matrix), "bands": bands},
        cell_title=lambda cell: (
            _("Likelihood %(likelihood)s, consequence %(consequence)s: %(level)s")
            % {"likelihood": cell.likelihood, "consequence": cell.consequence, "level": cell.level_label}
        ),
    )


def _cell_title(matrix: RiskMatrix, likelihood: int, consequence: int, count: int, level: str) -> str:
    values = {
        "likelihood": likelihood,
        "likelihood_label": matrix.likelihood_label(likelihood),
        "consequence": consequence,
        "consequence_label": matrix.consequence_label(consequence),
        "count": count,
        "level": level,
    }
    if count == 1:
        return (
            _(
                "Likelihood %(likelihood)s %(likelihood_label)s, consequence %(consequence)s "
                "%(consequence_label)s: 1 risk, level %(level)s"
            )
            % values
        )
    return (
        _(
            "Likelihood %(likelihood)s %(likelihood_label)s, consequence %(consequence)s "
            "%(consequence_label)s: %(count)s risks, level %(level)s"
        )
        % values
    )


def build_heat_map(
    matrix: RiskMatrix,
    stage: str,
    counts: Counts,
    sizes: dict[int, tuple[int, int]],
    *,
    dom_id: str = "",
) -> HeatMap:
    """Place the grouped ``counts`` of ``stage`` on ``matrix``.

    ``sizes`` gives (likelihood levels, consequence levels) of every matrix version in ``counts``.
    """
    n_likelihood, n_consequence = matrix.likelihood_count, matrix.consequence_count
    grid: dict[tuple[int, int], int] = defaultdict(int)
    not_shown = unjudged = 0
    versions: set[int] = set()
    for (row_stage, matrix_id, likelihood, consequence), n in counts.items():
        if row_stage != stage:
            continue
        if not likelihood or not consequence:
            unjudged += n
            continue
        if sizes.get(matrix_id) != (n_likelihood, n_consequence) or likelihood > n_likelihood:
            not_shown += n
            continue
        if consequence > n_consequence:
            not_shown += n
            continue
        grid[(likelihood, consequence)] += n
        if matrix_id != matrix.pk:
            versions.add(matrix_id)
    level_counts = [0] * len(matrix.risk_levels)
    x0, y0 = AXIS_W + LABEL_W, TOP
    rows = []
    for r, likelihood in enumerate(range(n_likelihood, 0, -1)):
        cells = []
        for c, consequence in enumerate(range(1, n_consequence + 1)):
            n = grid.get((likelihood, consequence), 0)
            index = matrix.level_index(likelihood, consequence)
            level = matrix.level(index) or {}
            label = str(level.get("label", ""))
            fill = str(level.get("colour", EMPTY_FILL))
            if index is not None:
                level_counts[index] += n
            cells.append(
                HeatCell(
                    likelihood=likelihood,
                    consequence=consequence,
                    count=n,
                    level_index=index,
                    level_label=label,
                    fill=fill,
                    text_fill=text_colour(fill),
                    title=_cell_title(matrix, likelihood, consequence, n, label),
                    x=x0 + c * CELL_W,
                    y=y0 + r * CELL_H,
                )
            )
        label = matrix.likelihood_label(likelihood)
        rows.append(
            HeatRow(
                likelihood=likelihood,
                label=label,
                short_label=_short(f"{likelihood} {label}", MAX_ROW_LABEL),
                cells=cells,
                label_x=x0 - 8,
                label_y=y0 + r * CELL_H + CELL_H // 2 + 5,
            )
        )
    columns = [
        HeatColumn(
            consequence=consequence,
            label=matrix.consequence_label(consequence),
            short_label=_short(matrix.consequence_label(consequence), MAX_COLUMN_LABEL),
            x=x0 + c * CELL_W + CELL_W // 2,
        )
        for c, consequence in enumerate(range(1, n_consequence + 1))
    ]
    levels = [
        LevelTotal(str(band["label"]), str(band["colour"]), int(band["min_score"]), level_counts[i])
        for i, band in enumerate(matrix.risk_levels)
    ]
    return HeatMap(
        matrix=matrix,
        stage=stage,
        dom_id=dom_id or f"heat-map-{stage}",
        rows=rows,
        columns=columns,
        levels=levels,
        total=sum(grid.values()),
        not_shown=not_shown,
        unjudged=unjudged,
        versions=sorted(versions),
    )


def grouped_counts(risks: QuerySet[Risk], stages: Iterable[str] = STAGES) -> Counts:
    """Risks per (stage, matrix id, likelihood, consequence): one query, a ``UNION ALL`` of one GROUP BY per stage."""
    parts = []
    for number, stage in enumerate(stages):
        parts.append(
            risks.order_by()
            .annotate(
                s=Value(number, output_field=IntegerField()),
                lk=F(f"{stage}_likelihood"),
                cq=F(f"{stage}_consequence"),
            )
            .values("s", "matrix_id", "lk", "cq")
            .annotate(n=Count("pk"))
            .values_list("s", "matrix_id", "lk", "cq", "n")
        )
    names = list(stages)
    if not parts:
        return {}
    query = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]).order_by()
    counts: Counts = {}
    for s, matrix_id, likelihood, consequence, n in query:
        key = (names[s], matrix_id, likelihood, consequence)
        counts[key] = counts.get(key, 0) + n
    return counts


def matrix_sizes(matrices: Iterable[RiskMatrix]) -> dict[int, tuple[int, int]]:
    return {m.pk: (m.likelihood_count, m.consequence_count) for m in matrices}


def heat_maps(
    matrix: RiskMatrix,
    counts: Counts,
    sizes: dict[int, tuple[int, int]],
    *,
    prefix: str = "heat-map",
) -> dict[str, HeatMap]:
    """The maps of ``counts`` on ``matrix``: "current" and "residual", and "inherent" when any risk has it."""
    maps: dict[str, HeatMap] = {}
    has_inherent = any(k[0] == Stage.INHERENT and k[2] and k[3] for k in counts)
    for stage in STAGES:
        if stage == Stage.INHERENT and not has_inherent:
            continue
        maps[str(stage)] = build_heat_map(matrix, stage, counts, sizes, dom_id=f"{prefix}-{stage}")
    return maps


def analysis_heat_maps(analysis: RiskAnalysis) -> dict[str, HeatMap]:
    """The analysis's risks (all but eliminated ones) on the analysis's own matrix version.

    Keys: "current" (today), "residual" (after measures) and "inherent" when any risk is judged without
    controls. One query for the counts (the matrix is the analysis's, already loaded or one more query).
    """
    matrix = analysis.matrix
    risks = Risk.objects.filter(analysis_id=analysis.pk).exclude(status=RiskStatus.ELIMINATED)
    counts = grouped_counts(risks)
    sizes = {matrix.pk: (matrix.likelihood_count, matrix.consequence_count)}
    return heat_maps(matrix, counts, sizes, prefix=f"heat-map-{analysis.pk}")


def cell_lookup(heat_map: HeatMap) -> dict[tuple[int, int], Any]:
    """The cells by (likelihood, consequence): for tests and tables."""
    return {(c.likelihood, c.consequence): c for row in heat_map.rows for c in row.cells}
