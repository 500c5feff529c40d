"""The insurance programme, five years of claims and the deductible fund (självriskfond) of each municipality.

- The programme: one policy per main cover line for the current contract and one for the previous contract (the
  older claims were made on it), with Swedish insurers (Kommunassurans Syd, Länsförsäkringar, Protector, Folksam,
  If; a large municipality's property goes through its own captive), premiums in proportion to the staff,
  deductibles in kronor or in prisbasbelopp, and the conditions that matter for prevention ("Stöld ersätts endast
  om lokalen har godkänt inbrottslarm"). The housing company has a property policy of its own. Two procurements
  of the main lot: the previous contract and the current one, with the date of the next procurement.
- Exposure: the insured values (building, contents) of every facility for each of the last five years, and the
  contents of the units without premises of their own.
- Claims: the incidents whose damage comes near the deductible or above it (fire, water, vandalism, burglary and
  theft on the property policy, traffic accidents on the motor policy, long outages on the interruption
  policy) become claims a few days after the report. Most are decided and paid; some are denied (below the
  deductible, theft without an alarm, wear); the newest are open, and a few old ones wait for documents.
- The fund: an opening balance, a monthly contribution from every unit with staff, payouts of the deductible
  above the unit's own share (:class:`~varna.insurance.models.FundRules`) for paid claims and for damage under
  the deductible, grants to preventive measures of the risk analyses, interest at each year end, and corrections
  that point back to the entry they correct. The opening balance is chosen so that the balance never falls
  below the fund's floor; each payout and grant has its approved request (and a few requests wait for the
  coordinator).

Volume: the contributions grow with the number of units and the claims with the incidents: at ``--scale 15``
the ledgers hold about 100,000 entries. Everything is drawn from ``ctx.random("insurance")``; the case numbers
are computed here and the ``CaseCounter`` rows of the series ``claim`` and ``fund`` set at the end, so that the
services continue the sequences.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from varna.core.formats import money
from varna.core.models import NodeKind, Role
from varna.core.services import stamp
from varna.demo.bulk import insert, insert_links
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.incidents import SAMPLE_UNITS
from varna.demo.insurance_fund import Common, Damage, Ledger, round_kr, set_counters
from varna.incidents.models import Incident, Status
from varna.insurance.models import (
    Claim,
    ClaimPayment,
    ClaimStatus,
    CoverLine,
    DeductibleFund,
    DeductibleKind,
    FundRules,
    InsurancePolicy,
    InsuredValue,
    PriceBaseAmount,
    Procurement,
)
from varna.insurance.services.setup import set_up_insurance
from varna.protection.models import Facility

CLAIM_SERIES, CLAIM_PREFIX = "claim", "S-"  # the case number series of varna.insurance.services.claims
YEARS = 5
PROPERTY_TYPES = ("fire", "water-damage", "vandalism", "burglary", "theft")
LINE_OF_TYPE = dict.fromkeys(PROPERTY_TYPES, "property") | {"traffic-accident": "motor", "outage": "interruption"}
SAMPLE_LINE = {"accident": "liability", "violence": "liability", "assault": "liability"}  # else LINE_OF_TYPE/property
CLAIM_FROM = Decimal("0.9")  # a damage of at least this share of the deductible is claimed
LARGE_CLAIM = Decimal(150_000)  # paid in two parts (an advance first) now and then
STUCK_SHARE = 0.03  # claims that wait for documents long after they were made
UNINSURED_SHARE = 0.7  # of damage under the deductible for which the unit asks the fund
CAPTIVE_SCALE = 5.0  # a municipality at least this large insures its property through its own captive
MAIN_INSURER = "Kommunassurans Syd Försäkrings AB"
FORMER_INSURERS = ("Länsförsäkringar", "Protector Försäkring", "Kommunassurans Syd Försäkrings AB")
INDEX = {2022: "1.09", 2023: "1.06", 2024: "1.02", 2025: "1.03"}  # insured values from one year to the next


@dataclass(frozen=True)
class _Line:
    code: str
    main: bool  # procured centrally with the property insurance
    premium: int  # kronor a year per 1,000 staff
    limit: int | None  # kronor; property: the insured values, interruption: per 1,000 staff
    deductible: str  # "0.5 pbb" or "10000 kr"
    insurer: str  # outside the main lot
    conditions: str


LINES = (
    _Line("property", True, 900_000, None, "0.5 pbb", "",
          "Stöld och inbrott ersätts endast om lokalen har godkänt inbrottslarm (larmklass 2) som var tillkopplat. "
          "Vattenskada ersätts inte om den beror på eftersatt underhåll. Brandskyddet ska vara dokumenterat "
          "(systematiskt brandskyddsarbete)."),
    _Line("interruption", True, 110_000, 15_000_000, "1 pbb", "",
          "Karenstid 24 timmar, ansvarstid 24 månader. Gäller avbrott som följer av en ersättningsbar egendomsskada."),
    _Line("liability", True, 250_000, 100_000_000, "0.2 pbb", "",
          "Kommunen får inte medge skadeståndsskyldighet eller betala ersättning utan försäkringsbolagets "
          "medgivande."),
    _Line("legal_expenses", True, 20_000, 1_000_000, "0.2 pbb", "",
          "Självrisken är 20 % av kostnaden, lägst 0,2 prisbasbelopp. Ombudet ska godkännas av försäkringsbolaget."),
    _Line("accident", False, 150_000, None, "0 kr", "Folksam",
          "Gäller barn i förskola, elever, deltagare i daglig verksamhet och feriearbetare under verksamhetstid. "
          "Invaliditetsbelopp 50 prisbasbelopp."),
    _Line("motor", False, 200_000, None, "10000 kr", "Länsförsäkringar",
          "Vagnskadan gäller fordon yngre än åtta år. Självrisken fördubblas om föraren saknade giltigt körkort. "
          "Glasskada: självrisk 1 500 kr."),
    _Line("business_travel", False, 25_000, None, "0 kr", "If Skadeförsäkring",
          "Gäller anställda och förtroendevalda på tjänsteresa i Sverige och utomlands."),
    _Line("crime", False, 40_000, 10_000_000, "1 pbb", "Protector Försäkring",
          "Förmögenhetsbrott begångna av anställda. Brottet ska polisanmälas, och attest med två personer ska "
          "tillämpas för utbetalningar."),
    _Line("directors", False, 30_000, 50_000_000, "0 kr", "Protector Försäkring",
          "Styrelseansvar för ledamöter och verkställande direktörer i de kommunala bolagen."),
)  # fmt: skip
HOUSING_CONDITIONS = (
    "Bostadsbolagets fastigheter. Vattenskador i lägenheter ersätts efter avdrag för ålder på ledningar äldre än "
    "50 år. Stöld ur förråd ersätts endast vid inbrott i låst förråd."
)

# Facility kind: (building value, millions of kronor, low and high), share of the building value in contents.
VALUES: dict[str, tuple[float, float, float]] = {
    "school": (40, 120, 0.08), "preschool": (10, 25, 0.06), "care_home": (40, 100, 0.07),
    "office": (20, 80, 0.10), "sports": (15, 60, 0.05), "library": (10, 40, 0.15), "depot": (3, 15, 0.20),
    "waterworks": (30, 120, 0.15), "culture": (15, 60, 0.12), "housing": (40, 150, 0.01), "other": (2, 10, 0.10),
}  # fmt: skip
CONTENTS_PER_EMPLOYEE = 35_000  # units without premises of their own

DENIALS = {
    "under": "Skadekostnaden understiger självrisken. Ingen ersättning lämnas.",
    "alarm": "Inbrottslarmet var inte tillkopplat vid skadetillfället. Enligt villkoren ersätts inte stöld och "
    "inbrott utan godkänt, tillkopplat larm.",
    "wear": "Skadan beror på slitage och eftersatt underhåll och omfattas inte av försäkringen.",
}
WITHDRAWN = (
    "Motparten har betalat skadan; anmälan återkallad.",
    "Kostnaden blev lägre än självrisken; anmälan återkallad.",
)
STUCK_NOTE = "Försäkringsbolaget har begärt kompletterande underlag (fakturor och polisanmälan)."


@dataclass
class _Policy:
    obj: InsurancePolicy
    line: str
    start: datetime.date
    end: datetime.date
    node: NodeSpec | None  # the housing company, for its own policy


@dataclass
class _Builder(Common):
    """The programme, the exposure and the claims; the payouts go to :attr:`ledger`."""

    ledger: Ledger | None = None
    pbb: dict[int, Decimal] = field(default_factory=dict)
    lines: dict[str, CoverLine] = field(default_factory=dict)
    policies: list[_Policy] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    payments: list[ClaimPayment] = field(default_factory=list)

    def price_base(self, year: int) -> Decimal:
        """The prisbasbelopp of ``year``, or of the nearest year recorded (a year not yet decided)."""
        if year in self.pbb:
            return self.pbb[year]
        known = sorted(self.pbb)
        return self.pbb[max((y for y in known if y <= year), default=known[0])]

    def deductible(self, policy: InsurancePolicy, day: datetime.date) -> Decimal:
        """As :func:`varna.insurance.deductibles.deductible_for`, without a query per claim."""
        if policy.deductible_kind == DeductibleKind.PRICE_BASE and policy.deductible_price_base is not None:
            return round_kr(policy.deductible_price_base * self.price_base(day.year))
        return round_kr(policy.deductible_amount or 0)

    def payout(
        self, damage: Damage, claim: Claim | None, cost: Decimal, deductible: Decimal, day: datetime.date
    ) -> None:
        if self.ledger is None:
            raise RuntimeError("the ledger is made first")
        self.ledger.payout(damage, claim, cost, deductible, day)

    # --- the programme ------------------------------------------------------------------------

    def programme(self, exposure: Decimal) -> None:
        rng, year, ctx = self.rng, self.today.year, self.ctx
        current = year - rng.choice((1, 2))  # the current contract ends next year or the year after
        periods = (
            (min(current - 4, self.end.year - YEARS), current - 1),  # the previous contract
            (current, current + 3),  # two years and an option of one plus one
        )
        total_staff = max(1, sum(self.staff.values()))
        first = MAIN_INSURER if ctx.index == 0 else rng.choice(FORMER_INSURERS)
        lot = (rng.choice([name for name in FORMER_INSURERS if name != first]), first)  # the main lot's insurer
        # A large municipality has since the current contract insured its property through its own captive.
        captive = f"{ctx.name.removesuffix(' kommun')}s Försäkrings AB" if ctx.scale >= CAPTIVE_SCALE else ""
        housing = [s for s in ctx.specs if s.kind == NodeKind.COMPANY and "housing" in s.sectors]
        for period, (start_year, end_year) in enumerate(periods):
            start, end = datetime.date(start_year, 1, 1), datetime.date(end_year, 12, 31)
            level = 1.0 if period == 1 else rng.uniform(0.8, 0.92)
            for line in LINES:
                insurer = lot[period] if line.main else line.insurer
                is_captive = bool(captive) and period == 1 and line.code in ("property", "interruption")
                premium = max(5000.0, line.premium * total_staff / 1000 * rng.uniform(0.85, 1.15) * level)
                if line.code == "property":
                    limit: Decimal | None = round_kr(exposure * Decimal(level), -6)
                elif line.code == "interruption" and line.limit is not None:
                    limit = round_kr(Decimal(line.limit) * total_staff / 1000, -6)
                else:
                    limit = Decimal(line.limit) if line.limit else None
                note = "Tecknad genom den centrala upphandlingen." if line.main else ""
                if is_captive:
                    insurer, note = captive, f"Kommunens eget försäkringsbolag, återförsäkrat hos {lot[period]}."
                self.policy(
                    line.code, insurer, is_captive, start, end, premium, limit, line.deductible, line.conditions, note
                )
            for company in housing:
                premium = 0.15 * LINES[0].premium * total_staff / 1000 * rng.uniform(0.8, 1.2) * level
                policy = self.policy(
                    "property",
                    "Länsförsäkringar",
                    False,
                    start,
                    end,
                    premium,
                    None,
                    "50000 kr",
                    HOUSING_CONDITIONS,
                    f"Egen fastighetsförsäkring för {company.name}.",
                )
                policy.node = company
        insert(ctx, InsurancePolicy, [p.obj for p in self.policies])
        links = [(p.obj.pk, p.node.node.pk) for p in self.policies if p.node is not None]
        insert_links(ctx, InsurancePolicy.nodes.through, links)
        self.procurements(periods, lot)

    def policy(
        self,
        code: str,
        insurer: str,
        is_captive: bool,
        start: datetime.date,
        end: datetime.date,
        premium: float,
        limit: Decimal | None,
        deductible: str,
        conditions: str,
        note: str = "",
    ) -> _Policy:
        value, unit = deductible.split()
        prefix = "".join(word[0] for word in insurer.split()[:3]).upper()
        policy = InsurancePolicy(
            organisation=self.ctx.organisation,
            cover_line=self.lines[code],
            insurer=insurer,
            is_captive=is_captive,
            policy_number=f"{prefix}-{start.year % 100:02d}-{self.rng.randint(100000, 999999)}",
            valid_from=start,
            valid_to=end,
            premium=round_kr(premium, -3),
            sum_insured=limit,
            deductible_kind=DeductibleKind.PRICE_BASE if unit == "pbb" else DeductibleKind.AMOUNT,
            deductible_amount=None if unit == "pbb" else Decimal(value),
            deductible_price_base=Decimal(value) if unit == "pbb" else None,
            conditions=conditions,
            note=note,
            created_by=self.handler,
        )
        stamp(policy, self.handler)
        policy._history_date = self.at(start - datetime.timedelta(days=30), 10)  # type: ignore[attr-defined]
        found = _Policy(policy, code, start, end, None)
        self.policies.append(found)
        return found

    def procurements(self, periods: tuple[tuple[int, int], ...], insurers: tuple[str, str]) -> None:
        rng, rows = self.rng, []
        for period, ((start_year, end_year), insurer) in enumerate(zip(periods, insurers, strict=True)):
            start, end = datetime.date(start_year, 1, 1), datetime.date(end_year, 12, 31)
            following = periods[1][0] if period == 0 else end_year + 1
            row = Procurement(
                organisation=self.ctx.organisation,
                decided_on=datetime.date(start_year - 1, rng.randint(5, 6), rng.randint(1, 28)),
                insurer=insurer,
                contract_from=start,
                contract_to=end,
                next_procurement_on=datetime.date(following - 1, 3, 1),
                reminder_months=6,
                note=(
                    "Egendom, avbrott, ansvar och rättsskydd upphandlades gemensamt med försäkringsmäklarens stöd. "
                    "Avtalet löper i två år med option på ett plus ett år."
                ),
                created_by=self.handler,
            )
            stamp(row, self.handler)
            row._history_date = self.at(row.decided_on, 15)  # type: ignore[attr-defined]
            rows.append(row)
        insert(self.ctx, Procurement, rows)
        main = [self.lines[line.code].pk for line in LINES if line.main]
        insert_links(self.ctx, Procurement.cover_lines.through, [(row.pk, line) for row in rows for line in main])

    # --- exposure -------------------------------------------------------------------------------

    def exposure(self) -> Decimal:
        """Insured values for each of the last five years; returns this year's total."""
        rng, ctx, first = self.rng, self.ctx, self.today.year - YEARS + 1
        rows: list[InsuredValue] = []
        with_premises: set[int] = set()
        for pk, node_id, kind in (
            Facility.objects.filter(organisation=ctx.organisation).order_by("pk").values_list("pk", "node_id", "kind")
        ):
            low, high, share = VALUES.get(kind, VALUES["other"])
            building = Decimal(rng.uniform(low, high) * 1_000_000)
            with_premises.add(node_id)
            for year in range(first, self.today.year + 1):
                if year > first:
                    building *= Decimal(INDEX.get(year, "1.03"))
                rows.append(self.value(year, node_id, pk, building, building * Decimal(share)))
        for spec, staff in self.staff.items():
            if spec.node.pk not in with_premises:
                contents = Decimal(staff * CONTENTS_PER_EMPLOYEE)
                for year in range(first, self.today.year + 1):
                    rows.append(self.value(year, spec.node.pk, None, Decimal(0), contents))
        insert(ctx, InsuredValue, rows)
        return sum((r.building_value + r.contents_value for r in rows if r.year == self.today.year), Decimal(0))

    def value(
        self, year: int, node_id: int, facility_id: int | None, building: Decimal, contents: Decimal
    ) -> InsuredValue:
        row = InsuredValue(
            organisation=self.ctx.organisation,
            year=year,
            node_id=node_id,
            facility_id=facility_id,
            building_value=round_kr(building, -4),
            contents_value=round_kr(contents, -4),
        )
        stamp(row, self.handler)
        row._history_date = self.at(datetime.date(year, 1, 15), 9)  # type: ignore[attr-defined]
        return row

    # --- claims ---------------------------------------------------------------------------------

    def damages(self) -> list[Damage]:
        tz = ZoneInfo(settings.TIME_ZONE)
        rows = (
            Incident.objects.filter(organisation=self.ctx.organisation, is_confidential=False)
            .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
            .order_by("occurred_on", "number")
            .values_list(
                "pk", "number", "incident_type__code", "incident_type__name", "occurred_on", "reported_at",
                "total_cost", "estimated_cost", "incident_node_id", "status", "closed_at",
            )
        )  # fmt: skip
        return [
            Damage(pk, n, code, name, on, reported.astimezone(tz).date(), cost, estimate, self.by_pk[node],
                    status, closed.astimezone(tz).date() if closed else None)
            for pk, n, code, name, on, reported, cost, estimate, node, status, closed in rows
            if node in self.by_pk
        ]  # fmt: skip

    def policy_for(self, code: str, damage: Damage) -> _Policy | None:
        found = [p for p in self.policies if p.line == code and p.start <= damage.occurred_on <= p.end]
        own = [p for p in found if p.node is not None and damage.spec.path.startswith(p.node.path)]
        general = [p for p in found if p.node is None]
        return own[0] if own else general[0] if general else None

    def claims_and_payouts(self, damages: list[Damage], sample_ids: set[int]) -> None:
        numbers: dict[int, int] = defaultdict(int)
        for damage in damages:
            forced = damage.pk in sample_ids
            code = LINE_OF_TYPE.get(damage.code) or (SAMPLE_LINE.get(damage.code, "property") if forced else None)
            policy = self.policy_for(code, damage) if code else None
            amount = damage.cost or damage.estimate
            if policy is None:
                continue
            deductible = self.deductible(policy.obj, damage.occurred_on)
            if forced and not amount:
                amount = Decimal(self.rng.choice((8000, 15000, 35000, 60000)))
            if amount is None:
                continue
            if forced or (amount >= max(deductible * CLAIM_FROM, Decimal(5000)) and amount > 0):
                self.claim(damage, policy, amount, deductible, numbers)
            elif (
                damage.code in PROPERTY_TYPES
                and damage.status in (Status.CLOSED, Status.MEASURES_DECIDED)
                and self.rng.random() < UNINSURED_SHARE
            ):
                day = (damage.closed_on or damage.reported_on + datetime.timedelta(days=30)) + self.days(10, 40)
                self.payout(damage, None, amount, deductible, day)
        set_counters(self.ctx, CLAIM_SERIES, numbers)

    def claim(
        self, damage: Damage, policy: _Policy, amount: Decimal, deductible: Decimal, numbers: dict[int, int]
    ) -> None:
        rng, end = self.rng, self.end
        submitted = min(end, damage.reported_on + self.days(1, 12))
        numbers[submitted.year] += 1
        claim = Claim(
            organisation=self.ctx.organisation,
            number=f"{CLAIM_PREFIX}{submitted.year}-{numbers[submitted.year]:05d}",
            incident_id=damage.pk,
            node_id=damage.spec.node.pk,
            policy=policy.obj,
            claimed_amount=amount,
            deductible=deductible,
            insurer_reference="" if (end - submitted).days < 3 else f"{rng.randint(1000000, 9999999)}",
            third_party_involved=damage.code == "traffic-accident" and rng.random() < 0.4,
            submitted_on=submitted,
            created_by=self.handler,
        )
        stamp(claim, self.handler)
        claim._history_date = self.at(submitted, 10)  # type: ignore[attr-defined]
        self.claims.append(claim)
        roll = rng.random()
        decided = submitted + datetime.timedelta(days=round(min(200, max(3, rng.lognormvariate(math.log(28), 0.6)))))
        if decided > end or rng.random() < STUCK_SHARE:
            claim.note = STUCK_NOTE if decided <= end else ""
            return
        if roll < 0.02:
            claim.status, claim.note = ClaimStatus.WITHDRAWN, rng.choice(WITHDRAWN)
            return
        reason = (
            "alarm" if damage.code in ("theft", "burglary") and roll < 0.2
            else "under" if amount <= deductible
            else "wear" if damage.code == "water-damage" and roll < 0.06
            else ""
        )  # fmt: skip
        claim.decided_on = decided
        if reason:
            claim.status, claim.decision = ClaimStatus.DENIED, DENIALS[reason]
            if reason == "under" and damage.code in PROPERTY_TYPES:  # the fund pays what lies above the own share
                self.payout(damage, claim, amount, deductible, decided + self.days(5, 25))
            return
        compensation = amount - deductible
        text = f"Ersättning lämnas med {money(compensation)} efter avdrag för självrisk {money(deductible)}."
        if damage.code in ("theft", "burglary", "vandalism") and rng.random() < 0.4:
            share = rng.choice((10, 20, 30))
            compensation = round_kr(compensation * Decimal(100 - share) / 100)
            text = (
                f"Ersättning lämnas med {money(compensation)} efter avdrag för självrisk {money(deductible)} "
                f"och åldersavdrag {share} % på inventarierna."
            )
        claim.status, claim.compensation, claim.decision = ClaimStatus.DECIDED, compensation, text
        parts: list[tuple[datetime.date, Decimal, str]] = []
        if compensation > LARGE_CLAIM and rng.random() < 0.5:
            advance = round_kr(compensation / 2, -3)
            parts.append((decided + self.days(2, 10), advance, "Förskott"))
            parts.append((decided + self.days(20, 60), compensation - advance, "Slutreglering"))
        else:
            parts.append((decided + self.days(3, 21), compensation, ""))
        for day, part, note in parts:
            if day > end:
                return
            payment = ClaimPayment(claim=claim, paid_on=day, amount=part, note=note, created_by=self.handler)
            stamp(payment, self.handler)
            payment._history_date = self.at(day, 11)  # type: ignore[attr-defined]
            self.payments.append(payment)
        claim.status = ClaimStatus.PAID
        self.payout(damage, claim, amount, deductible, parts[-1][0] + self.days(5, 25))


