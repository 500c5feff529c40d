"""Writes of the facility register: a facility, its responsible unit and the other units that use it, its owner.

``MANAGE_PROTECTION`` for the facility's unit (the security coordinator everywhere, a unit manager for their own
units) is checked here again whatever the page or API did. An edit takes the ``revision`` the form was shown with
(:class:`~varna.core.services.StaleFormError` when someone saved in between); a facility sent twice by the same
person within core's ``DUPLICATE_WINDOW`` gives back the first one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from varna.core.models import Node, User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.protection.models import Facility, FacilityKind, OwnerKind
from varna.protection.services.common import NOTE_LIMIT, limit, require, text
from varna.protection.services.exposure import refresh_exposure

FIELDS = (
    "name",
    "kind",
    "node",
    "street_address",
    "postal_code",
    "city",
    "owner_kind",
    "owner_name",
    "owner_contact",
    "owner_phone",
    "owner_email",
    "note",
)
TEXT_FIELDS = ("street_address", "postal_code", "city", "owner_name", "owner_contact", "owner_phone")


def _clean(organisation_id: int, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not facility fields: {sorted(unknown)}")
    node = values.get("node")
    if not isinstance(node, Node) or node.organisation_id != organisation_id:
        raise ValidationError({"node": _("Choose the unit responsible for the facility.")}, code="node")
    kind = values.get("kind") or FacilityKind.OTHER
    if kind not in FacilityKind.values:
        raise ValidationError({"kind": _("Choose a kind of facility.")}, code="kind")
    owner_kind = values.get("owner_kind") or ""
    if owner_kind not in OwnerKind.values:
        raise ValidationError({"owner_kind": _("Choose who owns the facility.")}, code="owner_kind")
    cleaned: dict[str, Any] = {
        "name": text(values.get("name"), field="name", limit=limit(Facility, "name"), required=_("Name the facility.")),
        "kind": kind,
        "node": node,
        "owner_kind": owner_kind,
        "note": text(values.get("note"), field="note", limit=NOTE_LIMIT),
    }
    for name in TEXT_FIELDS:
        cleaned[name] = text(values.get(name), field=name, limit=limit(Facility, name))
    email = text(values.get("owner_email"), field="owner_email", limit=limit(Facility, "owner_email"))
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(
                {"owner_email": _("Write the e-mail address in full, for example namn@fastighet.se.")}, code="email"
            ) from exc
    cleaned["owner_email"] = email
    return cleaned


def _user_nodes(organisation_id: int, nodes: Iterable[Node] | None, responsible: Node) -> list[Node]:
    chosen = list(nodes or [])
    if any(n.organisation_id != organisation_id for n in chosen):
        raise ValidationError({"user_nodes": _("Choose units of your own organisation.")}, code="user_nodes")
    return [n for n in chosen if n.pk != responsible.pk]


@transaction.atomic
def create_facility(*, actor: User, user_nodes: Iterable[Node] | None = None, **values: Any) -> Facility:
    """Add a facility (any of ``FIELDS``; ``node`` and ``name`` required) and the other units that use it."""
    node = values.get("node")
    if not isinstance(node, Node):
        raise ValidationError({"node": _("Choose the unit responsible for the facility.")}, code="node")
    organisation_id = require(actor, node)
    cleaned = _clean(organisation_id, values)
    users = _user_nodes(organisation_id, user_nodes, node)
    lock_actor(actor)
    earlier = recent_duplicate(
        Facility.history.filter(
            organisation_id=organisation_id, node_id=node.pk, name=cleaned["name"], history_type="+"
        ),
        actor_field="history_user",
        at_field="history_date",
        actor=actor,
    )
    if earlier is not None and (found := Facility.objects.filter(pk=earlier.id).first()) is not None:
        return found
    facility = Facility(organisation_id=organisation_id, **cleaned)
    stamp(facility, actor)
    facility.save()
    if users:
        facility.user_nodes.set(users)
    refresh_exposure(organisation_id=organisation_id, facility_ids=[facility.pk])  # its exposure from the start
    return facility


@transaction.atomic
def update_facility(
    *,
    actor: User,
    facility: Facility,
    revision: int | None,
    user_nodes: Iterable[Node] | None = None,
    **values: Any,
) -> Facility:
    """Change a facility (all of ``FIELDS``) and the units that use it. Moving it to another unit needs
    ``MANAGE_PROTECTION`` for both."""
    organisation_id = require(actor, facility.node)
    locked = Facility.objects.select_for_update().select_related("node").get(pk=facility.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    check_revision(locked, revision)
    cleaned = _clean(organisation_id, values)
    require(actor, cleaned["node"])
    users = _user_nodes(organisation_id, user_nodes, cleaned["node"])
    kind_changed = locked.kind != cleaned["kind"]
    for name, value in cleaned.items():
        setattr(locked, name, value)
    save_revision(locked, actor, list(cleaned))
    if {n.pk for n in users} != set(locked.user_nodes.values_list("pk", flat=True)):
        stamp(locked, actor)
        locked.user_nodes.set(users)
    if kind_changed:  # the starting level of the exposure follows the kind
        refresh_exposure(organisation_id=organisation_id, facility_ids=[locked.pk])
    return locked
