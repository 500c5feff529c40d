"""Five years of incidents: seasonal, typical of each kind of workplace, mostly closed.

Volume: about :data:`INCIDENTS_PER_SCALE` incidents per unit of scale for Exempelkommun
(``--scale 170`` gives about 500,000) and a quarter of that rate for the other
municipalities. The period ends yesterday, so that the newest cases are open and the
statistics show the current year; everything else is drawn from ``ctx.random("incidents")``.

What makes the data look real:

- where: units in proportion to their staff, weighted by how exposed the kind of
  workplace is (housing and culture venues more, offices less);
- what: each kind of workplace has its own mix of event types (threats and violence in
  schools, care and social services; water damage in housing; IT incidents in offices);
- when: each type has its season (fires and water damage in winter, vandalism and
  burglary in the summer and autumn holidays, week 44 most of all; threats follow the
  school terms) and its hours (burglary at night and at weekends, threats in working hours);
- costs: lognormal per type; the costs of the last year as cost lines with an accounting
  code string (kodsträng, the sample chart of accounts :data:`DEFAULT_SEGMENTS`), older ones as ``total_cost`` alone;
- status: cases older than half a year are nearly all closed; the last month is mostly open.

Speed: incidents are written with ``bulk_create`` in batches of :data:`CHUNK` with their case
numbers computed here (the ``CaseCounter`` rows are set once at the end), and *without*
history rows: at scale 170 that would be another half a million rows for records that, in
the demo, have never changed. Their timeline (reported, and the last status change) shows
the same facts. Cost lines and incident types are likewise written without history.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

from varna.core.models import CaseCounter, NodeKind, Organisation, Role, User
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.incident_profiles import (
    ACCOUNT,
    ACTIVITY,
    ANY_TYPES,
    CAUSES,
    CONSEQUENCES,
    COSTS,
    DESCRIPTIONS,
    EXPOSURE,
    FLAT,
    HOLIDAY_BOOST,
    HOLIDAY_WEEK,
    HOURS,
    IMMEDIATE,
    MAX_COST,
    MEASURES,
    MIX,
    NIGHT_TYPES,
    NO_POLICE,
    PEOPLE_TYPES,
    SEASON,
    SETTING_OF_PROFILE,
    WEEKDAYS,
)
from varna.incidents.models import (
    AccountingSegment,
    AccountingValue,
    CostLine,
    Incident,
    Severity,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services import ensure_defaults
from varna.incidents.services.summary import rebuild_incident_summary
from varna.protection.models import Facility

INCIDENTS_PER_SCALE = 2900  # Exempelkommun, over the five years
OTHER_RATE = 0.25  # Grannby and further municipalities: a quarter of Exempelkommun's rate per employee
MIN_OTHER = 3  # ... but at least a few
YEARS = 5
CHUNK = 5000  # incidents built and written at a time
SERIES = "incident"
SERIOUS_SHARE = 0.01  # of incidents that can hurt people: a few serious events a year
COST_LINE_DAYS = 365  # costs of the last year are cost lines with a code string; older ones only a total
ADMINISTRATION_KINDS = (NodeKind.ADMINISTRATION, NodeKind.COMPANY, NodeKind.FEDERATION)
SAMPLE_UNITS = ("Solrosens förskola", "Hemtjänst Centrum")  # used by the access-matrix test and the tour

# The sample chart of accounts of one municipality: (code, Swedish name, required, [(value, name)]),
# the segments of the code string (kodsträng) in order. Organisations outside the demo set up their own.
DEFAULT_SEGMENTS: list[tuple[str, str, bool, list[tuple[str, str]]]] = [
    (
        "ansvar",
        "Ansvar",
        True,
        [
            ("1100", "Kommunledningsförvaltningen"),
            ("2100", "Barn- och utbildningsförvaltningen"),
            ("3100", "Vård- och omsorgsförvaltningen"),
            ("4100", "Samhällsbyggnadsförvaltningen"),
            ("5100", "Kultur- och fritidsförvaltningen"),
        ],
    ),
    (
        "verksamhet",
        "Verksamhet",
        True,
        [
            ("100", "Politisk verksamhet"),
            ("407", "Förskola"),
            ("425", "Grundskola"),
            ("510", "Vård och omsorg om äldre"),
            ("530", "Hemtjänst"),
            ("900", "Gemensam verksamhet"),
        ],
    ),
    (
        "konto",
        "Konto",
        True,
        [
            ("6420", "Reparation och underhåll av lokaler"),
            ("6460", "Reparation och underhåll av inventarier"),
            ("6950", "Självrisker"),
            ("7690", "Övriga kostnader"),
        ],
    ),
    ("projekt", "Projekt", False, []),
]


@transaction.atomic
def ensure_accounting_defaults(*, organisation: Organisation) -> list[AccountingSegment]:
    """Give an organisation without any segments the sample set: ansvar, verksamhet, konto and projekt.

    Only the demo calls this (for each municipality it builds); an organisation in use configures its own
    segments on the accounting settings page.
    """
    if AccountingSegment.objects.filter(organisation=organisation).exists():
        return list(AccountingSegment.objects.filter(organisation=organisation))
    AccountingSegment.objects.bulk_create(
        [
            AccountingSegment(organisation=organisation, code=code, name=name, position=i + 1, required=required)
            for i, (code, name, required, _values) in enumerate(DEFAULT_SEGMENTS)
        ],
        ignore_conflicts=True,
    )
    segments = {s.code: s for s in AccountingSegment.objects.filter(organisation=organisation)}
    AccountingValue.objects.bulk_create(
        [
            AccountingValue(organisation=organisation, segment=segments[code], value=value, name=name)
            for code, _name, _required, values in DEFAULT_SEGMENTS
            for value, name in values
            if code in segments
        ],
        ignore_conflicts=True,
    )
    return list(AccountingSegment.objects.filter(organisation=organisation))


@dataclass(frozen=True)
class _Site:
    spec: NodeSpec
    setting: str
    staff: Sequence[User]
    handler: User | None
    facility_id: int | None
    address: str


@dataclass
class _Draft:
    """The parts of an incident drawn before numbering; the rest is drawn when it is written."""

    site: _Site
    code: str
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    reporter: User | None = None
    status: str | None = None
    number: str = ""
    cost: Decimal | None = None


class _Cumulative:
    """Weighted choice with precomputed cumulative weights: one bisect per draw."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        if not self.items or self.cum[-1] <= 0:
            raise ValueError("nothing to choose from")

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def _setting(spec: NodeSpec) -> str:
    key = spec.profile.key if spec.profile is not None else ""
    return SETTING_OF_PROFILE.get(key, "office")


