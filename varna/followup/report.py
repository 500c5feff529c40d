"""The yearly report's content (K4): gathered by the worker step by step and frozen as JSON.

:func:`run` is the worker's task body. Each step's progress is written in its own short transaction, so the page
shows "step 2 of 5: the nämnder's follow-ups" while the next step runs; the content is written once, at the end.
Every figure is the requester's own (their scope), read through the other apps' functions as the follow-up
reads them:

- **the municipality**: the damage statistics of the whole organisation for the year and the two before it
  (:func:`varna.followup.figures.damage_section` of the root);
- **the nämnder**: per nämnd its latest fixed follow-up of the year where there is one (its figures as fixed),
  otherwise its figures computed now (:func:`varna.followup.figures.compute`), and whether the förvaltningar
  below it have fixed their follow-ups (G14);
- **the effect of measures** (P8, G13): :func:`varna.risks.effect.effects` of every measure carried out before
  the end of the year, counted by verdict, with the measures whose effect is clear listed;
- **training, technical protection and insurance** at the root, where those apps are installed; a part without
  data says so.

A failing step leaves the report "misslyckad" with the step's name; it never reaches anyone as an error page.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from varna.core.models import Node, NodeKind, User
from varna.followup import figures
from varna.followup.models import FollowUp, FollowUpStatus
from varna.followup.models_report import REPORT_STEPS, ReportStatus, YearlyReport
from varna.risks import effect

logger = logging.getLogger(__name__)

COMMITTEE_KINDS = (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE)
VERDICTS = ("fewer", "more", "no_clear_change", "too_few", "too_early")
MAX_CLEAR = 50  # the measures with a clear effect listed in the report


def report_node(organisation_id: int) -> Node | None:
    """Where an organisation's reports belong: its kommunstyrelse, or its root when it has none."""
    nodes = Node.objects.filter(organisation_id=organisation_id)
    return (
        nodes.filter(kind=NodeKind.EXECUTIVE_BOARD).order_by("path").first()
        or nodes.filter(depth=1).order_by("path").first()
    )


def as_of(year: int, today: datetime.date) -> datetime.date:
    """The day the report's figures are counted on: the year's last day, or today for the running year."""
    return min(today, datetime.date(year, 12, 31))


# --- the steps -----------------------------------------------------------------------------


def municipality_step(user: User, year: int, today: datetime.date) -> dict[str, Any]:
    root = Node.objects.filter(organisation_id=user.organisation_id or 0, depth=1).order_by("path").first()
    if root is None:
        return {"name": "", "damage": None}
    return {"name": root.name, "damage": figures.damage_section(user, root, year)}


def _fixed_follow_ups(organisation_id: int, year: int) -> dict[int, FollowUp]:
    """The latest fixed follow-up of the year of each node."""
    rows = FollowUp.objects.filter(organisation_id=organisation_id, year=year, status=FollowUpStatus.FIXED).order_by(
        "node_id", "version"
    )
    return {fu.node_id: fu for fu in rows}


def coverage_tree(organisation_id: int, today: datetime.date) -> Callable[[Node], Any] | None:
    """The training coverage of every node, counted once: each nämnd's figures are then a look-up (counting them
    nämnd by nämnd counted Kommunstyrelsen's subtree, nearly the whole organisation, again for each)."""
    if not apps.is_installed("varna.training"):
        return None
    from varna.training.selectors.coverage import NodeFigures, NodeRef, tree

    counted = tree(organisation_id, today)

    def at(node: Node) -> NodeFigures:
        return counted.at(node.path) or NodeFigures(NodeRef(node.pk, node.name, node.kind, node.path, node.depth))

    return at


def committees_step(user: User, year: int, today: datetime.date) -> list[dict[str, Any]]:
    organisation_id = user.organisation_id or 0
    coverage = coverage_tree(organisation_id, today)
    fixed = _fixed_follow_ups(organisation_id, year)
    nodes = list(Node.objects.filter(organisation_id=organisation_id, kind__in=COMMITTEE_KINDS).order_by("path"))
    administrations = list(
        Node.objects.filter(organisation_id=organisation_id, kind=NodeKind.ADMINISTRATION)
        .only("pk", "name", "path")
        .order_by("path")
    )
    found = []
    for node in nodes:
        follow_up = fixed.get(node.pk)
        values = (
            follow_up.figures
            if follow_up is not None
            else figures.compute(user, node, year, today=today, coverage=coverage)
        )
        below = [n for n in nodes if n.pk != node.pk and n.path.startswith(node.path)]
        own = [
            a
            for a in administrations
            if a.path.startswith(node.path) and not any(a.path.startswith(b.path) for b in below)
        ]
        found.append(
            {
                "id": node.pk,
                "name": node.name,
                "kind": node.kind,
                "follow_up": {"id": follow_up.pk, "version": follow_up.version} if follow_up else None,
                "includes_committees": bool(below),
                "figures": values,
                "administrations": [
                    {
                        "name": a.name,
                        "follow_up": {"id": fixed[a.pk].pk, "version": fixed[a.pk].version} if a.pk in fixed else None,
                    }
                    for a in own
                ],
            }
        )
    return found


