"""The follow-up pages: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access
from varna.core import pdf as core_pdf
from varna.core.access import Perm
from varna.followup import figures, selectors, services
from varna.followup.forms import CommentForm, GenerateForm, RevisionForm
from varna.followup.models import FIRST_YEAR, LAST_YEAR, FollowUp


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if text.isdigit() and len(text) == 4 and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return None


def _generate_form(request: HttpRequest, data: Any = None) -> GenerateForm | None:
    user = access.actor(request)
    if not access.has_perm(user, Perm.MANAGE_FOLLOW_UPS):
        return None
    nodes = [(n.pk, "\u00a0\u00a0" * max(n.depth - 2, 0) + n.name) for n in selectors.generation_nodes(user)]
    return GenerateForm(data, nodes=nodes, initial={"year": selectors.today().year})


@access.require(Perm.VIEW_FOLLOW_UPS)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """The follow-ups the person may read, newest year first, and the form to generate one."""
    user = access.actor(request)
    year = _year(request)
    this_year = selectors.today().year
    context = {
        "follow_ups": selectors.follow_up_list(user, year=year)[:300],
        "year": year,
        "years": list(range(this_year, this_year - 6, -1)),
        "form": _generate_form(request),
    }
    return render(request, "followup/list.html", context)


@access.require(Perm.MANAGE_FOLLOW_UPS, methods=("POST",))
def generate(request: HttpRequest) -> HttpResponse:
    """Generate a node's follow-up of a year (or open its draft)."""
    user = access.actor(request)
    form = _generate_form(request, request.POST)
    if form is None:  # pragma: no cover - the requirement above lets only writers through
        raise Http404
    if form.is_valid():
        node = selectors.generation_node(user, form.cleaned_data["node"])
        if node is None:
            raise Http404
        try:
            follow_up = services.generate(actor=user, node=node, year=form.cleaned_data["year"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("followup:detail", pk=follow_up.pk)
    context: dict[str, Any] = {
        "follow_ups": selectors.follow_up_list(user)[:300],
        "years": [],
        "year": None,
        "form": form,
    }
    return render(request, "followup/list.html", context, status=400)


def _detail_context(request: HttpRequest, follow_up: FollowUp, **forms: Any) -> dict[str, Any]:
    user = access.actor(request)
    editable = not follow_up.is_fixed and selectors.may_manage(user, follow_up)
    comments = selectors.comments(follow_up)
    sections = []
    for key in figures.SECTIONS:
        comment = comments.get(key)
        form = forms.get(f"comment_{key}")
        if form is None and editable and comment is not None:
            form = CommentForm(initial={"text": comment.text, "revision": comment.revision}, prefix=key)
        sections.append({"key": key, "comment": comment, "form": form})
    return {
        "follow_up": follow_up,
        "f": follow_up.figures,
        "sections": sections,
        "editable": editable,
        "can_manage": selectors.may_manage(user, follow_up),
        "revision_form": RevisionForm(initial={"revision": follow_up.revision}),
        "versions": selectors.versions(user, follow_up),
    }


@access.require(Perm.VIEW_FOLLOW_UPS, model=FollowUp)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One follow-up: its sections with their figures and comments, and its versions."""
    follow_up = selectors.follow_up_for(access.actor(request), pk)
    return render(request, "followup/detail.html", _detail_context(request, follow_up))


@access.require(Perm.MANAGE_FOLLOW_UPS, model=FollowUp, methods=("POST",))
def comment(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """Save the comment of one section of a draft."""
    user = access.actor(request)
    follow_up = selectors.writable_follow_up(user, pk)
    found = selectors.comment_for(follow_up, section)
    if found is None:
        raise Http404
    form = CommentForm(request.POST, prefix=section)
    if form.is_valid():
        try:
            services.save_comment(
                actor=user, comment=found, text=form.cleaned_data["text"], revision=form.cleaned_data["revision"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The comment has been saved."))
            return redirect(_url(follow_up, section))
    context = _detail_context(request, follow_up, **{f"comment_{section}": form})
    return render(request, "followup/detail.html", context, status=400)


def _url(follow_up: FollowUp, section: str = "") -> str:
    return reverse("followup:detail", args=[follow_up.pk]) + (f"#section-{section}" if section else "")


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = access.actor(request)
    follow_up = selectors.writable_follow_up(user, pk)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data.get("revision") if form.is_valid() else None
    try:
        if action == "fix":
            follow_up = services.fix(actor=user, follow_up=follow_up, revision=revision)
            messages.success(request, _("The follow-up is fixed as version %(v)s.") % {"v": follow_up.version})
        elif action == "refresh":
            follow_up = services.refresh(actor=user, follow_up=follow_up, revision=revision)
            messages.success(request, _("The figures have been computed again from today's data."))
        else:
            follow_up = services.new_version(actor=user, follow_up=follow_up)
            messages.success(request, _("Version %(v)s is a draft: comment it and fix it.") % {"v": follow_up.version})
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect(_url(follow_up))


@access.require(Perm.MANAGE_FOLLOW_UPS, model=FollowUp, methods=("POST",))
def fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Fix a draft: its figures and comments never change after this."""
    return _act(request, pk, "fix")


@access.require(Perm.MANAGE_FOLLOW_UPS, model=FollowUp, methods=("POST",))
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute a draft's figures again from today's data."""
    return _act(request, pk, "refresh")


@access.require(Perm.MANAGE_FOLLOW_UPS, model=FollowUp, methods=("POST",))
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft version after a fixed one."""
    return _act(request, pk, "new_version")


@access.require(Perm.VIEW_FOLLOW_UPS, model=FollowUp)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A fixed follow-up as a PDF: rendered from its frozen figures (a draft has none to print)."""
    follow_up = selectors.follow_up_for(access.actor(request), pk)
    if not follow_up.is_fixed:
        raise Http404
    comments = selectors.comments(follow_up)
    context = {
        "follow_up": follow_up,
        "f": follow_up.figures,
        "parts": [(key, comments.get(key)) for key in figures.SECTIONS],
    }
    name = f"uppfoljning-{follow_up.node.name}-{follow_up.year}-v{follow_up.version}.pdf".replace("/", "-")
    return core_pdf.pdf_response("followup/pdf.html", context, name)
