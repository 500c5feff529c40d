"""The effect of measures carried out (P8, G13): before and after, per employee, with an honest uncertainty."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.core.world import add_child, add_person
from tests.incidents.statistics_data import add_incidents
from tests.risks import overview_data as data
from varna.core.models import Node, SecurityArea
from varna.risks import effect, services
from varna.risks.effect import Period, judge, rate_ratio
from varna.risks.models import Measure, MeasureStatus, RiskAnalysis

TODAY = timezone.localdate()
DONE_ON = TODAY - datetime.timedelta(days=365)
BEFORE = DONE_ON - datetime.timedelta(days=100)
AFTER = DONE_ON + datetime.timedelta(days=100)


def _period(count: int, days: int = 365, staff: int = 50) -> Period:
    start = datetime.date(2024, 1, 1)
    return Period(start, start + datetime.timedelta(days=days - 1), count, 0, staff)  # type: ignore[arg-type]


def test_a_large_drop_is_called_fewer_with_an_interval_below_one() -> None:
    verdict, found = judge(_period(40), _period(10))
    assert verdict == "fewer"
    assert found is not None
    ratio, low, high = found
    assert ratio == pytest.approx(0.25)
    assert low < ratio < high < 1


def test_three_fewer_falls_are_not_sold_as_an_effect() -> None:
    assert judge(_period(6), _period(3))[0] == "too_few"
    assert judge(_period(30), _period(25))[0] == "no_clear_change"


def test_a_rise_is_called_more_and_staff_growth_is_taken_into_account() -> None:
    assert judge(_period(10, staff=50), _period(40, staff=50))[0] == "more"
    # Twice the incidents with twice the staff is the same rate per employee: no certain change.
    verdict, found = judge(_period(20, staff=50), _period(40, staff=100))
    assert verdict == "no_clear_change"
    assert found is not None and found[0] == pytest.approx(1.0)


def test_a_short_time_after_the_measure_is_too_early_to_judge() -> None:
    assert judge(_period(40), _period(0, days=30))[0] == "too_early"


def test_a_period_without_incidents_still_gives_a_finite_interval() -> None:
    found = rate_ratio(12, 0, 1.0, 1.0)
    assert found is not None
    ratio, low, high = found
    assert 0 < low < ratio < high < 1


def test_the_periods_are_of_the_same_length_and_at_most_two_years() -> None:
    (b_start, b_end), (a_start, a_end) = effect.periods_of(datetime.date(2020, 1, 1), datetime.date(2025, 1, 1))
    assert (b_end - b_start) == (a_end - a_start) == datetime.timedelta(days=effect.MAX_DAYS - 1)
    assert b_end == datetime.date(2020, 1, 1) and a_start == datetime.date(2020, 1, 2)


# --- on the database ---------------------------------------------------------------------------


@pytest.fixture
def place(demo: None) -> Node:
    """A new unit without incidents of its own, below a preschool, with 20 employees and a child unit."""
    parent = data.node("Solrosens förskola")
    unit = add_child(
        parent, name="Effektens förskola", kind=parent.kind, organisation=parent.organisation, code="EFF-1"
    )
    for i in range(20):
        add_person(unit.organisation, f"effekt{i}", unit, employed_from=datetime.date(2000, 1, 1))
    add_child(unit, name="Effektens avdelning Blå", kind=parent.kind, organisation=parent.organisation, code="EFF-2")
    return unit


def _done_measure(place: Node, *, area_code: str = "crime-prevention", done_on: datetime.date = DONE_ON) -> Measure:
    analysis = data.analysis(place.name, title="Effektanalys")
    risk = data.risk(analysis, current=(3, 3))
    area = SecurityArea.objects.get(organisation_id=place.organisation_id, code=area_code)
    return services.add_measure(
        actor=data.user("samordnare"),
        analysis=analysis,
        risks=[risk],
        measure_type="prevent",
        title="Kameror vid entrén",
        security_area=area,
        status=MeasureStatus.DONE,
        done_on=done_on,
    )


@pytest.mark.django_db
def test_incidents_before_and_after_are_counted_in_the_subtree_and_the_area_only(place: Node) -> None:
    measure = _done_measure(place)
    reporter = data.user("samordnare")
    child = Node.objects.get(name="Effektens avdelning Blå")
    add_incidents(place, reporter=reporter, on=BEFORE, n=20, total=1000)
    add_incidents(child, reporter=reporter, on=BEFORE, n=10, total=500)
    add_incidents(place, reporter=reporter, on=AFTER, n=5, total=1000)
    add_incidents(place, reporter=reporter, on=AFTER, n=7, code="fire")  # another security area
    add_incidents(place, reporter=reporter, on=AFTER, n=9, code="false-alarm")  # never counted
    add_incidents("Solrosens förskola", reporter=reporter, on=AFTER, n=30)  # the parent: outside the subtree

    found = effect.effects(reporter, [measure], today=TODAY)[measure.pk]

    assert (found.before.count, found.after.count) == (30, 5)
    assert found.before.cost == 20 * 1000 + 10 * 500
    assert found.after.cost == 5 * 1000
    assert found.before.staff == found.after.staff == 20
    assert found.verdict == "fewer"
    assert found.summary.startswith("Färre händelser efter åtgärden: −83 %")


@pytest.mark.django_db
def test_people_employed_later_are_not_counted_in_the_period_before(place: Node) -> None:
    measure = _done_measure(place)
    for i in range(20):
        add_person(place.organisation, f"ny{i}", place, employed_from=DONE_ON + datetime.timedelta(days=10))

    found = effect.effects(data.user("samordnare"), [measure], today=TODAY)[measure.pk]

    assert (found.before.staff, found.after.staff) == (20, 40)


@pytest.mark.django_db
def test_a_measure_not_carried_out_has_no_effect_to_show(place: Node) -> None:
    measure = _done_measure(place)
    decided = services.update_measure(
        actor=data.user("samordnare"), measure=measure, revision=measure.revision, status=MeasureStatus.DECIDED
    )
    assert decided.done_on is None
    assert effect.effects(data.user("samordnare"), [decided], today=TODAY) == {}


@pytest.mark.django_db
def test_carrying_out_a_measure_records_the_day_today_unless_given(place: Node) -> None:
    measure = _done_measure(place)
    proposed = services.update_measure(
        actor=data.user("samordnare"), measure=measure, revision=measure.revision, status=MeasureStatus.PROPOSED
    )
    done = services.update_measure(
        actor=data.user("samordnare"), measure=proposed, revision=proposed.revision, status=MeasureStatus.DONE
    )
    assert done.done_on == TODAY
    with pytest.raises(ValidationError, match="framtiden"):
        services.update_measure(
            actor=data.user("samordnare"),
            measure=done,
            revision=done.revision,
            done_on=TODAY + datetime.timedelta(days=1),
        )


@pytest.mark.django_db
def test_the_analysis_and_risk_pages_say_what_the_figures_show(place: Node, client: Client) -> None:
    measure = _done_measure(place)
    add_incidents(place, reporter=data.user("samordnare"), on=BEFORE, n=4)
    add_incidents(place, reporter=data.user("samordnare"), on=AFTER, n=2)
    client.force_login(data.user("samordnare"))
    analysis = RiskAnalysis.objects.get(pk=measure.analysis_id)

    page = client.get(reverse("risks:analysis", args=[analysis.pk])).content.decode()
    risk_page = client.get(reverse("risks:risk", args=[measure.risks.get().pk])).content.decode()

    assert 'id="measure-effects"' in page
    assert "Effekt av genomförda åtgärder" in page
    assert "För få händelser för att säga något (6 händelser under de två perioderna)" in page
    assert "För få händelser för att säga något" in risk_page


@pytest.mark.django_db
def test_the_measure_form_records_the_day_it_was_carried_out(place: Node, client: Client) -> None:
    measure = _done_measure(place, done_on=DONE_ON)
    client.force_login(data.user("samordnare"))
    url = reverse("risks:measure_edit", args=[measure.pk])
    form = client.get(url).content.decode()
    assert "Genomförd den" in form
    assert DONE_ON.isoformat() in form
