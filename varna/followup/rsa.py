"""What an RSA draft says under each heading of MSBFS 2015:5, assembled from the other apps' data (reads only).

The municipality reports its risk and vulnerability analysis (RSA) to the county administrative board under the
regulation's seven headings (:class:`~varna.followup.models.RsaHeading`). Värna holds much of what goes under them;
this module assembles it as a **draft**: a text for each heading that people finish, and tables of the facts.

- **Which risks.** A risk is tagged with one security area (G2, K7); the draft takes the risks tagged
  *Krisberedskap och höjd beredskap* (code ``crisis-preparedness``), open or accepted (an eliminated risk is no
  longer a risk), from analyses that are no longer drafts. An analysis's own list of areas says what it looked at,
  not what each risk is: an analysis of a school that lists crisis preparedness among five areas also has its
  burglary risks, which do not belong in the RSA. The method section lists the analyses the risks come from.
- **Likelihood, consequence and level** are today's judgement (``current``) in the words of the matrix version the
  analysis was made with.
- **Critical services** are the organisation's list (:class:`~varna.followup.models.CriticalService`), with the
  preparedness plan's sub-plans per operation (``documents``) beside them.
- **Measures** are the measures against those risks (with their status) and the actions of the action plans that
  carry them out or address the risks (with their status and date).

Everything is read with the generating person's scope (the coordinator's is the whole organisation). The text is
written in the person's language (Swedish unless they chose English).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from varna.core import access, formats
from varna.core.access import Perm
from varna.core.models import Node, NodeKind, Organisation, User
from varna.documents import selectors as documents
from varna.documents.models import Operation
from varna.followup.models import RSA_CRISIS_AREA, CriticalService, RsaHeading
from varna.plans.models import Action, ActionStatus
from varna.risks.models import AnalysisStatus, Measure, MeasureStatus, Risk, RiskAnalysis, RiskMatrix, RiskStatus

MAX_ROWS = 200  # rows of one table; the rest are counted in a note
FILL_IN = "[…]"


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        shown = self.rows[:MAX_ROWS]
        note = self.note
        if len(self.rows) > MAX_ROWS:
            more = len(self.rows) - MAX_ROWS
            hidden = ngettext("One more row is not shown.", "%(n)s more rows are not shown.", more) % {"n": more}
            note = f"{note} {hidden}".strip()
        return {"caption": self.caption, "columns": self.columns, "rows": shown, "note": note}


@dataclass
class Content:
    """What a heading gets from a generation: the text to start from, and the tables."""

    text: str
    tables: list[Table] = field(default_factory=list)

    def tables_json(self) -> list[dict[str, Any]]:
        return [t.as_json() for t in self.tables]


@dataclass
class Sources:
    """The data the headings are assembled from, read once per generation."""

    organisation: Organisation
    period_start: int
    today: datetime.date
    risks: list[Risk]
    analyses: list[RiskAnalysis]
    measures: list[Measure]
    actions: list[Action]
    services: list[CriticalService]
    sub_plans: list[documents.SubPlanRow]
    nodes: list[Node]
    staff: int
    matrix: RiskMatrix | None


def crisis_risks(actor: User) -> list[Risk]:
    """The crisis-preparedness risks the draft reports: open or accepted, from analyses that are not drafts."""
    rows = (
        access.scope(actor, Perm.VIEW_RISKS, Risk.objects.all())
        .filter(security_area__code=RSA_CRISIS_AREA, status__in=[RiskStatus.OPEN, RiskStatus.ACCEPTED])
        .exclude(analysis__status=AnalysisStatus.DRAFT)
        .select_related("node", "matrix", "analysis")
    )
    return sorted(rows, key=lambda r: (-(r.current_level if r.current_level is not None else -1), r.number))


def sources(actor: User, organisation: Organisation, period_start: int, today: datetime.date) -> Sources:
    risks = crisis_risks(actor)
    risk_ids = [r.pk for r in risks]
    analysis_ids = {r.analysis_id for r in risks}
    analyses = list(
        access.scope(actor, Perm.VIEW_RISKS, RiskAnalysis.objects.all())
        .filter(Q(pk__in=analysis_ids) | Q(security_areas__code=RSA_CRISIS_AREA))
        .exclude(status=AnalysisStatus.DRAFT)
        .select_related("node")
        .distinct()
        .order_by("-analysed_on", "number")
    )
    measures = list(
        access.scope(actor, Perm.VIEW_RISKS, Measure.objects.all())
        .filter(risks__in=risk_ids)
        .select_related("node")
        .distinct()
        .order_by("priority", "number")
    )
    actions = list(
        access.scope(actor, Perm.VIEW_PLANS, Action.objects.all())
        .filter(Q(risks__in=risk_ids) | Q(measures__in=[m.pk for m in measures]))
        .select_related("plan", "node")
        .distinct()
        .order_by("due", "pk")
    )
    services = list(
        access.scope(actor, Perm.VIEW_RSA, CriticalService.objects.all()).select_related("node").order_by("name", "pk")
    )
    nodes = list(
        Node.objects.filter(
            organisation=organisation,
            kind__in=[NodeKind.COMMITTEE, NodeKind.ADMINISTRATION, NodeKind.COMPANY, NodeKind.FEDERATION],
        ).order_by("path")
    )
    staff = User.objects.filter(organisation=organisation, is_active=True, employment_node__isnull=False).count()
    matrix = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    return Sources(
        organisation=organisation,
        period_start=period_start,
        today=today,
        risks=risks,
        analyses=analyses,
        measures=measures,
        actions=actions,
        services=services,
        sub_plans=documents.preparedness(actor, today),
        nodes=nodes,
        staff=staff,
        matrix=matrix,
    )


# --- the headings ----------------------------------------------------------------------------------------------


def _municipality(s: Sources) -> Content:
    kinds = {k: [n for n in s.nodes if n.kind == k] for k in (NodeKind.COMMITTEE, NodeKind.COMPANY)}
    text = "\n\n".join(
        [
            _(
                "%(org)s has %(committees)s committees and %(companies)s municipal companies and federations, "
                "with %(staff)s employees registered in Värna."
            )
            % {
                "org": s.organisation.name,
                "committees": len(kinds[NodeKind.COMMITTEE]),
                "companies": len([n for n in s.nodes if n.kind in (NodeKind.COMPANY, NodeKind.FEDERATION)]),
                "staff": formats.number(s.staff),
            },
            _(
                "Describe the municipality's geographical area: its population and where people live, the "
                "infrastructure (roads, railways, power, water and sewage, telecommunications), large workplaces "
                "and facilities with a risk of serious accidents, and the municipality's cooperation with its "
                "neighbours, the region and the county administrative board. %(fill)s"
            )
            % {"fill": FILL_IN},
        ]
    )
    table = Table(
        _("The municipality's organisation"),
        [_("Name"), _("Kind")],
        [[n.name, str(n.get_kind_display())] for n in s.nodes if n.kind != NodeKind.ADMINISTRATION],
    )
    return Content(text, [table])


def _method(s: Sources) -> Content:
    matrix = s.matrix
    parts = [
        _(
            "The risks in this analysis come from the risk analyses of the municipality's units, committees and "
            "companies in Värna. Each risk is judged for its likelihood and its consequence for people, operations, "
            "property, economy and environment."
        ),
    ]
    if matrix is not None:
        parts.append(
            _(
                "The judgements use the municipality's risk matrix %(name)s with %(l)s levels of likelihood and "
                "%(c)s levels of consequence."
            )
            % {"name": matrix.name, "l": matrix.likelihood_count, "c": matrix.consequence_count}
        )
    parts.append(
        ngettext(
            "One risk analysis has risks in the area of crisis preparedness or covers the area.",
            "%(n)s risk analyses have risks in the area of crisis preparedness or cover the area.",
            len(s.analyses),
        )
        % {"n": len(s.analyses)}
    )
    parts.append(
        _(
            "Describe who took part (the security group, the administrations, the companies, other actors), how "
            "the work was done (seminars, interviews, scenarios) and how the analysis is anchored with the "
            "political leadership. %(fill)s"
        )
        % {"fill": FILL_IN}
    )
    table = Table(
        _("Risk analyses the RSA builds on"),
        [_("Number"), _("Title"), _("Unit"), _("Date of the analysis"), _("Status"), _("Method")],
        [
            [a.number, a.title, a.node.name, formats.local_time(a.analysed_on), str(a.get_status_display()), a.method]
            for a in s.analyses
        ],
    )
    return Content("\n\n".join(parts), [table])


def _downtime(hours: int | None) -> str:
    if hours is None:
        return formats.EMPTY
    if hours >= 48 and hours % 24 == 0:
        days = hours // 24
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def _critical_services(s: Sources) -> Content:
    text = "\n\n".join(
        [
            ngettext(
                "The municipality has identified one service vital to society.",
                "The municipality has identified %(n)s services vital to society.",
                len(s.services),
            )
            % {"n": len(s.services)},
            _(
                "Add the services vital to society that others run within the municipality's geographical area "
                "(for example electricity, telecommunications, health care, food supply) and say how the "
                "municipality has identified them. %(fill)s"
            )
            % {"fill": FILL_IN},
        ]
    )
    labels = dict(Operation.choices)
    services = Table(
        _("Services vital to society"),
        [_("Service"), _("Responsible unit"), _("Description"), _("Acceptable downtime")],
        [[c.name, c.node.name, c.description, _downtime(c.acceptable_downtime_hours)] for c in s.services],
    )
    plans = Table(
        _("Sub-plans for heightened readiness per operation"),
        [_("Operation"), _("Sub-plans"), _("State")],
        [
            [
                str(labels.get(row.operation, row.operation)),
                ", ".join(d.title for d in row.documents),
                str(row.state_label),
            ]
            for row in s.sub_plans
        ],
    )
    return Content(text, [services, plans])


def _dependencies(s: Sources) -> Content:
    with_dependencies = [c for c in s.services if c.dependencies.strip()]
    text = "\n\n".join(
        [
            ngettext(
                "The dependencies of one service are recorded.",
                "The dependencies of %(n)s services are recorded.",
                len(with_dependencies),
            )
            % {"n": len(with_dependencies)},
            _(
                "Describe the critical dependencies the services share (electricity, water, IT, fuel, transport, "
                "staff) and which of them the municipality does not control itself. %(fill)s"
            )
            % {"fill": FILL_IN},
        ]
    )
    table = Table(
        _("Critical dependencies"),
        [_("Service"), _("Depends on"), _("Acceptable downtime")],
        [[c.name, c.dependencies, _downtime(c.acceptable_downtime_hours)] for c in s.services],
    )
    return Content(text, [table])


def _level_label(risk: Risk) -> str:
    band = risk.matrix.level(risk.current_level)
    return str(band["label"]) if band else formats.EMPTY


def _risks(s: Sources) -> Content:
    counts: dict[str, int] = {}
    for r in s.risks:
        counts[_level_label(r)] = counts.get(_level_label(r), 0) + 1
    text = ngettext(
        "One risk in the area of crisis preparedness is identified and analysed.",
        "%(n)s risks in the area of crisis preparedness are identified and analysed.",
        len(s.risks),
    ) % {"n": len(s.risks)}
    if counts:
        text += " " + _("By level today: %(levels)s.") % {
            "levels": ", ".join(f"{label} {n}" for label, n in counts.items())
        }
    text += "\n\n" + _(
        "Describe the risks that can lead to an extraordinary event in the municipality and its geographical area "
        "and how they were chosen, with the scenarios used. %(fill)s"
    ) % {"fill": FILL_IN}
    table = Table(
        _("Risks in the area of crisis preparedness"),
        [_("Number"), _("Risk"), _("Unit"), _("Likelihood"), _("Consequence"), _("Level today"), _("Status")],
        [
            [
                r.number,
                r.title,
                r.node.name,
                r.matrix.likelihood_label(r.current_likelihood) or formats.EMPTY,
                r.matrix.consequence_label(r.current_consequence) or formats.EMPTY,
                _level_label(r),
                str(r.get_status_display()),
            ]
            for r in s.risks
        ],
    )
    return Content(text, [table])


def _vulnerabilities(s: Sources) -> Content:
    high = [r for r in s.risks if r.current_level is not None and r.current_level >= _high_band(r.matrix)]
    weak_plans = [row for row in s.sub_plans if row.state != documents.SubPlanState.CURRENT]
    no_downtime = [c for c in s.services if c.acceptable_downtime_hours is None]
    parts = [
        ngettext(
            "One risk has one of the two highest levels today.",
            "%(n)s risks have one of the two highest levels today.",
            len(high),
        )
        % {"n": len(high)},
        ngettext(
            "One operation lacks a current sub-plan for heightened readiness.",
            "%(n)s operations lack a current sub-plan for heightened readiness.",
            len(weak_plans),
        )
        % {"n": len(weak_plans)},
        ngettext(
            "One service vital to society has no acceptable downtime recorded.",
            "%(n)s services vital to society have no acceptable downtime recorded.",
            len(no_downtime),
        )
        % {"n": len(no_downtime)},
    ]
    text = (
        " ".join(parts)
        + "\n\n"
        + _(
            "Describe the vulnerabilities and the shortcomings in the crisis preparedness that the analysis has shown, "
            "and the municipality's ability to handle an extraordinary event. %(fill)s"
        )
        % {"fill": FILL_IN}
    )
    table = Table(
        _("Risks at the highest levels"),
        [_("Risk"), _("Unit"), _("Level today"), _("Controls in place today")],
        [[r.title, r.node.name, _level_label(r), r.current_controls] for r in high],
    )
    labels = dict(Operation.choices)
    gaps = Table(
        _("Sub-plans that are missing or not current"),
        [_("Operation"), _("State")],
        [[str(labels.get(row.operation, row.operation)), str(row.state_label)] for row in weak_plans],
    )
    return Content(text, [table, gaps])


def _high_band(matrix: RiskMatrix) -> int:
    """The index of the second-highest level of the matrix: risks from there up are the municipality's highest."""
    return max(len(matrix.risk_levels) - 2, 0)


