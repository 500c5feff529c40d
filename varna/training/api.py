"""The training API: courses, requirements, records (read, and bulk create for a learning platform), coverage."""

from ninja import Router

router = Router(tags=["training"])


# --- coverage per node, rolled up the tree (G7) ------------------------------------------------------------
# The same figures as the coverage page, scoped by VIEW_TRAINING: the node asked for must lie in the caller's
# scope (a 404 otherwise); without a node, the caller's top nodes (the root for HR and the coordinator).

from typing import Any  # noqa: E402

from django.http import HttpRequest  # noqa: E402
from ninja import Query  # noqa: E402

from varna.core import access  # noqa: E402
from varna.core.access import Perm  # noqa: E402
from varna.core.api import ERRORS  # noqa: E402
from varna.training.schemas_coverage import CoverageFilters, CoverageOut  # noqa: E402
from varna.training.selectors import coverage as coverage_selectors  # noqa: E402


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
