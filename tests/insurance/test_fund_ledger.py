"""The deductible fund's ledger: booking, numbering, the floor, signs, corrections and the balances read from it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.core.world import add_child
from tests.insurance.fund_world import FundWorld, build_fund_world, contribute
from varna.core.models import NodeKind
from varna.incidents.models import Incident
from varna.insurance.models import Claim, FundEntry, FundEntryKind
from varna.insurance.selectors import fund as selectors
from varna.insurance.services import fund as services


@pytest.fixture
def fw(db: None) -> FundWorld:
    return build_fund_world()


def code(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.error_list[0].code


def payout(fw: FundWorld, amount: int, *, incident: Incident | None = None, claim: Claim | None = None) -> FundEntry:
    return services.book_entry(
        actor=fw.w.coordinator,
        kind=FundEntryKind.PAYOUT,
        amount=Decimal(-amount),
        booked_on=timezone.localdate(),
        text="Självrisk",
        node=fw.w.sun_school,
        incident=incident or fw.sun_incident,
        claim=claim,
    )


def test_entries_are_numbered_in_a_series_per_year_and_name_who_approved_them(fw: FundWorld) -> None:
    today = timezone.localdate()
    first = contribute(fw, fw.w.sun_school, 1000)
    second = contribute(fw, fw.w.home_care, 2000)
    older = contribute(fw, fw.w.home_care, 500, on=datetime.date(2024, 12, 31))
    assert (first.number, second.number) == (f"{today.year}-00001", f"{today.year}-00002")
    assert older.number == "2024-00001"
    assert first.approved_by == fw.w.coordinator
    assert first.organisation_id == fw.w.org.pk and first.fund == fw.fund


def test_only_who_may_approve_for_the_fund_books_entries(fw: FundWorld) -> None:
    for person in (fw.w.manager, fw.w.officer, fw.w.employee):
        with pytest.raises(PermissionDenied):
            services.book_entry(
                actor=person,
                kind=FundEntryKind.CONTRIBUTION,
                amount=Decimal(100),
                booked_on=timezone.localdate(),
                text="Avgift",
                node=fw.w.sun_school,
            )
    assert not FundEntry.objects.exists()


def test_a_payout_below_the_floor_is_refused_with_the_figures(fw: FundWorld) -> None:
    fw.fund.floor = Decimal(50000)
    fw.fund.save()
    contribute(fw, fw.w.sun_school, 80000)
    with pytest.raises(ValidationError) as refused:
        payout(fw, 40000)
    assert code(refused) == "floor"
    message = refused.value.messages[0].replace("\u00a0", " ")
    assert "40 000 kr" in message and "80 000 kr" in message and "50 000 kr" in message and "30 000 kr" in message
    assert payout(fw, 30000).amount == Decimal(-30000)
    assert selectors.fund_balance(fw.fund) == fw.fund.floor


@pytest.mark.parametrize(
    ("kind", "amount", "wanted"),
    [
        (FundEntryKind.CONTRIBUTION, -100, "sign"),
        (FundEntryKind.INTEREST, -100, "sign"),
        (FundEntryKind.PAYOUT, 100, "sign"),
        (FundEntryKind.GRANT, 100, "sign"),
        (FundEntryKind.CONTRIBUTION, 0, "zero"),
        (FundEntryKind.CORRECTION, 100, "corrects"),
        ("gift", 100, "kind"),
    ],
)
def test_the_sign_follows_the_kind_of_entry(fw: FundWorld, kind: str, amount: int, wanted: str) -> None:
    contribute(fw, fw.w.sun_school, 100000)
    with pytest.raises(ValidationError) as refused:
        services.book_entry(
            actor=fw.w.coordinator,
            kind=kind,
            amount=Decimal(amount),
            booked_on=timezone.localdate(),
            text="Prov",
            node=fw.w.sun_school,
            incident=fw.sun_incident,
            measure=fw.measure,
        )
    assert code(refused) == wanted
    assert FundEntry.objects.count() == 1


def test_bad_input_is_refused_with_a_message_and_nothing_is_booked(fw: FundWorld) -> None:
    today = timezone.localdate()
    cases: list[dict[str, object]] = [
        {"amount": Decimal("10.005")},
        {"amount": Decimal("1e20")},
        {"amount": "NaN"},
        {"booked_on": today + datetime.timedelta(days=1)},
        {"booked_on": datetime.date(1999, 12, 31)},
        {"text": "   "},
        {"text": "x" * 301},
        {"node": None},
        {"node": fw.w.other_unit},
    ]
    for change in cases:
        values: dict[str, object] = {
            "kind": FundEntryKind.CONTRIBUTION,
            "amount": Decimal(100),
            "booked_on": today,
            "text": "Avgift",
            "node": fw.w.sun_school,
        }
        values.update(change)
        with pytest.raises(ValidationError):
            services.book_entry(actor=fw.w.coordinator, **values)  # type: ignore[arg-type]
    assert not FundEntry.objects.exists()


def test_a_payout_names_its_incident_and_a_grant_its_measure(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 100000)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as no_incident:
        services.book_entry(
            actor=fw.w.coordinator,
            kind=FundEntryKind.PAYOUT,
            amount=Decimal(-10),
            booked_on=today,
            text="x",
            node=fw.w.sun_school,
        )
    assert code(no_incident) == "incident"
    with pytest.raises(ValidationError) as no_measure:
        services.book_entry(
            actor=fw.w.coordinator,
            kind=FundEntryKind.GRANT,
            amount=Decimal(-10),
            booked_on=today,
            text="x",
            node=fw.w.sun_school,
        )
    assert code(no_measure) == "measure"
    with pytest.raises(ValidationError) as other_claim:
        payout(fw, 10, incident=fw.moon_incident, claim=fw.claim)
    assert code(other_claim) == "claim"


def test_a_correction_points_back_takes_the_links_and_never_turns_the_entry_into_its_opposite(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 100000)
    paid = payout(fw, 20000, claim=fw.claim)
    today = timezone.localdate()
    fixed = services.correct_entry(
        actor=fw.w.coordinator, entry=paid, amount=Decimal(5000), booked_on=today, text="Fel"
    )
    assert fixed.kind == FundEntryKind.CORRECTION and fixed.corrects == paid
    assert (fixed.node, fixed.incident, fixed.claim) == (paid.node, paid.incident, paid.claim)
    # 20 000 paid, 5 000 given back: a further 15 000 cancels it, 15 000.01 would turn it into a contribution.
    with pytest.raises(ValidationError) as turned:
        services.correct_entry(
            actor=fw.w.coordinator, entry=paid, amount=Decimal("15000.01"), booked_on=today, text="Fel"
        )
    assert code(turned) == "sign"
    services.correct_entry(actor=fw.w.coordinator, entry=paid, amount=Decimal(15000), booked_on=today, text="Hävd")
    with pytest.raises(ValidationError) as of_correction:
        services.correct_entry(actor=fw.w.coordinator, entry=fixed, amount=Decimal(-1), booked_on=today, text="x")
    assert code(of_correction) == "corrects"
    assert selectors.fund_balance(fw.fund) == Decimal(100000)


def test_a_correction_may_not_point_to_another_fund_or_change_the_unit(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 1000)
    entry = contribute(fw, fw.w.moon_school, 1000)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as moved:
        services.book_entry(
            actor=fw.w.coordinator,
            kind=FundEntryKind.CORRECTION,
            amount=Decimal(-10),
            booked_on=today,
            text="x",
            node=fw.w.sun_school,
            corrects=entry,
        )
    assert code(moved) == "links"
    outsider_entry = services.book_entry(
        actor=fw.w.outsider,
        kind=FundEntryKind.CONTRIBUTION,
        amount=Decimal(500),
        booked_on=today,
        text="Avgift",
        node=fw.w.other_unit,
    )
    with pytest.raises(ValidationError) as foreign:
        services.correct_entry(
            actor=fw.w.coordinator, entry=outsider_entry, amount=Decimal(-1), booked_on=today, text="x"
        )
    assert code(foreign) == "organisation"


def test_the_same_booking_sent_twice_is_booked_once(fw: FundWorld) -> None:
    values = {
        "actor": fw.w.coordinator,
        "kind": FundEntryKind.CONTRIBUTION,
        "amount": Decimal(1000),
        "booked_on": timezone.localdate(),
        "text": "Avgift",
        "node": fw.w.sun_school,
        "once": True,
    }
    first = services.book_entry(**values)  # type: ignore[arg-type]
    again = services.book_entry(**values)  # type: ignore[arg-type]
    assert first == again and FundEntry.objects.count() == 1


def test_balances_per_node_sum_the_subtree_and_the_total_equals_the_entries(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 30000)
    contribute(fw, fw.w.moon_school, 20000)
    contribute(fw, fw.w.home_care, 10000)
    payout(fw, 12000)
    services.book_entry(
        actor=fw.w.coordinator,
        kind=FundEntryKind.INTEREST,
        amount=Decimal("123.45"),
        booked_on=timezone.localdate(),
        text="Ränta",
    )
    by_id = {b.node_id: b for b in selectors.node_balances(fw.w.coordinator)}
    assert by_id[fw.w.sun_school.pk].own == Decimal(18000)
    assert by_id[fw.w.school_admin.pk].own == 0 and by_id[fw.w.school_admin.pk].subtree == Decimal(38000)
    assert by_id[fw.w.root.pk].subtree == Decimal(48000)
    assert selectors.fund_balance(fw.fund) == Decimal("48123.45")
    summary = selectors.fund_summary(fw.w.coordinator, fw.fund)
    assert summary.whole and summary.total == Decimal("48123.45")
    assert [(r.name, r.subtree) for r in summary.rows] == [
        ("Barn- och utbildningsförvaltningen", Decimal(38000)),
        ("Socialförvaltningen", Decimal(10000)),
    ]
    assert summary.outside == Decimal("123.45")


def test_a_unit_sees_its_own_entries_and_balance_and_not_the_whole_fund(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 30000)
    contribute(fw, fw.w.home_care, 10000)
    manager = fw.w.manager  # unit manager of Solskolan
    assert not selectors.sees_whole_fund(manager)
    assert list(selectors.visible_entries(manager).values_list("node__name", flat=True)) == ["Solskolan"]
    summary = selectors.fund_summary(manager, fw.fund)
    assert not summary.whole and summary.total == Decimal(30000)
    assert [b.name for b in selectors.node_balances(manager)] == ["Solskolan"]
    assert not selectors.visible_entries(fw.w.employee).exists()
    assert not selectors.visible_entries(fw.w.outsider).exists()


def test_the_balances_of_all_nodes_take_a_fixed_number_of_queries(fw: FundWorld) -> None:
    contribute(fw, fw.w.sun_school, 100)
    with CaptureQueriesContext(connection) as few:
        selectors.node_balances(fw.w.coordinator)
    unit = fw.w.sun_school
    for i in range(30):
        node = add_child(fw.w.school_admin, organisation=fw.w.org, kind=NodeKind.UNIT, name=f"Enhet {i}", code=f"E{i}")
        contribute(fw, node, 100 + i)
    with CaptureQueriesContext(connection) as many:
        balances = selectors.node_balances(fw.w.coordinator)
    assert len(many) == len(few)
    assert sum(b.own for b in balances) == selectors.fund_balance(fw.fund)
    assert unit.pk in {b.node_id for b in balances}


def test_the_balance_month_by_month_adds_up_to_the_balance(fw: FundWorld) -> None:
    today = timezone.localdate()
    contribute(fw, fw.w.sun_school, 1000, on=datetime.date(2024, 11, 15))
    contribute(fw, fw.w.sun_school, 500, on=datetime.date(2025, 1, 2))
    contribute(fw, fw.w.home_care, 250, on=today)
    months = selectors.balance_by_month(fw.w.coordinator)
    assert months[0].month == datetime.date(2024, 11, 1) and months[0].balance == Decimal(1000)
    assert months[1].change == 0 and months[2].change == Decimal(500)
    assert months[-1].month == today.replace(day=1) and months[-1].balance == Decimal(1750)
    assert len({m.month for m in months}) == len(months)
    since = selectors.balance_by_month(fw.w.coordinator, date_from=datetime.date(2025, 1, 20))
    assert since[0].month == datetime.date(2025, 1, 1) and since[0].balance == Decimal(1500)
    sun = selectors.balance_by_month(fw.w.coordinator, node=fw.w.sun_school)
    assert sun[-1].balance == Decimal(1500)
