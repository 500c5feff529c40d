"""The security group (SÄKSAM) and the crisis support group, with their members."""

from __future__ import annotations

import random

from varna.core.models import Body, BodyFunction, BodyKind, BodyMembership, NodeKind, Role, User
from varna.demo import names
from varna.demo.context import DATE_JOINED, NodeSpec, OrgContext
from varna.demo.personas import coordinator_username

SECURITY_GROUP = "Säkerhetsgruppen (SÄKSAM)"
CRISIS_GROUP = "Krisstödsgruppen"
SECURITY_GROUP_TEXT = (
    "Kommunens samverkansgrupp för säkerhetsfrågor. Samordnar det systematiska säkerhetsarbetet, "
    "följer skadestatistiken och bereder årsrapporten till kommunstyrelsen."
)
CRISIS_GROUP_TEXT = (
    "Psykiskt och socialt omhändertagande (POSOM) vid allvarliga händelser som drabbar många invånare eller anställda."
)
EXPERT_PROFILES = ("fire_prevention", "property", "technical_office")
CRISIS_SECTORS = ("soc", "soc", "voo", "bou", "bou", "klf")


def _admin(ctx: OrgContext, sector: str) -> NodeSpec | None:
    return next((s for s in ctx.specs if sector in s.sectors), None)


def _pick_ordinary(ctx: OrgContext, rng: random.Random, sector: str, exclude: set[int]) -> User | None:
    """An employee without a position, from one of the first workplaces of ``sector``."""
    admin = _admin(ctx, sector)
    if admin is None:
        return None
    candidates = [
        user
        for spec in admin.walk()
        if spec.profile is not None and spec.profile.sector == sector
        for user in ctx.ordinary.get(spec, [])[:5]
        if id(user) not in exclude and not user.protected_identity
    ]
    return rng.choice(candidates) if candidates else None


def _external(ctx: OrgContext, rng: random.Random, spec: NodeSpec, title: str, seq: int) -> User:
    first = rng.choice(names.FEMALE_FIRST_NAMES + names.MALE_FIRST_NAMES)
    last = rng.choice(names.LAST_NAMES)
    local = f"{names.ascii_slug(first)}.{names.ascii_slug(last)}"
    return User(
        username=f"{ctx.username_prefix}{local}.ext{seq}",
        password=ctx.run.unusable_password,
        first_name=first,
        last_name=last,
        email=ctx.email(local),
        organisation=ctx.organisation,
        employment_node=spec.node,
        job_title=title,
        date_joined=DATE_JOINED,
    )


def build(ctx: OrgContext) -> None:
    rng = ctx.random("bodies")
    klf = _admin(ctx, "klf")
    if klf is None:
        raise RuntimeError("every demo municipality has a Kommunledningsförvaltningen")
    broker, chaplain = ctx.save(
        User,
        [
            _external(ctx, rng, klf, "Försäkringsmäklare (extern)", 1),
            _external(ctx, rng, klf, "Sjukhuspräst, Svenska kyrkan (extern)", 2),
        ],
    )
    security, crisis = ctx.save(
        Body,
        [
            Body(
                organisation=ctx.organisation,
                kind=BodyKind.SECURITY_GROUP,
                name=SECURITY_GROUP,
                description=SECURITY_GROUP_TEXT,
            ),
            Body(
                organisation=ctx.organisation,
                kind=BodyKind.CRISIS_GROUP,
                name=CRISIS_GROUP,
                description=CRISIS_GROUP_TEXT,
            ),
        ],
    )
    members: list[BodyMembership] = []
    seen: set[tuple[int, int, str]] = set()

    def join(body: Body, user: User | None, function: str, represents: NodeSpec | None = None) -> None:
        if user is None or (body.pk, user.pk, function) in seen:
            return
        seen.add((body.pk, user.pk, function))
        members.append(
            BodyMembership(
                organisation=ctx.organisation,
                body=body,
                user=user,
                function=function,
                represents=represents.node if represents is not None else None,
            )
        )

    # SÄKSAM: the kommunchef chairs, the coordinator keeps the minutes, every administration and company sends one.
    chair = ctx.holder(Role.HEAD_OF_ADMINISTRATION, klf)
    join(security, chair, BodyFunction.CHAIR, klf)
    join(security, ctx.personas[coordinator_username(ctx.slug)], BodyFunction.SECRETARY)
    for spec in ctx.specs:
        if spec.kind in (NodeKind.ADMINISTRATION, NodeKind.COMPANY) and spec.profile is not None:
            person = ctx.holder(Role.SECURITY_OFFICER, spec) or ctx.holder(Role.HEAD_OF_ADMINISTRATION, spec)
            if person is not chair:
                join(security, person, BodyFunction.REPRESENTATIVE, spec)
    expert_spec = next((s for key in EXPERT_PROFILES for s in ctx.specs if s.profile and s.profile.key == key), None)
    join(security, ctx.holder(Role.UNIT_MANAGER, expert_spec), BodyFunction.EXPERT, expert_spec)
    join(security, broker, BodyFunction.INSURANCE_BROKER)

    # Krisstödsgruppen: led by the head of social services, with people who meet those affected.
    join(crisis, ctx.holder(Role.HEAD_OF_ADMINISTRATION, _admin(ctx, "soc")), BodyFunction.CHAIR)
    chosen: set[int] = set()
    for sector in CRISIS_SECTORS:
        person = _pick_ordinary(ctx, rng, sector, chosen)
        if person is not None:
            chosen.add(id(person))
            join(crisis, person, BodyFunction.SECRETARY if sector == "klf" else BodyFunction.MEMBER)
    join(crisis, chaplain, BodyFunction.MEMBER)
    ctx.save(BodyMembership, members)
