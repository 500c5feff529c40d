"""Coverage per node, rolled up the tree, and the gap lists (G7): who has the courses they need, and who not.

The rule for who needs what is :mod:`varna.training.selectors.needs`; this module only counts it. For every
course with a requirement in use, one ``GROUP BY`` query over the staff the requirements select gives, per
employment unit, how many people hold a valid record (``has``) and how many are past the time new employees get
(``late``). Several requirements for one course are read as one: a person needs the course when any of them
applies, and the strictest deadline counts (as in :func:`needs.person_needs`). The sums are then added up the
tree in Python, along the path prefixes (a förvaltning's figure holds its units').

Per node and course, of the people who need the course:

- ``covered``: a valid record (``valid`` or ``expiring``);
- ``due``: no valid record, but new enough to still have time (left out of the share);
- ``gaps``: no valid record and no time left (``expired`` or ``missing``);
- the share: ``covered / (covered + gaps)``.

The three headline figures of the issue are read from the same counts: every required course (all pairs of
person and course), new employees' courses (those required within :data:`FIRST_MONTH_DAYS` days of the
employment start: the introduction for new employees) and the managers' courses (requirements for managers).

Who sees what: ``VIEW_TRAINING`` is scoped, so a unit manager sees their subtree, HR and the coordinator the
whole organisation. :func:`coverage_for` counts a node without a person, for the yearly follow-up.
"""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Value
from django.db.models.expressions import Expression
from django.http import Http404
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.training.models import (
    Audience,
    Course,
    CourseRequirement,
    CoverageFigure,
    CoverageState,
    TrainingRecord,
)
from varna.training.selectors.needs import (
    STATUS_LABELS,
    Status,
    active_requirements,
    in_grace,
    requirement_condition,
    staff,
    status_for,
    valid_record,
)

FIRST_MONTH_DAYS = 31  # a requirement to be met within this many days of the start is the new employees' own
GAP_DAYS = 60  # the gap list's default: courses that expire within this many days are listed with the gaps
MAX_GAP_DAYS = 3 * 366
STEP = Node.steplen
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")

NEW_EMPLOYEES = "new_employees"
MANAGERS = "managers"


# --- the counts ------------------------------------------------------------------------------


@dataclass
class Counts:
    """People who need a course (or pairs of person and course, summed over courses), by where they stand."""

    covered: int = 0
    due: int = 0
    gaps: int = 0

    def add(self, other: Counts) -> None:
        self.covered += other.covered
        self.due += other.due
        self.gaps += other.gaps

    @property
    def required(self) -> int:
        """Those counted in the share: everyone who needs the course but the new employees who still have time."""
        return self.covered + self.gaps

    @property
    def applicable(self) -> int:
        return self.covered + self.due + self.gaps

    @property
    def share(self) -> Decimal | None:
        """The percentage covered, to one decimal; ``None`` when nobody is counted."""
        if not self.required:
            return None
        return (Decimal(self.covered) * HUNDRED / Decimal(self.required)).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def share_value(self) -> str:
        """The share with a decimal point, for a ``<meter>``'s value attribute (never shown as text)."""
        share = self.share
        return "0" if share is None else str(share)


Key = int | str  # a course's id, or NEW_EMPLOYEES / MANAGERS


@dataclass(frozen=True)
class NodeRef:
    pk: int
    name: str
    kind: str
    path: str
    depth: int


@dataclass
class NodeFigures:
    """A node's figures: per course, the total over courses and the two headline groups, with its subtree."""

    node: NodeRef
    courses: dict[int, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)
    new_employees: Counts = field(default_factory=Counts)
    managers: Counts = field(default_factory=Counts)

    def course(self, course_id: int) -> Counts:
        return self.courses.get(course_id) or Counts()

    def add(self, other: NodeFigures) -> None:
        for course_id, counts in other.courses.items():
            self.courses.setdefault(course_id, Counts()).add(counts)
        self.total.add(other.total)
        self.new_employees.add(other.new_employees)
        self.managers.add(other.managers)

    @property
    def is_empty(self) -> bool:
        return not self.total.applicable


@dataclass(frozen=True)
class CourseInfo:
    """A required course, and whether it counts for the new employees' and the managers' figures."""

    course: Course
    for_new_employees: bool
    for_managers: bool