def _handler(ctx: OrgContext, spec: NodeSpec) -> User | None:
    for role in (Role.UNIT_MANAGER, Role.HEAD_OF_ADMINISTRATION):
        found = ctx.holder(role, spec)
        if found is not None:
            return found
    return None


def _sites(ctx: OrgContext) -> list[_Site]:
    facilities: dict[int, tuple[int, str]] = {}
    for pk, node_id, street in (
        Facility.objects.filter(organisation=ctx.organisation)
        .order_by("pk")
        .values_list("pk", "node_id", "street_address")
    ):
        facilities.setdefault(node_id, (pk, street))
    sites = []
    for spec in ctx.specs:
        staff = ctx.staff.get(spec) or []
        if spec.profile is None or not staff or spec.kind in (NodeKind.COMMITTEE, NodeKind.EXECUTIVE_BOARD):
            continue
        facility_id, address = facilities.get(spec.node.pk, (None, ""))
        sites.append(_Site(spec, _setting(spec), staff, _handler(ctx, spec), facility_id, address))
    return sites


class _Calendar:
    """The period's days, with per-type seasonal weights, and times of day."""

    def __init__(self, end: datetime.date) -> None:
        self.end = end
        self.start = end.replace(year=end.year - YEARS) + datetime.timedelta(days=1)
        self.days = [self.start + datetime.timedelta(days=i) for i in range((end - self.start).days + 1)]
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self._by_type: dict[str, _Cumulative] = {}
        self._hours = {kind: _Cumulative(range(24), weights) for kind, weights in HOURS.items()}

    @staticmethod
    def rhythm(code: str) -> str:
        return "night" if code in NIGHT_TYPES else "any" if code in ANY_TYPES else "day"

    def day_chooser(self, code: str) -> _Cumulative:
        chooser = self._by_type.get(code)
        if chooser is None:
            season, week = SEASON.get(code, FLAT), WEEKDAYS[self.rhythm(code)]
            boost = HOLIDAY_BOOST.get(code, 1.0)
            weights = [
                season[d.month - 1] * week[d.weekday()] * (boost if d.isocalendar().week == HOLIDAY_WEEK else 1.0)
                for d in self.days
            ]
            chooser = self._by_type[code] = _Cumulative(self.days, weights)
        return chooser

    def moment(self, rng: random.Random, code: str) -> datetime.datetime:
        day: datetime.date = self.day_chooser(code).pick(rng)
        hour: int = self._hours[self.rhythm(code)].pick(rng)
        return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=self.tz)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    @property
    def cutoff(self) -> datetime.datetime:
        """Nothing is reported or closed after the end of the period."""
        return self.at(self.end, 23, 59)


