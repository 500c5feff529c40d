"""Small counts are never shown to readers of aggregates: the one rule of the follow-up app (G14, K4).

A group of one or two incidents could point at a person (a threat against a named employee at a small unit),
so every count of incidents in this app is shown through :func:`shown_count`, and a cost or rate that belongs to
such a group through :func:`shown_value`. Zero is shown: no incident identifies nobody.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from varna.core import formats

SMALL_COUNT = 3  # fewer than this many incidents in a group are not shown


def is_small(count: int | None) -> bool:
    """Whether a count of incidents must be hidden: one or two."""
    return count is not None and 0 < int(count) < SMALL_COUNT


def fewer_than() -> str:
    return _("fewer than %(n)s") % {"n": SMALL_COUNT}


def shown_count(count: int | None) -> str:
    """A count of incidents as a reader sees it: "färre än 3" for one or two, else the number."""
    if count is None:
        return "–"
    return fewer_than() if is_small(count) else formats.number(count)


def shown_value(count: int | None, value: Any, *, money: bool = False, places: int = 0) -> str:
    """A figure that belongs to a group of ``count`` incidents (its cost, its rate): hidden when the count is."""
    if is_small(count):
        return fewer_than() if not money else _("not shown (fewer than %(n)s incidents)") % {"n": SMALL_COUNT}
    if value is None or value == "":
        return "–"
    return formats.money(value, places) if money else formats.number(value, places)


def _cell(cell: dict[str, Any], value_keys: tuple[str, ...]) -> dict[str, Any]:
    """A group of incidents for a reader: count and values left out (``None``) when the count is small."""
    if not is_small(cell.get("count")):
        return {**cell, "suppressed": False}
    return {**cell, "count": None, **dict.fromkeys(value_keys), "suppressed": True}


def _dimension_cell(cell: dict[str, Any]) -> dict[str, Any]:
    """Incidents with consequences in one dimension, and the serious ones among them: each count of one or two
    left out on its own (the serious ones of a shown count may still be too few to show)."""
    shown = _cell(cell, ("serious",))
    if not shown["suppressed"] and is_small(shown.get("serious")):
        return {**shown, "serious": None, "serious_suppressed": True}
    return shown


def public_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """A follow-up's figures as the API gives them: every damage group of one or two incidents suppressed."""
    result = dict(figures)
    damage = figures.get("damage")
    if isinstance(damage, dict):
        result["damage"] = {
            **damage,
            "years": [_cell(y, ("cost", "per_100")) for y in damage.get("years", [])],
            "areas": [
                {**area, "years": {y: _cell(c, ("cost",)) for y, c in area.get("years", {}).items()}}
                for area in damage.get("areas", [])
            ],
            "dimensions": [
                {**dim, "years": {y: _dimension_cell(c) for y, c in dim.get("years", {}).items()}}
                for dim in damage.get("dimensions", [])
            ],
        }
    return result
