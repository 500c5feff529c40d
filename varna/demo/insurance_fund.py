"""The deductible fund (självriskfond) of a demo municipality: its ledger and the requests behind it.

The ledger of the last five calendar years: an opening balance; a monthly contribution from every unit with
staff (per employee, a little more each year, sized so that the contributions cover what the fund pays out and
a tenth more); payouts of the deductible above the unit's own share for paid claims and for damage under the
deductible, within the caps of :class:`~varna.insurance.models.FundRules`; grants to preventive measures of the
risk analyses; interest at each year end; and corrections that point back to what they correct (a contribution
booked with a zero too many, a payout booked on the wrong unit). The opening balance is chosen so that the
balance never falls below the fund's floor, whatever the order of the entries within a day.

Every payout and grant has its approved request (:class:`~varna.insurance.models.PayoutRequest`,
:class:`~varna.insurance.models.GrantApplication`); those decided after yesterday wait for the coordinator.
Used by :mod:`varna.demo.insurance`, which makes the claims the payouts come from.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from varna.core.formats import money
from varna.core.models import CaseCounter, NodeKind, Role, User
from varna.core.services import stamp
from varna.demo.bulk import insert
from varna.demo.context import NodeSpec, OrgContext
from varna.insurance.models import (
    Claim,
    DeductibleFund,
    FundEntry,
    FundEntryKind,
    FundRules,
    GrantApplication,
    PayoutRequest,
    RequestStatus,
)
from varna.insurance.services.fund import rebuild_balances
from varna.risks.models import Measure, MeasureStatus, MeasureType

FUND_SERIES, FUND_PREFIX = "fund", ""  # as varna.insurance.services.fund.book_entry numbers entries: 2026-00001
KR = Decimal(1)
GROWTH = Decimal("1.03")  # the contribution per employee, from one year to the next
COVER = Decimal("1.1")  # the contributions of the period cover the payouts and grants and a tenth more
MIN_RATE = Decimal(15)  # kronor per employee and month, at least
GRANT_SHARE = 0.03  # of the preventive measures with an investment, granted money by the fund
GRANT_CAP = Decimal(150_000)
CORRECTIONS_PER_YEAR = 2
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")  # fmt: skip
INTEREST = {2021: "0.5", 2022: "1.0", 2023: "2.75", 2024: "3.0", 2025: "2.25"}  # the internal rate, per cent
MOTIVATIONS: dict[str, str] = {
    MeasureType.ELIMINATE: "Åtgärden tar bort risken helt och minskar därmed kommande skadekostnader.",
    MeasureType.PREVENT: "Åtgärden förebygger skador av det slag som enheten har haft de senaste åren.",
}
REJECTED_GRANT = "Åtgärden bekostas av fastighetsägaren enligt hyresavtalet."
# Within a day: contributions first, then payouts and grants, corrections, and the year's interest last.
RANK: dict[str, int] = {FundEntryKind.CONTRIBUTION: 0, FundEntryKind.PAYOUT: 1, FundEntryKind.GRANT: 1,
                        FundEntryKind.CORRECTION: 2, FundEntryKind.INTEREST: 3}  # fmt: skip


def round_kr(value: Decimal | float, places: int = 0) -> Decimal:
    """``value`` rounded to ``places`` (-3: thousands), as whole kronor."""
    return Decimal(str(round(value, places))).quantize(KR, rounding=ROUND_HALF_UP)


def set_counters(ctx: OrgContext, series: str, numbers: dict[int, int]) -> None:
    """The last case number of each year, so that the services continue the series."""
    CaseCounter.objects.bulk_create(
        [CaseCounter(organisation=ctx.organisation, series=series, year=y, last=n) for y, n in sorted(numbers.items())]
    )


@dataclass
class Damage:
    """An incident with a cost, as the claims and the fund see it."""

    pk: int
    number: str
    code: str
    type_name: str
    occurred_on: datetime.date
    reported_on: datetime.date
    cost: Decimal | None
    estimate: Decimal | None
    spec: NodeSpec
    status: str
    closed_on: datetime.date | None


@dataclass
class Entry:
    """A ledger entry before it is numbered and written."""

    kind: str
    day: datetime.date
    amount: Decimal
    spec: NodeSpec | None  # None: the fund's own (opening balance, interest)
    text: str
    claim: Claim | None = None
    incident_id: int | None = None
    measure_id: int | None = None
    corrects: Entry | None = None
    request: Any = None  # the PayoutRequest or GrantApplication that decided it
    number: str = ""
    obj: FundEntry | None = None


@dataclass
class Common:
    """What the insurance step's builders share: the municipality, its people and the period."""

    ctx: OrgContext
    rng: random.Random
    today: datetime.date
    end: datetime.date  # yesterday: nothing is booked after it
    start: datetime.date  # the first day of the ledger
    coordinator: User
    handler: User
    staff: dict[NodeSpec, int]  # units with staff, in tree order
    by_pk: dict[int, NodeSpec]

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        tz = ZoneInfo(settings.TIME_ZONE)
        moment = datetime.datetime.combine(day, datetime.time(hour, self.rng.randrange(60)), tzinfo=tz)
        return min(moment, self.ctx.run.history_date)

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def manager(self, spec: NodeSpec) -> User:
        """Who asks the fund for a unit: its manager, or the nearest head of administration above."""
        node: NodeSpec | None = spec
        while node is not None:
            for role in (Role.UNIT_MANAGER, Role.HEAD_OF_ADMINISTRATION, Role.SECURITY_OFFICER):
                person = self.ctx.holder(role, node)
                if person is not None:
                    return person
            node = node.parent
        return self.coordinator


