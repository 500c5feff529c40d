"""Action plans (handlingsplaner) of every nämnd and förvaltning for last year and this year, and their review.

Each plan has :data:`ACTIONS` actions (what, how, when, who, resources; G6), most of them carrying out
measures from the risk analyses of the plan's subtree (linked to the measure and its risks), the rest
common security work (training, evacuation drills, the yearly follow-up). Last year's plans are
adopted by their nämnd (date, paragraph, registry number) and mostly done, with some actions
cancelled with a reason and some left overdue; this year's are under way, with overdue actions
here and there (always at least one in Barn- och utbildningsnämndens and -förvaltningens plans).
The security group has reviewed most nämnder's plans of last year (G14).

Everything is drawn from ``ctx.random("plans")`` and written with ``bulk_create``.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from varna.core.models import NodeKind, Role, User
from varna.core.services import stamp
from varna.demo.bulk import insert, insert_links
from varna.demo.context import NodeSpec, OrgContext
from varna.plans import checklist
from varna.plans.models import Action, ActionPlan, ActionStatus, PlanReview
from varna.risks.models import Measure, MeasureStatus

ACTIONS = (8, 25)  # actions per plan
MEASURE_SHARE = 0.65  # of actions carrying out a measure, where the subtree has measures to carry out
REVIEW_SHARE = 0.85  # of last year's nämnd plans reviewed by the security group
PLAN_KINDS = (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE, NodeKind.ADMINISTRATION)
NAMND_KINDS = (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE)
ALWAYS_OVERDUE = ("Barn- och utbildningsnämnden", "Barn- och utbildningsförvaltningen")
# Registry prefixes (diarienummer) of the nämnder; others get their initials.
ABBREVIATIONS = {
    "Kommunstyrelsen": "KS",
    "Barn- och utbildningsnämnden": "BUN",
    "Vård- och omsorgsnämnden": "VON",
    "Socialnämnden": "SN",
    "Kultur- och fritidsnämnden": "KFN",
    "Samhällsbyggnadsnämnden": "SBN",
    "Miljö- och hälsoskyddsnämnden": "MHN",
    "Valnämnden": "VN",
    "Tekniska nämnden": "TN",
}

# (what, how, hours, resources): the common security work of a nämnd or förvaltning.
COMMON = (
    (
        "Grundläggande brandskyddsutbildning för nyanställda",
        "Räddningstjänsten håller halvdagsutbildning fyra gånger per år; cheferna anmäler sina nyanställda.",
        40,
        "Räddningstjänstens utbildare",
    ),
    (
        "Följa upp att alla enheter har gjort sin årliga riskanalys",
        "Säkerhetshandläggaren går igenom planen för riskanalyser och påminner de enheter som inte är klara.",
        16,
        "",
    ),
    (
        "Utrymningsövning på samtliga enheter",
        "Varje enhet övar utrymning minst en gång per år och rapporterar resultatet till förvaltningen.",
        60,
        "Räddningstjänsten deltar vid behov",
    ),
    (
        "Kontrollera att utrymningsplanerna är aktuella",
        "Enheterna går igenom sina utrymningsplaner och personalens kunskap om dem (K14).",
        24,
        "",
    ),
    (
        "Information om säkerhetspolicyn till nya medarbetare och vikarier",
        "Policyn och riktlinjerna ingår i introduktionen; checklistan för introduktion uppdateras.",
        8,
        "",
    ),
    (
        "Öka rapporteringen av tillbud",
        "Tillbudsrapportering tas upp på arbetsplatsträffar; statistiken redovisas i ledningsgruppen varje kvartal.",
        12,
        "",
    ),
    (
        "Utbildning i hot och våld för chefer",
        "Halvdagsutbildning om rutinerna vid hot och våld, polisanmälan och krisstöd.",
        32,
        "Extern utbildare",
    ),
    (
        "Säkerhetsgenomgång i ledningsgruppen",
        "Skadestatistik, riskanalyser och handlingsplanens status gås igenom två gånger per år.",
        6,
        "",
    ),
    (
        "Inventera stöldbegärlig egendom",
        "Enheterna uppdaterar förteckningen över datorer, projektorer och verktyg och märker ny utrustning.",
        30,
        "Märksatser",
    ),
    (
        "Översyn av krisledningsplanen",
        "Planen uppdateras med nya kontaktuppgifter och övas vid ett seminarium.",
        20,
        "",
    ),
    (
        "Informationssäkerhetsutbildning för alla medarbetare",
        "Webbutbildningen görs av alla; cheferna följer upp att den är genomförd.",
        50,
        "Licens för webbutbildning",
    ),
    (
        "Följa upp skadekostnaderna per enhet",
        "Förvaltningens ekonom tar fram skadekostnaderna ur kodsträngen och jämför med föregående år.",
        10,
        "",
    ),
)

ELECTION = (
    (
        "Säkerhetsplan för valet",
        "Valnämndens kansli tar fram en plan för säkerheten i vallokalerna och vid rösträkningen.",
        30,
        "Samverkan med polisen",
    ),
    (
        "Utbildning för röstmottagare om hot och påverkan",
        "Röstmottagarna får en kort utbildning om hot, otillåten påverkan och vart de vänder sig.",
        20,
        "",
    ),
)

CANCEL_REASONS = (
    "Ersätts av en åtgärd i förvaltningens gemensamma plan.",
    "Lokalerna ska avvecklas; åtgärden görs inte.",
    "Medel saknades; tas upp igen i nästa års budget.",
    "Behovet försvann när verksamheten flyttade.",
    "Fastighetsägaren gör åtgärden i stället.",
)

REVIEW_COMMENTS = {
    "good": (
        "Bra plan som bygger på enheternas riskanalyser. Fortsätt så.",
        "Tydliga aktiviteter med ansvariga och datum. Planen är väl förankrad.",
    ),
    "fair": (
        "Planen håller god nivå, men flera aktiviteter saknar resurser och några är försenade.",
        "Koppla fler aktiviteter till de beslutade åtgärderna i riskanalyserna.",
    ),
    "poor": (
        "Planen behöver kompletteras: flera aktiviteter saknar ansvarig och uppföljning.",
        "Förseningarna från förra året är inte omhändertagna. Säkerhetshandläggaren stöttar förvaltningen.",
    ),
}


@dataclass(frozen=True)
class _Measure:
    pk: int
    path: str
    title: str
    node_name: str
    status: str
    investment: int
    responsible_id: int | None
    year: int


def _abbreviation(name: str) -> str:
    if name in ABBREVIATIONS:
        return ABBREVIATIONS[name]
    words = [w for w in name.replace("-", " ").split() if w != "och"]
    return "".join(w[0].upper() for w in words if w)[:4] or "N"


def _namnd(spec: NodeSpec) -> NodeSpec:
    """The nämnd that answers for ``spec``: itself or its nearest nämnd above."""
    node: NodeSpec | None = spec
    while node is not None and node.kind not in NAMND_KINDS:
        node = node.parent
    return node or spec


class _Builder:
    def __init__(self, ctx: OrgContext, rng: random.Random) -> None:
        if ctx.organisation is None or ctx.root is None:
            raise RuntimeError("the tree step writes the organisation first")
        self.ctx, self.rng, self.organisation = ctx, rng, ctx.organisation
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = ctx.run.history_date.astimezone(self.tz).date()
        self.year = self.today.year
        self.coordinator = ctx.holder(Role.SECURITY_COORDINATOR, ctx.root) or next(iter(ctx.personas.values()))
        self.users: dict[int, User] = {}
        for people in ctx.staff.values():
            for user in people:
                self.users[user.pk] = user
        self.measures = self._measures()
        self.measure_risks: dict[int, list[int]] = defaultdict(list)
        for measure_id, risk_id in Measure.risks.through.objects.filter(
            measure__organisation=self.organisation
        ).values_list("measure_id", "risk_id"):
            self.measure_risks[measure_id].append(risk_id)
        self.paragraphs: dict[tuple[str, int], int] = {}

    def _measures(self) -> list[_Measure]:
        rows = (
            Measure.objects.filter(organisation=self.organisation)
            .exclude(status=MeasureStatus.REJECTED)
            .order_by("pk")
            .values_list(
                "pk",
                "node__path",
                "title",
                "node__name",
                "status",
                "investment",
                "responsible_id",
                "analysis__analysed_on",
            )
        )
        return [_Measure(pk, p, t, n, s, int(i), r, d.year) for pk, p, t, n, s, i, r, d in rows]

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, self.rng.randrange(60)), tzinfo=self.tz)
        return min(moment, self.ctx.run.history_date)

    def owner(self, spec: NodeSpec) -> User:
        """Who writes the plan: the security officer or head of the förvaltning (of the nämnd)."""
        targets = [spec, *(c for c in spec.children if c.kind == NodeKind.ADMINISTRATION)]
        for target in targets:
            for role in (Role.SECURITY_OFFICER, Role.HEAD_OF_ADMINISTRATION):
                person = self.ctx.holder(role, target)
                if person is not None:
                    return person
        return self.coordinator

    def plan(self, spec: NodeSpec, year: int) -> ActionPlan:
        rng = self.rng
        owner = self.owner(spec)
        namnd = _namnd(spec)
        plan = ActionPlan(
            organisation=self.organisation,
            node=spec.node,
            year=year,
            title=f"Handlingsplan för säkerhetsarbetet {year}",
            summary=(
                f"{spec.name}s plan för säkerhetsarbetet {year}, byggd på enheternas riskanalyser och "
                "skadestatistiken. Planen följs upp i delårsrapporten och i årsredovisningen."
            ),
            created_by=owner,
        )
        stamp(plan, owner)
        plan._history_date = self.at(datetime.date(year - 1, 11, rng.randint(1, 28)))  # type: ignore[attr-defined]
        adopted = year < self.year or (self.today.month >= 3 and rng.random() < 0.7)
        if adopted:
            decided = datetime.date(year, rng.randint(1, 2), rng.randint(1, 28))
            if decided < self.today:
                key = (namnd.name, year)
                self.paragraphs[key] = self.paragraphs.get(key, rng.randint(5, 30)) + rng.randint(3, 12)
                plan.adopted_by_body = namnd.name
                plan.adopted_on = decided
                plan.minute_paragraph = f"§ {self.paragraphs[key]}"
                plan.registry_number = f"{_abbreviation(namnd.name)} {year}/{rng.randint(40, 480)}"
        return plan

    def actions(self, spec: NodeSpec, plan: ActionPlan) -> list[tuple[Action, list[int], list[int]]]:
        """The plan's actions with the measures and risks each carries out."""
        rng, year = self.rng, plan.year
        count = rng.randint(*ACTIONS)
        open_measures = [m for m in self.measures if m.path.startswith(spec.path) and year - 1 <= m.year <= year]
        chosen = rng.sample(open_measures, min(len(open_measures), round(count * MEASURE_SHARE)))
        common = list(ELECTION if "Val" in spec.name else COMMON)
        rng.shuffle(common)
        result = []
        owner = self.owner(spec)
        for i in range(count):
            due = datetime.date(year, rng.randint(2, 12), rng.randint(1, 28))
            if i < len(chosen):
                m = chosen[i]
                what = f"{m.title} ({m.node_name})"[:300]
                how = (
                    "Genomförs enligt åtgärdsförslaget i riskanalysen. "
                    "Enhetschefen beställer arbetet och rapporterar när det är klart."
                )
                responsible = self.users.get(m.responsible_id or 0) or owner
                budget: Decimal | None = Decimal(m.investment) if m.investment else None
                hours: Decimal | None = Decimal(rng.choice((4, 8, 16, 24)))
                note = ""
                measures, risks = [m.pk], self.measure_risks.get(m.pk, [])[:2]
            else:
                what, how, base_hours, note = common[(i - len(chosen)) % len(common)]
                if i - len(chosen) >= len(common):
                    what = f"{what} (uppföljning)"
                responsible = owner
                budget = Decimal(rng.choice((5000, 10000, 20000, 40000))) if note and rng.random() < 0.5 else None
                hours = Decimal(base_hours)
                measures, risks = [], []
            if rng.random() < 0.05:  # an incomplete action: the review's checklist shows it
                hours, budget, note = None, None, ""
            action = Action(
                organisation=self.organisation,
                plan=plan,
                node=plan.node,
                what=what,
                how=how,
                due=due,
                responsible=responsible,
                budget=budget,
                hours=hours,
                resources_note=note,
                created_by=owner,
            )
            self._status(action)
            if measures and chosen[i].status == MeasureStatus.DONE and action.due < self.today:
                action.status, action.status_reason = ActionStatus.DONE, ""
                action.completed_on = min(action.due, self.today - datetime.timedelta(days=1))
            stamp(action, owner)
            action._history_date = plan._history_date  # type: ignore[attr-defined]
            result.append((action, measures, risks))
        if spec.name in ALWAYS_OVERDUE and year == self.year and not any(self._overdue(a) for a, *_ in result):
            action = result[0][0]
            action.due = max(datetime.date(year, 1, 1), self.today - datetime.timedelta(days=14))
            if action.due >= self.today:
                action.due = self.today - datetime.timedelta(days=1)
            action.status, action.status_reason, action.completed_on = ActionStatus.IN_PROGRESS, "", None
        return result

    def _overdue(self, action: Action) -> bool:
        return action.due < self.today and action.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

    def _status(self, action: Action) -> None:
        rng, today = self.rng, self.today
        roll = rng.random()
        table: tuple[tuple[float, str], ...]
        if action.due < today:
            if action.plan.year < self.year:
                table = ((0.72, ActionStatus.DONE), (0.8, ActionStatus.CANCELLED), (0.9, ActionStatus.IN_PROGRESS))
            else:
                table = ((0.6, ActionStatus.DONE), (0.66, ActionStatus.CANCELLED), (0.85, ActionStatus.IN_PROGRESS))
            fallback = ActionStatus.PLANNED
        else:
            table = ((0.05, ActionStatus.DONE), (0.4, ActionStatus.IN_PROGRESS))
            fallback = ActionStatus.PLANNED
        action.status = next((status for limit, status in table if roll < limit), fallback)
        if action.status == ActionStatus.CANCELLED:
            action.status_reason = rng.choice(CANCEL_REASONS)
        if action.status == ActionStatus.DONE:
            done = action.due + datetime.timedelta(days=rng.randint(-40, 20))
            action.completed_on = min(done, today - datetime.timedelta(days=1))

    def review(self, spec: NodeSpec, plan: ActionPlan | None, year: int) -> PlanReview:
        rng = self.rng
        chances = {"analyses": 0.9, "complete": 0.75, "adopted": 0.95, "measures": 0.6, "follow_up": 0.7}
        values = {code: rng.random() < chances.get(code, 0.55) for code in checklist.CODES}
        if plan is None or not plan.is_adopted:
            values["adopted"] = False
        score = checklist.score(values)
        grade = "good" if score >= len(values) - 1 else "fair" if score >= len(values) // 2 else "poor"
        reviewed = datetime.date(year + 1, rng.randint(2, 4), rng.randint(1, 28))
        if reviewed >= self.today:
            reviewed = datetime.date(year, 12, rng.randint(1, 20))
        review = PlanReview(
            organisation=self.organisation,
            node=spec.node,
            year=year,
            plan=plan,
            checklist=values,
            score=score,
            comment=rng.choice(REVIEW_COMMENTS[grade]),
            reviewed_at=self.at(reviewed, 14),
            reviewed_by=self.coordinator,
        )
        stamp(review, self.coordinator)
        review._history_date = review.reviewed_at  # type: ignore[attr-defined]
        return review


