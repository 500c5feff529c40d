"""The elected officials' start page: aggregates of their nämnd and the municipality, plans, fixed follow-ups."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.followup.world import World
from tests.incidents.statistics_data import add_incidents
from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.followup import selectors, services
from varna.followup.models import FollowUp, FollowUpStatus

pytestmark = pytest.mark.django_db


def _page(client: Client) -> str:
    page = client.get(reverse("core:dashboard"))
    assert page.status_code == 200
    return page.content.decode()


def test_the_politician_sees_figures_plans_and_fixed_follow_ups_on_the_start_page(
    world: World, client_for: Callable[[str], Client]
) -> None:
    page = _page(client_for("politiker"))
    assert 'id="elected-overview"' in page
    panel = page.split('id="elected-overview"')[1]
    assert "Kommunstyrelsen" in panel and "Kommunfullmäktige" in panel  # their nämnd and the municipality
    fixed = FollowUp.objects.filter(status=FollowUpStatus.FIXED, organisation__slug="exempelkommun").order_by(
        "-year", "-fixed_at"
    )
    assert reverse("followup:detail", args=[fixed.first().pk]) in panel  # type: ignore[union-attr]


def test_the_start_page_shows_this_years_plans_and_their_status(
    world: World, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    statuses = selectors.plan_statuses(persona("politiker"), timezone.localdate().year)
    assert statuses, "the demo has this year's plans"
    page = _page(client_for("politiker"))
    plans = page.split('id="overview-plans"')[1].split("</table>")[0]
    for status in statuses[:5]:
        assert reverse("plans:detail", args=[status.plan_id]) in plans


def test_small_counts_on_the_start_page_read_fewer_than_three(
    world: World, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    # The demo's incidents are gone (the world clears them): two this year, both in the politician's nämnd.
    add_incidents(world.unit, reporter=world.coordinator, on=timezone.localdate(), n=2, code="threat", total=0)
    page = _page(client_for("politiker"))
    figures = page.split('id="overview-figures"')[1].split("</table>")[0]
    assert "färre än 3" in figures
    politician = persona("politiker")
    headline = selectors.overview_panel(politician)
    assert headline is not None and headline["municipality"].this_year == 2


def test_nothing_confidential_reaches_the_politician(
    world: World, client_for: Callable[[str], Client], persona: Callable[[str], User]
) -> None:
    threats = add_incidents(
        world.unit, reporter=world.coordinator, on=datetime.date(world.year, 6, 1), n=1, code="threat", total=0
    )
    client = client_for("politiker")
    page = _page(client)
    assert "Testhändelse" not in page and threats[0].number not in page
    assert reverse("incidents:detail", args=[threats[0].pk]) not in page
    assert client.get(reverse("incidents:detail", args=[threats[0].pk])).status_code in (403, 404)
    politician = persona("politiker")
    assert not access.has_perm(politician, Perm.VIEW_INCIDENTS)
    assert not access.has_perm(politician, Perm.MANAGE_FOLLOW_UPS)


def test_the_politician_reads_a_fixed_follow_up_but_cannot_change_it(
    world: World, client_for: Callable[[str], Client]
) -> None:
    follow_up = services.generate(actor=world.coordinator, node=world.administration, year=world.year + 1)
    services.fix(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    client = client_for("politiker")
    listing = client.get(reverse("followup:list")).content.decode()
    assert reverse("followup:detail", args=[follow_up.pk]) in listing and 'id="generate-form"' not in listing
    page = client.get(reverse("followup:detail", args=[follow_up.pk])).content.decode()
    assert "Testförvaltningen" in page and "<textarea" not in page and "Gör en ny version" not in page
    assert client.post(reverse("followup:new_version", args=[follow_up.pk])).status_code == 403


def test_other_people_do_not_get_the_politicians_panel(client_for: Callable[[str], Client]) -> None:
    for username in ("samordnare", "anstalld", "chef.solrosen"):
        assert 'id="elected-overview"' not in _page(client_for(username))


def test_the_politician_sees_only_follow_ups_of_their_part(persona: Callable[[str], User]) -> None:
    politician = persona("politiker")
    ks = Node.objects.get(organisation=politician.organisation, name="Kommunstyrelsen")
    rows = selectors.follow_up_list(politician)
    assert rows.exists()
    assert not rows.exclude(node__path__startswith=ks.path).exists()
    assert not rows.filter(status=FollowUpStatus.DRAFT).exists()
