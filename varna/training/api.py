"""The training API: courses, requirements, records (read, and bulk create for a learning platform), coverage."""

from typing import Any

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Query, Router
from ninja import Status as Reply
from ninja.pagination import paginate

from varna.core import access
from varna.core import api as api_helpers
from varna.core.access import Perm
from varna.core.api import ERRORS, Pagination
from varna.training.models import Course, CourseRequirement, TrainingRecord
from varna.training.schemas import (
    MAX_BULK,
    BulkErrorOut,
    BulkResultOut,
    CourseOut,
    RecordFilters,
    RecordIn,
    RecordOut,
    RequirementOut,
)
from varna.training.schemas_coverage import CoverageFilters, CoverageOut
from varna.training.selectors import coverage as coverage_selectors
from varna.training.selectors import lists as list_selectors
from varna.training.services import imports as bulk_services

# --- courses, requirements and records; bulk create for a learning platform ---------------------------------
# The catalogue and the requirements are open to the organisation's staff. Records: those of the people where the
# caller holds VIEW_TRAINING, and the caller's own. A learning platform (a token of someone who may record
# training) posts a list of completions: every item is checked first, and a list with problems is a 422 naming
# each item; a list without problems is recorded whole, and what was recorded already is counted, not doubled.

router = Router(tags=["training"])

MAX_PROBLEMS = 10
MAX_ITEM_ERRORS = 1000  # problems listed in a 422; the detail counts them all
ITEM_FIELDS = {"person": "employee_number", "course": "course", "date": "completed_on"}
_records_in = pydantic.TypeAdapter(list[RecordIn])


def _bulk_body() -> dict[str, Any]:
    schema = {"type": "array", "minItems": 1, "maxItems": MAX_BULK, "items": RecordIn.model_json_schema()}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _records_body(request: HttpRequest) -> list[RecordIn] | str:
    """The request's completions, or what is wrong with the body (read after the access check)."""
    try:
        items = _records_in.validate_json(request.body or b"")
    except (RawPostDataException, RequestDataTooBig):
        return _("Send the completions as a JSON list in the body of the request (at most %(max)s).") % {
            "max": MAX_BULK
        }
    except pydantic.ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:MAX_PROBLEMS]
        ]
        return _("The completions could not be read: %(problems)s") % {"problems": "; ".join(problems)}
    if not items:
        return _("The list of completions is empty.")
    if len(items) > MAX_BULK:
        return _("Send at most %(max)s completions in one request.") % {"max": MAX_BULK}
    return items


@router.get("/training/courses", response={200: list[CourseOut], **ERRORS}, summary="Courses")
@access.require_api(Perm.VIEW_OWN_TRAINING)
@paginate(Pagination)
def list_courses(request: HttpRequest) -> QuerySet[Course]:
    """The organisation's courses, those in use first, by code: the codes a learning platform sends."""
    return list_selectors.catalogue(access.actor(request))


@router.get("/training/requirements", response={200: list[RequirementOut], **ERRORS}, summary="Who needs which course")
@access.require_api(Perm.VIEW_OWN_TRAINING)
@paginate(Pagination)
def list_requirements(request: HttpRequest) -> QuerySet[CourseRequirement]:
    """The organisation's course requirements: which course the staff (all, managers, a role; perhaps only in a
    subtree or at units running a kind of facility) must complete, and within how many days of starting."""
    return list_selectors.requirement_list(access.actor(request))


@router.get("/training/records", response={200: list[RecordOut], **ERRORS}, summary="Training records")
@access.require_api(Perm.VIEW_OWN_TRAINING)
@paginate(Pagination)
def list_records(request: HttpRequest, filters: Query[RecordFilters]) -> QuerySet[TrainingRecord]:
    """Completed courses: those of the people where the caller may view training, and the caller's own, in the
    order they were recorded (new records come last; page with ``changed_since``). Records are never edited; a
    record removed by mistake no longer appears."""
    wanted = list_selectors.RecordFilter(
        person_id=filters.person, course=filters.course or "", node_id=filters.node, changed_since=filters.changed_since
    )
    return list_selectors.record_list(access.actor(request), wanted)


