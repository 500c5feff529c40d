"""Heat maps: counts per cell, levels, versions, and the accessible SVG."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.risks import overview_data as data
from varna.risks import services
from varna.risks.heatmap import analysis_heat_maps, cell_lookup, contrast
from varna.risks.models import Risk, RiskStatus

pytestmark = pytest.mark.django_db


def test_analysis_heat_map_counts_risks_per_cell_with_the_matrix_level(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    data.risk(analysis, current=(4, 3), residual=(2, 3))
    data.risk(analysis, current=(4, 3), residual=(1, 1))
    data.risk(analysis, current=(1, 1))
    data.risk(analysis, current=(5, 5), status=RiskStatus.ELIMINATED)
    data.risk(analysis)  # not judged yet

    maps = analysis_heat_maps(analysis)

    assert set(maps) == {"current", "residual"}
    current = cell_lookup(maps["current"])
    assert current[(4, 3)].count == 2
    assert current[(4, 3)].level_label == "Hög"  # 12 points on the 5x5 MSB matrix
    assert current[(1, 1)].count == 1
    assert current[(5, 5)].count == 0  # the eliminated risk is not on the map
    assert maps["current"].total == 3
    assert maps["current"].unjudged == 1
    residual = cell_lookup(maps["residual"])
    assert residual[(2, 3)].count == 1
    assert residual[(1, 1)].count == 1
    assert maps["residual"].unjudged == 2
    assert [lv.count for lv in maps["current"].levels] == [1, 0, 2, 0]


def test_rows_run_from_the_highest_likelihood_and_columns_from_the_lowest_consequence(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    maps = analysis_heat_maps(analysis)
    hm = maps["current"]
    assert [row.likelihood for row in hm.rows] == [5, 4, 3, 2, 1]
    assert [c.consequence for c in hm.columns] == [1, 2, 3, 4, 5]
    assert [c.consequence for c in hm.rows[0].cells] == [1, 2, 3, 4, 5]


def test_inherent_map_appears_only_when_a_risk_is_judged_without_controls(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    data.risk(analysis, current=(3, 3))
    assert "inherent" not in analysis_heat_maps(analysis)
    data.risk(analysis, current=(3, 3), inherent=(5, 4))
    maps = analysis_heat_maps(analysis)
    assert cell_lookup(maps["inherent"])[(5, 4)].count == 1


def test_risk_judged_on_an_older_version_stays_on_its_own_analysis_map(demo: None) -> None:
    old = data.analysis("Solrosens förskola", title="Gammal")
    data.risk(old, current=(5, 5))
    services.use_matrix_template(actor=data.user("samordnare"), code="internal-control-4x4")
    new = data.analysis("Solrosens förskola", title="Ny")
    data.risk(new, current=(4, 4))

    old_maps = analysis_heat_maps(old)
    new_maps = analysis_heat_maps(new)

    assert old_maps["current"].matrix.pk == old.matrix_id
    assert old_maps["current"].matrix.consequence_count == 5
    assert cell_lookup(old_maps["current"])[(5, 5)].count == 1
    assert new_maps["current"].matrix.pk != old.matrix_id
    assert len(new_maps["current"].rows) == 4
    assert cell_lookup(new_maps["current"])[(4, 4)].level_label == "Mycket hög"


def test_heat_map_counts_take_one_query(demo: None, django_assert_num_queries: object) -> None:
    analysis = data.analysis("Solrosens förskola")
    for _ in range(3):
        data.risk(analysis, current=(2, 2), residual=(1, 2), inherent=(3, 3))
    analysis.matrix  # noqa: B018 - loaded, as on the analysis page
    with django_assert_num_queries(1):  # type: ignore[operator]
        maps = analysis_heat_maps(analysis)
    assert cell_lookup(maps["inherent"])[(3, 3)].count == 3


def test_svg_is_an_image_with_a_title_and_a_title_per_cell(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    data.risk(analysis, current=(4, 3))
    html = render_to_string("risks/_heat_map.html", {"heat_map": analysis_heat_maps(analysis)["current"]})

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg)
    assert labelled is not None
    for ident in labelled.group(1).split():
        assert f'id="{ident}"' in svg
    assert "<desc" in svg
    cell_titles = re.findall(r'<g class="heat-map-cell"[^>]*>\s*<title>([^<]+)</title>', svg)
    assert len(cell_titles) == 25
    assert any("Sannolikhet 4" in t and ": 1 risk," in t for t in cell_titles)
    assert "style=" not in html  # the CSP forbids inline styles
    assert "<script" not in html
    assert "<table" in html  # the figures as a table as well


def test_counts_are_drawn_with_enough_contrast_on_every_level_colour(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    hm = analysis_heat_maps(analysis)["current"]
    for row in hm.rows:
        for cell in row.cells:
            assert contrast(cell.fill, cell.text_fill) >= 4.5, cell


# --- the organisation-wide overview page --------------------------------------------


def _overview_data() -> dict[str, object]:
    solrosen = data.analysis("Solrosens förskola", actor="chef.solrosen", title="Solrosen")
    data.risk(solrosen, current=(4, 3), residual=(2, 2), actor="chef.solrosen")
    data.risk(solrosen, current=(5, 5), residual=(3, 3), actor="chef.solrosen")
    data.risk(solrosen, current=(2, 2), status=RiskStatus.ACCEPTED, actor="chef.solrosen")  # not open
    hemtjanst = data.analysis("Hemtjänst Centrum", actor="chef.hemtjanst", title="Hemtjänst")
    data.risk(hemtjanst, current=(1, 2), actor="chef.hemtjanst")
    return {"solrosen": solrosen, "hemtjanst": hemtjanst}


def _seen(client: Client, **params: int) -> Any:
    """The overview as ``client`` sees it (the demo data has risks of its own: tests compare before and after)."""
    response = client.get(reverse("risks:heat_map"), params)
    assert response.status_code == 200
    return response.context["overview"]


def _cells(overview: Any, stage: str = "current") -> dict[tuple[int, int], int]:
    return {key: cell.count for key, cell in cell_lookup(overview.maps[stage]).items()}


def _added(before: dict[tuple[int, int], int], after: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    return {key: after[key] - before[key] for key in after if after[key] != before[key]}


def test_overview_shows_open_risks_of_the_whole_organisation_to_the_coordinator(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    client = client_for("samordnare")
    before = _seen(client)
    _overview_data()
    after = _seen(client)
    assert after.node.depth == 1
    assert _added(_cells(before), _cells(after)) == {(4, 3): 1, (5, 5): 1, (1, 2): 1}  # the accepted one is not open
    assert _added(_cells(before, "residual"), _cells(after, "residual")) == {(2, 2): 1, (3, 3): 1}
    assert sum(row.total for row in after.rows) - sum(row.total for row in before.rows) == 3
    open_risks = Risk.objects.filter(organisation__slug="exempelkommun", status=RiskStatus.OPEN)
    assert sum(row.total for row in after.rows) == open_risks.count()
    html = client.get(reverse("risks:heat_map")).content.decode()
    assert 'id="heat-map-overview-current"' in html and 'id="heat-map-overview-residual"' in html


def test_unit_manager_sees_nothing_of_another_unit(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("chef.hemtjanst")
    before = _seen(client)
    _overview_data()
    after = _seen(client)
    hemtjanst = data.node("Hemtjänst Centrum")
    assert after.node == hemtjanst
    assert _added(_cells(before), _cells(after)) == {(1, 2): 1}  # not the two open risks of Solrosen
    mine = Risk.objects.filter(node__path__startswith=hemtjanst.path, status=RiskStatus.OPEN)
    placed = after.maps["current"].total + after.maps["current"].unjudged + after.maps["current"].not_shown
    assert placed == mine.count()


def test_node_outside_the_scope_is_not_found(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("chef.hemtjanst")
    for name in ("Solrosens förskola", "Barn- och utbildningsförvaltningen", "Kommunfullmäktige"):
        assert client.get(reverse("risks:heat_map"), {"node": data.node(name).pk}).status_code == 404
    grannby = data.node("Kommunfullmäktige", organisation="grannby")
    assert client_for("samordnare").get(reverse("risks:heat_map"), {"node": grannby.pk}).status_code == 404
    assert client.get(reverse("risks:heat_map"), {"node": "x"}).status_code == 404
    assert client.get(reverse("risks:heat_map"), {"node": data.node("Hemtjänst Centrum").pk}).status_code == 200


def test_overview_rolls_up_one_subtree_and_counts_each_child_branch(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    client = client_for("samordnare")
    bou = data.node("Barn- och utbildningsförvaltningen")
    solrosen = data.node("Solrosens förskola")
    before = _seen(client, node=bou.pk)
    _overview_data()
    after = _seen(client, node=bou.pk)
    assert _added(_cells(before), _cells(after)) == {(4, 3): 1, (5, 5): 1}  # not Hemtjänst's risk
    branch_before = next(row for row in before.rows if solrosen.path.startswith(row.node.path))
    branch_after = next(row for row in after.rows if solrosen.path.startswith(row.node.path))
    added = [a - b for a, b in zip(branch_after.levels, branch_before.levels, strict=True)]
    assert added == [0, 0, 1, 1]  # one high (4x3), one very high (5x5)
    assert branch_after.linked
    html = client.get(reverse("risks:heat_map"), {"node": bou.pk}).content.decode()
    assert f"?node={branch_after.node.pk}" in html
    assert [c.node.depth for c in after.crumbs] == list(range(1, bou.depth))
    # at the unit itself the risks are "directly" there
    unit = _seen(client, node=solrosen.pk)
    assert unit.rows[0].directly
    assert unit.rows[0].total == Risk.objects.filter(node=solrosen, status=RiskStatus.OPEN).count()


def test_overview_needs_the_permission_to_view_risks(demo: None, client_for: Callable[[str], Client]) -> None:
    assert client_for("politiker").get(reverse("risks:heat_map")).status_code == 403
    assert client_for("anstalld").get(reverse("risks:heat_map")).status_code == 403


def test_overview_takes_the_same_number_of_queries_at_two_data_sizes(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    client = client_for("samordnare")
    analysis = data.analysis("Solrosens förskola")
    data.risk(analysis, current=(2, 2))
    client.get(reverse("risks:heat_map"))  # the matrix exists from here on
    bou = data.node("Barn- och utbildningsförvaltningen")

    def queries(params: dict[str, int]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("risks:heat_map"), params).status_code == 200
        return len(ctx.captured_queries)

    small = (queries({}), queries({"node": bou.pk}))
    for name in ("Hemtjänst Centrum", "Solrosens förskola"):
        more = data.analysis(name)
        for i in range(6):
            data.risk(more, current=(1 + i % 5, 1 + (i * 2) % 5), residual=(1, 1), inherent=(5, 5))
    services.use_matrix_template(actor=data.user("samordnare"), code="internal-control-4x4")
    newer = data.analysis("Solrosens förskola", title="4x4")
    data.risk(newer, current=(4, 4))
    large = (queries({}), queries({"node": bou.pk}))
    assert small == large
