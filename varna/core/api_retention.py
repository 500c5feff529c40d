"""The API of the life of records (read): the retention schedule and what is due (gallring, the archive,
pseudonymisation), per record kind."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from varna.core import access, selectors_retention
from varna.core.access import Perm
from varna.core.api import ERRORS

router = Router(tags=["retention"])


class RetentionRuleOut(Schema):
    kind: str
    label: str
    years: int | None
    counted_from: str
    action: str | None
    pseudonymise_after_years: int | None
    decision: str


class DueOut(Schema):
    kind: str
    label: str
    action: str | None
    due: int
    held: int
    pseudonymise: int


@router.get("/retention/schedule", response={200: list[RetentionRuleOut], **ERRORS}, summary="The retention schedule")
@access.require_api(Perm.MANAGE_RETENTION)
def retention_schedule(request: HttpRequest) -> list[RetentionRuleOut]:
    user = access.actor(request)
    return [
        RetentionRuleOut(
            kind=kind.key,
            label=str(kind.label),
            years=rule.years if rule else None,
            counted_from=str(kind.clock_label),
            action=rule.action if rule else None,
            pseudonymise_after_years=rule.pseudonymise_after_years if rule else None,
            decision=rule.decision if rule else "",
        )
        for kind, rule in selectors_retention.schedule(user)
    ]


@router.get("/retention/due", response={200: list[DueOut], **ERRORS}, summary="What is due for gallring or the archive")
@access.require_api(Perm.MANAGE_RETENTION)
def retention_due(request: HttpRequest) -> list[DueOut]:
    user = access.actor(request)
    return [
        DueOut(
            kind=row.kind.key,
            label=str(row.kind.label),
            action=row.rule.action if row.rule else None,
            due=row.due,
            held=row.held,
            pseudonymise=row.pseudonymise,
        )
        for row in selectors_retention.due(user)
    ]
