"""Server-rendered charts: matplotlib draws SVG, the page shows it as an image next to a table.

- No pyplot and no global state: each chart is its own ``Figure`` (safe in threads).
- Text is drawn as paths with matplotlib's own DejaVu Sans (``svg.fonttype = "path"``), so the
  chart looks the same everywhere and nothing is fetched.
- The SVG carries ``role="img"``, an ``aria-label`` and a ``<title>``; it has no scripts. The page
  shows it as ``<img src="data:image/svg+xml;base64,...">`` with alt text, because the CSP
  (``style-src 'self'``) would block the style attributes of an inline ``<svg>``, and
  ``img-src`` allows ``data:``. The same figures are always in a ``<table>`` next to it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from django.core.cache import cache
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from varna.incidents.statistics import Row, StatisticsPage

matplotlib.use("Agg")

# Okabe and Ito's palette: told apart by people with colour-vision deficiency; the brand blue first.
COLOURS = ("#0b4f6c", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#1b1f23")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":")
INK, MUTED, GRID = "#1b1f23", "#4f5a65", "#c9d1d8"
WIDTH = 7.5  # inches; SVG units are points, so 540 pt
MAX_BARS = 15
MAX_LABEL = 38
# Drawing takes about a tenth of a second a chart and the same figures give the same SVG, so each drawn chart is
# kept in Django's cache under a hash of everything it is drawn from (its figures, labels, language and
# matplotlib's version): a chart is drawn once per distinct set of figures, and a warm one costs a cache read.
CACHE_SECONDS = 30 * 24 * 3600
CACHE_PREFIX = "varna:incidents:chart:"

RC: dict[Any, Any] = {
    "svg.fonttype": "path",
    "svg.hashsalt": "varna",  # stable element ids: the same figures give the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


@dataclass(frozen=True)
class Chart:
    title: str
    alt: str
    svg: str

    @property
    def width(self) -> int:
        """The width in CSS pixels, from the SVG's own size in points."""
        return self._size("width")

    @property
    def height(self) -> int:
        return self._size("height")

    def _size(self, name: str) -> int:
        match = re.search(rf'<svg[^>]*\s{name}="([0-9.]+)pt"', self.svg)
        return round(float(match.group(1)) * 4 / 3) if match else 0

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def _number(value: float, money: bool = False) -> str:
    return number_format(value, 0, force_grouping=True) + (" kr" if money else "")


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _finish(fig: Figure, title: str, alt: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return _accessible(buffer.getvalue(), title, alt)


def _accessible(svg: str, title: str, alt: str) -> str:
    """Give the SVG a role, a label and a title; drop the metadata; refuse anything that could run."""
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    start = svg.index("<svg")
    end = svg.index(">", start)
    opening = svg[start:end] + f' role="img" aria-label={quoteattr(alt)}>'
    svg = svg[:start] + opening + f"\n <title>{escape(title)}</title>" + svg[end + 1 :]
    lowered = svg.lower()
    if "<script" in lowered or "javascript:" in lowered or "<foreignobject" in lowered:
        raise ValueError("a chart must not contain scripts")
    return svg


def _figure(height: float) -> tuple[Figure, Any]:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH, height))
        ax = fig.add_subplot()
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig, ax


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[int | Decimal | float],
    value_label: str,
    horizontal: bool = False,
    money: bool = False,
    alt: str = "",
) -> Chart:
    """Bars with their values written on them; horizontal for long labels (types, places)."""
    alt = alt or _("%(title)s. The figures are in the table below.") % {"title": title}
    numbers = tuple(float(v) for v in values)
    names = tuple(_short(str(label)) for label in labels)
    svg = _cached(_draw_bar, title, alt, names, numbers, value_label, horizontal, money, get_language())
    return Chart(title=title, alt=alt, svg=svg)


