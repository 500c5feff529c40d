"""Pages of the self-inspection rounds (egenkontroll): start a round at a facility, answer its points one by one on
a phone (result, note, photo), make a deviation an action in the unit's action plan, complete the round; the list of
rounds; the photos; and the coordinator's checklists per kind of facility.

Thin: :mod:`varna.protection.forms_rounds` reads the input, :mod:`varna.protection.services.rounds` writes and
:mod:`varna.protection.selectors.rounds` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, uploads
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.files import KINDS
from varna.core.uploads import limit_uploads
from varna.protection.forms_rounds import CheckpointForm, DeviationActionForm, RoundItemForm, RoundStartForm
from varna.protection.models import ChecklistItem, Facility, FacilityKind, InspectionRound, ItemResult, RoundItem
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import rounds as selectors
from varna.protection.services import rounds as services
from varna.protection.services.rounds import ACTION_DUE_MONTHS

GET_POST = ("GET", "POST")
PAGE_SIZE = 50


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@access.require(Perm.MANAGE_PROTECTION, model=Facility, methods=GET_POST)
def round_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a self-inspection round at a facility with the checklist of its kind."""
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk, Perm.MANAGE_PROTECTION)
    form = RoundStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.start_round(actor=user, facility=facility, done_on=form.cleaned_data["done_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("protection:round", pk=inspection.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/round_new.html", {"form": form, "facility": facility}, status=status)


@access.require(Perm.VIEW_FACILITIES)
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds of the person's facilities, the newest first."""
    user = access.actor(request)
    page = Paginator(selectors.rounds(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "protection/round_list.html", {"page": page})


@access.require(Perm.VIEW_FACILITIES, model=InspectionRound)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: each point with its answer; for those who keep the facility, a small form per point (so that a
    phone sends one point at a time) and, beside a deviation, the button that makes it an action."""
    user = access.actor(request)
    inspection = selectors.round_for(user, pk)
    can_manage = facility_selectors.may_manage(user, inspection.facility)
    editable = can_manage and inspection.completed_at is None
    rows = selectors.round_items(inspection)
    links = selectors.action_links(rows)
    due = add_months(timezone.localdate(), ACTION_DUE_MONTHS)
    can_make_actions = can_manage and selectors.can_make_actions()
    points: list[dict[str, Any]] = []
    for item in rows:
        points.append(
            {
                "item": item,
                "form": RoundItemForm(initial={"result": item.result or None, "note": item.note}, prefix=f"i{item.pk}")
                if editable
                else None,
                "link": links.get(item.action_id) if item.action_id is not None else None,
                "action_form": DeviationActionForm(initial={"due": due}, prefix=f"a{item.pk}")
                if can_make_actions and item.result == ItemResult.DEVIATION and item.action_id is None
                else None,
            }
        )
    context: dict[str, Any] = {
        "round": inspection,
        "facility": inspection.facility,
        "points": points,
        "open_count": sum(1 for item in rows if not item.result),
        "deviation_count": sum(1 for item in rows if item.result == ItemResult.DEVIATION),
        "editable": editable,
    }
    return render(request, "protection/round_detail.html", context)


def _point_url(item: RoundItem) -> str:
    return reverse("protection:round", args=[item.round_id]) + f"#point-{item.pk}"


@access.require(Perm.MANAGE_PROTECTION, model=RoundItem, methods=("POST",))
@limit_uploads()
def item_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer one point of a round; back to the round at the next point."""
    user = access.actor(request)
    item = selectors.item_for(user, pk, Perm.MANAGE_PROTECTION)
    form = RoundItemForm(
        request.POST, request.FILES, prefix=f"i{item.pk}", upload_problems=uploads.upload_problems(request)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(_point_url(item))
    try:
        services.answer_item(actor=user, item=item, **form.values())
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_point_url(item))
    following = (
        RoundItem.objects.filter(round_id=item.round_id, result="", position__gt=item.position)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    url = reverse("protection:round", args=[item.round_id])
    return redirect(f"{url}#point-{following}" if following else f"{url}#finish")


@access.require(Perm.MANAGE_PROTECTION, model=RoundItem, methods=("POST",))
def item_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a deviation an action in the action plan of the facility's unit."""
    user = access.actor(request)
    item = selectors.item_for(user, pk, Perm.MANAGE_PROTECTION)
    form = DeviationActionForm(request.POST, prefix=f"a{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the date by which the action is to be done."))
        return redirect(_point_url(item))
    try:
        services.deviation_to_action(actor=user, item=item, due=form.cleaned_data["due"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The deviation is now an action in the unit's action plan."))
    return redirect(_point_url(item))


@access.require(Perm.MANAGE_PROTECTION, model=InspectionRound, methods=("POST",))
def round_complete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    inspection = selectors.round_for(user, pk, Perm.MANAGE_PROTECTION)
    try:
        services.complete_round(actor=user, inspection=inspection)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The round has been completed."))
    return redirect("protection:round", pk=inspection.pk)


@access.require(Perm.VIEW_FACILITIES, model=InspectionRound)
def item_photo(request: HttpRequest, pk: int, item_pk: int) -> HttpResponseBase:
    """A point's photo, after the same access check as the round; never served statically."""
    inspection = selectors.round_for(access.actor(request), pk)
    item = get_object_or_404(RoundItem.objects.filter(round_id=inspection.pk), pk=item_pk)
    kind = KINDS.get(item.photo_type)
    if not item.photo or kind is None:
        raise Http404
    try:
        handle = item.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=kind.content_type,
        as_attachment=not kind.inline,
        filename=f"foto-{item.pk}{kind.extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@access.require(Perm.CONFIGURE_PROTECTION, methods=GET_POST)
def checklists(request: HttpRequest) -> HttpResponse:
    """The checklists per kind of facility: add a point; take one out of use or into use again."""
    user = access.actor(request)
    form = CheckpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_checkpoint(
                actor=user, facility_kind=form.cleaned_data["facility_kind"], text_value=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The checkpoint has been added."))
            return redirect(reverse("protection:checklists") + f"#kind-{form.cleaned_data['facility_kind']}")
    found = selectors.checklists(user)
    kinds = [(value, label, found.get(value, [])) for value, label in FacilityKind.choices]
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/checklists.html", {"form": form, "kinds": kinds}, status=status)


@access.require(Perm.CONFIGURE_PROTECTION, methods=("POST",))
def checkpoint_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    item: ChecklistItem | None = selectors.checkpoint_for(user, pk)
    if item is None:
        raise Http404
    services.set_checkpoint_active(actor=user, item=item, active=request.POST.get("active") == "1")
    return redirect(reverse("protection:checklists") + f"#kind-{item.facility_kind}")
