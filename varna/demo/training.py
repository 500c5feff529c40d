"""Training (G7, K14) and information to staff after events (K24): five years of records with realistic gaps.

- **Employment:** every employee gets ``employed_from``: most began years ago (a long tail back to the 1980s),
  about :data:`NEW_SHARE` within the last year and a few within the last month.
- **Records** of the courses the organisation's set-up made (:mod:`varna.training.services.setup`; codes such as
  ``brand-grund``), each course only if the organisation has it:

  - basic fire training (once): nearly everyone, a few weeks after they started;
  - the fire refresher (valid three years): the share with a valid one varies by administration
    (:data:`REFRESHER_COVERAGE`), the others have one that ran out or never had one; an earlier round for some;
  - first aid and CPR (valid two years): most staff at units running a care home, and a few elsewhere;
  - information security (e-learning, valid two years): somewhat fewer than the refresher;
  - security for managers (once): most unit managers and heads of administration;
  - threats and violence (once, no requirement): some staff in care, schools and social services;
  - the new-employee introduction (e-learning, once): most older staff, and about half of the newest.

  No record lies in the future, and none before the person was employed. Classroom courses came with the
  providers' lists (source ``import``), e-learning from the learning platform (``api``).
- **Sessions:** a handful per municipality: refreshers and CPR given in the last weeks with attendance marked
  (most attended; their records come from the session), one given last week whose attendance is still to be
  marked, and some ahead with people signed up.
- **Information to staff** after some of the last year's threats, violence, fires and burglaries, recorded by
  the unit's manager a few days after the event.

Speed: at ``--scale 15`` about 45,000 ``employed_from`` values and 200,000 records, written with
:mod:`varna.demo.bulk` (records without history rows: in the demo they have never changed). Everything is
drawn from ``ctx.random("training")``; the dates count back from the day the demo is generated.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.base import ModelState

from varna.core.dates import add_months
from varna.core.models import NodeKind, Role, RoleAssignment, User
from varna.demo.bulk import insert
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.incidents import SAMPLE_UNITS
from varna.incidents.models import Incident, Status
from varna.protection.models import Facility, FacilityKind
from varna.training.models import (
    MANAGER_ROLES,
    Course,
    CourseFormat,
    CourseSession,
    RecordSource,
    SessionParticipant,
    StaffInformation,
    TrainingRecord,
)
from varna.training.services.coverage import refresh_coverage
from varna.training.services.setup import set_up_training

YEARS = 5  # repeating courses are recorded this far back
NEW_SHARE = 0.08  # employed within the last year
VERY_NEW_SHARE = 0.012  # of all staff: employed within the last month
MEAN_YEARS_EMPLOYED = 9.0  # the others: years since they began (exponential, 1 to 40 years)
REFRESHER_COVERAGE = (0.70, 0.85)  # per administration: the share with a valid refresher
INFOSEC_BELOW_REFRESHER = 0.06  # e-learning on information security lags a little behind
BASIC_FIRE_SHARE = 0.94
CARE_CPR_SHARE = 0.86
OTHER_CPR_SHARE = 0.08  # first aid is popular in schools and preschools too
MANAGER_COURSE_SHARE = 0.88
THREAT_COURSE_SECTORS = frozenset({"voo", "soc", "bou", "ifo"})  # care, social services and schools
THREAT_COURSE_SHARE = 0.3
INTRODUCTION_SHARE = 0.9  # of staff employed within the five years
NEW_INFORMED_SHARE = 0.55  # of the newest, informed so far
SESSION_GROUP = (6, 12)  # participants in a session
WRITE_BATCH = 20_000
INFORMATION_TYPES = ("threat", "violence", "assault", "fire", "burglary")
_DAY = datetime.timedelta(days=1)
EMPLOYEE_PERSONA = "anstalld"  # her information security course has run out: a gap on "my training"

TEACHERS = ("Anna Brandt, Räddningstjänsten", "Per Lind, Brandskyddsföreningen", "Lena Ek, Röda korset")
PLACES = ("Stadshuset, sal Lärkan", "Räddningsstationen, övningsfältet", "Kommunhuset, konferensrum 2")

INFORMATION_TEXTS = {
    "threat": (
        "Personalen på {unit}",
        "Vi gick igenom vad som hände, att händelsen är polisanmäld och hur vi larmar om personen hör av sig "
        "igen. Företagshälsovården finns för den som vill prata.",
    ),
    "violence": (
        "All personal på {unit}, även timanställda",
        "Genomgång av händelsen utan namn, rutinen för att inte arbeta ensam vid besök och hur larmet används. "
        "Stödsamtal erbjuds.",
    ),
    "assault": (
        "Personalen på {unit}",
        "Information om vad som hänt, vilket stöd som finns och att vi tills vidare är två vid utsatta moment.",
    ),
    "fire": (
        "Alla på {unit} vid arbetsplatsträffen",
        "Vi gick igenom branden, utrymningen och vad som fungerade. Återsamlingsplatsen är flyttad till "
        "parkeringen på baksidan. Brandskyddsronden görs varje månad framöver.",
    ),
    "burglary": (
        "Personalen på {unit}",
        "Inbrottet är polisanmält. Lås alltid förråden, ta hem eller lås in värdesaker och kontrollera att "
        "larmet är på när sista person går.",
    ),
}


@dataclass
class _Person:
    user: User
    spec: NodeSpec
    employed_from: datetime.date
    records: list[tuple[str, datetime.date, str]] = field(default_factory=list)  # (course code, date, source)


class _Builder:
    def __init__(self, ctx: OrgContext, rng: random.Random, today: datetime.date, courses: dict[str, Course]) -> None:
        self.ctx, self.rng, self.today, self.courses = ctx, rng, today, courses
        self.yesterday = today - _DAY
        self.window = add_months(today, -12 * YEARS)
        self.people: list[_Person] = []
        self.by_user: dict[int, _Person] = {}
        self.session_records: list[tuple[_Person, str, datetime.date, CourseSession]] = []

    # --- when each person began -----------------------------------------------------------------------

    def employed_from(self) -> datetime.date:
        rng, today = self.rng, self.today
        draw = rng.random()
        if draw < VERY_NEW_SHARE:
            return today - datetime.timedelta(days=rng.randint(0, 30))
        if draw < NEW_SHARE:
            return today - datetime.timedelta(days=rng.randint(31, 365))
        years = min(40.0, 1.0 + rng.expovariate(1 / MEAN_YEARS_EMPLOYED))
        return today - datetime.timedelta(days=round(years * 365.25))

    def employ(self) -> None:
        """Every employee (a person with an employee number) gets a first day of employment."""
        for spec in self.ctx.specs:
            for user in self.ctx.staff.get(spec, []):
                if not user.employee_number:
                    continue  # elected officials are not employed
                person = _Person(user, spec, self.employed_from())
                if user.username == EMPLOYEE_PERSONA:  # long enough for a course to have run out (see personas)
                    person.employed_from = add_months(self.today, -50)
                user.employed_from = person.employed_from
                self.people.append(person)
                self.by_user[user.pk] = person

    # --- what each person completed -------------------------------------------------------------------

    def _after(self, start: datetime.date, low: int, high: int) -> datetime.date | None:
        """A day ``low``-``high`` days after ``start``, or ``None`` if that is not yet past."""
        day = start + datetime.timedelta(days=self.rng.randint(low, high))
        return day if day <= self.yesterday else None

    def _within(self, start: datetime.date, end: datetime.date) -> datetime.date | None:
        """A random day from ``start`` to ``end`` (both included), or ``None`` when the range is empty."""
        end = min(end, self.yesterday)
        if end < start:
            return None
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _source(self, code: str) -> str:
        course = self.courses[code]
        return RecordSource.API if course.format == CourseFormat.E_LEARNING else RecordSource.IMPORT

    def add(self, person: _Person, code: str, day: datetime.date | None) -> None:
        if day is not None and code in self.courses and person.employed_from <= day <= self.yesterday:
            person.records.append((code, day, self._source(code)))

    def once(self, person: _Person, code: str, share: float, within: int, start: datetime.date | None = None) -> None:
        """A course done once: most do it within ``within`` days of ``start``; the newest only partly so far."""
        start = start or person.employed_from
        elapsed = (self.today - start).days
        chance = share if elapsed > within else share * max(0.2, elapsed / within)
        if self.rng.random() < chance:
            self.add(person, code, self._after(start, 3, within - 5 if elapsed > within else max(3, elapsed)))

    def repeating(self, person: _Person, code: str, share: float) -> None:
        """A course with a validity: valid for ``share`` of those it applies to, run out or never done for the
        rest; an earlier round, within the five years, for some."""
        course = self.courses.get(code)
        if course is None or course.validity_months is None:
            return
        months = course.validity_months
        rng, start = self.rng, max(person.employed_from, self.window)
        if rng.random() < share:
            latest = self._within(max(start, add_months(self.today, -months) + _DAY), self.yesterday)
        elif rng.random() < 0.6:  # had it, and it ran out
            latest = self._within(
                max(start, add_months(self.today, -months - 18)), add_months(self.today, -months) - _DAY
            )
        else:
            latest = None
        if latest is None:
            return
        self.add(person, code, latest)
        earlier = add_months(latest, -months) - datetime.timedelta(days=rng.randint(0, 60))
        if earlier >= start and rng.random() < 0.6:
            self.add(person, code, earlier)

    def records(self, managers: dict[int, datetime.date], care_nodes: set[int], admin_share: dict[int, float]) -> None:
        rng = self.rng
        for person in self.people:
            new = (self.today - person.employed_from).days <= 365
            self.once(person, "brand-grund", BASIC_FIRE_SHARE, 80)
            refresher = admin_share.get(id(person.spec), sum(REFRESHER_COVERAGE) / 2)
            if not new:
                self.repeating(person, "brand-repetition", refresher)
            self.repeating(person, "informationssakerhet", refresher - INFOSEC_BELOW_REFRESHER)
            if person.spec.node.pk in care_nodes:
                self.repeating(person, "hlr", CARE_CPR_SHARE)
            elif rng.random() < OTHER_CPR_SHARE:
                self.repeating(person, "hlr", 1.0)
            if person.user.pk in managers:
                self.once(
                    person,
                    "sakerhet-chef",
                    MANAGER_COURSE_SHARE,
                    170,
                    max(managers[person.user.pk], person.employed_from),
                )
            sector = person.spec.profile.sector if person.spec.profile else ""
            if sector in THREAT_COURSE_SECTORS and rng.random() < THREAT_COURSE_SHARE:
                self.add(person, "hot-och-vald", self._within(max(person.employed_from, self.window), self.yesterday))
            if new:
                self.once(person, "introduktion", NEW_INFORMED_SHARE, 30)
            elif person.employed_from >= self.window:
                self.once(person, "introduktion", INTRODUCTION_SHARE, 30)
            elif rng.random() < INTRODUCTION_SHARE:  # informed when the policy came, five years ago
                self.add(person, "introduktion", self._within(self.window, add_months(self.window, 6)))

    def personas(self) -> None:
        """The demo log-ins show a little of everything: the managers have their course, the employee a gap."""
        personas = self.ctx.personas
        for username in ("chef.solrosen", "chef.hemtjanst"):
            person = self.by_user.get(personas[username].pk) if username in personas else None
            if person is not None and not any(code == "sakerhet-chef" for code, _d, _s in person.records):
                self.add(person, "sakerhet-chef", self._after(max(person.employed_from, self.window), 30, 170))
        employee = personas.get(EMPLOYEE_PERSONA)
        person = self.by_user.get(employee.pk) if employee is not None else None
        if person is not None:  # valid basic training, but her information security course has run out
            person.records = [r for r in person.records if r[0] != "informationssakerhet"]
            if not any(code == "brand-grund" for code, _d, _s in person.records):
                self.add(person, "brand-grund", person.employed_from + datetime.timedelta(days=20))
            if "informationssakerhet" in self.courses and person.employed_from < add_months(self.today, -26):
                self.add(person, "informationssakerhet", add_months(self.today, -26))

    # --- sessions -----------------------------------------------------------------------------------------

    def _lacking(self, people: list[_Person], code: str) -> list[_Person]:
        course = self.courses[code]
        months = course.validity_months
        valid_from = add_months(self.today, -months) if months is not None else datetime.date.min
        return [p for p in people if not any(c == code and d >= valid_from for c, d, _s in p.records)]

    def sessions(self, admins: list[NodeSpec], care_units: list[NodeSpec], recorder: User) -> None:
        ctx, rng, tz = self.ctx, self.rng, ZoneInfo(settings.TIME_ZONE)
        by_spec: dict[int, list[_Person]] = defaultdict(list)
        for person in self.people:
            by_spec[id(person.spec)].append(person)

        def under(spec: NodeSpec) -> list[_Person]:
            return [p for s in spec.walk() for p in by_spec.get(id(s), [])]

        plans: list[tuple[str, NodeSpec, int, str]] = []  # (course, node, days from today, state)
        for i, admin in enumerate(admins[:3]):
            plans.append(("brand-repetition", admin, -rng.randint(14, 40), "marked"))
            if i == 0:
                plans.append(("brand-repetition", admin, -rng.randint(3, 8), "to_mark"))
            plans.append(("brand-repetition", admin, rng.randint(10, 60), "ahead"))
        for unit in care_units[:2]:
            plans.append(("hlr", unit, -rng.randint(20, 50), "marked"))
            plans.append(("hlr", unit, rng.randint(15, 45), "ahead"))
        sessions: list[CourseSession] = []
        participants: list[SessionParticipant] = []
        marked_records: list[tuple[_Person, str, datetime.date, CourseSession]] = []
        taken: set[tuple[str, int]] = set()
        for code, spec, offset, state in plans:
            if code not in self.courses:
                continue
            day = self.today + datetime.timedelta(days=offset)
            candidates = [
                p for p in self._lacking(under(spec), code) if (code, p.user.pk) not in taken and p.employed_from < day
            ]
            if not candidates:
                continue
            chosen = rng.sample(candidates, min(rng.randint(*SESSION_GROUP), len(candidates)))
            starts = datetime.datetime(day.year, day.month, day.day, rng.choice((8, 9, 13)), 0, tzinfo=tz)
            session = CourseSession(
                organisation=ctx.organisation,
                course=self.courses[code],
                node=spec.node,
                starts_at=starts,
                place=rng.choice(PLACES),
                teacher=rng.choice(TEACHERS),
                attendance_marked_at=starts + datetime.timedelta(days=rng.randint(1, 3)) if state == "marked" else None,
            )
            session._history_user = recorder  # type: ignore[attr-defined]
            sessions.append(session)
            for person in chosen:
                taken.add((code, person.user.pk))
                attended = (rng.random() < 0.9) if state == "marked" else None
                participants.append(SessionParticipant(session=session, person=person.user, attended=attended))
                if attended:
                    marked_records.append((person, code, day, session))
        insert(ctx, CourseSession, sessions)
        insert(ctx, SessionParticipant, participants)  # each takes its session's key, now that it has one
        self.session_records = marked_records

    # --- writing ----------------------------------------------------------------------------------------

    def write_records(self, recorder: User) -> None:
        ctx = self.ctx
        organisation_id = ctx.organisation.pk if ctx.organisation is not None else None
        # The records are plain values for varna.demo.bulk.insert, which reads them from each object's __dict__:
        # building 200,000 of them through Model.__init__ (its field descriptors and init signals) took half the
        # step's time at scale 15, and nothing else ever sees these objects.
        fields = [f.attname for f in TrainingRecord._meta.concrete_fields]
        seen: set[tuple[int, str, datetime.date]] = set()
        rows: list[TrainingRecord] = []

        def row(person: _Person, code: str, day: datetime.date, source: str, session: CourseSession | None) -> None:
            key = (person.user.pk, code, day)
            if key in seen:
                return
            seen.add(key)
            course = self.courses[code]
            record = TrainingRecord.__new__(TrainingRecord)
            record._state = ModelState()
            record.__dict__.update(dict.fromkeys(fields))  # id and recorded_at: set by insert
            record.__dict__.update(
                organisation_id=organisation_id,
                person_id=person.user.pk,
                course_id=course.pk,
                completed_on=day,
                expires_on=course.expiry_for(day),
                source=source,
                session_id=session.pk if session is not None else None,
                recorded_by_id=recorder.pk,
            )
            rows.append(record)

        for person, code, day, session in self.session_records:
            row(person, code, day, RecordSource.SESSION, session)
        for person in self.people:
            for code, day, source in sorted(person.records, key=lambda r: (r[1], r[0])):
                row(person, code, day, source, None)
            if len(rows) >= WRITE_BATCH:  # a batch at a time: 200,000 model objects at once would take 1 GB
                insert(ctx, TrainingRecord, rows)
                rows = []
        insert(ctx, TrainingRecord, rows)

    def write_employment(self) -> None:
        """``employed_from`` on the people and on their first history row (written by the people step)."""
        db = connections[DEFAULT_DB_ALIAS]
        quote = db.ops.quote_name
        values = [(p.employed_from, p.user.pk) for p in self.people]
        history = User.history.model._meta.db_table
        with db.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(User._meta.db_table)} SET employed_from = %s WHERE id = %s",  # noqa: S608 - names only
                values,
            )
            if "core.User" in self.ctx.run.history:
                cursor.executemany(
                    f"UPDATE {quote(history)} SET employed_from = %s WHERE id = %s",  # noqa: S608 - names only
                    values,
                )


def _administration(spec: NodeSpec) -> NodeSpec | None:
    node: NodeSpec | None = spec
    while node is not None and node.kind not in (NodeKind.ADMINISTRATION, NodeKind.COMPANY, NodeKind.FEDERATION):
        node = node.parent
    return node


def _information(ctx: OrgContext, rng: random.Random, today: datetime.date) -> None:
    """Information to staff after some of the last year's serious events, by the unit's manager."""
    by_pk = {spec.node.pk: spec for spec in ctx.specs}
    wanted = max(3, min(40, round(4 * ctx.scale)))
    incidents = list(
        Incident.objects.filter(
            organisation=ctx.organisation,
            incident_type__code__in=INFORMATION_TYPES,
            occurred_on__gte=today - datetime.timedelta(days=365),
        )
        .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
        .order_by("-occurred_on", "pk")
        .values_list("pk", "incident_node_id", "occurred_on", "incident_type__code")[: wanted * 4]
    )
    # The sample units' last such event is always followed up, so that the demo log-ins see it on a case page.
    samples = [ctx.by_name[name].node.pk for name in SAMPLE_UNITS if ctx.index == 0 and name in ctx.by_name]
    always: list[tuple[int, int, datetime.date, str]] = []
    for node_pk in samples:
        last = (
            Incident.objects.filter(
                organisation=ctx.organisation, incident_node_id=node_pk, incident_type__code__in=INFORMATION_TYPES
            )
            .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
            .order_by("-occurred_on", "-pk")
            .values_list("pk", "incident_node_id", "occurred_on", "incident_type__code")
            .first()
        )
        if last is not None:
            always.append(last)
    rows: list[StaffInformation] = []
    for event in [*always, *(i for i in incidents if i not in always)]:
        pk, node_id, occurred_on, code = event
        spec = by_pk.get(node_id)
        manager = ctx.holder(Role.UNIT_MANAGER, spec) or ctx.holder(Role.HEAD_OF_ADMINISTRATION, spec)
        skipped = event not in always and rng.random() < 0.5  # half of the events get information recorded
        if spec is None or manager is None or skipped:
            continue
        given_on = min(today - _DAY, occurred_on + datetime.timedelta(days=rng.randint(0, 6)))
        if given_on < occurred_on:
            continue
        recipients, content = INFORMATION_TEXTS[code]
        information = StaffInformation(
            organisation=ctx.organisation,
            incident_id=pk,
            node_id=node_id,
            given_on=given_on,
            recipients=recipients.format(unit=spec.name)[:300],
            content=content,
            recorded_by=manager,
        )
        information._history_user = manager  # type: ignore[attr-defined]
        rows.append(information)
        if len(rows) >= wanted:
            break
    insert(ctx, StaffInformation, rows)


def build(ctx: OrgContext) -> None:
    started = time.perf_counter()
    organisation = ctx.organisation
    if organisation is None or ctx.root is None:
        raise RuntimeError("the tree step writes the organisation first")
    set_up_training(organisation)  # the set-up hook has run already when the organisation was created
    rng = ctx.random("training")
    today = ctx.run.history_date.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    courses = {c.code: c for c in Course.objects.filter(organisation=organisation, is_active=True)}
    recorder = (
        ctx.holder(Role.HR, ctx.root)
        or ctx.holder(Role.SECURITY_COORDINATOR, ctx.root)
        or next(iter(ctx.personas.values()))
    )
    builder = _Builder(ctx, rng, today, courses)
    builder.employ()
    builder.write_employment()

    admins = [spec for spec in ctx.specs if spec.kind == NodeKind.ADMINISTRATION and spec.profile is not None]
    share = {id(spec): rng.uniform(*REFRESHER_COVERAGE) for spec in admins}
    admin_share: dict[int, float] = {}
    for spec in ctx.specs:
        admin = _administration(spec)
        if admin is not None and id(admin) in share:
            admin_share[id(spec)] = share[id(admin)]
    managers: dict[int, datetime.date] = dict(  # today's managers, from the day they became managers
        RoleAssignment.objects.filter(organisation=organisation, role__in=MANAGER_ROLES, valid_to__isnull=True)
        .order_by("valid_from")
        .values_list("user_id", "valid_from")
    )
    care_nodes = set(
        Facility.objects.filter(organisation=organisation, kind=FacilityKind.CARE_HOME).values_list(
            "node_id", flat=True
        )
    )
    if courses:
        builder.records(managers, care_nodes, admin_share)
        builder.personas()
        care_units = [spec for spec in ctx.specs if spec.node.pk in care_nodes]
        builder.sessions(admins, care_units, recorder)
        builder.write_records(recorder)
    _information(ctx, rng, today)
    refresh_coverage(organisation_id=organisation.pk, today=today)  # the coverage pages read the stored figures
    if ctx.index < 10 or ctx.index % 50 == 0:
        seconds = time.perf_counter() - started
        ctx.run.log(
            f"{ctx.name}: {ctx.counts['trainingrecord']} utbildningar, {ctx.counts['coursesession']} kurstillfällen "
            f"/ training records, sessions ({seconds:.1f} s)"
        )