def _report_delay(rng: random.Random) -> datetime.timedelta:
    """Most reports come within hours; some days later."""
    return datetime.timedelta(minutes=round(min(60 * 24 * 30, 10 + rng.lognormvariate(math.log(180), 1.4))))


def _drafts(ctx: OrgContext, rng: random.Random, sites: list[_Site], calendar: _Calendar, count: int) -> list[_Draft]:
    where = _Cumulative(sites, [len(s.staff) * EXPOSURE[s.setting] for s in sites])
    mixes = {setting: _Cumulative(list(mix), list(mix.values())) for setting, mix in MIX.items()}
    drafts = []
    cutoff = calendar.cutoff
    for _i in range(count):
        site: _Site = where.pick(rng)
        code: str = mixes[site.setting].pick(rng)
        occurred = calendar.moment(rng, code)
        drafts.append(_Draft(site, code, occurred, min(cutoff, occurred + _report_delay(rng))))
    return drafts


def _guaranteed(ctx: OrgContext, rng: random.Random, sites: list[_Site], calendar: _Calendar) -> list[_Draft]:
    """Incidents that exist at every scale: an ordinary and a threat report at each sample unit
    (the first written there is a threat at the preschool and an ordinary one in home care), a
    fresh report by the employee persona, and in other municipalities one at their deepest unit."""
    by_spec = {site.spec: site for site in sites}
    first_day, last_day = calendar.days[0], calendar.days[-1]
    drafts: list[_Draft] = []

    def add(site: _Site, code: str, day: datetime.date, hour: int, reporter: User | None = None, **kw: Any) -> None:
        occurred = calendar.at(day, hour, rng.randrange(60))
        reported = min(calendar.cutoff, occurred + datetime.timedelta(minutes=45))
        drafts.append(_Draft(site, code, occurred, reported, reporter=reporter, **kw))

    if ctx.index == 0:
        preschool, home_care = (by_spec.get(ctx.by_name.get(name)) for name in SAMPLE_UNITS)  # type: ignore[arg-type]
        if preschool is not None:
            add(preschool, "threat", first_day, 9)
            employee = ctx.personas.get("anstalld")
            add(preschool, "vandalism", last_day, 7, reporter=employee, status=Status.REPORTED)
        if home_care is not None:
            add(home_care, "accident", first_day, 10)
            add(home_care, "threat", first_day + datetime.timedelta(days=40), 14)
    else:
        # The deepest node, first in tree order: the one the access-matrix test samples.
        deepest = min(ctx.specs, key=lambda spec: (-spec.depth, spec.path))
        site = by_spec.get(deepest) or min(sites, key=lambda s: (-s.spec.depth, s.spec.path))
        add(site, "vandalism", first_day + datetime.timedelta(days=100), 8)
    return drafts