def effect_step(user: User, year: int, today: datetime.date) -> dict[str, Any]:
    day = as_of(year, today)
    measures = [m for m in effect.completed_measures(user) if m.done_on is not None and m.done_on < day]
    found = effect.effects(user, measures, today=day)
    counts: Counter[str] = Counter(e.verdict for e in found.values())
    clear = sorted(
        (e for e in found.values() if e.verdict in ("fewer", "more")),
        key=lambda e: (e.verdict != "fewer", e.ratio if e.verdict == "fewer" else -(e.ratio or 0)),
    )[:MAX_CLEAR]
    names = dict(Node.objects.filter(pk__in={e.measure.node_id for e in clear}).values_list("pk", "name"))
    return {
        "as_of": day.isoformat(),
        "measures": len(found),
        "counts": {verdict: counts.get(verdict, 0) for verdict in VERDICTS},
        "clear": [
            {
                "number": e.measure.number,
                "title": e.measure.title,
                "node": names.get(e.measure.node_id, ""),
                "analysis_id": e.measure.analysis_id,
                "verdict": e.verdict,
                "done_on": e.measure.done_on.isoformat() if e.measure.done_on else None,
                "before": e.before.count,
                "after": e.after.count,
                "change": e.change_percent,
                "low": (e.interval_percent or (None, None))[0],
                "high": (e.interval_percent or (None, None))[1],
            }
            for e in clear
        ],
    }


def modules_step(user: User, year: int, today: datetime.date) -> dict[str, Any]:
    root = Node.objects.filter(organisation_id=user.organisation_id or 0, depth=1).order_by("path").first()
    if root is None:
        return {"training": {"available": False}, "protection": {"available": False}, "insurance": {"available": False}}
    return {
        "training": figures.training_section(root, coverage_tree(root.organisation_id or 0, today)),
        "protection": figures.protection_section(user, root),
        "insurance": figures.insurance_section(user, root),
    }


def summary_step(content: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of the summary, from what the other steps gathered."""
    damage = (content.get("municipality") or {}).get("damage") or {}
    years = damage.get("years") or []
    this = years[-1] if years else None
    last = years[-2] if len(years) > 1 else None
    change = None
    if this and last and last["count"]:
        change = round((this["count"] - last["count"]) * 100 / last["count"])
    committees = [c for c in content.get("committees", []) if c["kind"] == NodeKind.COMMITTEE]
    plans = [c["figures"].get("plan", {}) for c in committees]
    administrations = [a for c in content.get("committees", []) for a in c["administrations"]]
    return {
        "incidents": this["count"] if this else 0,
        "cost": this["cost"] if this else "0.00",
        "incidents_last_year": last["count"] if last else None,
        "change_percent": change,
        "committees": len(committees),
        "committees_with_plan": sum(1 for p in plans if p.get("exists")),
        "committees_with_adopted_plan": sum(1 for p in plans if p.get("adopted")),
        "committees_reviewed": sum(1 for p in plans if p.get("review_score") is not None),
        "administrations": len(administrations),
        "administrations_fixed": sum(1 for a in administrations if a["follow_up"]),
        "measures": (content.get("effect") or {}).get("measures", 0),
    }


STEP_FUNCTIONS: dict[str, Callable[[User, int, datetime.date], Any]] = {
    "municipality": municipality_step,
    "committees": committees_step,
    "effect": effect_step,
    "modules": modules_step,
}


# --- the worker's run ----------------------------------------------------------------------


def _progress(report_id: int, **fields: Any) -> None:
    """Write the progress in its own short transaction (the page reads it while the next step runs)."""
    with transaction.atomic():
        YearlyReport.objects.filter(pk=report_id).update(**fields, updated_at=timezone.now())


def gather(
    report: YearlyReport, *, today: datetime.date | None = None, on_step: Callable[[int, str], None]
) -> dict[str, Any]:
    """Every step's content for the report, calling ``on_step(i, key)`` before step ``i`` (1-based)."""
    today = today or timezone.localdate()
    user = User.objects.get(pk=report.created_by_id)
    content: dict[str, Any] = {
        "year": report.year,
        "computed_on": today.isoformat(),
        "as_of": as_of(report.year, today).isoformat(),
    }
    for i, (key, _name) in enumerate(REPORT_STEPS, start=1):
        on_step(i, key)
        if key == "summary":
            content["summary"] = summary_step(content)
        else:
            content[key] = STEP_FUNCTIONS[key](user, report.year, today)
    return content


def run(report_id: int, *, today: datetime.date | None = None) -> str:
    """The worker's generation of one report: ``"done"``, ``"failed"`` or ``"skipped"`` (not queued). Never raises."""
    with transaction.atomic():
        claimed = YearlyReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING, step=0, updated_at=timezone.now()
        )
    if not claimed:
        return "skipped"
    report = YearlyReport.objects.get(pk=report_id)
    current = {"key": ""}

    def on_step(i: int, key: str) -> None:
        current["key"] = key
        _progress(report_id, step=i)

    try:
        with translation.override(settings.LANGUAGE_CODE):
            content = gather(report, today=today, on_step=on_step)
    except Exception:  # a failing step fails the report, never the worker or a page
        logger.exception("could not generate the yearly report %s", report_id)
        _progress(report_id, status=ReportStatus.FAILED, failed_step=current["key"])
        return "failed"
    with transaction.atomic():
        YearlyReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            status=ReportStatus.DONE,
            content=content,
            generated_at=timezone.now(),
            step=len(REPORT_STEPS),
            failed_step="",
            updated_at=timezone.now(),
        )
    return "done"
