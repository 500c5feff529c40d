"""Key figures (nyckeltal): the defaults from the set-up hook, the figures per node and year, Excel, API."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.core.crawl import token_for
from tests.followup.world import World
from varna.core.models import Organisation, User
from varna.core.services import set_up_organisation
from varna.followup import keyfigures
from varna.followup.models import KeyFigure, KeyFigureKind

pytestmark = pytest.mark.django_db


def _values(world: World) -> dict[str, keyfigures.Value]:
    return {v.figure.kind: v for v in keyfigures.compute(world.coordinator, world.administration, world.year)}


def test_every_organisation_gets_the_default_key_figures_from_the_set_up_hook(
    client_for: Callable[[str], Client],
) -> None:
    org = Organisation.objects.get(slug="exempelkommun")
    assert set(KeyFigure.objects.filter(organisation=org).values_list("kind", flat=True)) == set(KeyFigureKind)
    assert all(f.definition for f in KeyFigure.objects.filter(organisation=org))
    KeyFigure.objects.filter(organisation=org).delete()
    assert client_for("samordnare").get(reverse("followup:key_figures")).status_code == 200
    assert not KeyFigure.objects.filter(organisation=org).exists()  # a read sets nothing up
    set_up_organisation(org)
    assert KeyFigure.objects.filter(organisation=org).count() == len(KeyFigureKind)


def test_key_figures_equal_the_source_data(world: World) -> None:
    values = _values(world)
    assert values[KeyFigureKind.DAMAGE_COST_PER_EMPLOYEE].value == Decimal(200)  # 4 000 kr / 20 staff
    assert values[KeyFigureKind.REPORTS_PER_100].value == Decimal("30.0")  # 6 incidents per 20 staff
    assert values[KeyFigureKind.CURRENT_ANALYSIS_SHARE].value == Decimal("100.0")  # its one unit
    assert values[KeyFigureKind.ACTIONS_ON_TIME_SHARE].value == Decimal("33.3")  # 1 of 3 due (struck not counted)
    assert values[KeyFigureKind.DAMAGE_COST_PER_EMPLOYEE].met is True  # target at most 500 kr
    assert values[KeyFigureKind.ACTIONS_ON_TIME_SHARE].met is False  # target at least 80 %
    assert values[KeyFigureKind.REPORTS_PER_100].met is None  # no target


def test_the_page_shows_each_figure_with_its_definition_and_target(
    world: World, client_for: Callable[[str], Client]
) -> None:
    page = client_for("samordnare").get(
        reverse("followup:key_figures"), {"node": world.administration.pk, "year": world.year}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Andel aktiviteter klara i tid" in html and "33,3" in html
    assert "Strukna aktiviteter räknas inte" in html


def test_the_excel_workbook_has_a_row_per_node_with_its_figures(
    world: World, client_for: Callable[[str], Client]
) -> None:
    response = client_for("samordnare").get(reverse("followup:key_figures_xlsx"), {"year": world.year})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    ours = next(row for row in rows if row and row[0] == "Testförvaltningen")
    assert 200 in ours and 30 in ours


def test_the_api_gives_the_key_figures_of_a_node_and_year(world: World) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.coordinator)}")
    body = client.get("/api/v1/key-figures", {"node": world.administration.pk, "year": world.year}).json()
    by_kind = {row["kind"]: row for row in body}
    assert Decimal(str(by_kind["reports_per_100"]["value"])) == Decimal("30.0")
    assert by_kind["actions_on_time_share"]["met"] is False
    unit = client.get("/api/v1/key-figures", {"node": world.unit.pk, "year": world.year})
    assert unit.status_code == 404  # a unit has no key figures of its own


def test_the_coordinator_changes_a_target_and_a_stale_form_changes_nothing(
    client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    figure = KeyFigure.objects.get(
        organisation=persona("samordnare").organisation, kind=KeyFigureKind.TRAINING_COVERAGE
    )
    client = client_for("samordnare")
    url = reverse("followup:key_figure_edit", args=[figure.pk])
    data = {"name": figure.name, "definition": "Ny definition.", "target": "95", "active": "on", "revision": "1"}
    assert client.post(url, {**data, "higher_is_better": "on"}).status_code == 302
    stale = client.post(url, {**data, "target": "50"})
    assert stale.status_code == 400 and "Någon annan har ändrat" in stale.content.decode()
    figure.refresh_from_db()
    assert (figure.target, figure.definition, figure.revision) == (Decimal("95.0"), "Ny definition.", 2)
    assert client_for("handlaggare.bou").get(url).status_code == 403
