"""Three years of risk analyses: the matrix, analyses, risks, their judgements, measures and the schedule.

Volume: about :data:`RISKS_PER_SCALE` risks per unit of scale in every municipality (``--scale 15``
gives Exempelkommun about 20,000 risks and 40,000 measures), in analyses of 4-8 risks each. The
period is the last three calendar years up to yesterday; everything is drawn from
``ctx.random("risks")``, so the same arguments give the same data.

What makes the data look real:

- who: units (and now and then an administration) analyse their risks about once a year (G4);
  the unit manager is responsible and the security representative and a few colleagues take part;
- why: mostly the yearly routine; after an incident at the unit (damage); before a rebuild of the
  unit's premises or an installation of technical protection (K10, K12, K13);
- what: risks typical of the kind of workplace (:mod:`varna.demo.risk_profiles`), each judged today
  (all), without controls (many) and after the proposed measures (where there are measures), on
  the matrix version the analysis was made with: analyses before last year used the first version;
- measures: about two per risk (eliminate, prevent, limit; some for continuity, K9) with costs,
  lifetime, expected reduction or share of the damage cost avoided (K8), priority and financing;
- status: older analyses are adopted and most of their measures done; this year's are partly drafts;
- links: risks are linked to the unit's earlier incidents of the same security area (never to
  confidential ones);
- the yearly schedule (K6): this year's planned analyses for the nodes that are due.

Speed: everything is written with ``bulk_create`` (history rows where the run keeps them); the case
numbers are computed here and the ``CaseCounter`` rows set once at the end, so that the services
continue the sequences.
"""

from __future__ import annotations

import bisect
import datetime
import math
import random
import time
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from varna.core.models import CaseCounter, NodeKind, Role, User
from varna.core.services import ensure_security_areas, stamp
from varna.demo.bulk import insert, insert_links
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.incident_profiles import SETTING_OF_PROFILE
from varna.demo.risk_profiles import (
    FINANCING,
    METHODS,
    MONTHS,
    OTHER_PARTICIPANTS,
    RATIONALES,
    RISKS,
    SCOPES,
    TRIGGER_TITLES,
    MeasureIdea,
    RiskIdea,
)
from varna.incidents.models import Incident
from varna.protection.models import Facility
from varna.risks import matrices
from varna.risks.models import (
    DIMENSIONS,
    AnalysisStatus,
    AnalysisTrigger,
    Measure,
    MeasureStatus,
    MeasureType,
    PlannedAnalysis,
    Priority,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    RiskMatrix,
    RiskStatus,
    Stage,
    Timeframe,
)
from varna.risks.services import ensure_matrix

RISKS_PER_SCALE = 1333  # every municipality; scale 15: about 20,000 risks in Exempelkommun
YEARS = 3  # this year and the two before
RISKS_PER_ANALYSIS = (4, 8)
MEASURES_PER_RISK = ((1, 0.1), (2, 0.4), (3, 0.5))  # about two, as most risks have two or three ideas
SHARED_MEASURE = 0.08  # a measure that serves a second risk of its analysis
ADMINISTRATION_CHANCE = 0.5  # an administration analyses its own office in half of the years
ANALYSIS_KINDS = (NodeKind.UNIT, NodeKind.ADMINISTRATION, NodeKind.COMPANY, NodeKind.FEDERATION)
LINKS_PER_RISK = 3  # at most, of the node's earlier incidents of the risk's security area
SERIES = {"analysis": "risk-analysis", "risk": "risk", "measure": "measure"}
# The persona units' analyses: (unit, years ago, status).
GUARANTEED = (
    ("Solrosens förskola", 1, AnalysisStatus.ADOPTED),
    ("Solrosens förskola", 0, AnalysisStatus.IN_PROGRESS),
    ("Hemtjänst Centrum", 1, AnalysisStatus.ADOPTED),
)
# The first version of the matrix, used until the start of last year: the same scales, other bands.
FIRST_BANDS = [
    {"label": "Låg", "colour": "#2e7d32", "min_score": 1, "review_months": 36},
    {"label": "Medel", "colour": "#f9a825", "min_score": 6, "review_months": 24},
    {"label": "Hög", "colour": "#ef6c00", "min_score": 12, "review_months": 12},
    {"label": "Mycket hög", "colour": "#c62828", "min_score": 20, "review_months": 12},
]