@dataclass
class Tree:
    """Every node under some roots with its figures (its own staff and its subtree's), in tree order."""

    today: datetime.date
    courses: list[CourseInfo]
    nodes: dict[str, NodeFigures]  # by path, subtree figures
    own: dict[str, NodeFigures]  # by path, the node's own staff only

    def at(self, path: str) -> NodeFigures | None:
        return self.nodes.get(path)

    def children(self, node: NodeRef) -> list[NodeFigures]:
        return [
            f
            for path, f in self.nodes.items()
            if f.node.depth == node.depth + 1 and path.startswith(node.path) and not f.is_empty
        ]


def _flag(condition: Q) -> ExpressionWrapper[Q]:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _flag_or_true(condition: Q) -> Expression:
    """A requirement's condition as a boolean column (an empty condition holds for everyone)."""
    return _flag(condition) if condition else Value(True)


def _any(conditions: Sequence[Q]) -> Q | None:
    """The disjunction of ``conditions``; ``None`` when one of them holds for everyone (an empty ``Q``)."""
    if not conditions or any(not c for c in conditions):
        return None
    return reduce(operator.or_, conditions)


def _under(paths: Sequence[str] | None, field_name: str = "employment_node__path") -> Q:
    if paths is None:
        return Q()
    return reduce(operator.or_, [Q(**{f"{field_name}__startswith": p}) for p in paths], Q(pk__in=[]))


def _course_people(
    organisation_id: int,
    requirements: Sequence[CourseRequirement],
    today: datetime.date,
    paths: Sequence[str] | None,
    person_ids: Sequence[int] | None = None,
) -> tuple[QuerySet[User], dict[str, Q]]:
    """The people who need the course of ``requirements`` (under ``paths``), and the conditions that place them:
    ``late`` (no time left: some requirement that applies is past its ``within_days``), and the headline groups."""
    conditions = [requirement_condition(r, today) for r in requirements]
    people = staff(organisation_id)
    if paths is not None:
        people = people.filter(_under(paths))
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    applies = _any(conditions)
    if applies is not None:
        people = people.filter(applies)
    late = reduce(operator.or_, [c & ~in_grace(r, today) for c, r in zip(conditions, requirements, strict=True)])
    groups: dict[str, Q] = {"late": late}
    for name, wanted in ((NEW_EMPLOYEES, _is_new_employees), (MANAGERS, _is_managers)):
        chosen = [c for c, r in zip(conditions, requirements, strict=True) if wanted(r)]
        if not chosen:
            continue
        if len(chosen) == len(conditions) or (group := _any(chosen)) is None:
            groups[name] = Q()  # the whole course's audience
        else:
            groups[name] = group
    return people, groups


def _is_new_employees(requirement: CourseRequirement) -> bool:
    return requirement.within_days <= FIRST_MONTH_DAYS


def _is_managers(requirement: CourseRequirement) -> bool:
    return requirement.audience == Audience.MANAGERS


def _by_course(organisation_id: int) -> dict[int, list[CourseRequirement]]:
    grouped: dict[int, list[CourseRequirement]] = defaultdict(list)
    for requirement in active_requirements(organisation_id).order_by("course__name", "pk"):
        grouped[requirement.course_id].append(requirement)
    return grouped


def _node_rows(organisation_id: int, paths: Sequence[str] | None) -> list[NodeRef]:
    nodes = Node.objects.filter(organisation_id=organisation_id)
    if paths is not None:
        nodes = nodes.filter(_under(paths, "path"))
    return [NodeRef(*row) for row in nodes.order_by("path").values_list("pk", "name", "kind", "path", "depth")]


