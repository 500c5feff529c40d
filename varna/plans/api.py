"""API for action plans (handlingsplaner, P7, G6).

The same access policy as the pages: a list holds what ``access.scope(user, VIEW_PLANS)`` lets
through; one plan or action is fetched and checked in one call (a 404 outside the caller's
scope); writes go through the services. Service validation errors are 422 with a message in the
caller's language (Swedish by default); an action changed by someone else meanwhile is 409.
"""

from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply
from ninja.pagination import paginate
from ninja.params import functions as params

from varna.core import access
from varna.core import api as api_helpers
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.core.models import Node, User
from varna.core.schemas import ErrorOut
from varna.incidents.models import Incident
from varna.plans import selectors, services
from varna.plans.models import Action, ActionPlan
from varna.plans.schemas import ActionIn, ActionOut, ActionPatch, ActionPlanDetailOut, ActionPlanOut, PlanFilters
from varna.plans.services import StaleFormError
from varna.risks.models import Measure, Risk

router = Router(tags=["plans"])

WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}
OptionalBody = params.Body(None)  # an empty body reaches the access check (a 404 or 403), then a 422


def _action(pk: int) -> Action:
    return Action.objects.select_related("responsible").prefetch_related("measures", "risks", "incidents").get(pk=pk)


@router.get("/action-plans", response={200: list[ActionPlanOut], **ERRORS}, summary="Action plans")
@access.require_api(Perm.VIEW_PLANS)
@paginate(Pagination)
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> QuerySet[ActionPlan]:
    """The action plans the caller may see, newest year first, in tree order."""
    user = access.actor(request)
    node = None
    if filters.node is not None:
        node = Node.objects.filter(organisation_id=api_helpers.organisation_id(user), pk=filters.node).first()
        if node is None:
            return ActionPlan.objects.none()
    return selectors.plan_list(user, year=filters.year, node=node)


@router.get("/action-plans/{id}", response={200: ActionPlanDetailOut, **ERRORS}, summary="One action plan")
@access.require_api(Perm.VIEW_PLANS, model=ActionPlan)
def get_plan(request: HttpRequest, id: int = ObjectId) -> ActionPlan:
    """One plan with its adoption record and its actions (links only to what the caller may see)."""
    return selectors.plan_for(access.actor(request), id)


def _linked[M: Any](model: type[M], organisation_id: int | None, ids: list[int]) -> list[M] | None:
    """The records by id in the caller's organisation; ``None`` when one of them does not exist there."""
    wanted = set(ids)
    rows = list(model._default_manager.filter(organisation_id=organisation_id, pk__in=wanted))
    return rows if len(rows) == len(wanted) else None


def _action_body() -> dict[str, Any]:
    schema = ActionIn.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _payload(request: HttpRequest) -> ActionIn | str:
    """The request body as an :class:`ActionIn`, or a message saying what is wrong with it."""
    try:
        return ActionIn.model_validate_json(request.body or b"")
    except pydantic.ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {error['msg']}" for error in exc.errors()[:10]
        ]
        return _("The action could not be read: %(problems)s") % {"problems": "; ".join(problems)}


@router.post(
    "/action-plans/{id}/actions",
    response={201: ActionOut, **WRITE_ERRORS},
    summary="Add an action to a plan",
    openapi_extra=_action_body(),
)
@access.require_api(Perm.MANAGE_PLANS, model=ActionPlan)
def add_action(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Add an action: what, how, when, who and with which resources. The same action sent twice within
    two minutes is kept once (the first is given back).

    The body is an ``ActionIn`` object as JSON; it is read after the access check, so a plan outside
    the caller's scope is a 404 whatever the body.
    """
    user = access.actor(request)
    plan = selectors.plan_for(user, id, Perm.MANAGE_PLANS)
    payload = _payload(request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    org = user.organisation_id or 0
    responsible = User.objects.filter(organisation_id=org, pk=payload.responsible).first()
    measures = _linked(Measure, org, payload.measures)
    risks = _linked(Risk, org, payload.risks)
    incidents = _linked(Incident, org, payload.incidents)
    if measures is None or risks is None or incidents is None:
        return api_helpers.invalid(_("A linked measure, risk or incident does not exist in your organisation."))
    try:
        action = services.add_action(
            actor=user,
            plan=plan,
            what=payload.what,
            how=payload.how,
            due=payload.due,
            responsible=responsible,
            budget=payload.budget,
            hours=payload.hours,
            resources_note=payload.resources_note,
            measures=measures,
            risks=risks,
            incidents=incidents,
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, _action(action.pk))


@router.patch("/actions/{id}", response={200: ActionOut, **WRITE_ERRORS}, summary="Change an action's status")
@access.require_api(Perm.MANAGE_PLANS, model=Action)
def change_status(request: HttpRequest, id: int = ObjectId, payload: ActionPatch | None = OptionalBody) -> Reply[Any]:
    """Move an action on: planned, in_progress, done or cancelled (with a reason). Send the revision last
    read: if someone else has changed the action meanwhile, nothing is changed and the answer is 409."""
    user = access.actor(request)
    action = selectors.action_for(user, id)
    if payload is None:
        return api_helpers.invalid(_("Send the new status and the revision as JSON."))
    try:
        services.change_action_status(
            actor=user, action=action, status=payload.status, revision=payload.revision, reason=payload.reason
        )
    except StaleFormError as exc:
        return Reply(409, {"detail": api_helpers.messages(exc)})
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(200, _action(action.pk))
