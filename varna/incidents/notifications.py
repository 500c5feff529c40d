"""Mail about incidents, sent after the transaction commits. Mail goes through Django's mail API."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from varna.core.models import Node, Role, RoleAssignment, User
from varna.incidents.models import Incident

# Roles told about a new report for their node (the nearest holder up the tree).
NOTIFIED_ROLES = (Role.UNIT_MANAGER, Role.SECURITY_REPRESENTATIVE)


def responsible_for(node: Node, roles: tuple[str, ...] = NOTIFIED_ROLES) -> list[User]:
    """For each role, the holders at the node itself, or else at the nearest ancestor that has one."""
    step = Node.steplen
    paths = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    rows = (
        RoleAssignment.objects.active()
        .filter(organisation_id=node.organisation_id, node__path__in=paths, role__in=roles, user__is_active=True)
        .select_related("user", "node")
    )
    nearest: dict[str, tuple[int, list[User]]] = {}
    for row in rows:
        depth = row.node.depth
        best = nearest.get(row.role)
        if best is None or depth > best[0]:
            nearest[row.role] = (depth, [row.user])
        elif depth == best[0]:
            best[1].append(row.user)
    people: dict[int, User] = {}
    for _depth, users in nearest.values():
        for u in users:
            people[u.pk] = u
    return list(people.values())


def _send(template: str, incident: Incident, recipients: list[User], **context: object) -> None:
    addresses = sorted({u.email for u in recipients if u.email})
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        ctx = {"incident": incident, **context}
        subject = render_to_string(f"incidents/mail/{template}_subject.txt", ctx).strip()
        body = render_to_string(f"incidents/mail/{template}.txt", ctx)
    send_mail(subject, body, None, addresses)


def incident_reported(incident_id: int) -> None:
    incident = Incident.objects.select_related("incident_type", "incident_node", "reporter").get(pk=incident_id)
    _send("receipt", incident, [incident.reporter])
    # Confidential reports (threats and violence) go to those who may read them, not to the representative.
    roles = (Role.UNIT_MANAGER, Role.SECURITY_OFFICER) if incident.is_confidential else NOTIFIED_ROLES
    handlers = [u for u in responsible_for(incident.incident_node, roles) if u.pk != incident.reporter_id]
    _send("new_incident", incident, handlers)
