"""The yearly schedule of analyses (G3, G4, K6): due dates, damage history, scope and the coordinator's plan."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.risks.schedule_samples import make_analysis, node, report, user
from varna.core.dates import add_months
from varna.core.models import User
from varna.core.services import StaleFormError
from varna.risks import schedule
from varna.risks.models import AnalysisStatus, AnalysisTrigger, PlannedAnalysis
from varna.risks.schedule import ScheduleFilter
from varna.risks.services import schedule as services_schedule

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.usefixtures("no_demo_analyses")


def _today() -> datetime.date:
    return timezone.localdate()


def _row(username: str, node_name: str, *, year: int | None = None) -> schedule.ScheduleRow:
    today = _today()
    result = schedule.schedule(user(username), ScheduleFilter(year=year or today.year), today=today)
    target = node(node_name)
    return next(r for r in result.rows if r.node_id == target.pk)


def _day_in_past(days: int) -> datetime.date:
    day = _today() - datetime.timedelta(days=days)
    return day.replace(day=min(day.day, 28))


# --- due dates ---------------------------------------------------------------------


def test_unit_never_analysed_is_due_now(demo: None) -> None:
    row = _row("samordnare", "Hemtjänst Centrum")
    assert row.never_analysed
    assert row.due_on == _today()


def test_interval_follows_the_worst_open_risk_level(demo: None) -> None:
    analysed_on = _day_in_past(40)
    far = add_months(analysed_on, 12)
    make_analysis(analysed_on=analysed_on, likelihood=5, consequence=5, next_review=far)  # "Mycket hög": 6 months
    row = _row("samordnare", "Solrosens förskola")
    assert row.worst is not None and row.worst.review_months == 6
    assert row.interval_months == 6
    assert row.due_on == add_months(analysed_on, 6)


def test_low_risk_is_still_analysed_yearly(demo: None) -> None:
    analysed_on = _day_in_past(40)
    make_analysis(analysed_on=analysed_on, likelihood=1, consequence=1, next_review=add_months(analysed_on, 30))
    row = _row("samordnare", "Solrosens förskola")
    assert row.worst is not None and row.worst.review_months == 36
    assert row.interval_months == 12  # G4: at least yearly
    assert row.due_on == add_months(analysed_on, 12)


def test_earlier_next_review_wins(demo: None) -> None:
    analysed_on = _day_in_past(40)
    review = analysed_on + datetime.timedelta(days=20)
    make_analysis(analysed_on=analysed_on, likelihood=1, consequence=1, next_review=review)
    row = _row("samordnare", "Solrosens förskola")
    assert row.due_on == review
    assert row.due_on <= _today()  # passed: overdue


def test_draft_analysis_does_not_count_as_done(demo: None) -> None:
    make_analysis(analysed_on=_day_in_past(10), status=AnalysisStatus.DRAFT)
    row = _row("samordnare", "Solrosens förskola")
    assert row.never_analysed and row.due_on == _today()


def test_damage_is_counted_since_the_last_analysis(demo: None) -> None:
    analysed_on = _day_in_past(60)
    make_analysis(analysed_on=analysed_on)
    before = _row("samordnare", "Solrosens förskola")  # the demo's own incidents
    report(node_name="Solrosens förskola", occurred_on=analysed_on - datetime.timedelta(days=5), cost=Decimal(900))
    report(node_name="Solrosens förskola", occurred_on=analysed_on + datetime.timedelta(days=5), cost=Decimal(1200))
    report(node_name="Solrosens förskola", occurred_on=_today() - datetime.timedelta(days=1), cost=Decimal(300))
    row = _row("samordnare", "Solrosens förskola")
    assert row.damage_count - before.damage_count == 2
    assert row.damage_cost - before.damage_cost == Decimal(1500)


def test_damage_of_a_unit_never_analysed_covers_twelve_months(demo: None) -> None:
    before = _row("samordnare", "Hemtjänst Centrum")
    report(node_name="Hemtjänst Centrum", occurred_on=_today() - datetime.timedelta(days=400), cost=Decimal(100))
    report(node_name="Hemtjänst Centrum", occurred_on=_today() - datetime.timedelta(days=30), cost=Decimal(250))
    row = _row("samordnare", "Hemtjänst Centrum")
    assert (row.damage_count - before.damage_count, row.damage_cost - before.damage_cost) == (1, Decimal(250))


def test_units_with_damage_and_high_risks_come_first(demo: None) -> None:
    make_analysis(analysed_on=_day_in_past(400), likelihood=5, consequence=5, next_review=_day_in_past(200))
    report(node_name="Solrosens förskola", occurred_on=_today() - datetime.timedelta(days=3), cost=Decimal(5000))
    result = schedule.schedule(user("samordnare"), ScheduleFilter(year=_today().year), today=_today())
    assert result.rows[0].node_id == node("Solrosens förskola").pk


# --- scope and filters -------------------------------------------------------------


def test_unit_manager_sees_only_own_unit(demo: None) -> None:
    make_analysis(analysed_on=_day_in_past(30))
    home_care = node("Hemtjänst Centrum")
    result = schedule.schedule(user("chef.hemtjanst"), ScheduleFilter(year=_today().year))
    assert result.rows
    assert all(r.node_path.startswith(home_care.path) for r in result.rows)
    assert node("Solrosens förskola").pk not in {r.node_id for r in result.rows}


def test_unit_manager_page_does_not_show_other_units(client_for: Callable[[str], Client]) -> None:
    response = client_for("chef.hemtjanst").get(reverse("risks:schedule"))
    assert response.status_code == 200
    nodes = {r.node_id for r in response.context["page"].object_list}
    assert node("Hemtjänst Centrum").pk in nodes
    assert node("Solrosens förskola").pk not in nodes


def test_node_filter_limits_the_schedule_to_a_subtree(client_for: Callable[[str], Client]) -> None:
    administration = node("Barn- och utbildningsförvaltningen")
    response = client_for("samordnare").get(reverse("risks:schedule"), {"node": administration.pk})
    assert response.status_code == 200
    rows = response.context["schedule"].rows
    assert rows and all(r.node_path.startswith(administration.path) for r in rows)


def test_only_planned_filter_shows_the_plan(demo: None) -> None:
    today = _today()
    services_schedule.add_to_plan(
        actor=user("samordnare"), node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    result = schedule.schedule(user("samordnare"), ScheduleFilter(year=today.year, only_planned=True))
    assert [r.node_id for r in result.rows] == [node("Solrosens förskola").pk]


def test_schedule_page_shows_level_colour_and_plan(client_for: Callable[[str], Client]) -> None:
    make_analysis(analysed_on=_day_in_past(30))
    response = client_for("handlaggare.bou").get(reverse("risks:schedule"))
    assert response.status_code == 200
    assert b'fill="#c62828"' in response.content  # "Mycket hög" from the matrix
    assert b'id="schedule-add-all"' not in response.content  # only the coordinator plans


# --- the plan ----------------------------------------------------------------------


def test_responsible_defaults_to_the_unit_manager(demo: None) -> None:
    today = _today()
    entry = services_schedule.add_to_plan(
        actor=user("samordnare"), node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    assert entry.responsible == user("chef.solrosen")


def test_adding_a_unit_twice_gives_a_clear_message(demo: None) -> None:
    today = _today()
    coordinator, target = user("samordnare"), node("Solrosens förskola")
    services_schedule.add_to_plan(actor=coordinator, node=target, year=today.year, planned_for=today)
    with pytest.raises(ValidationError) as exc:
        services_schedule.add_to_plan(actor=coordinator, node=target, year=today.year, planned_for=today)
    assert exc.value.code == "duplicate"
    assert PlannedAnalysis.objects.filter(node=node("Solrosens förskola")).count() == 1


def test_double_submit_of_the_add_form_makes_one_entry(client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    today = _today()
    target = node("Solrosens förskola")
    data = {"node": target.pk, "year": today.year, "planned_for": today.isoformat(), "reason": "yearly", "note": ""}
    url = reverse("risks:schedule_add") + f"?node={target.pk}"
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 400
    assert second.context["form"].non_field_errors()
    assert PlannedAnalysis.objects.filter(node=target, year=today.year).count() == 1


def test_planned_date_must_be_in_the_year(demo: None) -> None:
    today = _today()
    with pytest.raises(ValidationError):
        services_schedule.add_to_plan(
            actor=user("samordnare"), node=node("Solrosens förskola"), year=today.year + 1, planned_for=today
        )


def test_unit_manager_cannot_keep_the_plan(client_for: Callable[[str], Client]) -> None:
    today = _today()
    with pytest.raises(PermissionDenied):
        services_schedule.add_to_plan(
            actor=user("chef.solrosen"), node=node("Solrosens förskola"), year=today.year, planned_for=today
        )
    response = client_for("chef.solrosen").post(reverse("risks:schedule_add_all"), {"year": today.year, "expected": 1})
    assert response.status_code == 403
    assert not PlannedAnalysis.objects.exists()


def test_add_all_suggestions_plans_every_due_unit(demo: None) -> None:
    coordinator = user("samordnare")
    today = _today()
    due = schedule.suggestions(coordinator, year=today.year)
    assert due
    created = services_schedule.add_all_suggestions(actor=coordinator, year=today.year, expected=len(due))
    assert len(created) == len(due)
    assert {e.node_id for e in PlannedAnalysis.objects.filter(year=today.year)} == {r.node_id for r in due}
    assert schedule.suggestions(coordinator, year=today.year) == []
    with pytest.raises(ValidationError) as exc:  # a second click adds nothing
        services_schedule.add_all_suggestions(actor=coordinator, year=today.year, expected=len(due))
    assert exc.value.code == "none"


def test_add_all_suggestions_is_all_or_nothing(demo: None) -> None:
    coordinator = user("samordnare")
    today = _today()
    stale = schedule.suggestions(coordinator, year=today.year)
    # Someone plans one of the suggested units at the same moment.
    PlannedAnalysis.objects.create(
        organisation=node("Solrosens förskola").organisation,
        node_id=stale[-1].node_id,
        year=today.year,
        planned_for=today,
        created_by=coordinator,
    )
    with mock.patch.object(schedule, "suggestions", return_value=stale), pytest.raises(StaleFormError):
        services_schedule.add_all_suggestions(actor=coordinator, year=today.year)
    assert PlannedAnalysis.objects.count() == 1


def test_add_all_refuses_a_changed_list(demo: None) -> None:
    coordinator = user("samordnare")
    today = _today()
    count = len(schedule.suggestions(coordinator, year=today.year))
    with pytest.raises(StaleFormError):
        services_schedule.add_all_suggestions(actor=coordinator, year=today.year, expected=count + 1)
    assert not PlannedAnalysis.objects.exists()


def test_stale_change_form_changes_nothing(demo: None) -> None:
    coordinator = user("samordnare")
    today = _today()
    entry = services_schedule.add_to_plan(
        actor=coordinator, node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    seen = entry.revision
    services_schedule.update_plan_entry(
        actor=coordinator,
        entry=entry,
        revision=seen,
        planned_for=today,
        reason=AnalysisTrigger.DAMAGE,
        responsible=None,
        note="Efter inbrottet",
    )
    with pytest.raises(StaleFormError):
        services_schedule.update_plan_entry(
            actor=coordinator,
            entry=entry,
            revision=seen,
            planned_for=today,
            reason=AnalysisTrigger.OTHER,
            responsible=None,
        )
    entry.refresh_from_db()
    assert (entry.reason, entry.note) == (AnalysisTrigger.DAMAGE, "Efter inbrottet")


def test_remove_twice_is_harmless(client_for: Callable[[str], Client]) -> None:
    coordinator = user("samordnare")
    today = _today()
    entry = services_schedule.add_to_plan(
        actor=coordinator, node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    client = client_for("samordnare")
    data = {"entry": entry.pk, "revision": entry.revision}
    assert client.post(reverse("risks:schedule_remove"), data).status_code == 302
    assert client.post(reverse("risks:schedule_remove"), data).status_code == 302
    assert not PlannedAnalysis.objects.exists()


def test_change_form_saves_the_entry(client_for: Callable[[str], Client]) -> None:
    coordinator = user("samordnare")
    today = _today()
    entry = services_schedule.add_to_plan(
        actor=coordinator, node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    client = client_for("samordnare")
    page = client.get(reverse("risks:schedule_change"), {"entry": entry.pk})
    assert page.status_code == 200
    response = client.post(
        reverse("risks:schedule_change"),
        {
            "entry": entry.pk,
            "revision": entry.revision,
            "planned_for": today.isoformat(),
            "reason": "premises",
            "responsible": user("chef.solrosen").pk,
            "note": "Ombyggnad",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.reason, entry.note) == ("premises", "Ombyggnad")


def test_an_analysis_of_a_planned_unit_marks_the_entry_done(demo: None) -> None:
    today = _today()
    services_schedule.add_to_plan(
        actor=user("samordnare"), node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    make_analysis(analysed_on=today)
    row = _row("samordnare", "Solrosens förskola")
    assert row.is_done


def test_a_change_form_shown_before_the_analysis_fulfilled_the_entry_is_stale(demo: None) -> None:
    coordinator = user("samordnare")
    today = _today()
    entry = services_schedule.add_to_plan(
        actor=coordinator, node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    shown = entry.revision
    make_analysis(analysed_on=today)
    with pytest.raises(StaleFormError):
        services_schedule.remove_from_plan(actor=coordinator, entry=entry, revision=shown)
    assert PlannedAnalysis.objects.filter(pk=entry.pk, analysis__isnull=False).exists()


# --- performance -------------------------------------------------------------------


def _page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("risks:schedule"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_schedule_page_queries_do_not_grow_with_the_data(client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    today = _today()
    make_analysis(analysed_on=_day_in_past(30))
    services_schedule.add_to_plan(
        actor=user("samordnare"), node=node("Solrosens förskola"), year=today.year, planned_for=today
    )
    small = _page_queries(client)
    for name in ("Hemtjänst Centrum", "Solrosens förskola"):
        make_analysis(node_name=name, analysed_on=_day_in_past(90), title="Extra")
        report(node_name=name, occurred_on=today - datetime.timedelta(days=2), cost=Decimal(100))
    services_schedule.add_all_suggestions(actor=user("samordnare"), year=today.year)
    assert PlannedAnalysis.objects.count() > 2
    assert _page_queries(client) == small


def test_schedule_of_a_person_without_roles_is_empty(demo: None) -> None:
    nobody = User(username="nobody")
    assert schedule.schedule(nobody, ScheduleFilter(year=_today().year)).rows == []


def test_services_refuse_a_year_out_of_range(demo: None) -> None:
    with pytest.raises(ValidationError):
        services_schedule.add_all_suggestions(actor=user("samordnare"), year=1990)


def test_year_field_shows_the_year_of_the_page_and_show_keeps_it(client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    year = _today().year
    first = client.get(reverse("risks:schedule"))
    assert f'<option value="{year}" selected>' in first.content.decode()
    # "Show" sends the form as it stands: the same year comes back.
    shown = client.get(reverse("risks:schedule"), {"year": first.context["form"]["year"].value()})
    assert shown.context["schedule"].year == year
    assert f'<option value="{year}" selected>' in shown.content.decode()


def test_chosen_year_is_kept_when_another_filter_is_wrong(client_for: Callable[[str], Client]) -> None:
    year = _today().year + 1
    response = client_for("samordnare").get(reverse("risks:schedule"), {"year": str(year), "node": "not-a-node"})
    assert response.context["schedule"].year == year
    assert f'<option value="{year}" selected>' in response.content.decode()