def _status(rng: random.Random, age_days: int) -> str:
    roll = rng.random()
    table: tuple[tuple[float, str], ...]
    if age_days > 180:
        table = (
            (0.92, Status.CLOSED),
            (0.95, Status.REJECTED),
            (0.97, Status.DUPLICATE),
            (0.99, Status.MEASURES_DECIDED),
        )
        fallback = Status.INVESTIGATING
    elif age_days > 30:
        table = ((0.6, Status.CLOSED), (0.8, Status.MEASURES_DECIDED), (0.95, Status.INVESTIGATING))
        fallback = Status.REPORTED
    else:
        table = ((0.45, Status.REPORTED), (0.75, Status.INVESTIGATING), (0.85, Status.MEASURES_DECIDED))
        fallback = Status.CLOSED
    return next((status for limit, status in table if roll < limit), fallback)


def _money(value: float) -> Decimal:
    return Decimal(round(min(value, MAX_COST), -1 if value >= 100 else 0)).quantize(Decimal("0.01"))


def _number(drafts: list[_Draft]) -> dict[int, int]:
    """Give case numbers in the order of reporting, per year; return the last number per year."""
    last: dict[int, int] = {}
    for draft in sorted(drafts, key=lambda d: d.reported_at):
        year = draft.reported_at.astimezone(draft.occurred_at.tzinfo).year
        last[year] = last.get(year, 0) + 1
        draft.number = f"{year}-{last[year]:05d}"
    return last


