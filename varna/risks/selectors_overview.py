"""The organisation-wide risk overview: heat maps of open risks in the person's scope, rolled up by node.

A fixed, small number of queries whatever the number of risks or nodes: the matrix in use, the node,
its ancestors and children (one query), the matrix versions, one ``UNION ALL`` of grouped counts for the
maps after measures and without controls, and one grouped count of today's judgements per child branch
(a prefix of the node path) that gives both the table and today's map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.db.models.functions import Substr
from django.http import Http404

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.risks.heatmap import HeatMap, grouped_counts, heat_maps
from varna.risks.models import Risk, RiskMatrix, RiskStatus, Stage
from varna.risks.selectors import active_matrix

STEP = Node.steplen


def scope_roots(user: User) -> list[str] | None:
    """The top paths of the person's ``VIEW_RISKS`` scope; ``None`` for the whole organisation."""
    paths = sorted({g.node_path for g in access.grants(user) if Perm.VIEW_RISKS in g.perms}, key=len)
    kept: list[str] = []
    for p in paths:
        if len(p) == STEP:
            return None
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def _common_prefix(paths: list[str]) -> str:
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-STEP]
    return prefix


def _within(path: str, roots: list[str] | None) -> bool:
    return roots is None or any(path.startswith(r) for r in roots)


@dataclass
class Crumb:
    node: Node
    linked: bool


@dataclass
class NodeRow:
    """One child branch of the current node (or the node itself: ``directly``) in the per-node table."""

    node: Node
    directly: bool
    linked: bool
    levels: list[int]
    unjudged: int = 0
    not_shown: int = 0

    @property
    def total(self) -> int:
        return sum(self.levels) + self.unjudged + self.not_shown


@dataclass
class Overview:
    node: Node
    crumbs: list[Crumb]
    matrix: RiskMatrix
    maps: dict[str, HeatMap]
    rows: list[NodeRow]
    has_other_sizes: bool = False
    level_totals: list[int] = field(default_factory=list)


def _anchor(user: User, node_id: str | None, roots: list[str] | None) -> Node:
    if node_id is not None:
        if not node_id.isdigit():
            raise Http404
        return access.get_object_or_404(user, Perm.VIEW_RISKS, Node.objects.all(), pk=int(node_id))
    if user.organisation_id is None:
        raise Http404
    if roots is None:
        node = Node.objects.filter(organisation_id=user.organisation_id, depth=1).order_by("path").first()
    else:
        node = Node.objects.filter(organisation_id=user.organisation_id, path=_common_prefix(roots)).first()
    if node is None:
        raise Http404
    return node


def overview(user: User, *, node_id: str | None = None) -> Overview:
    """The heat maps and per-node table of the open risks under ``node_id`` (default: the person's whole scope)."""
    roots = scope_roots(user)
    if roots == []:
        raise Http404
    matrix = active_matrix(user.organisation_id)
    if matrix is None:  # every organisation gets one when it is set up
        raise Http404
    node = _anchor(user, node_id, roots)

    ancestor_paths = node.ancestor_paths(include_self=False)
    family = list(
        Node.objects.filter(organisation_id=node.organisation_id)
        .filter(path__in=ancestor_paths)
        .union(
            Node.objects.filter(organisation_id=node.organisation_id, path__startswith=node.path, depth=node.depth + 1),
            all=True,
        )
        .order_by("path")
    )
    ancestors = [n for n in family if n.depth < node.depth]
    children = [
        n
        for n in family
        if n.depth == node.depth + 1
        and (roots is None or any(r.startswith(n.path) or n.path.startswith(r) for r in roots))
    ]
    crumbs = [Crumb(n, _within(n.path, roots)) for n in ancestors]

    risks = access.scope(user, Perm.VIEW_RISKS, Risk.objects.filter(status=RiskStatus.OPEN))
    if node.depth > 1:  # the root's subtree is the whole organisation: no join to the node table
        risks = risks.filter(node__path__startswith=node.path)
    versions = list(
        RiskMatrix.objects.filter(organisation_id=node.organisation_id).only(
            "pk", "likelihood_levels", "consequence_levels"
        )
    )
    sizes = {m.pk: (m.likelihood_count, m.consequence_count) for m in versions}
    # The heat maps after measures and without controls: one UNION ALL of two grouped counts.
    counts = grouped_counts(risks, (Stage.INHERENT, Stage.RESIDUAL))

    # Today's judgements per child branch (the first depth + 1 steps of the node path): one grouped count,
    # which also gives today's heat map (the sum over the branches).
    branch_len = (node.depth + 1) * STEP
    grouped = (
        risks.order_by()
        .annotate(branch=Substr("node__path", 1, branch_len), lk=F("current_likelihood"), cq=F("current_consequence"))
        .values("branch", "matrix_id", "lk", "cq")
        .annotate(n=Count("pk"))
        .values_list("branch", "matrix_id", "lk", "cq", "n")
    )
    size = (matrix.likelihood_count, matrix.consequence_count)
    n_levels = len(matrix.risk_levels)
    by_branch: dict[str, NodeRow] = {}
    direct = NodeRow(node=node, directly=True, linked=False, levels=[0] * n_levels)
    for child in children:
        by_branch[child.path] = NodeRow(
            node=child, directly=False, linked=_within(child.path, roots), levels=[0] * n_levels
        )
    other_sizes = False
    for branch, matrix_id, likelihood, consequence, n in grouped:
        key = (str(Stage.CURRENT), matrix_id, likelihood, consequence)
        counts[key] = counts.get(key, 0) + n
        row = by_branch.get(branch, direct) if len(branch) == branch_len else direct
        if not likelihood or not consequence:
            row.unjudged += n
        elif sizes.get(matrix_id) != size:
            row.not_shown += n
            other_sizes = True
        else:
            index = matrix.level_index(likelihood, consequence)
            if index is not None:
                row.levels[index] += n
    maps = heat_maps(matrix, counts, sizes, prefix="heat-map-overview")
    rows = ([direct] if direct.total else []) + list(by_branch.values())
    totals = [sum(r.levels[i] for r in rows) for i in range(n_levels)]
    return Overview(
        node=node,
        crumbs=crumbs,
        matrix=matrix,
        maps=maps,
        rows=rows,
        has_other_sizes=other_sizes,
        level_totals=totals,
    )
