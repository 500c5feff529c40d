"""The demo's retention schedule (dokumenthanteringsplan): the default rules, adopted by the executive board.

Organisations are written in bulk, so the set-up hook has not run: this step sets up the schedule and names the
decision it rests on, as a municipality does when it adopts its plan.
"""

from __future__ import annotations

from varna.core.models import RetentionRule
from varna.core.retention import ensure_schedule
from varna.demo.context import OrgContext

DECISION = "Kommunstyrelsen 2024-05-14 § 88, dnr KS 2024/123"


def build(ctx: OrgContext) -> None:
    organisation = ctx.organisation
    if organisation is None:
        raise RuntimeError("the tree step makes the organisation first")
    rules = ensure_schedule(organisation=organisation)
    RetentionRule.objects.filter(organisation=organisation).update(decision=DECISION)
    ctx.counts["retention_rule"] += len(rules)