def _measures(s: Sources) -> Content:
    done = [m for m in s.measures if m.status == MeasureStatus.DONE]
    planned = [m for m in s.measures if m.status in (MeasureStatus.PROPOSED, MeasureStatus.DECIDED)]
    actions_done = [a for a in s.actions if a.status == ActionStatus.DONE]
    text = "\n\n".join(
        [
            _(
                "Against the risks in the area of crisis preparedness, %(done)s measures are carried out and "
                "%(planned)s are proposed or decided. The action plans have %(actions)s actions for them, "
                "%(actions_done)s of them done."
            )
            % {
                "done": len(done),
                "planned": len(planned),
                "actions": len(s.actions),
                "actions_done": len(actions_done),
            },
            _(
                "Describe which measures the municipality needs to take during the mandate period %(start)s–%(end)s "
                "and how they are planned, followed up and financed. %(fill)s"
            )
            % {"start": s.period_start, "end": s.period_start + 3, "fill": FILL_IN},
        ]
    )
    measures = Table(
        _("Measures against the risks"),
        [_("Number"), _("Measure"), _("Unit"), _("Type of measure"), _("Priority"), _("Status")],
        [
            [
                m.number,
                m.title,
                m.node.name,
                str(m.get_measure_type_display()),
                str(m.get_priority_display()),
                str(m.get_status_display()),
            ]
            for m in s.measures
        ],
    )
    actions = Table(
        _("Actions in the action plans"),
        [_("Action"), _("Plan"), _("Due"), _("Status"), _("Completed")],
        [
            [
                a.what,
                str(a.plan),
                formats.local_time(a.due),
                str(a.get_status_display()),
                formats.local_time(a.completed_on) if a.completed_on else formats.EMPTY,
            ]
            for a in s.actions
        ],
    )
    return Content(text, [measures, actions])


ASSEMBLERS = {
    RsaHeading.MUNICIPALITY: _municipality,
    RsaHeading.METHOD: _method,
    RsaHeading.CRITICAL_SERVICES: _critical_services,
    RsaHeading.DEPENDENCIES: _dependencies,
    RsaHeading.RISKS: _risks,
    RsaHeading.VULNERABILITIES: _vulnerabilities,
    RsaHeading.MEASURES: _measures,
}


def assemble(s: Sources, key: str) -> Content:
    """What the heading ``key`` gets from the data in ``s``."""
    return ASSEMBLERS[RsaHeading(key)](s)