@dataclass
class Ledger(Common):
    rules: FundRules | None = None
    entries: list[Entry] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)  # PayoutRequest and GrantApplication
    paid: dict[tuple[int, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))  # unit, year

    def payout(
        self, damage: Damage, claim: Claim | None, cost: Decimal, deductible: Decimal, day: datetime.date
    ) -> None:
        """The fund pays the deductible (or the damage under it) above the unit's own share, within the caps.

        Decided ``day`` (a payout after yesterday is a request that waits for the coordinator).
        """
        if self.rules is None:
            raise RuntimeError("the fund rules are read first")
        rules, own, day = self.rules, self.rules.own_share, max(day, self.start)
        base = min(cost, deductible)
        amount = base - own
        if rules.cap_per_event is not None:
            amount = min(amount, rules.cap_per_event)
        key = (damage.spec.node.pk, day.year)
        if rules.cap_per_year is not None:
            amount = min(amount, rules.cap_per_year - self.paid[key])
        amount = round_kr(amount)
        if amount <= 0:
            return
        request = PayoutRequest(
            organisation=self.ctx.organisation,
            node=damage.spec.node,
            incident_id=damage.pk,
            claim=claim,
            damage_cost=cost,
            computed_amount=amount,
            computation=(
                f"Skadekostnad {money(cost)}. Självrisk {money(deductible)}. Fonden betalar det som ligger under "
                f"självrisken och över enhetens egen andel {money(own)}: "
                f"{money(base)} − {money(own)} = {money(amount)}."
            ),
            requested_by=self.manager(damage.spec),
        )
        stamp(request, request.requested_by)
        request._history_date = self.at(max(self.start, min(self.end, day - self.days(3, 14))), 9)  # type: ignore[attr-defined]
        self.requests.append(request)
        if day > self.end:
            return
        self.paid[key] += amount
        request.status, request.decided_by = RequestStatus.APPROVED, self.coordinator
        request.decided_at = self.at(day, 14)
        what = f"{damage.type_name.lower()}, {damage.number}"
        text = f"Självrisk för {claim.number} ({what})" if claim is not None else f"Skada under självrisken ({what})"
        entry = Entry(FundEntryKind.PAYOUT, day, -amount, damage.spec, f"{text}, enhetens egen andel {money(own)}")
        entry.claim, entry.incident_id, entry.request = claim, damage.pk, request
        self.entries.append(entry)

    def grants(self) -> None:
        """Grants to preventive measures of this period's risk analyses; one in ten applications is refused."""
        rows = list(
            Measure.objects.filter(
                organisation=self.ctx.organisation,
                measure_type__in=(MeasureType.PREVENT, MeasureType.ELIMINATE),
                status__in=(MeasureStatus.DECIDED, MeasureStatus.DONE),
                investment__gte=5000,
                analysis__analysed_on__gte=self.start,
            )
            .order_by("pk")
            .values_list("pk", "node_id", "number", "title", "measure_type", "investment", "analysis__analysed_on")
        )
        rows = [row for row in rows if row[1] in self.by_pk]
        rng = self.rng
        chosen = sorted(rng.sample(rows, min(len(rows), max(3, round(len(rows) * GRANT_SHARE)))))
        for i, (pk, node_id, number, title, kind, investment, analysed) in enumerate(chosen):
            spec = self.by_pk[node_id]
            amount = max(Decimal(1000), min(GRANT_CAP, round_kr(investment * Decimal(rng.uniform(0.3, 0.6)), -2)))
            day = analysed + self.days(20, 90)
            application = GrantApplication(
                organisation=self.ctx.organisation,
                node=spec.node,
                measure_id=pk,
                amount=amount,
                motivation=f"{title}. {MOTIVATIONS[kind]}",
                requested_by=self.manager(spec),
            )
            stamp(application, application.requested_by)
            application._history_date = self.at(min(self.end, day - self.days(7, 20)), 9)  # type: ignore[attr-defined]
            self.requests.append(application)
            if day > self.end:
                continue
            application.decided_by, application.decided_at = self.coordinator, self.at(day, 14)
            if i % 10 == 9:
                application.status, application.decision_note = RequestStatus.REJECTED, REJECTED_GRANT
                continue
            application.status, application.granted_amount = RequestStatus.APPROVED, amount
            text = f"Bidrag till förebyggande åtgärd {number}: {title}"[:300]
            entry = Entry(FundEntryKind.GRANT, day, -amount, spec, text, measure_id=pk, request=application)
            self.entries.append(entry)

    def contributions(self) -> None:
        """A contribution on the 25th of every month from every unit with staff, per employee."""
        months = [
            datetime.date(y, m, 25)
            for y in range(self.start.year, self.end.year + 1)
            for m in range(1, 13)
            if self.start <= datetime.date(y, m, 25) <= self.end
        ]
        outflow = -sum((e.amount for e in self.entries), Decimal(0))
        weight = sum(GROWTH ** (day.year - self.start.year) for day in months) * sum(self.staff.values())
        rate = max(MIN_RATE, outflow * COVER / weight) if weight else MIN_RATE
        for day in months:
            factor = GROWTH ** (day.year - self.start.year)
            for spec, staff in self.staff.items():
                text = f"Avgift till självriskfonden {MONTHS[day.month - 1]} {day.year} ({staff} anställda)"
                self.entries.append(Entry(FundEntryKind.CONTRIBUTION, day, round_kr(rate * factor * staff), spec, text))

    def corrections(self) -> None:
        """A few contributions booked with a zero too many, and once a payout booked on the wrong unit."""
        rng, end, month = self.rng, self.end, datetime.timedelta(days=30)
        by_year: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            if entry.kind == FundEntryKind.CONTRIBUTION and entry.day + month <= end:
                by_year[entry.day.year].append(entry)
        for year in sorted(by_year):
            for entry in rng.sample(by_year[year], min(CORRECTIONS_PER_YEAR, len(by_year[year]))):
                right, wrong = entry.amount, entry.amount * 10
                entry.amount = wrong
                text = f"avgiften bokfördes med {money(wrong)} i stället för {money(right)}"
                day = entry.day + self.days(7, 30)
                self.entries.append(
                    Entry(FundEntryKind.CORRECTION, day, right - wrong, entry.spec, text, corrects=entry)
                )
        payouts = [e for e in self.entries if e.kind == FundEntryKind.PAYOUT and e.day + month <= end]
        units = [spec for spec in self.staff if spec.kind == NodeKind.UNIT]
        if not payouts or len(units) < 2:
            return
        entry = rng.choice(payouts)
        right_unit = entry.spec
        wrong_unit = rng.choice([spec for spec in units if spec is not right_unit])
        if right_unit is None:
            return
        entry.spec, day = wrong_unit, entry.day + self.days(5, 20)
        text = f"utbetalningen bokfördes på fel enhet ({wrong_unit.name}) och bokförs om på {right_unit.name}"
        self.entries.append(Entry(FundEntryKind.CORRECTION, day, -entry.amount, wrong_unit, text, corrects=entry))
        again = Entry(FundEntryKind.PAYOUT, day, entry.amount, right_unit, f"{entry.text} (ombokning)")
        again.claim, again.incident_id = entry.claim, entry.incident_id
        self.entries.append(again)

    def close(self, floor: Decimal) -> None:
        """Order the entries, open the fund with enough to stay above ``floor``, and add each year's interest."""
        self.entries.sort(key=lambda e: (e.day, RANK[e.kind]))
        # The lowest balance at any point, whatever the order within a day: each day's takings before its gains.
        takes: dict[datetime.date, Decimal] = defaultdict(Decimal)
        gives: dict[datetime.date, Decimal] = defaultdict(Decimal)
        for entry in self.entries:
            (takes if entry.amount < 0 else gives)[entry.day] += entry.amount
        running, lowest = Decimal(0), Decimal(0)
        for day in sorted(takes.keys() | gives.keys()):
            lowest = min(lowest, running + takes[day])
            running += takes[day] + gives[day]
        opening = round_kr(max(floor * 2, floor - lowest + floor / 2), -5)
        text = f"Ingående saldo {self.start.year} (fondens kapital enligt bokslutet för {self.start.year - 1})"
        entries = [Entry(FundEntryKind.CONTRIBUTION, self.start, opening, None, text)]
        balance, pending = opening, iter(self.entries)
        upcoming = next(pending, None)
        for year in range(self.start.year, self.end.year + 1):
            year_end = datetime.date(year, 12, 31)
            while upcoming is not None and upcoming.day <= year_end:
                entries.append(upcoming)
                balance += upcoming.amount
                upcoming = next(pending, None)
            rate = Decimal(INTEREST.get(year, "1.5"))
            interest = round_kr(balance * rate / 100)
            if year_end <= self.end and interest > 0:
                text = f"Ränta på fondens medel {year} ({str(rate).replace('.', ',')} %)"
                entries.append(Entry(FundEntryKind.INTEREST, year_end, interest, None, text))
                balance += interest
        self.entries = entries

    def write(self, fund: DeductibleFund) -> None:
        """Number the entries by year in the order of the ledger, write them, then the requests."""
        numbers: dict[int, int] = defaultdict(int)
        for entry in self.entries:
            numbers[entry.day.year] += 1
            entry.number = f"{FUND_PREFIX}{entry.day.year}-{numbers[entry.day.year]:05d}"
        for entry in self.entries:
            if entry.corrects is not None:
                entry.text = f"Rättelse av {entry.corrects.number}: {entry.text}"
            entry.obj = FundEntry(
                organisation=self.ctx.organisation,
                fund=fund,
                number=entry.number,
                booked_on=entry.day,
                kind=entry.kind,
                amount=entry.amount,
                node_id=entry.spec.node.pk if entry.spec is not None else None,
                incident_id=entry.incident_id,
                claim=entry.claim,
                measure_id=entry.measure_id,
                text=entry.text[:300],
                approved_by=self.coordinator,
            )
        # The corrected entries first: a correction needs the key of what it corrects.
        insert(self.ctx, FundEntry, [e.obj for e in self.entries if e.corrects is None])
        for entry in self.entries:
            if entry.corrects is not None and entry.obj is not None and entry.corrects.obj is not None:
                entry.obj.corrects_id = entry.corrects.obj.pk
            if entry.request is not None and entry.obj is not None:
                entry.request.entry_id = entry.obj.pk
        insert(self.ctx, FundEntry, [e.obj for e in self.entries if e.corrects is not None])
        set_counters(self.ctx, FUND_SERIES, numbers)
        rebuild_balances(fund)  # the running balance per node, as book_entry keeps it
        for model in (PayoutRequest, GrantApplication):
            rows: list[Any] = [r for r in self.requests if isinstance(r, model)]
            insert(self.ctx, model, rows)
            # requested_at is set on insert: give each request the day it was made.
            moments = [r._history_date for r in rows]
            if connection.vendor != "postgresql":
                moments = [connection.ops.adapt_datetimefield_value(m) for m in moments]
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET requested_at = %s WHERE id = %s",  # noqa: S608 - the table's name only
                    [(moment, r.pk) for moment, r in zip(moments, rows, strict=True)],
                )
