"""Cost and benefit of measures (K8): annual cost, yearly benefit entered or derived, ranking, justification."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from tests.risks import overview_data as data
from varna.risks.costbenefit import DERIVED, ENTERED, MISSING, kr, rank_measures, ratio_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)  # the history window is 2020 up to today


def test_amounts_are_written_the_swedish_way() -> None:
    assert kr(Decimal(12000)) == "12\u00a0000\u00a0kr"
    assert kr(Decimal("1234567.6")) == "1\u00a0234\u00a0568\u00a0kr"
    assert kr(0) == "0\u00a0kr"


def test_entered_benefit_is_compared_with_the_annual_cost(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    measure = data.measure(
        analysis, [risk], investment=50000, yearly_cost=7000, lifetime_years=10, expected_reduction=8000
    )

    row = rank_measures(analysis, today=TODAY).rows[0]

    assert row.measure.pk == measure.pk
    assert row.annual_cost == Decimal(12000)
    assert row.benefit == Decimal(8000)
    assert row.basis == ENTERED
    assert row.not_justified
    assert row.ratio == pytest.approx(8000 / 12000)
    assert (
        "Kostnad 12\u00a0000\u00a0kr/år = 50\u00a0000\u00a0kr fördelat på 10 år + 7\u00a0000\u00a0kr/år."
        in row.explanation
    )
    assert any("inte ekonomiskt motiverad" in s for s in row.explanation)


def test_derived_benefit_counts_each_linked_incident_once_per_measure(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    first = data.risk(analysis, current=(3, 3))
    second = data.risk(analysis, current=(2, 3))
    shared = data.incident(datetime.date(2022, 5, 1), 20000, key="a")
    data.link(first, [shared, data.incident(datetime.date(2023, 5, 1), 10000, key="b")])
    data.link(second, [shared, data.incident(datetime.date(2024, 5, 1), 10000, key="c")])
    data.incident(datetime.date(2025, 1, 10), 99000, key="this-year")  # not linked
    data.link(second, [*second.incidents.all(), data.incident(datetime.date(2025, 2, 1), 50000, key="d")])  # this year
    measure = data.measure(analysis, [first, second], yearly_cost=1000, effect_share=20)

    row = rank_measures(analysis, today=TODAY).rows[0]

    assert row.measure.pk == measure.pk
    assert row.basis == DERIVED
    assert row.history is not None
    assert row.history.incidents == 4  # the shared one once, and the one from this year too
    assert row.history.cost == Decimal(90000)
    assert row.years == Decimal("3.5")  # from 1 January 2022 (the earliest linked incident) to 15 June 2025
    assert row.benefit == Decimal(5143)  # 90 000 kr / 3,5 years x 20 %, whole kronor
    assert row.justified


def test_derived_benefit_uses_five_years_and_this_year_when_the_history_is_longer(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    data.link(
        risk,
        [
            data.incident(datetime.date(2019, 5, 1), 70000, key="old"),  # before the window
            data.incident(datetime.date(2020, 1, 1), 30000, key="x"),
            data.incident(datetime.date(2024, 12, 31), 20000, key="y"),
        ],
    )
    data.measure(analysis, [risk], yearly_cost=5000, effect_share=50)

    row = rank_measures(analysis, today=TODAY).rows[0]

    assert row.history is not None and row.history.incidents == 2
    assert row.years == Decimal("5.5")  # 2020, 2021, 2022, 2023, 2024 and this year up to 15 June
    assert row.benefit == Decimal(4545)  # 50 000 kr / 5,5 years x 50 %
    assert row.not_justified
    assert any(
        "2 händelser som kostade 50\u00a0000\u00a0kr under 5,5 år × 50 % som undviks" in s for s in row.explanation
    )


def test_history_is_read_in_one_query_for_all_measures(demo: None, django_assert_num_queries: object) -> None:
    analysis = data.analysis("Solrosens förskola")
    risks = [data.risk(analysis, current=(3, 3)) for _ in range(3)]
    for i, risk in enumerate(risks):
        data.link(risk, [data.incident(datetime.date(2023, 1, 1 + i), 1000 * (i + 1), key=f"q{i}")])
        data.measure(analysis, [risk], yearly_cost=100, effect_share=10)
    with django_assert_num_queries(2):  # type: ignore[operator]
        ranking = rank_measures(analysis, today=TODAY)
    assert [r.basis for r in ranking.rows] == [DERIVED] * 3


def test_ranking_puts_the_best_ratio_first_and_measures_without_figures_last(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    missing = data.measure(analysis, [risk], title="Utan siffror", yearly_cost=1000)
    poor = data.measure(analysis, [risk], title="Dyr", yearly_cost=10000, expected_reduction=5000)
    good = data.measure(analysis, [risk], title="Bra", yearly_cost=1000, expected_reduction=3000)
    free = data.measure(analysis, [risk], title="Gratis", expected_reduction=100)

    ranking = rank_measures(analysis, today=TODAY)

    assert [r.measure.pk for r in ranking.rows] == [free.pk, good.pk, poor.pk, missing.pk]
    by_pk = {r.measure.pk: r for r in ranking.rows}
    assert by_pk[free.pk].ratio == math.inf and by_pk[free.pk].justified
    assert by_pk[poor.pk].not_justified
    assert by_pk[missing.pk].basis == MISSING and by_pk[missing.pk].justified is None
    assert by_pk[missing.pk].rank is None
    assert ranking.total_cost == Decimal(12000)
    assert ranking.justified_cost == Decimal(1000)
    assert ranking.justified_benefit == Decimal(3100)


def test_share_without_linked_incidents_leaves_the_benefit_missing(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    data.measure(analysis, [risk], yearly_cost=1000, effect_share=30)
    row = rank_measures(analysis, today=TODAY).rows[0]
    assert row.basis == MISSING
    assert row.benefit is None
    assert not row.not_justified


def test_cost_benefit_partial_marks_the_unjustified_measure(demo: None) -> None:
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    poor = data.measure(analysis, [risk], yearly_cost=10000, expected_reduction=5000)
    html = render_to_string("risks/_cost_benefit.html", {"ranking": rank_measures(analysis, today=TODAY)})
    assert f'id="cost-benefit-{poor.pk}" class="not-justified"' in html
    assert 'data-justified="no"' in html
    assert "10\u00a0000\u00a0kr" in html


def test_damage_of_this_year_counts_as_a_year_of_history(demo: None) -> None:
    """The incident that set off the analysis happened this year: it is part of the benefit."""
    analysis = data.analysis("Solrosens förskola")
    risk = data.risk(analysis, current=(3, 3))
    data.link(risk, [data.incident(datetime.date(2025, 3, 1), 30000, key="trigger")])
    data.measure(analysis, [risk], yearly_cost=10000, effect_share=50)

    row = rank_measures(analysis, today=TODAY).rows[0]

    assert row.basis == DERIVED
    assert row.years == Decimal(1)  # five and a half months, counted as one year: never multiplied up
    assert row.benefit == Decimal(15000)
    assert row.justified
    assert any("1 händelse som kostade 30\u00a0000\u00a0kr under 1 år" in s for s in row.explanation)


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        (0.0923, "0,092"),
        (0.09, "0,09"),
        (0.0996, "0,1"),
        (0.5, "0,5"),
        (1.0, "1"),
        (1.25, "1,3"),
        (12.4, "12"),
        (0.0, "0"),
    ],
)
def test_benefit_per_krona_has_two_significant_digits(ratio: float, shown: str) -> None:
    assert ratio_text(ratio) == shown
