"""The security group's yearly review of the nämnder's action plans (G14), and the plan exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access, pdf
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, Column, Table, TableRow, to_xlsx
from varna.plans import checklist, documents, selectors, services
from varna.plans.forms import ReviewForm
from varna.plans.models import ActionPlan
from varna.plans.services import FIRST_YEAR, LAST_YEAR


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return selectors.today().year


@access.require(Perm.REVIEW_PLANS)
def review(request: HttpRequest) -> HttpResponse:
    """Every nämnd: has it a plan for the year, adopted or not, its actions and the review's score."""
    user = access.actor(request)
    year = _year(request)
    rows = selectors.review_overview(user, year)
    this_year = selectors.today().year
    context: dict[str, Any] = {
        "year": year,
        "rows": rows,
        "years": list(range(this_year + 1, this_year - 5, -1)),
        "max_score": checklist.MAX_SCORE,
        "without_plan": sum(1 for r in rows if not r.has_plan),
        "reviewed": sum(1 for r in rows if r.review is not None),
    }
    return render(request, "plans/review.html", context)


@access.require(Perm.REVIEW_PLANS, methods=("GET", "POST"))
def review_edit(request: HttpRequest, node: int, year: int) -> HttpResponse:
    """The checklist for one nämnd and year, with the computed facts beside each item."""
    user = access.actor(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    namnd = selectors.review_node(user, node)
    if namnd is None:
        raise Http404
    existing = selectors.review_of(namnd, year)
    facts = selectors.review_facts(namnd, year)
    initial: dict[str, Any] = {"revision": existing.revision if existing else None}
    for code in checklist.CODES:
        if existing is not None:
            initial[f"item_{code}"] = bool(existing.checklist.get(code))
        else:
            initial[f"item_{code}"] = bool(facts[code].suggested)
    if existing is not None:
        initial["comment"] = existing.comment
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        revision = form.cleaned_data.get("revision")
        try:
            services.save_review(
                actor=user,
                node=namnd,
                year=year,
                checklist=form.checklist_values(),
                comment=form.cleaned_data["comment"],
                revision=int(revision) if revision is not None else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The review of %(unit)s has been saved.") % {"unit": namnd.name})
            return redirect(f"{reverse('plans:review')}?year={year}")
    own_plan = ActionPlan.objects.filter(organisation_id=namnd.organisation_id, node=namnd, year=year).first()
    context = {
        "form": form,
        "node": namnd,
        "year": year,
        "items": [(code, field, facts[code]) for code, field in form.item_fields()],
        "review": existing,
        "own_plan": own_plan,
        "max_score": checklist.MAX_SCORE,
    }
    return render(request, "plans/review_form.html", context, status=400 if request.method == "POST" else 200)


# --- exports -------------------------------------------------------------------------


def _filename(plan: ActionPlan, suffix: str) -> str:
    return f"handlingsplan-{plan.node.name}-{plan.year}.{suffix}".replace("/", "-")


@access.require(Perm.VIEW_PLANS, model=ActionPlan)
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable plan with its adoption record and its actions: the copy the worker stored when it is current."""
    user = access.actor(request)
    plan = selectors.plan_for(user, pk)
    return pdf.stored_or_render(
        source=services.PLAN_PDF,
        object_id=plan.pk,
        document=documents.plan_pdf(user, plan),
        filename=_filename(plan, "pdf"),
    )


@access.require(Perm.VIEW_PLANS, model=ActionPlan)
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's actions as an Excel workbook; text that could be taken for a formula is neutralised."""
    user = access.actor(request)
    plan = selectors.plan_for(user, pk)
    actions = selectors.plan_actions(user, plan)
    table = Table(
        "actions",
        _("Actions"),
        [
            Column(_("What"), "text"),
            Column(_("How"), "text"),
            Column(_("When"), "text"),
            Column(_("Who"), "text"),
            Column(_("Budget (SEK)"), "money"),
            Column(_("Hours"), "rate"),
            Column(_("Other resources"), "text"),
            Column(_("Status"), "text"),
            Column(_("Completed"), "text"),
            Column(_("Measures"), "text"),
            Column(_("Risks"), "text"),
            Column(_("Incidents"), "text"),
        ],
        [
            TableRow(
                (
                    a.what,
                    a.how,
                    a.due.isoformat(),
                    a.responsible.get_full_name() or a.responsible.username,
                    a.budget,
                    a.hours,
                    a.resources_note,
                    a.get_status_display() + (f" ({a.status_reason})" if a.status_reason else ""),
                    a.completed_on.isoformat() if a.completed_on else "",
                    ", ".join(m.number for m in a.measures.all()),
                    ", ".join(r.number for r in a.risks.all()),
                    ", ".join(i.number for i in a.incidents.all()),
                )
            )
            for a in actions
        ],
    )
    about = [
        (_("Action plan"), plan.title),
        (_("Unit"), plan.node.name),
        (_("Year"), str(plan.year)),
        (_("Adopted by"), plan.adopted_by_body or "–"),
        (_("Date of the decision"), plan.adopted_on.isoformat() if plan.adopted_on else "–"),
        (_("Minute paragraph (§)"), plan.minute_paragraph or "–"),
        (_("Registry number"), plan.registry_number or "–"),
    ]
    content = to_xlsx([table], title=_("Action plan"), about=about)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_filename(plan, 'xlsx'))}"
    return response