class _Builder:
    def __init__(self, ctx: OrgContext, rng: random.Random, calendar: _Calendar) -> None:
        if ctx.organisation is None:
            raise RuntimeError("the tree step writes the organisation first")
        self.ctx, self.rng, self.calendar = ctx, rng, calendar
        self.organisation = ctx.organisation
        self.types = {t.code: t for t in ensure_defaults(organisation=self.organisation)}
        self.segments = self._accounting_segments()

    def _accounting_segments(self) -> list[tuple[str, bool, list[str]]]:
        """(code, required, valid values) of each segment of the code string (kodsträng), in order."""
        segments = ensure_accounting_defaults(organisation=self.organisation)
        values: dict[int, list[str]] = {}
        for segment_id, value in (
            AccountingValue.objects.filter(segment__in=segments).order_by("value").values_list("segment_id", "value")
        ):
            values.setdefault(segment_id, []).append(value)
        ordered = sorted(segments, key=lambda s: (s.position, s.pk))
        return [(s.code, s.required, values.get(s.pk, [])) for s in ordered]

    def accounting_code(self, site: _Site, code: str) -> str:
        """A valid code string for a cost at ``site``: the administration, the activity and the account."""
        admin = site.spec
        while admin.parent is not None and admin.kind not in ADMINISTRATION_KINDS:
            admin = admin.parent
        wanted = {
            "ansvar": admin.code,
            "verksamhet": ACTIVITY.get(site.setting, "900"),
            "konto": ACCOUNT.get(code, "7690"),
        }
        parts = []
        for segment, required, values in self.segments:
            if not required:
                break
            preferred = wanted.get(segment)
            parts.append(preferred if preferred in values else self.rng.choice(values) if values else "1")
        return "-".join(parts)

    def incident(self, draft: _Draft) -> Incident:
        rng, site, code = self.rng, draft.site, draft.code
        kind = self.types[code]
        reporter = draft.reporter or rng.choice(site.staff)
        age = (self.calendar.end - draft.reported_at.date()).days
        status = draft.status or _status(rng, age)
        draft.reporter, draft.status = reporter, status
        incident = Incident(
            organisation=self.ctx.organisation,
            number=draft.number,
            incident_type=kind,
            security_area_id=kind.security_area_id,
            occurred_at=draft.occurred_at,
            occurred_on=draft.occurred_at.date(),
            reported_at=draft.reported_at,
            reporter=reporter,
            employment_node_id=reporter.employment_node_id or site.spec.node.pk,
            incident_node=site.spec.node,
            facility_id=site.facility_id if rng.random() < 0.8 else None,
            address=site.address,
            description=rng.choice(DESCRIPTIONS.get(code, DESCRIPTIONS["other"])),
            immediate_action=rng.choice(IMMEDIATE),
            status=status,
            is_confidential=kind.is_confidential,
        )
        for dim, top in CONSEQUENCES.get(code, {}).items():
            setattr(incident, f"{dim}_severity", rng.randint(max(0, top - 1), top))
        if code in ("violence", "assault", "accident") and rng.random() < 0.35:
            incident.injured_count = 1
        if code in PEOPLE_TYPES and rng.random() < SERIOUS_SHARE:  # a few serious events
            incident.people_severity = Severity.VERY_SERIOUS
            incident.injured_count = max(incident.injured_count, rng.randint(1, 4))
            incident.is_serious = True
            incident.authority_notified_at = draft.reported_at + datetime.timedelta(hours=rng.randint(1, 6))
        draft.cost = self._costs(incident, code)
        if kind.is_confidential:
            self._confidential(incident, site, reporter)
        if status != Status.REPORTED:
            incident.handler = site.handler
        if status in (Status.MEASURES_DECIDED, Status.CLOSED):
            incident.causes = rng.choice(CAUSES)
            incident.decided_measures = rng.choice(MEASURES)
        if status in (Status.CLOSED, Status.REJECTED, Status.DUPLICATE):
            days = rng.lognormvariate(math.log(18), 0.9)
            incident.closed_at = min(self.calendar.cutoff, draft.reported_at + datetime.timedelta(days=days))
        return incident

    def _costs(self, incident: Incident, code: str) -> Decimal | None:
        share, median, sigma = COSTS.get(code, (0.0, 0.0, 1.0))
        if self.rng.random() >= share:
            return None
        cost = _money(self.rng.lognormvariate(math.log(median), sigma))
        if self.rng.random() < 0.5:
            incident.estimated_cost = _money(float(cost) * self.rng.uniform(0.5, 1.5))
        incident.total_cost = cost  # the cost lines, if any, add up to this
        return cost

    def _confidential(self, incident: Incident, site: _Site, reporter: User) -> None:
        rng = self.rng
        incident.victim = reporter if rng.random() < 0.7 else rng.choice(site.staff)
        incident.support_offered = rng.random() < 0.85
        incident.crisis_group_alerted = incident.people_severity >= Severity.SERIOUS and rng.random() < 0.5
        if rng.random() < 0.35:
            incident.police_report_number = f"5000-K{rng.randint(100000, 999999)}-{incident.occurred_on:%y}"
        else:
            incident.police_not_contacted_reason = rng.choice(NO_POLICE)

    def timeline(self, incident: Incident) -> list[TimelineEntry]:
        entries = [
            TimelineEntry(
                organisation=self.ctx.organisation,
                incident=incident,
                at=incident.reported_at,
                actor=incident.reporter,
                kind=TimelineKind.REPORTED,
                to_status=Status.REPORTED,
            )
        ]
        if incident.status != Status.REPORTED:
            at = incident.closed_at or min(self.calendar.cutoff, incident.reported_at + datetime.timedelta(days=3))
            entries.append(
                TimelineEntry(
                    organisation=self.ctx.organisation,
                    incident=incident,
                    at=at,
                    actor=incident.handler,
                    kind=TimelineKind.STATUS,
                    from_status=Status.REPORTED,
                    to_status=incident.status,
                )
            )
        return entries

    def cost_lines(self, incident: Incident, draft: _Draft) -> list[CostLine]:
        """Cost lines with a code string for the costs of the last year; older cases keep ``total_cost`` alone."""
        cost = draft.cost
        if cost is None or not self.segments or (self.calendar.end - draft.reported_at.date()).days > COST_LINE_DAYS:
            return []
        return [
            CostLine(
                organisation=self.ctx.organisation,
                incident=incident,
                amount=cost,
                accounting_code=self.accounting_code(draft.site, draft.code),
                description="Reparation och återställning",
                created_by=incident.handler or incident.reporter,
            )
        ]