def _cached(draw: Any, *args: Any) -> str:
    """The SVG ``draw(*args)`` gives, from the cache when the same chart was drawn before."""
    key = CACHE_PREFIX + hashlib.sha256(repr((draw.__name__, matplotlib.__version__, args)).encode()).hexdigest()
    svg: str | None = cache.get(key)
    if svg is None:
        svg = str(draw(*args))
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def _draw_bar(
    title: str,
    alt: str,
    names: tuple[str, ...],
    numbers: tuple[float, ...],
    value_label: str,
    horizontal: bool,
    money: bool,
    language: str | None,  # part of the key: numbers are formatted for the language
) -> str:
    with matplotlib.rc_context(RC):
        if horizontal:
            fig, ax = _figure(max(2.2, 0.38 * len(names) + 1.0))
            positions = list(range(len(names)))[::-1]  # the first label on top
            bars = ax.barh(positions, numbers, color=COLOURS[0], height=0.65)
            ax.set_yticks(positions, names)
            ax.set_xlabel(value_label)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            ax.grid(axis="x", color=GRID, linewidth=0.6)
        else:
            fig, ax = _figure(3.4)
            positions = list(range(len(names)))
            bars = ax.bar(positions, numbers, color=COLOURS[0], width=0.65)
            ax.set_xticks(positions, names)
            ax.set_ylabel(value_label)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.bar_label(bars, labels=[_number(v, money) for v in numbers], padding=3, fontsize=9, color=INK)
        ax.margins(x=0.12 if horizontal else 0.02, y=0.02 if horizontal else 0.12)
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, title, alt)


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | Decimal | float]]],
    value_label: str,
    alt: str = "",
) -> Chart:
    """One line per series, each with its own colour, marker and dash (never colour alone)."""
    alt = alt or _("%(title)s. The figures are in the table below.") % {"title": title}
    labels = tuple(str(label) for label in x_labels)
    lines = tuple((str(name), tuple(float(v) for v in values)) for name, values in series)
    return Chart(title=title, alt=alt, svg=_cached(_draw_line, title, alt, labels, lines, value_label, get_language()))


def _draw_line(
    title: str,
    alt: str,
    x_labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    value_label: str,
    language: str | None,
) -> str:
    with matplotlib.rc_context(RC):
        fig, ax = _figure(3.6)
        positions = list(range(len(x_labels)))
        for i, (name, values) in enumerate(series):
            ax.plot(
                positions,
                list(values),
                label=name,
                color=COLOURS[i % len(COLOURS)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=1.8,
                markersize=5,
            )
        ax.set_xticks(positions, list(x_labels))
        ax.set_ylabel(value_label)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        if series:
            ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    return _finish(fig, title, alt)


# --- the charts of the statistics page ---------------------------------------------------------


def _top(rows: Sequence[Row], label: str) -> tuple[list[str], list[int]]:
    shown = [r for r in rows if r.count > 0][:MAX_BARS]
    return [str(getattr(r, label) or "") for r in shown], [r.count for r in shown]


def statistics_charts(page: StatisticsPage) -> dict[str, Chart]:
    """The charts of the statistics page, by the key of the table that holds their figures."""
    number = _("Number of incidents")
    years = [str(r.year) for r in page.years]
    charts = {
        "years": bar_chart(
            title=_("Number of incidents per year"),
            labels=years,
            values=[r.count for r in page.years],
            value_label=number,
        ),
        "year_to_date": bar_chart(
            title=_("Number of incidents from 1 January to %(day)s, each year")
            % {"day": date_format(page.today, "j F")},
            labels=years,
            values=[r.ytd_count or 0 for r in page.years],
            value_label=number,
        ),
        "months": line_chart(
            title=_("Number of incidents per month"),
            x_labels=[str(MONTHS_3[m]).capitalize() for m in range(1, 13)],
            series=[(str(year), [r.count for r in rows]) for year, rows in page.months.items()],
            value_label=number,
        ),
    }
    for key, rows, label, title in (
        ("types", page.types, "incident_type_name", _("Number of incidents per type of event")),
        (
            "nodes",
            sorted(page.nodes, key=lambda r: -r.count),
            "node_name",
            _("Number of incidents per part of the organisation"),
        ),
    ):
        labels, values = _top(rows, label)
        if values:
            charts[key] = bar_chart(title=title, labels=labels, values=values, value_label=number, horizontal=True)
    return charts
