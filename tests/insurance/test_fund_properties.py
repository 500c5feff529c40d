"""Properties of the deductible fund's ledger, in the database (SQLite, and PostgreSQL in ``make test``).

- Over random sequences of contributions, interest, payouts, grants and corrections, the services accept exactly
  what a plain model of the rules accepts, and the balance in total and per node (read from the running balance
  per node that the booking service keeps) always equals the sum of the entries and never goes below the floor.
- Two payouts at once cannot take the fund below its floor: the fund's row is locked for every booking
  (``select_for_update``). Only PostgreSQL runs bookings in parallel, so that test runs there alone.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.insurance.fund_world import FundWorld, build_fund_world
from varna.core.models import CaseCounter, Node, User
from varna.incidents.models import Incident
from varna.insurance.models import DeductibleFund, FundEntry, FundEntryKind, FundNodeBalance
from varna.insurance.selectors import fund as selectors
from varna.insurance.services import fund as services
from varna.risks.models import Measure

# --- random sequences of bookings ------------------------------------------------------------

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(60000), places=2)
signed = st.decimals(min_value=Decimal(-60000), max_value=Decimal(60000), places=2).filter(lambda d: d != 0)
UNITS = ("sun", "moon", "home")  # the units with an incident; a grant goes to Solskolan's measure


@dataclass(frozen=True)
class Booking:
    kind: str
    unit: str
    amount: Decimal  # as typed: positive for contributions, interest, payouts and grants; signed for corrections
    days_ago: int
    target: int  # a correction: which earlier entry (modulo how many there are)


bookings = st.builds(
    Booking,
    kind=st.sampled_from(["contribution", "contribution", "interest", "payout", "payout", "grant", "correction"]),
    unit=st.sampled_from(UNITS),
    amount=money,
    days_ago=st.integers(min_value=0, max_value=800),
    target=st.integers(min_value=0, max_value=1000),
)


class Rollback(Exception):
    """Ends one example: everything it booked is rolled back to the savepoint."""


@dataclass
class Model:
    """What the ledger should hold: (node, kind, amount, corrects) of each accepted entry, in order."""

    floor: Decimal
    entries: list[tuple[int | None, str, Decimal, int | None]]

    @property
    def balance(self) -> Decimal:
        return sum((amount for _n, _k, amount, _c in self.entries), Decimal(0))

    def accepts(self, kind: str, amount: Decimal, corrects: int | None) -> bool:
        if kind == FundEntryKind.CORRECTION:
            assert corrects is not None
            original = self.entries[corrects]
            if original[1] == FundEntryKind.CORRECTION:
                return False
            after = original[2] + sum(a for _n, _k, a, c in self.entries if c == corrects) + amount
            if after != 0 and (after > 0) != (original[2] > 0):
                return False
        return amount > 0 or self.balance + amount >= self.floor


def _book(fw: FundWorld, booking: Booking, model: Model, made: list[FundEntry]) -> None:
    node = {"sun": fw.w.sun_school, "moon": fw.w.moon_school, "home": fw.w.home_care}[booking.unit]
    incident = {"sun": fw.sun_incident, "moon": fw.moon_incident, "home": fw.home_incident}[booking.unit]
    on = timezone.localdate() - datetime.timedelta(days=booking.days_ago)
    actor = fw.w.coordinator
    corrects: int | None = None
    if booking.kind == "correction":
        if not made:
            return
        corrects = booking.target % len(made)
        amount = booking.amount if booking.target % 2 else -booking.amount
        expected_node = model.entries[corrects][0]
    else:
        amount = booking.amount if booking.kind in ("contribution", "interest") else -booking.amount
        if booking.kind == "grant":
            node = fw.w.sun_school
        expected_node = None if booking.kind == "interest" else node.pk
    accepted = model.accepts(booking.kind, amount, corrects)
    try:
        with transaction.atomic():
            if booking.kind == "correction":
                assert corrects is not None
                entry = services.correct_entry(actor=actor, entry=made[corrects], amount=amount, booked_on=on, text="R")
            else:
                entry = services.book_entry(
                    actor=actor,
                    kind=booking.kind,
                    amount=amount,
                    booked_on=on,
                    text="Prov",
                    node=None if booking.kind == "interest" else node,
                    incident=incident if booking.kind == "payout" else None,
                    measure=fw.measure if booking.kind == "grant" else None,
                )
    except ValidationError as exc:
        assert not accepted, f"{booking} was refused: {exc.messages}"
        assert exc.error_list[0].code in {"floor", "sign", "corrects"}
        event(f"{booking.kind} refused ({exc.error_list[0].code})")
        return
    event(f"{booking.kind} booked")
    assert accepted, f"{booking} was booked, but the rules refuse it"
    assert entry.node_id == expected_node
    model.entries.append((entry.node_id, booking.kind, amount, corrects))
    made.append(entry)


def _check_total(fw: FundWorld, model: Model) -> Decimal:
    """After every booking: the balance is the sum of the entries, and at or above the floor."""
    balance = selectors.fund_balance(fw.fund)
    stored = selectors.cents(FundEntry.objects.filter(fund=fw.fund).aggregate(total=Sum("amount"))["total"])
    assert balance == model.balance == stored
    assert balance >= model.floor
    return balance


def _check(fw: FundWorld, model: Model) -> None:
    """At the end of a sequence: the same per node, per förvaltning and month by month."""
    balance = _check_total(fw, model)
    per_node: dict[int, Decimal] = defaultdict(Decimal)
    for node_id, _kind, amount, _c in model.entries:
        if node_id is not None:
            per_node[node_id] += amount
    balances = {b.node_id: b for b in selectors.node_balances(fw.w.coordinator)}
    for node_id, total in per_node.items():
        assert balances[node_id].own == total
    paths = dict(Node.objects.filter(organisation=fw.w.org).values_list("pk", "path"))
    for b in balances.values():
        assert b.subtree == sum((t for n, t in per_node.items() if paths[n].startswith(b.path)), Decimal(0))
    summary = selectors.fund_summary(fw.w.coordinator, fw.fund)
    assert summary.total == balance
    assert sum((r.subtree for r in summary.rows), summary.outside) == balance
    months = selectors.balance_by_month(fw.w.coordinator)
    assert (months[-1].balance if months else Decimal(0)) == balance
    # The running balance kept per node (what the pages read) is exactly the ledger's sum per node.
    ledger = dict(FundEntry.objects.filter(fund=fw.fund).order_by().values_list("node_id").annotate(Sum("amount")))
    kept = dict(FundNodeBalance.objects.filter(fund=fw.fund).values_list("node_id", "balance"))
    assert {n: selectors.cents(t) for n, t in kept.items()} == {n: selectors.cents(t) for n, t in ledger.items()}


@pytest.fixture
def fw(db: None) -> FundWorld:
    return build_fund_world()


@given(
    floor=st.sampled_from([Decimal(0), Decimal(1000), Decimal("25000.50")]), sequence=st.lists(bookings, max_size=20)
)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_the_balance_always_equals_the_entries_and_never_goes_below_the_floor(
    fw: FundWorld, floor: Decimal, sequence: list[Booking]
) -> None:
    try:
        with transaction.atomic():
            DeductibleFund.objects.filter(pk=fw.fund.pk).update(floor=floor)
            fw.fund.refresh_from_db()
            model = Model(floor, [])
            made: list[FundEntry] = []
            if floor:  # start at the floor: nothing may take it lower
                _book(fw, Booking("contribution", "sun", floor, 0, 0), model, made)
            for booking in sequence:
                _book(fw, booking, model, made)
                _check_total(fw, model)
            _check(fw, model)
            raise Rollback
    except Rollback:
        pass


# --- two payouts at once (PostgreSQL) ----------------------------------------------------------


def _in_thread[T](work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own (its own connection, autocommit) and give back what it returned."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write at a time; PostgreSQL only")
def test_two_payouts_at_once_cannot_take_the_fund_below_its_floor(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two coordinators' payouts meet at the same moment; each alone fits, both together would break the floor.

    Reading the balance is made slow, so that without the lock both would read it before either books (the
    test then fails every time); with the lock the second waits for the first and sees its payout.

    The bookings are committed by threads of their own (the test's own transaction cannot be seen by them), on
    the demo's committed rows, and removed again at the end, with the fund's entry counter set back.
    """
    coordinator = User.objects.get(username="samordnare")
    fund = DeductibleFund.objects.get(organisation__slug="exempelkommun")
    incident = Incident.objects.filter(organisation_id=fund.organisation_id).select_related("incident_node").first()
    measure = Measure.objects.filter(organisation_id=fund.organisation_id).select_related("node").first()
    assert incident is not None or measure is not None, "the demo has neither incidents nor measures"
    organisation_id = fund.organisation_id
    today = timezone.localdate()
    last_pk = FundEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    counter = CaseCounter.objects.filter(organisation_id=organisation_id, series=services.SERIES, year=today.year)
    counter_before = counter.values_list("last", flat=True).first()

    def top_up() -> Decimal:
        services.book_entry(
            actor=coordinator,
            kind=FundEntryKind.CONTRIBUTION,
            amount=Decimal(100000),
            booked_on=today,
            text="Provinsättning",
            node=incident.incident_node if incident else measure.node,  # type: ignore[union-attr]
        )
        return selectors.fund_balance(fund) - fund.floor

    read_balance = services._balance

    def slow_balance(fund: DeductibleFund) -> Decimal:
        balance = read_balance(fund)
        time.sleep(0.3)
        return balance

    try:
        room: Decimal = _in_thread(top_up)
        monkeypatch.setattr(services, "_balance", slow_balance)
        share = (room * Decimal("0.6")).quantize(Decimal("0.01"))  # one fits, two do not
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def pay() -> None:
            barrier.wait(timeout=30)
            try:
                if incident is not None:
                    services.book_entry(
                        actor=coordinator,
                        kind=FundEntryKind.PAYOUT,
                        amount=-share,
                        booked_on=today,
                        text="Samtidig utbetalning",
                        node=incident.incident_node,
                        incident=incident,
                    )
                else:
                    services.book_entry(
                        actor=coordinator,
                        kind=FundEntryKind.GRANT,
                        amount=-share,
                        booked_on=today,
                        text="Samtidigt bidrag",
                        node=measure.node,  # type: ignore[union-attr]
                        measure=measure,
                    )
                outcomes.append("paid")
            except ValidationError as exc:
                outcomes.append(str(exc.error_list[0].code))
            finally:
                connection.close()

        threads = [threading.Thread(target=pay) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["floor", "paid"]
        assert _in_thread(lambda: selectors.fund_balance(fund)) >= fund.floor
    finally:

        def clean_up() -> None:
            with transaction.atomic():  # the entries go, and the stored balances with them
                FundEntry.objects.filter(fund=fund, pk__gt=last_pk).delete()
                services.rebuild_balances(fund)
            if counter_before is None:
                counter.delete()
            else:
                counter.update(last=counter_before)

        _in_thread(clean_up)