@router.post(
    "/training/records",
    response={200: BulkResultOut, 201: BulkResultOut, **ERRORS, 422: BulkErrorOut},
    summary="Record completions (bulk, for a learning platform)",
    openapi_extra=_bulk_body(),
)
@access.require_api(Perm.RECORD_TRAINING)
def create_records(request: HttpRequest) -> Reply[Any]:
    """Record a list of completions ``[{"employee_number": "10234", "course": "brand-grund", "completed_on":
    "2025-03-14"}, ...]`` (at most 5,000), all or none.

    Every item is checked first: the person must be among those the caller may record training for, the course
    one of the organisation's (code or name), the day from 1990 to today. If any item is wrong, nothing is
    recorded and the answer is 422 with each problem and the item's position. Otherwise 201 with the number
    created, or 200 when every completion was recorded already: sending the same list again changes nothing.
    """
    user = access.actor(request)
    payload = _records_body(request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    items = [bulk_services.Item(i.employee_number, i.course, i.completed_on) for i in payload]
    outcome = bulk_services.record_items(actor=user, items=items)
    if outcome.problems or outcome.result is None:
        errors = [
            {"index": index, "field": ITEM_FIELDS[p.field], "message": p.message[:1].upper() + p.message[1:]}
            for index, p in outcome.problems
        ]
        count = len({index for index, _p in outcome.problems})
        detail = ngettext(
            "%(count)s completion is wrong; nothing was recorded.",
            "%(count)s completions are wrong; nothing was recorded.",
            count,
        ) % {"count": count}
        return Reply(422, {"detail": detail, "errors": errors[:MAX_ITEM_ERRORS]})
    created = len(outcome.result.created)
    body = {"created": created, "already_recorded": outcome.result.already_recorded}
    return Reply(201 if created else 200, body)


# --- coverage per node, rolled up the tree (G7) ------------------------------------------------------------
# The same figures as the coverage page, scoped by VIEW_TRAINING: the node asked for must lie in the caller's
# scope (a 404 otherwise); without a node, the caller's top nodes (the root for HR and the coordinator).


def _counts(c: coverage_selectors.Counts) -> dict[str, Any]:
    return {"covered": c.covered, "due": c.due, "gaps": c.gaps, "required": c.required, "share": c.share}


def _node_coverage(f: coverage_selectors.NodeFigures, courses: list[coverage_selectors.CourseInfo]) -> dict[str, Any]:
    return {
        "id": f.node.pk,
        "name": f.node.name,
        "kind": f.node.kind,
        "depth": f.node.depth,
        "total": _counts(f.total),
        "new_employees": _counts(f.new_employees),
        "managers": _counts(f.managers),
        "courses": [
            {
                "course_id": i.course.pk,
                "code": i.course.code,
                "name": i.course.name,
                "counts": _counts(f.course(i.course.pk)),
            }
            for i in courses
            if f.course(i.course.pk).applicable
        ],
    }


@router.get("/training/coverage", response={200: CoverageOut, **ERRORS}, summary="Coverage per node")
@access.require_api(Perm.VIEW_TRAINING)
def get_coverage(request: HttpRequest, filters: Query[CoverageFilters]) -> dict[str, Any]:
    """The share of the staff with each required course valid, for a node and its subtree and for each node just
    below it; and the two headline figures: new employees' introduction and managers trained."""
    user = access.actor(request)
    node = coverage_selectors.node_in_scope(user, filters.node)
    overview = coverage_selectors.overview(user, node=node)
    return {
        "today": overview.today,
        "node": _node_coverage(overview.figures, overview.courses) if overview.node is not None else None,
        "nodes": [_node_coverage(f, overview.courses) for f in overview.rows],
    }
