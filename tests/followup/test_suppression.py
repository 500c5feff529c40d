"""Small counts: one or two incidents are shown as "färre än 3" everywhere in the follow-up app."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from varna.followup import suppression


def test_one_and_two_are_small_zero_and_three_are_not() -> None:
    assert [suppression.is_small(n) for n in (0, 1, 2, 3, 40)] == [False, True, True, False, False]


def test_small_counts_read_fewer_than_three_in_swedish() -> None:
    with translation.override("sv"):
        assert suppression.shown_count(1) == "färre än 3"
        assert suppression.shown_count(2) == "färre än 3"
        assert suppression.shown_count(3) == "3"
        assert suppression.shown_count(0) == "0"


def test_the_cost_and_rate_of_a_small_group_are_hidden_with_it() -> None:
    with translation.override("sv"):
        assert "färre än 3" in suppression.shown_value(2, "12500.00", money=True)
        assert "12" not in suppression.shown_value(2, "12500.00", money=True)
        assert suppression.shown_value(2, "10.0", places=1) == "färre än 3"
        assert suppression.shown_value(5, "12500.00", money=True) == "12\xa0500\xa0kr" or "12 500" in (
            suppression.shown_value(5, "12500.00", money=True)
        )


def test_the_api_figures_leave_out_small_groups() -> None:
    figures: dict[str, Any] = {
        "damage": {
            "staff": 10,
            "years": [{"year": 2025, "count": 2, "cost": "300.00", "per_100": "20.0"}],
            "areas": [{"name": "Brand", "years": {"2025": {"count": 1, "cost": "300.00"}}}],
        }
    }
    public = suppression.public_figures(figures)
    assert public["damage"]["years"][0] == {
        "year": 2025,
        "count": None,
        "cost": None,
        "per_100": None,
        "suppressed": True,
    }
    assert public["damage"]["areas"][0]["years"]["2025"] == {"count": None, "cost": None, "suppressed": True}
    assert figures["damage"]["years"][0]["count"] == 2  # the stored figures are untouched


def test_the_api_leaves_out_few_incidents_per_consequence_dimension_and_few_serious_ones() -> None:
    cells = {"2024": {"count": 2, "serious": 1}, "2025": {"count": 7, "serious": 2}, "2026": {"count": 9, "serious": 4}}
    public = suppression.public_figures(
        {"damage": {"years": [], "areas": [], "dimensions": [{"key": "people", "years": cells}]}}
    )
    shown = public["damage"]["dimensions"][0]["years"]
    assert shown["2024"] == {"count": None, "serious": None, "suppressed": True}
    assert shown["2025"] == {"count": 7, "serious": None, "suppressed": False, "serious_suppressed": True}
    assert shown["2026"] == {"count": 9, "serious": 4, "suppressed": False}


def test_follow_ups_fixed_before_the_dimensions_keep_their_shape_in_the_api() -> None:
    public = suppression.public_figures({"damage": {"years": [], "areas": []}})
    assert public["damage"]["dimensions"] == []