_IncidentRow = tuple[datetime.date, int, str, str, int | None]  # occurred on, pk, number, type name, area


@dataclass(eq=False)
class _Site:
    spec: NodeSpec
    setting: str
    profile: str
    staff: Sequence[User]
    manager: User | None
    representative: User | None
    facilities: list[tuple[int, str]]  # (pk, name)
    ideas: list[RiskIdea]
    weights: list[float]


@dataclass(eq=False)
class _Draft:
    site: _Site
    analysed_on: datetime.date
    status: str
    size: int  # number of risks
    trigger: str = AnalysisTrigger.YEARLY
    incident: _IncidentRow | None = None  # the damage behind the analysis
    analysis: RiskAnalysis | None = None
    risks: list[Risk] = field(default_factory=list)


def _weighted_sample(rng: random.Random, items: list[Any], weights: list[float], k: int) -> list[Any]:
    """``k`` distinct items, drawn by weight (Efraimidis-Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _key, i in keyed[:k]]


class _Builder:
    def __init__(self, ctx: OrgContext, rng: random.Random) -> None:
        if ctx.organisation is None or ctx.root is None:
            raise RuntimeError("the tree step writes the organisation first")
        self.ctx, self.rng, self.organisation = ctx, rng, ctx.organisation
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = ctx.run.history_date.astimezone(self.tz).date()
        self.yesterday = self.today - datetime.timedelta(days=1)
        self.year = self.today.year
        self.areas = {a.code: a for a in ensure_security_areas(organisation=self.organisation)}
        self.first, self.matrix = self._matrices()
        self.switch = datetime.date(self.year - 1, 1, 1)  # analyses from here on use the matrix in use
        self.coordinator = ctx.holder(Role.SECURITY_COORDINATOR, ctx.root) or next(iter(ctx.personas.values()))
        self.incidents_by_area: dict[tuple[int, int], list[tuple[datetime.date, int]]] = defaultdict(list)
        self.incidents_by_node: dict[int, list[_IncidentRow]] = defaultdict(list)
        self.current: dict[str, list[RiskAssessment]] = {}  # the judgements of each risk, by number
        self._load_incidents()

    def _matrices(self) -> tuple[RiskMatrix, RiskMatrix]:
        """The first version (out of use) and the one in use (5x5 MSB, from :func:`ensure_matrix`)."""
        t = matrices.MSB_5X5
        first = RiskMatrix.objects.create(
            organisation=self.organisation,
            name=t.name,
            version=1,
            is_active=False,
            likelihood_levels=matrices.clean_scale(t.likelihood_levels, name="likelihood"),
            consequence_levels=matrices.clean_scale(t.consequence_levels, name="consequence", with_dimensions=True),
            risk_levels=matrices.clean_risk_levels(FIRST_BANDS, max_score=25),
            aggregation=t.aggregation,
        )
        return first, ensure_matrix(organisation=self.organisation)

    def _load_incidents(self) -> None:
        rows = (
            Incident.objects.filter(organisation=self.organisation, is_confidential=False)
            .order_by("occurred_on", "pk")
            .values_list("pk", "incident_node_id", "security_area_id", "occurred_on", "number", "incident_type__name")
        )
        for pk, node_id, area_id, occurred_on, number, type_name in rows:
            if area_id is not None:
                self.incidents_by_area[(node_id, area_id)].append((occurred_on, pk))
            self.incidents_by_node[node_id].append((occurred_on, pk, number, type_name, area_id))

    # --- where and when -----------------------------------------------------------------

    def sites(self) -> list[_Site]:
        ctx = self.ctx
        facilities: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, node_id, name in (
            Facility.objects.filter(organisation=self.organisation).order_by("pk").values_list("pk", "node_id", "name")
        ):
            facilities[node_id].append((pk, name))
        sites = []
        for spec in ctx.specs:
            staff = ctx.staff.get(spec) or []
            if spec.profile is None or not staff or spec.kind not in ANALYSIS_KINDS:
                continue
            key = spec.profile.key
            setting = SETTING_OF_PROFILE.get(key, "office")
            ideas = [i for i in RISKS if not i.where or setting in i.where or key in i.where]
            manager = ctx.holder(Role.UNIT_MANAGER, spec) or ctx.holder(Role.HEAD_OF_ADMINISTRATION, spec)
            sites.append(
                _Site(
                    spec,
                    setting,
                    key,
                    staff,
                    manager,
                    ctx.holder(Role.SECURITY_REPRESENTATIVE, spec) or ctx.holder(Role.SECURITY_OFFICER, spec),
                    facilities.get(spec.node.pk, []),
                    ideas,
                    [i.weight for i in ideas],
                )
            )
        return sites

    def _date(self, year: int) -> datetime.date:
        start = datetime.date(year, 1, 10)
        end = min(datetime.date(year, 12, 15), self.yesterday)
        if end < start:
            return min(start, self.yesterday) if year < self.year else self.today
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _status(self, year: int, analysed_on: datetime.date) -> str:
        roll = self.rng.random()
        if year <= self.year - 2:
            return AnalysisStatus.ADOPTED if roll < 0.85 else AnalysisStatus.DONE
        table: tuple[tuple[float, str], ...]
        if year == self.year - 1:
            table = ((0.75, AnalysisStatus.ADOPTED), (0.95, AnalysisStatus.DONE))
            fallback = AnalysisStatus.IN_PROGRESS
        elif (self.today - analysed_on).days < 45:
            table = ((0.4, AnalysisStatus.DRAFT), (0.9, AnalysisStatus.IN_PROGRESS))
            fallback = AnalysisStatus.DONE
        else:
            table = ((0.2, AnalysisStatus.DRAFT), (0.55, AnalysisStatus.IN_PROGRESS), (0.8, AnalysisStatus.DONE))
            fallback = AnalysisStatus.ADOPTED
        return next((status for limit, status in table if roll < limit), fallback)

    def drafts(self, sites: list[_Site]) -> list[_Draft]:
        """The analyses to write: the persona units' first, then drawn until the risk budget is spent."""
        rng = self.rng
        by_name = {site.spec.name: site for site in sites}
        drafts: list[_Draft] = []
        taken: set[tuple[int, int]] = set()
        if self.ctx.index == 0:
            for name, ago, status in GUARANTEED:
                site = by_name.get(name)
                if site is None:
                    continue
                year = self.year - ago
                analysed_on = self._date(year)
                if ago == 0:
                    analysed_on = min(analysed_on, self.today - datetime.timedelta(days=20))
                    analysed_on = max(analysed_on, datetime.date(year, 1, 1))
                drafts.append(_Draft(site, analysed_on, status, 6))
                taken.add((id(site), year))
        target = max(round(RISKS_PER_SCALE * self.ctx.scale), sum(d.size for d in drafts))
        budget = target - sum(d.size for d in drafts)
        years = range(self.year - YEARS + 1, self.year + 1)
        candidates = [
            (rng.random(), index, year)
            for index, site in enumerate(sites)
            for year in years
            if site.spec.kind == NodeKind.UNIT or rng.random() < ADMINISTRATION_CHANCE
        ]
        candidates.sort()
        if not candidates:
            return drafts
        round_ = 0
        while budget > 0:
            for _key, index, year in candidates:
                if budget <= 0:
                    break
                site = sites[index]
                if round_ == 0 and (id(site), year) in taken:
                    continue
                size = min(budget, rng.randint(*RISKS_PER_ANALYSIS))
                analysed_on = self._date(year)
                draft = _Draft(site, analysed_on, self._status(year, analysed_on), size)
                if round_ > 0:  # a second analysis the same year is never the yearly one
                    draft.trigger = AnalysisTrigger.OTHER
                drafts.append(draft)
                budget -= size
            round_ += 1
        for draft in drafts:
            self._trigger(draft)
        drafts.sort(key=lambda d: (d.analysed_on, d.site.spec.path))
        return drafts

    def _trigger(self, draft: _Draft) -> None:
        rng, site = self.rng, draft.site
        roll = rng.random()
        if draft.trigger == AnalysisTrigger.YEARLY and roll < 0.35:
            recent = self._recent_incident(site, draft.analysed_on)
            if recent is not None and rng.random() < 0.5:
                draft.trigger, draft.incident = AnalysisTrigger.DAMAGE, recent
                return
        if site.facilities and roll > 0.9:
            draft.trigger = AnalysisTrigger.PREMISES if roll < 0.96 else AnalysisTrigger.TECHNICAL_PROTECTION

    def _recent_incident(self, site: _Site, before: datetime.date) -> _IncidentRow | None:
        rows = self.incidents_by_node.get(site.spec.node.pk, [])
        i = bisect.bisect_left(rows, (before,))
        if i == 0:
            return None
        latest = rows[i - 1]
        return latest if (before - latest[0]).days <= 90 else None

    # --- the records ----------------------------------------------------------------------

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, self.rng.randrange(60)), tzinfo=self.tz)
        return min(moment, self.ctx.run.history_date)

    def _people(self, site: _Site) -> tuple[User, list[User]]:
        """The responsible person and the participants."""
        rng = self.rng
        responsible = site.manager or site.representative or rng.choice(site.staff)
        participants = [responsible]
        if site.representative is not None and site.representative is not responsible:
            participants.append(site.representative)
        others = [u for u in site.staff if u not in participants]
        participants += rng.sample(others, min(len(others), rng.randint(1, 3)))
        return responsible, participants

    def analysis(self, draft: _Draft, number: str) -> tuple[RiskAnalysis, list[User]]:
        rng, site, spec = self.rng, draft.site, draft.site.spec
        year = draft.analysed_on.year
        facility = None
        if draft.trigger in (AnalysisTrigger.PREMISES, AnalysisTrigger.TECHNICAL_PROTECTION) or (
            site.facilities and rng.random() < 0.3
        ):
            facility = rng.choice(site.facilities) if site.facilities else None
        fill: dict[str, Any] = {"year": year, "facility": facility[1] if facility else spec.name}
        if draft.incident is not None:
            occurred, _pk, incident_number, type_name, _area = draft.incident
            fill |= {
                "what": type_name.lower(),
                "month": MONTHS[occurred.month - 1],
                "date": occurred.isoformat(),
                "number": incident_number,
            }
        responsible, participants = self._people(site)
        matrix = self.matrix if draft.analysed_on >= self.switch else self.first
        analysis = RiskAnalysis(
            organisation=self.organisation,
            number=number,
            node=spec.node,
            title=rng.choice(TRIGGER_TITLES[draft.trigger]).format(**fill)[:200],
            scope=rng.choice(SCOPES[draft.trigger]).format(**fill),
            method=rng.choice(METHODS),
            analysed_on=draft.analysed_on,
            trigger=draft.trigger,
            facility_id=facility[0] if facility else None,
            responsible=responsible,
            other_participants=", ".join(rng.sample(OTHER_PARTICIPANTS, rng.randint(0, 2))),
            affected_staff=f"Alla medarbetare på {spec.name} ({len(site.staff)} personer) samt vikarier.",
            matrix=matrix,
            status=draft.status,
            created_by=responsible,
        )
        stamp(analysis, responsible)
        analysis._history_date = self.at(draft.analysed_on, 9)  # type: ignore[attr-defined]
        if draft.status != AnalysisStatus.DRAFT:
            days = rng.randint(0, 10) if draft.status == AnalysisStatus.IN_PROGRESS else rng.randint(7, 45)
            changed = min(self.yesterday, draft.analysed_on + datetime.timedelta(days=days))
            analysis.status_changed_at = self.at(max(changed, draft.analysed_on), 15)
            analysis.status_changed_by = responsible
            if draft.status == AnalysisStatus.ADOPTED:
                analysis.adopted_at = analysis.status_changed_at
                analysis.adopted_by = site.manager or responsible
        return analysis, participants

    def risk(self, draft: _Draft, idea: RiskIdea, number: str) -> tuple[Risk, list[RiskAssessment]]:
        rng, site = self.rng, draft.site
        analysis = draft.analysis
        assert analysis is not None  # noqa: S101 - written before its risks
        matrix = analysis.matrix
        owner = site.manager if rng.random() < 0.6 else rng.choice(site.staff)
        # Foreign keys by id where the related row exists: assigning objects costs Django far more.
        risk = Risk(
            organisation_id=self.organisation.pk,
            analysis=analysis,  # not written yet
            node_id=analysis.node_id,
            matrix_id=matrix.pk,
            number=number,
            security_area_id=self.areas[idea.area].pk,
            title=idea.title,
            description=idea.description,
            threat=idea.threat,
            timeframe=Timeframe.FUTURE if idea.future else Timeframe.EXISTING,
            current_controls=idea.controls,
            owner_id=owner.pk if owner is not None else None,
            created_by_id=analysis.created_by_id,
        )
        stamp(risk, analysis.created_by)
        risk._history_date = self.at(draft.analysed_on, 11)  # type: ignore[attr-defined]
        likelihood = rng.randint(*idea.likelihood)
        consequences = {dim: rng.randint(lo, hi) for dim, (lo, hi) in idea.consequences.items()}
        assessments = [self._assess(draft, risk, matrix, Stage.CURRENT, likelihood, consequences)]
        if rng.random() < 0.7:
            worse = {dim: min(5, v + rng.choice((0, 1, 1))) for dim, v in consequences.items()}
            assessments.append(
                self._assess(draft, risk, matrix, Stage.INHERENT, min(5, likelihood + rng.choice((0, 1, 1, 2))), worse)
            )
        return risk, assessments

    def _assess(
        self, draft: _Draft, risk: Risk, matrix: RiskMatrix, stage: str, likelihood: int, consequences: dict[str, int]
    ) -> RiskAssessment:
        values: dict[str, int | None] = {d: consequences.get(d) for d in DIMENSIONS}
        consequence = matrix.aggregate(values)
        level = matrix.level_index(likelihood, consequence)
        assert consequence is not None and level is not None  # noqa: S101 - every idea judges a dimension
        setattr(risk, f"{stage}_likelihood", likelihood)
        setattr(risk, f"{stage}_consequence", consequence)
        setattr(risk, f"{stage}_level", level)
        assert draft.analysis is not None  # noqa: S101
        assessor = draft.analysis.responsible or draft.site.staff[0]
        assessment = RiskAssessment(
            organisation_id=self.organisation.pk,
            risk=risk,  # not written yet
            stage=stage,
            matrix_id=matrix.pk,
            likelihood=likelihood,
            consequence=consequence,
            level=level,
            rationale=self.rng.choice(RATIONALES) if stage == Stage.CURRENT else "",
            assessed_at=self.at(draft.analysed_on, 11),
            assessed_by_id=assessor.pk,
            **values,
        )
        stamp(assessment, assessor)
        assessment._history_date = assessment.assessed_at  # type: ignore[attr-defined]
        return assessment

    def residual(self, draft: _Draft, risk: Risk, measures: list[Measure]) -> RiskAssessment | None:
        """The judgement after the proposed measures: their largest reductions applied to today's judgement."""
        live = [m for m in measures if m.status != MeasureStatus.REJECTED]
        if not live or draft.status == AnalysisStatus.DRAFT or self.rng.random() < 0.1:
            return None
        current = next(a for a in self.current[risk.number] if a.stage == Stage.CURRENT)
        lower_l = max(m.likelihood_reduction for m in live)
        lower_c = max(m.consequence_reduction for m in live)
        consequences = {d: max(1, v - lower_c) for d in DIMENSIONS if (v := getattr(current, d))}
        matrix = draft.analysis.matrix if draft.analysis is not None else self.matrix
        return self._assess(draft, risk, matrix, Stage.RESIDUAL, max(1, current.likelihood - lower_l), consequences)

    def measure(self, draft: _Draft, risk: Risk, idea: MeasureIdea, number: str) -> Measure:
        rng, site = self.rng, draft.site
        analysis = draft.analysis
        assert analysis is not None  # noqa: S101
        investment = _round(rng.uniform(*idea.investment)) if idea.investment[1] else 0
        yearly = _round(rng.uniform(*idea.yearly)) if idea.yearly[1] else 0
        annual = yearly + investment / max(idea.lifetime, 1)
        expected: Decimal | None = None
        share: int | None = None
        roll = rng.random()
        if roll < 0.55 and annual > 0:
            expected = Decimal(_round(annual * rng.lognormvariate(math.log(1.4), 0.8)))
        elif roll < 0.85:
            share = rng.choice((10, 20, 25, 30, 40, 50, 60, 70))
        likelihood_reduction = consequence_reduction = 0
        if idea.kind == MeasureType.ELIMINATE:
            likelihood_reduction = rng.choice((2, 3))
        elif idea.kind == MeasureType.PREVENT:
            likelihood_reduction = rng.choice((1, 1, 2))
        else:
            consequence_reduction = rng.choice((1, 1, 2))
        level = risk.current_level or 0
        priority = (
            Priority.HIGH
            if level >= 3 or (level == 2 and rng.random() < 0.6)
            else Priority.MEDIUM
            if level >= 1
            else Priority.LOW
        )
        size = "large" if investment >= 100000 else "medium" if investment or yearly >= 5000 else "small"
        manager = site.manager if rng.random() < 0.7 else None
        measure = Measure(
            organisation_id=self.organisation.pk,
            analysis=analysis,  # not written yet
            node_id=analysis.node_id,
            number=number,
            measure_type=idea.kind,
            is_continuity=idea.continuity,
            title=idea.title,
            description=idea.description,
            security_area_id=risk.security_area_id,
            investment=Decimal(investment),
            yearly_cost=Decimal(yearly),
            lifetime_years=idea.lifetime,
            likelihood_reduction=likelihood_reduction,
            consequence_reduction=consequence_reduction,
            expected_reduction=expected,
            effect_share=share,
            priority=priority,
            financing=rng.choice(FINANCING[size]),
            responsible_id=manager.pk if manager is not None else risk.owner_id,
            status=self._measure_status(draft),
            created_by_id=analysis.created_by_id,
        )
        if measure.status == MeasureStatus.DONE:  # from the number, not the generator: the rest stays as it was
            later = datetime.timedelta(days=45 + zlib.crc32(number.encode()) % 320)
            measure.done_on = min(draft.analysed_on + later, self.yesterday)
        stamp(measure, analysis.created_by)
        measure._history_date = self.at(draft.analysed_on, 13)  # type: ignore[attr-defined]
        return measure

    def _measure_status(self, draft: _Draft) -> str:
        roll = self.rng.random()
        age = self.year - draft.analysed_on.year
        if draft.status in (AnalysisStatus.DRAFT, AnalysisStatus.IN_PROGRESS):
            table: tuple[tuple[float, str], ...] = ((0.85, MeasureStatus.PROPOSED),)
            fallback = MeasureStatus.DECIDED
        elif draft.status == AnalysisStatus.DONE:
            table = ((0.5, MeasureStatus.PROPOSED),)
            fallback = MeasureStatus.DECIDED
        elif age >= 2:
            table = ((0.6, MeasureStatus.DONE), (0.75, MeasureStatus.DECIDED), (0.87, MeasureStatus.REJECTED))
            fallback = MeasureStatus.PROPOSED
        elif age == 1:
            table = ((0.35, MeasureStatus.DONE), (0.75, MeasureStatus.DECIDED), (0.85, MeasureStatus.REJECTED))
            fallback = MeasureStatus.PROPOSED
        else:
            table = ((0.1, MeasureStatus.DONE), (0.7, MeasureStatus.DECIDED), (0.75, MeasureStatus.REJECTED))
            fallback = MeasureStatus.PROPOSED
        return next((status for limit, status in table if roll < limit), fallback)

    def links(self, draft: _Draft, risk: Risk) -> list[int]:
        """The node's incidents of the risk's security area in the three years before the analysis."""
        rows = self.incidents_by_area.get((risk.node_id, risk.security_area_id), [])
        end = bisect.bisect_left(rows, (draft.analysed_on,))
        since = draft.analysed_on - datetime.timedelta(days=3 * 365)
        recent = [pk for day, pk in rows[max(0, end - LINKS_PER_RISK) : end] if day >= since]
        if (
            draft.incident is not None
            and draft.incident[4] == risk.security_area_id
            and draft.incident[1] not in recent
        ):
            recent = [*recent[-(LINKS_PER_RISK - 1) :], draft.incident[1]]
        return recent if recent and self.rng.random() < 0.85 else []