def _sample_incidents(ctx: OrgContext, damages: list[Damage]) -> set[int]:
    """One incident at each unit the access-matrix test samples, made a claim whatever its cost."""
    if ctx.index == 0:
        wanted = [ctx.by_name[name] for name in SAMPLE_UNITS if name in ctx.by_name]
    else:
        wanted = [min(ctx.specs, key=lambda spec: (-spec.depth, spec.path))]
    chosen: set[int] = set()
    for spec in wanted:
        here = [d for d in damages if d.spec is spec]
        best = max(here, key=lambda d: (d.code in LINE_OF_TYPE, d.cost or d.estimate or 0, d.pk), default=None)
        if best is not None:
            chosen.add(best.pk)
    return chosen


def build(ctx: OrgContext) -> None:
    started = time.perf_counter()
    organisation = ctx.organisation
    if organisation is None or ctx.root is None:
        raise RuntimeError("the tree step writes the organisation first")
    set_up_insurance(organisation)
    today = ctx.run.history_date.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    end = today - datetime.timedelta(days=1)
    coordinator = ctx.holder(Role.SECURITY_COORDINATOR, ctx.root) or next(iter(ctx.personas.values()))
    staff = {
        spec: len(people)
        for spec, people in ctx.staff.items()
        if spec.profile is not None and people and spec.kind not in (NodeKind.COMMITTEE, NodeKind.EXECUTIVE_BOARD)
    }
    common = Common(
        ctx=ctx,
        rng=ctx.random("insurance"),
        today=today,
        end=end,
        start=datetime.date(end.year - YEARS + 1, 1, 1),  # five calendar years, this one included
        coordinator=coordinator,
        handler=ctx.holder(Role.INSURANCE_HANDLER, ctx.root) or coordinator,
        staff={spec: staff[spec] for spec in ctx.specs if spec in staff},  # tree order
        by_pk={spec.node.pk: spec for spec in ctx.specs},
    )
    shared = {f.name: getattr(common, f.name) for f in fields(Common)}
    ledger = Ledger(**shared, rules=FundRules.objects.get(organisation=organisation))
    builder = _Builder(
        **shared,
        ledger=ledger,
        pbb={year: Decimal(amount) for year, amount in PriceBaseAmount.objects.values_list("year", "amount")},
        lines={line.code: line for line in CoverLine.objects.filter(organisation=organisation)},
    )
    fund = DeductibleFund.objects.get(organisation=organisation)
    fund.floor = max(Decimal(200_000), round_kr(Decimal(sum(staff.values()) * 300), -5))
    stamp(fund, coordinator, "Demodata")
    fund.save(update_fields=["floor"])

    builder.programme(builder.exposure())
    damages = builder.damages()
    builder.claims_and_payouts(damages, _sample_incidents(ctx, damages))
    insert(ctx, Claim, builder.claims)
    insert(ctx, ClaimPayment, builder.payments)
    ledger.grants()
    ledger.contributions()
    ledger.corrections()
    ledger.close(fund.floor)
    ledger.write(fund)
    if ctx.index < 10 or ctx.index % 50 == 0:
        seconds = time.perf_counter() - started
        ctx.run.log(
            f"{ctx.name}: {ctx.counts['claim']} skadeanmälningar, {ctx.counts['fundentry']} poster i "
            f"självriskfonden / claims, fund entries ({seconds:.1f} s)"
        )