def build(ctx: OrgContext) -> None:
    started = time.perf_counter()
    builder = _Builder(ctx, ctx.random("plans"))
    specs = [spec for spec in ctx.specs if spec.kind in PLAN_KINDS]
    years = (builder.year - 1, builder.year)
    plans: list[tuple[NodeSpec, ActionPlan]] = [(spec, builder.plan(spec, year)) for year in years for spec in specs]
    insert(ctx, ActionPlan, [plan for _spec, plan in plans])
    drafted = [item for spec, plan in plans for item in builder.actions(spec, plan)]
    insert(ctx, Action, [action for action, _m, _r in drafted])
    insert_links(ctx, Action.measures.through, [(a.pk, m) for a, ms, _r in drafted for m in ms])
    insert_links(ctx, Action.risks.through, [(a.pk, r) for a, _m, rs in drafted for r in rs])
    by_node: dict[tuple[int, int], ActionPlan] = {(p.node_id, p.year): p for _s, p in plans}
    reviews: list[Any] = []
    for spec in specs:
        if spec.kind in NAMND_KINDS and builder.rng.random() < REVIEW_SHARE:
            reviews.append(builder.review(spec, by_node.get((spec.node.pk, years[0])), years[0]))
    ctx.save(PlanReview, reviews)
    if ctx.index < 10 or ctx.index % 50 == 0:
        seconds = time.perf_counter() - started
        ctx.run.log(
            f"{ctx.name}: {ctx.counts['actionplan']} handlingsplaner, {ctx.counts['action']} aktiviteter "
            f"/ action plans, actions ({seconds:.1f} s)"
        )
