"""Buildings and sites (lokaler och anläggningar), about one per workplace."""

from __future__ import annotations

import random

from varna.demo import names
from varna.demo.context import NodeSpec, OrgContext
from varna.demo.units import OFFICE
from varna.protection.models import Facility

TOWN_HALL_ADDRESS = "Stora torget 1"


def _address(rng: random.Random, streets: list[str]) -> str:
    number = rng.randint(1, 120)
    letter = rng.choice(("", "", "", "", "A", "B"))
    return f"{rng.choice(streets)} {number}{letter}"


def _postal_code(ctx: OrgContext, rng: random.Random) -> str:
    return f"{ctx.postal_prefix} {rng.randint(30, 79):02d}"


def build(ctx: OrgContext) -> None:
    rng = ctx.random("facilities")
    streets = names.streets()
    facilities: list[Facility] = []

    def add(spec: NodeSpec, name: str, kind: str, street: str = "") -> None:
        facilities.append(
            Facility(
                organisation=ctx.organisation,
                node=spec.node,
                name=name,
                kind=kind,
                street_address=street or _address(rng, streets),
                postal_code=_postal_code(ctx, rng),
                city=ctx.city,
            )
        )

    for spec in ctx.specs:
        profile = spec.profile
        if profile is None or profile.facility is None:
            continue
        if spec.office:
            street = TOWN_HALL_ADDRESS if "klf" in spec.sectors else ""
            add(spec, spec.office, OFFICE, street)
        else:
            add(spec, profile.facility_name.format(spec.name), profile.facility)
        if profile.second_facility is not None:
            pattern, kind, chance = profile.second_facility
            if rng.random() < chance:
                add(spec, pattern.format(spec.name), kind)
    ctx.save(Facility, facilities)
