"""The security group's yearly review (G14): the overview per nämnd, the checklist and its facts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.plans.helpers import make_action, make_measure, make_plan, node, overdue, this_year, user
from varna.plans import checklist, selectors, services
from varna.plans.models import ActionStatus, PlanReview

Clients = Callable[[str], Client]


def _rows(year: int) -> dict[str, selectors.OverviewRow]:
    return {r.node.name: r for r in selectors.review_overview(user("samordnare"), year)}


def test_overview_lists_every_namnd_and_attributes_plans_to_the_nearest(demo: None) -> None:
    bun = make_plan("samordnare", "Barn- och utbildningsnämnden")
    services.record_adoption(
        actor=user("samordnare"),
        plan=bun,
        adopted_by_body="Barn- och utbildningsnämnden",
        adopted_on=timezone.localdate(),
        minute_paragraph="§ 12",
        registry_number="BUN 2026/7",
    )
    solrosen = make_plan("chef.solrosen", "Solrosens förskola")
    done = make_action("chef.solrosen", solrosen, what="Klar")
    services.change_action_status(actor=user("chef.solrosen"), action=done, status=ActionStatus.DONE, revision=1)
    overdue(make_action("chef.solrosen", solrosen, what="Sen"))
    make_plan("samordnare", "Kommunledningsförvaltningen")
    make_plan("chef.solrosen", "Solrosens förskola", year=this_year() - 1)  # another year: not counted

    rows = _rows(this_year())
    bun_row = rows["Barn- och utbildningsnämnden"]
    assert bun_row.own_plan is not None and bun_row.own_plan.pk == bun.pk
    assert (bun_row.totals.plans, bun_row.totals.adopted) == (2, 1)
    assert (bun_row.totals.actions, bun_row.totals.done, bun_row.totals.overdue) == (2, 1, 1)
    ks_row = rows["Kommunstyrelsen"]
    assert ks_row.totals.plans == 1  # Kommunledningsförvaltningen only, not the committees' plans
    assert ks_row.own_plan is None
    without = [name for name, row in rows.items() if not row.has_plan]
    assert "Barn- och utbildningsnämnden" not in without
    assert len(without) == len(rows) - 2
    assert all(r.node.kind in checklist.NAMND_KINDS for r in rows.values())


def test_review_page_needs_review_plans(client_for: Clients) -> None:
    assert client_for("samordnare").get(reverse("plans:review")).status_code == 200
    for username in ("handlaggare.bou", "chef.solrosen", "politiker"):
        assert client_for(username).get(reverse("plans:review")).status_code == 403
    bun = node("Barn- och utbildningsnämnden")
    url = reverse("plans:review_edit", args=[bun.pk, this_year()])
    assert client_for("handlaggare.bou").get(url).status_code == 403
    assert client_for("samordnare.grannby").get(url).status_code == 404
    unit = node("Solrosens förskola")
    assert client_for("samordnare").get(reverse("plans:review_edit", args=[unit.pk, this_year()])).status_code == 404
    assert client_for("samordnare").get(reverse("plans:review_edit", args=[bun.pk, 99999])).status_code == 404


def test_save_review_computes_the_score_and_refuses_a_stale_form(client_for: Clients) -> None:
    bun = node("Barn- och utbildningsnämnden")
    client = client_for("samordnare")
    url = reverse("plans:review_edit", args=[bun.pk, this_year()])
    page = client.get(url)
    assert page.status_code == 200
    assert [code for code, _field, _fact in page.context["items"]] == list(checklist.CODES)
    response = client.post(url, {"item_adopted": "on", "item_complete": "on", "comment": "Bra början"})
    assert response.status_code == 302
    review = PlanReview.objects.get(node=bun, year=this_year())
    assert review.score == 2
    assert review.checklist["adopted"] is True and review.checklist["overdue"] is False
    stale = client.post(url, {"item_adopted": "on", "revision": 0})
    assert stale.status_code == 400
    assert client.post(url, {"revision": review.revision, "comment": "Omgjord"}).status_code == 302
    review.refresh_from_db()
    assert (review.score, review.comment, review.revision) == (0, "Omgjord", 2)
    overview = client.get(reverse("plans:review"), {"year": this_year()})
    row = next(r for r in overview.context["rows"] if r.node.pk == bun.pk)
    assert row.review is not None and row.review.score == 0


def test_save_review_rules(demo: None) -> None:
    coordinator = user("samordnare")
    with pytest.raises(PermissionDenied):
        services.save_review(
            actor=user("handlaggare.bou"), node=node("Barn- och utbildningsnämnden"), year=this_year(), checklist={}
        )
    with pytest.raises(ValidationError):
        services.save_review(actor=coordinator, node=node("Solrosens förskola"), year=this_year(), checklist={})
    with pytest.raises(ValidationError):
        services.save_review(
            actor=coordinator, node=node("Barn- och utbildningsnämnden"), year=this_year(), checklist={"nonsense": 1}
        )
    plan = make_plan(coordinator, "Barn- och utbildningsnämnden")
    review = services.save_review(
        actor=coordinator,
        node=node("Barn- och utbildningsnämnden"),
        year=this_year(),
        checklist={code: True for code in checklist.CODES},
    )
    assert review.score == checklist.MAX_SCORE
    assert review.plan_id == plan.pk


def test_facts_count_complete_actions_adoption_and_overdue(demo: None) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan, measures=[measure])
    overdue(make_action("chef.solrosen", plan, what="Utan resurser", budget=None, hours=None, resources_note=""))
    facts = checklist.facts(node("Barn- och utbildningsnämnden"), this_year())
    assert "1 av 2 aktiviteter (50 %)" in facts["complete"].text
    assert facts["complete"].suggested is False
    assert facts["adopted"].suggested is False
    assert "1 försenad aktivitet" in facts["overdue"].text
    assert facts["overdue"].suggested is False
    assert facts["analyses"].suggested is True


def test_overview_and_checklist_show_the_same_count_of_overdue_actions(client_for: Clients) -> None:
    this_plan = make_plan("chef.solrosen", "Solrosens förskola")
    last_plan = make_plan("chef.solrosen", "Solrosens förskola", year=this_year() - 1)
    overdue(make_action("chef.solrosen", this_plan, what="Sen i år"))
    overdue(make_action("chef.solrosen", last_plan, what="Sen sedan i fjol"), days=200)
    bun = node("Barn- och utbildningsnämnden")

    facts = checklist.facts(bun, this_year())
    overview = _rows(this_year())["Barn- och utbildningsnämnden"]

    assert overview.totals.overdue == 2
    assert "2 försenade aktiviteter" in facts["overdue"].text
    page = client_for("samordnare").get(reverse("plans:review"), {"year": this_year()}).content.decode()
    assert f'<tr data-node="{bun.pk}">' in page
    assert '<span class="badge">2</span>' in page
