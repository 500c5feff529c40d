"""Fixed yearly follow-ups (P5, G14) of every förvaltning for the two years before this one, and the default
key figures (P5).

The figures are computed by the follow-up app from the demo's own data, as the security coordinator sees them,
so they are what a person generating them would get; a handful of queries per förvaltning and year, and the rows
are written with ``bulk_create``. Each has a short comment on its damage section.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from varna.core.models import NodeKind, User
from varna.demo.context import OrgContext
from varna.followup import figures
from varna.followup.models import FollowUp, FollowUpComment, FollowUpStatus
from varna.followup.services import set_up_key_figures

YEARS_BACK = (2, 1)  # the year before last, and last year
COMMENT = (
    "Förvaltningen har gått igenom skadorna med enheterna. Åtgärderna i handlingsplanen följs upp "
    "på ledningsgruppens möten varje kvartal."
)


def _coordinator(ctx: OrgContext) -> User | None:
    for (role, _spec), people in ctx.holders.items():
        if role == "security_coordinator" and people:
            return people[0]
    return None


def build(ctx: OrgContext) -> None:
    if ctx.organisation is None:
        return
    set_up_key_figures(ctx.organisation)  # the organisation was written in bulk: no set-up hook has run
    actor = _coordinator(ctx)
    if actor is None:
        return
    actor = User.objects.get(pk=actor.pk)  # read afresh: the grants are cached on the object
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    follow_ups: list[FollowUp] = []
    for spec in ctx.specs:
        if spec.kind != NodeKind.ADMINISTRATION or spec.node is None:
            continue
        for back in YEARS_BACK:
            year = today.year - back
            fixed_at = datetime.datetime(year + 1, 2, 15, 10, 0, tzinfo=zone)
            follow_ups.append(
                FollowUp(
                    organisation=ctx.organisation,
                    node=spec.node,
                    year=year,
                    version=1,
                    status=FollowUpStatus.FIXED,
                    figures=figures.compute(actor, spec.node, year, today=today),
                    generated_at=fixed_at,
                    fixed_at=fixed_at,
                    fixed_by=actor,
                    created_by=actor,
                )
            )
    ctx.save(FollowUp, follow_ups)
    ctx.save(
        FollowUpComment,
        [
            FollowUpComment(
                organisation=ctx.organisation,
                follow_up=fu,
                node=fu.node,
                section=section,
                text=COMMENT if section == "damage" else "",
                updated_by=actor if section == "damage" else None,
            )
            for fu in follow_ups
            for section in figures.SECTIONS
        ],
    )
