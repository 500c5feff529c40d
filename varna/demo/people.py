"""Staff, personas, elected officials and their role assignments."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from varna.core.models import NodeKind, Role, RoleAssignment, User
from varna.demo import names
from varna.demo.context import DATE_JOINED, VALID_FROM, NodeSpec, OrgContext
from varna.demo.personas import PERSONAS, Persona, coordinator_persona

STAFF_PER_SCALE = 3000
FEMALE_SHARE = 0.75  # most municipal staff are women
PROTECTED_SHARE = 0.002  # people with protected personal data (skyddade personuppgifter)
REPLACED_MANAGER_SHARE = 0.05  # units whose manager changed: an ended assignment for the predecessor
REPLACED_REPRESENTATIVE_SHARE = 0.05
MANAGER_CHANGED = datetime.date(2023, 7, 1)
REPRESENTATIVE_CHANGED = datetime.date(2023, 1, 1)
TERM_STARTED = datetime.date(2023, 1, 1)  # the current term of office for elected officials
SEATS = {0: (11, 5)}  # Exempelkommun: seats in kommunstyrelsen and in each committee
SMALL_SEATS = (9, 3)
_DAY = datetime.timedelta(days=1)

OFFICER_TITLE = {
    NodeKind.ADMINISTRATION: "Säkerhetshandläggare",
    NodeKind.COMPANY: "Säkerhetsansvarig",
    NodeKind.FEDERATION: "Säkerhetsansvarig",
}


@dataclass
class _Pending:
    user: User
    role: str
    spec: NodeSpec
    valid_from: datetime.date = VALID_FROM
    valid_to: datetime.date | None = None


def personas_for(ctx: OrgContext) -> list[Persona]:
    fixed = [p for p in PERSONAS if p.organisation == ctx.slug]
    if any(role == Role.SECURITY_COORDINATOR for p in fixed for role, _node in p.roles):
        return fixed
    rng = ctx.random("coordinator")
    first, last = rng.choice(names.FEMALE_FIRST_NAMES), rng.choice(names.LAST_NAMES)
    return [*fixed, coordinator_persona(slug=ctx.slug, organisation_name=ctx.name, first_name=first, last_name=last)]


def _positions(ctx: OrgContext, rng: random.Random, taken: set[tuple[str, str]]) -> dict[NodeSpec, list[str]]:
    """The roles each node needs filled by its own staff, less those the personas hold."""
    positions: dict[NodeSpec, list[str]] = {}
    for spec in ctx.specs:
        if spec.profile is None:
            continue
        wanted: list[str] = []
        if spec.kind == NodeKind.UNIT:
            wanted.append(Role.UNIT_MANAGER)
            if rng.random() < spec.profile.representative_chance:
                wanted.append(Role.SECURITY_REPRESENTATIVE)
        else:  # administrations, companies and the federation
            wanted.append(Role.HEAD_OF_ADMINISTRATION)
            if spec.security_officer:
                wanted.append(Role.SECURITY_OFFICER)
        positions[spec] = [role for role in wanted if (role, spec.name) not in taken]
    return positions


def _staff_counts(rng: random.Random, positions: dict[NodeSpec, list[str]], total: int) -> dict[NodeSpec, int]:
    """Staff per node: at least its positions, the rest in proportion to the kind of workplace."""
    specs = list(positions)
    weights = [spec.profile.staff * rng.uniform(0.7, 1.3) for spec in specs]  # type: ignore[union-attr]
    minimum = [max(1, len(positions[spec])) for spec in specs]
    spare = max(0, total - sum(minimum))
    weight_sum = sum(weights)
    shares = [spare * w / weight_sum for w in weights]
    counts = [m + math.floor(s) for m, s in zip(minimum, shares, strict=True)]
    leftover = spare - sum(math.floor(s) for s in shares)
    by_fraction = sorted(range(len(specs)), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in by_fraction[:leftover]:
        counts[i] += 1
    return dict(zip(specs, counts, strict=True))


class _People:
    def __init__(self, ctx: OrgContext, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.users: list[User] = []
        self.pending: list[_Pending] = []
        self.elected_seq = 0

    def name(self) -> tuple[str, str]:
        rng = self.rng
        first = rng.choice(names.FEMALE_FIRST_NAMES if rng.random() < FEMALE_SHARE else names.MALE_FIRST_NAMES)
        return first, rng.choice(names.LAST_NAMES)

    def add(
        self,
        spec: NodeSpec,
        title: str,
        *,
        first: str = "",
        last: str = "",
        username: str = "",
        password: str = "",
        employee: bool = True,
        protected: bool = False,
    ) -> User:
        ctx = self.ctx
        if not first:
            first, last = self.name()
        local = f"{names.ascii_slug(first)}.{names.ascii_slug(last)}"
        number = ""
        if employee:
            ctx.employee_seq += 1
            number = str(ctx.employee_seq)
        if not username:
            if employee:
                username = f"{ctx.username_prefix}{local}.{number}"
            else:
                self.elected_seq += 1
                username = f"{ctx.username_prefix}{local}.fv{self.elected_seq}"
        digits = f"{400000 + ctx.employee_seq + self.elected_seq:06d}"
        user = User(
            username=username,
            password=password or ctx.run.unusable_password,
            first_name=first,
            last_name=last,
            email=ctx.email(local),
            organisation=ctx.organisation,
            employment_node=spec.node,
            employee_number=number,
            job_title=title,
            phone=f"{ctx.phone_prefix}-{digits[:2]} {digits[2:4]} {digits[4:]}",
            protected_identity=protected,
            date_joined=DATE_JOINED,
        )
        self.users.append(user)
        ctx.staff.setdefault(spec, []).append(user)
        if employee:
            self.pending.append(_Pending(user, Role.EMPLOYEE, spec))
        return user

    def hold(self, user: User, role: str, spec: NodeSpec, valid_from: datetime.date = VALID_FROM) -> _Pending:
        self.ctx.holders.setdefault((role, spec), []).append(user)
        pending = _Pending(user, role, spec, valid_from)
        self.pending.append(pending)
        return pending


def _add_personas(people: _People, personas: list[Persona]) -> None:
    ctx = people.ctx
    for persona in personas:
        employee = any(role == Role.EMPLOYEE for role, _node in persona.roles)
        spec = ctx.by_name[persona.employment_node]
        user = people.add(
            spec,
            persona.job_title,
            first=persona.first_name,
            last=persona.last_name,
            username=persona.username,
            password=ctx.run.persona_password,
            employee=employee,
        )
        for role, node_name in persona.roles:
            if role != Role.EMPLOYEE:
                people.hold(user, role, ctx.by_name[node_name])
        ctx.personas[persona.username] = user


def _add_staff(people: _People, positions: dict[NodeSpec, list[str]], counts: dict[NodeSpec, int]) -> None:
    ctx, rng = people.ctx, people.rng
    for spec, count in counts.items():
        profile = spec.profile
        if profile is None:  # only nodes with a profile have positions
            continue
        roles = positions[spec]
        staff: list[User] = []
        held: dict[str, _Pending] = {}
        for i in range(count):
            role = roles[i] if i < len(roles) else None
            if role in (Role.UNIT_MANAGER, Role.HEAD_OF_ADMINISTRATION):
                title = spec.head_title or profile.manager_title
            elif role == Role.SECURITY_OFFICER:
                title = OFFICER_TITLE[NodeKind(spec.kind)]
            else:
                title = rng.choice(profile.titles)
            protected = role is None and rng.random() < PROTECTED_SHARE
            user = people.add(spec, title, protected=protected)
            staff.append(user)
            if role is not None:
                held[role] = people.hold(user, role, spec)
        ordinary = staff[len(roles) :]
        ctx.ordinary[spec] = ordinary
        if spec.kind != NodeKind.UNIT or len(ordinary) < 2:
            continue
        # Some managers and representatives took over from a colleague who still works there.
        if Role.UNIT_MANAGER in held and rng.random() < REPLACED_MANAGER_SHARE:
            held[Role.UNIT_MANAGER].valid_from = MANAGER_CHANGED
            people.pending.append(_Pending(ordinary[0], Role.UNIT_MANAGER, spec, VALID_FROM, MANAGER_CHANGED - _DAY))
        if Role.SECURITY_REPRESENTATIVE in held and rng.random() < REPLACED_REPRESENTATIVE_SHARE:
            held[Role.SECURITY_REPRESENTATIVE].valid_from = REPRESENTATIVE_CHANGED
            people.pending.append(
                _Pending(ordinary[-1], Role.SECURITY_REPRESENTATIVE, spec, VALID_FROM, REPRESENTATIVE_CHANGED - _DAY)
            )


def _add_elected(people: _People) -> None:
    ctx = people.ctx
    board_seats, committee_seats = SEATS.get(ctx.index, SMALL_SEATS)
    taken: dict[str, int] = {}
    for user in ctx.personas.values():
        node = user.employment_node
        if node is not None and node.kind in (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE):
            taken[node.name] = taken.get(node.name, 0) + 1
    for spec in ctx.specs:
        if spec.kind not in (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE):
            continue
        seats = board_seats if spec.kind == NodeKind.EXECUTIVE_BOARD else committee_seats
        body = spec.name[0].lower() + spec.name[1:]
        for seat in range(seats - taken.get(spec.name, 0)):
            function = "Ordförande" if seat == 0 else "Vice ordförande" if seat == 1 else "Ledamot"
            user = people.add(spec, f"{function} i {body}", employee=False)
            people.hold(user, Role.ELECTED_OFFICIAL, spec, TERM_STARTED)
        ctx.ordinary[spec] = []


def build(ctx: OrgContext) -> None:
    rng = ctx.random("people")
    personas = personas_for(ctx)
    taken = {(role, node) for p in personas for role, node in p.roles}
    positions = _positions(ctx, rng, taken)
    employed_personas = sum(1 for p in personas if any(r == Role.EMPLOYEE for r, _n in p.roles))
    total = max(0, round(STAFF_PER_SCALE * ctx.scale) - employed_personas)
    counts = _staff_counts(rng, positions, total)

    people = _People(ctx, rng)
    _add_personas(people, personas)
    _add_staff(people, positions, counts)
    _add_elected(people)
    ctx.save(User, people.users)
    organisation = ctx.organisation
    ctx.save(
        RoleAssignment,
        [
            RoleAssignment(
                organisation=organisation,
                user_id=p.user.pk,
                role=p.role,
                node_id=p.spec.node.pk,
                valid_from=p.valid_from,
                valid_to=p.valid_to,
            )
            for p in people.pending
        ],
    )