def _round(value: float) -> int:
    """Amounts as people write them: to the hundred, or the thousand above 10,000."""
    return int(round(value, -3 if value >= 10000 else -2))


def _numbered(prefix: str, days: list[datetime.date]) -> tuple[list[str], dict[int, int]]:
    """Case numbers in the order given (by date), per year, and the last number per year."""
    last: dict[int, int] = {}
    numbers = []
    for day in days:
        last[day.year] = last.get(day.year, 0) + 1
        numbers.append(f"{prefix}{day.year}-{last[day.year]:05d}")
    return numbers, last


def _ideas(builder: _Builder, draft: _Draft) -> list[RiskIdea]:
    site, rng = draft.site, builder.rng
    k = min(draft.size, len(site.ideas))
    chosen = _weighted_sample(rng, site.ideas, site.weights, k)
    area_id = draft.incident[4] if draft.incident is not None else None
    if area_id is not None and not any(builder.areas[i.area].pk == area_id for i in chosen):
        matching = [i for i in site.ideas if builder.areas[i.area].pk == area_id]
        if matching:
            chosen[-1] = rng.choice(matching)
    return chosen


def _next_review(analysis: RiskAnalysis, risks: list[Risk]) -> datetime.date:
    """As :func:`varna.risks.services.suggested_next_review`: the interval of the worst open risk, at most a year."""
    levels = [r.current_level for r in risks if r.status == RiskStatus.OPEN and r.current_level is not None]
    band = analysis.matrix.level(max(levels)) if levels else None
    months = min(int(band["review_months"]), 12) if band else 12
    start = analysis.analysed_on
    month = start.month - 1 + months
    return datetime.date(start.year + month // 12, month % 12 + 1, min(start.day, 28))


def build(ctx: OrgContext) -> None:
    started = time.perf_counter()
    rng = ctx.random("risks")
    builder = _Builder(ctx, rng)
    sites = builder.sites()
    drafts = builder.drafts(sites)
    if not drafts:
        return
    _write(ctx, builder, drafts)
    _schedule(ctx, builder, sites, drafts)
    if ctx.index < 10 or ctx.index % 50 == 0:
        seconds = time.perf_counter() - started
        ctx.run.log(
            f"{ctx.name}: {ctx.counts['riskanalysis']} riskanalyser, {ctx.counts['risk']} risker, "
            f"{ctx.counts['measure']} åtgärder / risk analyses, risks, measures ({seconds:.1f} s)"
        )


def _write(ctx: OrgContext, builder: _Builder, drafts: list[_Draft]) -> None:
    rng = builder.rng
    organisation = builder.organisation
    numbers, last_analysis = _numbered("RA-", [d.analysed_on for d in drafts])
    analyses, participants = [], []
    for draft, number in zip(drafts, numbers, strict=True):
        analysis, people = builder.analysis(draft, number)
        draft.analysis = analysis
        analyses.append(analysis)
        participants.append(people)

    # Risks, in the order of their analyses, with today's and the inherent judgement.
    ideas = {id(d): _ideas(builder, d) for d in drafts}
    risk_days = [d.analysed_on for d in drafts for _ in ideas[id(d)]]
    risk_numbers, last_risk = _numbered("R-", risk_days)
    numbers_iter = iter(risk_numbers)
    judged: dict[str, list[RiskAssessment]] = {}
    risks: list[Risk] = []
    for draft in drafts:
        for idea in ideas[id(draft)]:
            risk, first = builder.risk(draft, idea, next(numbers_iter))
            draft.risks.append(risk)
            judged[risk.number] = first
            risks.append(risk)
    builder.current = judged

    # Measures: about two per risk, from the risk's ideas.
    plans: list[tuple[_Draft, Risk, MeasureIdea]] = []
    for draft in drafts:
        for risk, risk_idea in zip(draft.risks, ideas[id(draft)], strict=True):
            count = rng.choices([n for n, _w in MEASURES_PER_RISK], [w for _n, w in MEASURES_PER_RISK])[0]
            chosen = rng.sample(risk_idea.measures, min(count, len(risk_idea.measures)))
            plans += [(draft, risk, m) for m in chosen]
    measure_numbers, last_measure = _numbered("Å-", [d.analysed_on for d, _r, _m in plans])
    measures: list[Measure] = []
    served: list[list[Risk]] = []
    by_risk: dict[str, list[Measure]] = defaultdict(list)
    for (draft, risk, measure_idea), number in zip(plans, measure_numbers, strict=True):
        measure = builder.measure(draft, risk, measure_idea, number)
        measures.append(measure)
        serves = [risk]
        others = [r for r in draft.risks if r is not risk]
        if others and rng.random() < SHARED_MEASURE:
            serves.append(rng.choice(others))
        served.append(serves)
        for r in serves:
            by_risk[r.number].append(measure)

    # The judgement after the measures, and the risk's status.
    assessments: list[RiskAssessment] = []
    for draft in drafts:
        for risk in draft.risks:
            residual = builder.residual(draft, risk, by_risk[risk.number])
            assessments += judged[risk.number] + ([residual] if residual else [])
            if (risk.current_level or 0) == 0 and rng.random() < 0.4:
                risk.status = RiskStatus.ACCEPTED
            elif draft.analysed_on.year < builder.year - 1 and any(
                m.measure_type == MeasureType.ELIMINATE and m.status == MeasureStatus.DONE for m in by_risk[risk.number]
            ):
                risk.status = RiskStatus.ELIMINATED
        if draft.analysis is not None and draft.status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
            draft.analysis.next_review = _next_review(draft.analysis, draft.risks)
    insert(ctx, RiskAnalysis, analyses)  # with their next review, so that the history starts with it
    insert_links(
        ctx,
        RiskAnalysis.participants.through,
        [(a.pk, u.pk) for a, people in zip(analyses, participants, strict=True) for u in people],
    )
    insert(ctx, Risk, risks)
    insert(ctx, RiskAssessment, assessments)
    insert(ctx, Measure, measures)
    insert_links(
        ctx,
        Measure.risks.through,
        [(m.pk, r.pk) for m, serves in zip(measures, served, strict=True) for r in serves],
    )
    insert_links(
        ctx,
        Risk.incidents.through,
        [(risk.pk, pk) for draft in drafts for risk in draft.risks for pk in builder.links(draft, risk)],
    )
    # The analysis's areas are those of its risks.
    insert_links(
        ctx,
        RiskAnalysis.security_areas.through,
        [(d.analysis.pk, area) for d in drafts if d.analysis for area in sorted({r.security_area_id for r in d.risks})],
    )
    CaseCounter.objects.bulk_create(
        [
            CaseCounter(organisation=organisation, series=SERIES[kind], year=year, last=n)
            for kind, last in (("analysis", last_analysis), ("risk", last_risk), ("measure", last_measure))
            for year, n in sorted(last.items())
        ]
    )


def _schedule(ctx: OrgContext, builder: _Builder, sites: list[_Site], drafts: list[_Draft]) -> None:
    """This year's plan of analyses (K6): every node whose next review falls this year or earlier."""
    year = builder.year
    latest: dict[int, _Draft] = {}
    this_year: dict[int, RiskAnalysis] = {}
    for draft in drafts:  # in date order
        node_id = draft.site.spec.node.pk
        if draft.analysed_on.year == year:
            if draft.analysis is not None:
                this_year.setdefault(node_id, draft.analysis)
        elif draft.analysis is not None and draft.analysis.next_review is not None:
            latest[node_id] = draft
    start, end = datetime.date(year, 1, 15), datetime.date(year, 12, 15)
    planned = []
    for site in sites:
        node_id = site.spec.node.pk
        previous = latest.get(node_id)
        damage = len([d for d, *_rest in builder.incidents_by_node.get(node_id, []) if (builder.today - d).days <= 365])
        if previous is not None and previous.analysis is not None and previous.analysis.next_review is not None:
            due = previous.analysis.next_review
            if due.year > year:
                continue
            reason, note = AnalysisTrigger.YEARLY, "Samordnas med arbetsmiljöronden."
        elif damage >= 3:
            due = start + datetime.timedelta(days=builder.rng.randrange((end - start).days))
            reason, note = AnalysisTrigger.DAMAGE, f"{damage} händelser det senaste året."
        else:
            continue
        creator = builder.coordinator
        entry = PlannedAnalysis(
            organisation=builder.organisation,
            node=site.spec.node,
            year=year,
            planned_for=min(max(due, start), end),
            reason=reason,
            responsible=site.manager,
            note=note,
            analysis=this_year.get(node_id),
            created_by=creator,
        )
        stamp(entry, creator)
        entry._history_date = builder.at(datetime.date(year, 1, 10))  # type: ignore[attr-defined]
        planned.append(entry)
    ctx.save(PlannedAnalysis, planned)