def tree(
    organisation_id: int,
    today: datetime.date,
    paths: Sequence[str] | None = None,
    *,
    person_ids: Sequence[int] | None = None,
) -> Tree:
    """The figures of every node under ``paths`` (the whole organisation for ``None``), rolled up the tree,
    counted live (only ``person_ids`` when given: what a write of their records changes).

    One query for the requirements, one for the nodes, and one ``GROUP BY`` per required course. The pages read
    the stored figures instead (:func:`stored_tree`); this is what stores them.
    """
    grouped = _by_course(organisation_id)
    nodes = _node_rows(organisation_id, paths)
    by_id = {n.pk: n for n in nodes}
    own: dict[str, NodeFigures] = {n.path: NodeFigures(n) for n in nodes}
    courses: list[CourseInfo] = []
    for requirements in grouped.values():
        course = requirements[0].course
        people, groups = _course_people(organisation_id, requirements, today, paths, person_ids)
        courses.append(CourseInfo(course, NEW_EMPLOYEES in groups, MANAGERS in groups))
        flags = {name: _flag(q) for name, q in groups.items() if q}
        rows = (
            people.annotate(has=valid_record(course.pk, today), **flags)
            .values("employment_node_id", "has", *flags)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            node = by_id.get(row["employment_node_id"])
            if node is None:
                continue
            counts = Counts()
            if row["has"]:
                counts.covered = row["n"]
            elif row["late"]:
                counts.gaps = row["n"]
            else:
                counts.due = row["n"]
            figures = own[node.path]
            figures.courses.setdefault(course.pk, Counts()).add(counts)
            figures.total.add(counts)
            if NEW_EMPLOYEES in groups and row.get(NEW_EMPLOYEES, True):
                figures.new_employees.add(counts)
            if MANAGERS in groups and row.get(MANAGERS, True):
                figures.managers.add(counts)
    subtree: dict[str, NodeFigures] = {n.path: NodeFigures(n) for n in nodes}
    for path, figures in own.items():
        if figures.is_empty:
            continue
        for end in range(STEP, len(path) + 1, STEP):
            above = subtree.get(path[:end])
            if above is not None:
                above.add(figures)
    return Tree(today, courses, subtree, own)


def coverage_for(organisation_id: int, node: Node, today: datetime.date | None = None) -> NodeFigures:
    """The figures of ``node`` with its subtree, for anyone (no person, no scope): the yearly follow-up's."""
    day = today or timezone.localdate()
    figures = tree(organisation_id, day, [node.path]).at(node.path)
    return figures or NodeFigures(NodeRef(node.pk, node.name, node.kind, node.path, node.depth))


TOTAL = "total"


def keyed_counts(figures: NodeFigures) -> list[tuple[str, Counts]]:
    """A node's counts by the key they are stored under: each course's id, the total and the two groups."""
    return [
        (TOTAL, figures.total),
        (NEW_EMPLOYEES, figures.new_employees),
        (MANAGERS, figures.managers),
        *((str(course_id), counts) for course_id, counts in figures.courses.items()),
    ]


def course_infos(organisation_id: int) -> list[CourseInfo]:
    """The required courses, and whether each counts for the new employees' and the managers' figures."""
    return [
        CourseInfo(group[0].course, any(map(_is_new_employees, group)), any(map(_is_managers, group)))
        for group in _by_course(organisation_id).values()
    ]


def _set(figures: NodeFigures, key: str, counts: Counts) -> None:
    if key == TOTAL:
        figures.total = counts
    elif key == NEW_EMPLOYEES:
        figures.new_employees = counts
    elif key == MANAGERS:
        figures.managers = counts
    elif key.isdigit():
        figures.courses[int(key)] = counts


def counted_at(organisation_id: int) -> CoverageState | None:
    """When the stored figures were counted; ``None`` if never."""
    return CoverageState.objects.filter(organisation_id=organisation_id).first()


def stored_tree(organisation_id: int, path: str, depth: int, today: datetime.date) -> Tree:
    """The stored figures of the node at ``path`` and the nodes under it down to ``depth``: the page's reads.

    One query for the figures with their nodes and one for the requirements, whatever the organisation's size.
    """
    nodes: dict[str, NodeFigures] = {}
    own: dict[str, NodeFigures] = {}
    rows = (
        CoverageFigure.objects.filter(
            organisation_id=organisation_id, node__path__startswith=path, node__depth__lte=depth
        )
        .order_by("node__path")
        .values_list(
            "node_id",
            "node__name",
            "node__kind",
            "node__path",
            "node__depth",
            "key",
            "own_covered",
            "own_due",
            "own_gaps",
            "covered",
            "due",
            "gaps",
        )
    )
    for pk, name, kind, node_path, node_depth, key, o_c, o_d, o_g, c, d, g in rows:
        if node_path not in nodes:
            ref = NodeRef(pk, name, kind, node_path, node_depth)
            nodes[node_path] = NodeFigures(ref)
            own[node_path] = NodeFigures(ref)
        _set(nodes[node_path], key, Counts(c, d, g))
        _set(own[node_path], key, Counts(o_c, o_d, o_g))
    return Tree(today, course_infos(organisation_id), nodes, own)


# --- the coverage page and the API ---------------------------------------------------------------


def scope_roots(user: User) -> list[str] | None:
    """The top paths of the person's ``VIEW_TRAINING`` scope; ``None`` for the whole organisation."""
    paths = sorted({g.node_path for g in access.grants(user) if Perm.VIEW_TRAINING in g.perms}, key=len)
    kept: list[str] = []
    for p in paths:
        if len(p) == STEP:
            return None
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def node_in_scope(user: User, pk: int | str | None) -> Node | None:
    """The node ``pk`` if the person views training there; ``None`` for no node; a 404 for another."""
    if pk is None or pk == "":
        return None
    if isinstance(pk, str) and not pk.isdigit():
        raise Http404
    return access.get_object_or_404(user, Perm.VIEW_TRAINING, Node.objects.all(), pk=int(pk))


@dataclass(frozen=True)
class CourseTable:
    """One course on the coverage page: a row per node below, and the total."""

    info: CourseInfo
    total: Counts
    rows: list[tuple[NodeFigures, Counts]]
    directly: Counts | None  # the node's own staff


@dataclass
class Overview:
    """The coverage page: the figures of the node looked at (or of the person's top nodes), and the rows below."""

    today: datetime.date
    courses: list[CourseInfo]
    node: NodeRef | None  # None: the person's top nodes
    crumbs: list[NodeRef]
    figures: NodeFigures  # the node's (or the sum of the top nodes')
    rows: list[NodeFigures]  # the children, or the top nodes
    directly: NodeFigures | None  # the node's own staff, when it also has children
    has_children: set[int]  # nodes below which there is more to see
    counted: CoverageState | None = None  # when the stored figures were counted (None: counted live now)

    @property
    def is_stale(self) -> bool:
        """The stored figures are from an earlier day: a course may have run out since."""
        return self.counted is not None and self.counted.counted_on != self.today

    @property
    def tables(self) -> list[CourseTable]:
        out = []
        for info in self.courses:
            pk = info.course.pk
            rows = [(f, f.course(pk)) for f in self.rows if f.course(pk).applicable]
            directly = self.directly.course(pk) if self.directly is not None else None
            out.append(
                CourseTable(info, self.figures.course(pk), rows, directly if directly and directly.applicable else None)
            )
        return [t for t in out if t.total.applicable]


def overview(user: User, *, node: Node | None = None, today: datetime.date | None = None) -> Overview:
    """Coverage under ``node`` (by default the person's whole scope), with a row per child node."""
    day = today or timezone.localdate()
    roots = scope_roots(user)
    if roots == [] or user.organisation_id is None:
        raise Http404
    if node is None and roots is None:
        node = Node.objects.filter(organisation_id=user.organisation_id, depth=1).order_by("path").first()
        if node is None:
            raise Http404
    state = counted_at(user.organisation_id)

    def figures_under(paths: list[str], depth: int) -> Tree:
        """The stored figures down to ``depth`` below each path; counted live only before the first count."""
        if state is None:
            return tree(user.organisation_id, day, paths)  # type: ignore[arg-type]
        merged = Tree(day, [], {}, {})
        for path in paths:
            part = stored_tree(user.organisation_id, path, depth, day)  # type: ignore[arg-type]
            merged.courses = part.courses
            merged.nodes.update(part.nodes)
            merged.own.update(part.own)
        return merged

    if node is not None:
        result = figures_under([node.path], node.depth + 2)
        ref = NodeRef(node.pk, node.name, node.kind, node.path, node.depth)
        figures = result.at(node.path) or NodeFigures(ref)
        rows = result.children(ref)
        own = result.own.get(node.path)
        directly = own if rows and own is not None and not own.is_empty else None
        ancestors = Node.objects.filter(
            organisation_id=node.organisation_id, path__in=node.ancestor_paths(include_self=False)
        ).order_by("depth")
        crumbs = [
            NodeRef(a.pk, a.name, a.kind, a.path, a.depth)
            for a in ancestors
            if roots is None or any(a.path.startswith(r) for r in roots)
        ]
    else:
        tops = roots or []  # a node was chosen above when the scope is the whole organisation
        result = figures_under(tops, max(len(t) // STEP for t in tops) + 1)
        ref = None
        rows = [f for f in (result.at(r) for r in tops) if f is not None]
        figures = NodeFigures(NodeRef(0, "", "", "", 0))
        for row in rows:
            figures.add(row)
        directly, crumbs = None, []
    has_children: set[int] = set()
    for f in result.nodes.values():
        parent = result.nodes.get(f.node.path[:-STEP]) if f.node.depth > 1 and not f.is_empty else None
        if parent is not None:
            has_children.add(parent.node.pk)
    return Overview(day, result.courses, ref, crumbs, figures, rows, directly, has_children, state)


# --- the gap lists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One person and one course they lack, or that runs out soon."""

    person_id: int
    name: str
    protected: bool
    employee_number: str
    unit: str
    course: Course
    status: Status
    on: datetime.date | None  # the expiry (expired, expiring), or None (missing)

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


ORDER = {Status.MISSING: 0, Status.EXPIRED: 1, Status.EXPIRING: 2}


def gaps(
    organisation_id: int,
    node: Node,
    *,
    days: int = GAP_DAYS,
    today: datetime.date | None = None,
) -> list[Gap]:
    """Who under ``node`` lacks a course they need (``missing``, ``expired``) or holds one that ends within
    ``days``, by unit, name and course.

    Three queries whatever the number of courses: the requirements, the people under ``node`` with a flag per
    requirement that holds for them, and their records of the required courses; where each person stands is
    :func:`needs.status_for`, the rule of the person's own page. New employees who still have time are not listed
    (they are not gaps yet).
    """
    day = today or timezone.localdate()
    horizon = day + datetime.timedelta(days=days)
    requirements = [r for group in _by_course(organisation_id).values() for r in group]
    if not requirements:
        return []
    flags = {f"r{r.pk}": _flag_or_true(requirement_condition(r, day)) for r in requirements}
    people = (
        staff(organisation_id)
        .filter(employment_node__path__startswith=node.path)
        .annotate(**flags)
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "username",
            "protected_identity",
            "employee_number",
            "employment_node__name",
            "employed_from",
            *flags,
        )
        .order_by()
    )
    records: dict[tuple[int, int], list[TrainingRecord]] = defaultdict(list)
    for r in TrainingRecord.objects.filter(
        organisation_id=organisation_id,
        person_id__in=staff(organisation_id).filter(employment_node__path__startswith=node.path).values("pk"),
        course_id__in={r.course_id for r in requirements},
    ).only("person_id", "course_id", "completed_on", "expires_on"):
        records[(r.person_id, r.course_id)].append(r)
    found: list[Gap] = []
    for pk, first, last, username, protected, number, unit, employed_from, *holds in people:
        within: dict[int, int] = {}  # course -> the strictest deadline of the requirements that hold
        for requirement, held in zip(requirements, holds, strict=True):
            if held:
                days_given = within.get(requirement.course_id)
                within[requirement.course_id] = min(requirement.within_days, days_given or requirement.within_days)
        name = f"{first} {last}".strip() or username
        for course_id, within_days in within.items():
            course = next(r.course for r in requirements if r.course_id == course_id)
            status, on = status_for(
                course,
                records.get((pk, course_id), []),
                employed_from=employed_from,
                within_days=within_days,
                today=day,
            )
            if status in (Status.VALID, Status.EXPIRING):
                if on is None or on > horizon:
                    continue
                status = Status.EXPIRING
            elif status == Status.DUE:
                continue
            found.append(Gap(pk, name, protected, number, unit, course, status, on))
    found.sort(key=lambda g: (g.unit, g.name, g.person_id, ORDER[g.status], g.course.name))
    return found


def parts_to_choose(user: User) -> list[Node]:
    """For a person who sees the whole organisation: the root and the nodes just below it, to pick a gap list."""
    if user.organisation_id is None:
        return []
    root = Node.objects.filter(organisation_id=user.organisation_id, depth=1).order_by("path").first()
    if root is None:
        return []
    below = Node.objects.filter(organisation_id=root.organisation_id, path__startswith=root.path, depth=2)
    return [root, *below.order_by("name")]


def gap_list(user: User, node: Node | None, *, days: int = GAP_DAYS, today: datetime.date | None = None) -> list[Gap]:
    """The gaps the person may see: under ``node``, or under each of their top nodes."""
    if user.organisation_id is None:
        raise Http404
    roots = scope_roots(user)
    if roots == []:
        raise Http404
    if node is not None:
        return gaps(user.organisation_id, node, days=days, today=today)
    if roots is None:
        root = Node.objects.filter(organisation_id=user.organisation_id, depth=1).order_by("path").first()
        if root is None:
            raise Http404
        return gaps(user.organisation_id, root, days=days, today=today)
    found: list[Gap] = []
    for top in Node.objects.filter(organisation_id=user.organisation_id, path__in=roots).order_by("path"):
        found.extend(gaps(user.organisation_id, top, days=days, today=today))
    return found
