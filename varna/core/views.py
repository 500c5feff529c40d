"""Pages of the UI shell: dashboard, organisation, people, roles, bodies, history. Thin by design."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from varna.core import access, history, registry, selectors, selectors_outbox, services
from varna.core.access import Perm
from varna.core.forms import EndRoleForm, PeopleSearchForm, RoleAssignmentForm, RoleFilterForm
from varna.core.models import Body, Node, RoleAssignment, User

PAGE_SIZE = 50


@access.public
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


login = access.public(auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True))
logout = access.public(auth_views.LogoutView.as_view())
set_language = access.public(django_set_language)


@access.require(Perm.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    my_roles = (
        RoleAssignment.objects.active().filter(user_id=user.pk).select_related("node").order_by("node__path", "role")
    )
    own_node = getattr(user, "employment_node", None)
    context: dict[str, Any] = {
        "my_roles": my_roles,
        "contacts": selectors.security_contacts(user, own_node) if own_node else [],
        "own_node": own_node,
    }
    context["panels"] = registry.panels("dashboard", user)
    context["failed_mail_count"] = selectors_outbox.failed_mail_count(user)
    if access.has_perm(user, Perm.VIEW_PEOPLE):
        context["people_count"] = selectors.visible_people(user).count()
        context["unit_count"] = access.scope(user, Perm.VIEW_PEOPLE, Node.objects.all()).count()
    return render(request, "core/dashboard.html", context)


@access.require(Perm.VIEW_DIRECTORY)
def organisation_tree(request: HttpRequest) -> HttpResponse:
    nodes = list(
        selectors.visible_nodes(access.actor(request)).only("id", "path", "depth", "name", "kind", "code", "numchild")
    )
    return render(request, "core/organisation_tree.html", {"nodes": nodes})


@access.require(Perm.VIEW_DIRECTORY, model=Node)
def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    node = selectors.node_for(user, pk)
    context: dict[str, Any] = {
        "node": node,
        "ancestors": selectors.ancestors(node),
        "children": Node.objects.get_children(node).annotate(staff_count=Count("staff")),
        "role_holders": selectors.security_role_holders(user, node=node),
        "can_view_people": access.has_perm(user, Perm.VIEW_PEOPLE, node),
        "can_view_history": access.has_perm(user, Perm.VIEW_HISTORY, node),
    }
    if context["can_view_people"]:
        context["staff_count"] = selectors.visible_people(user, node=node).count()
    if access.has_perm(user, Perm.VIEW_FACILITIES, node):
        context["facilities"] = node.facilities.order_by("name")
    return render(request, "core/node_detail.html", context)


@access.require(Perm.VIEW_DIRECTORY)
def security_roles(request: HttpRequest) -> HttpResponse:
    form = RoleFilterForm(request.GET or None)
    rows = selectors.security_role_holders(access.actor(request))
    if form.is_valid() and form.cleaned_data["role"]:
        rows = rows.filter(role=form.cleaned_data["role"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/security_roles.html", {"form": form, "page": page})


@access.require(Perm.VIEW_PEOPLE)
def people(request: HttpRequest) -> HttpResponse:
    form = PeopleSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    node = None
    if request.GET.get("node", "").isdigit():
        node = selectors.node_for(access.actor(request), int(request.GET["node"]))
    rows = selectors.visible_people(access.actor(request), search=search, node=node)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/people.html", {"form": form, "page": page, "node": node})


def _person_context(request: HttpRequest, person: User, form: RoleAssignmentForm | None = None) -> dict[str, Any]:
    user = access.actor(request)
    manageable = access.scope(user, Perm.MANAGE_ROLES, Node.objects.all()).order_by("path")
    can_manage = access.has_perm(user, Perm.MANAGE_ROLES)
    return {
        "person": person,
        "assignments": person.role_assignments.select_related("node").order_by("-valid_from", "role"),
        "can_manage": can_manage,
        "can_view_history": access.has_perm(user, Perm.VIEW_HISTORY),
        "form": form
        or (RoleAssignmentForm(nodes=manageable, initial={"node": person.employment_node_id}) if can_manage else None),
        "end_form": EndRoleForm() if can_manage else None,
    }


@access.require(Perm.VIEW_PEOPLE, model=User)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(access.actor(request), pk)
    return render(request, "core/person_detail.html", _person_context(request, person))


@access.require(Perm.MANAGE_ROLES, model=User, methods=("POST",))
def person_add_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    person = selectors.person_for(user, pk)
    manageable = access.scope(user, Perm.MANAGE_ROLES, Node.objects.all()).order_by("path")
    form = RoleAssignmentForm(request.POST, nodes=manageable)
    if form.is_valid():
        try:
            services.assign_role(actor=user, user=person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role has been assigned."))
            return redirect("core:person_detail", pk=person.pk)
    return render(request, "core/person_detail.html", _person_context(request, person, form), status=400)


@access.require(Perm.MANAGE_ROLES, model=RoleAssignment, methods=("POST",))
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    assignment = access.get_object_or_404(user, Perm.MANAGE_ROLES, RoleAssignment.objects.all(), pk=pk)
    form = EndRoleForm(request.POST)
    if form.is_valid():
        try:
            services.end_role(actor=user, assignment=assignment, valid_to=form.cleaned_data["valid_to"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The role has been ended."))
    else:
        messages.error(request, _("Give the last day in the role as a date."))
    return redirect("core:person_detail", pk=assignment.user_id)


@access.require(Perm.VIEW_DIRECTORY)
def bodies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/bodies.html", {"bodies": selectors.visible_bodies(access.actor(request))})


@access.require(Perm.VIEW_DIRECTORY, model=Body)
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = selectors.body_for(access.actor(request), pk)
    members = body.memberships.select_related("user", "represents").filter(user__protected_identity=False)
    return render(
        request, "core/body_detail.html", {"body": body, "members": members.order_by("function", "user__last_name")}
    )


def _history_page(request: HttpRequest, obj: Any, title: str, back_url: str) -> HttpResponse:
    return render(
        request,
        "core/history.html",
        {"object": obj, "title": title, "back_url": back_url, "entries": history.entries(obj)},
    )


@access.require(Perm.VIEW_HISTORY, model=Node)
def node_history(request: HttpRequest, pk: int) -> HttpResponse:
    node = access.get_object_or_404(access.actor(request), Perm.VIEW_HISTORY, Node.objects.all(), pk=pk)
    return _history_page(request, node, node.name, reverse("core:node_detail", args=[node.pk]))


@access.require(Perm.VIEW_HISTORY, model=User)
def person_history(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_object_or_404(access.actor(request), Perm.VIEW_HISTORY, User.objects.all(), pk=pk)
    return _history_page(request, person, str(person), reverse("core:person_detail", args=[person.pk]))


@access.require(Perm.VIEW_HISTORY, model=Body)
def body_history(request: HttpRequest, pk: int) -> HttpResponse:
    body = access.get_object_or_404(access.actor(request), Perm.VIEW_HISTORY, Body.objects.all(), pk=pk)
    return _history_page(request, body, body.name, reverse("core:body_detail", args=[body.pk]))