def _chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(ctx: OrgContext, model: type[models.Model], objs: list[Any]) -> list[Any]:
    """Write ``objs`` and give them their primary keys: ``COPY`` on PostgreSQL, else ``bulk_create``."""
    if not objs:
        return objs
    if connection.vendor == "postgresql":
        _copy(model, objs)
    else:
        objs = model._default_manager.bulk_create(objs, batch_size=CHUNK)
        if objs[0].pk is None:
            raise RuntimeError("the database did not return primary keys from a bulk insert")
    ctx.counts[model._meta.model_name or model._meta.label] += len(objs)
    return objs


def _copy(model: type[models.Model], objs: list[Any]) -> None:
    """PostgreSQL's ``COPY`` with ids taken from the table's sequence first.

    Building the SQL of a multi-row ``INSERT`` costs Django far more than the database needs
    to store the rows: at scale 170 (half a million incidents) ``COPY`` saves minutes.
    """
    meta = model._meta
    fields = list(meta.concrete_fields)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy costs a lookup per value
    quote = db.ops.quote_name
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, db.alias
            for field in stamped:
                field.pre_save(obj, True)
        # The values as they are: str, int, bool, Decimal, dates and aware datetimes, which psycopg
        # adapts itself (Django's get_db_prep_save would return them unchanged, at a cost per value).
        names = [f.attname for f in fields]
        columns = ", ".join(quote(f.column or f.attname) for f in fields)
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                values = obj.__dict__
                copy.write_row([values[name] for name in names])


def incident_count(ctx: OrgContext) -> int:
    if ctx.index == 0:
        return round(INCIDENTS_PER_SCALE * ctx.scale)
    return max(MIN_OTHER, round(INCIDENTS_PER_SCALE * ctx.scale * OTHER_RATE))


def build(ctx: OrgContext) -> None:
    started = time.perf_counter()
    rng = ctx.random("incidents")
    end = ctx.run.history_date.astimezone(ZoneInfo(settings.TIME_ZONE)).date() - datetime.timedelta(days=1)
    calendar = _Calendar(end)
    builder = _Builder(ctx, rng, calendar)
    sites = _sites(ctx)
    if not sites:
        return
    guaranteed = _guaranteed(ctx, rng, sites, calendar)
    drafts = _drafts(ctx, rng, sites, calendar, max(0, incident_count(ctx) - len(guaranteed)))
    drafts.sort(key=lambda d: d.reported_at)
    last = _number([*guaranteed, *drafts])
    for chunk in _chunks([*guaranteed, *drafts], CHUNK):
        incidents = _insert(ctx, Incident, [builder.incident(draft) for draft in chunk])
        _insert(ctx, TimelineEntry, [entry for incident in incidents for entry in builder.timeline(incident)])
        lines = [
            line
            for incident, draft in zip(incidents, chunk, strict=True)
            for line in builder.cost_lines(incident, draft)
        ]
        _insert(ctx, CostLine, lines)
    # The bulk writes went past the services: the statistics' daily summary is counted once, afterwards.
    if ctx.organisation is not None:
        rebuild_incident_summary(organisation_id=ctx.organisation.pk)
    CaseCounter.objects.bulk_create(
        [
            CaseCounter(organisation=ctx.organisation, series=SERIES, year=year, last=n)
            for year, n in sorted(last.items())
        ]
    )
    if ctx.index < 10 or ctx.index % 50 == 0:
        seconds = time.perf_counter() - started
        ctx.run.log(f"{ctx.name}: {ctx.counts['incident']} händelser / incidents ({seconds:.1f} s)")
