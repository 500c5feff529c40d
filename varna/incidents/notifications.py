"""Mail about incidents. Each mail is put in core's outbox in the transaction of the change it tells about,
and the task worker sends it: nothing is sent inside the request, and a mail server that is down never
fails the person's action."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from varna.core import outbox
from varna.core.models import Node, Role, RoleAssignment, User
from varna.incidents.models import Incident

# Who is told is a rule about mail, not about access, so it names roles: a unit manager and a security officer
# hold the same permissions (``access.ROLE_PERMISSIONS``), yet only the manager of the unit hears of its reports,
# and only the nearest holder up the tree, not everyone who may (``access.holders``) handle the case.
# Roles told about a new report for their node (the nearest holder up the tree).
NOTIFIED_ROLES = (Role.UNIT_MANAGER, Role.SECURITY_REPRESENTATIVE)
# ... and about a new threat or violence report, which the security representative may not read.
NOTIFIED_ROLES_CONFIDENTIAL = (Role.UNIT_MANAGER, Role.SECURITY_OFFICER)


def responsible_for(node: Node, roles: tuple[str, ...] = NOTIFIED_ROLES) -> list[User]:
    """For each role, the holders at the node itself, or else at the nearest ancestor that has one."""
    paths = node.ancestor_paths()
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
    outbox.queue_mail(organisation_id=incident.organisation_id, recipients=addresses, subject=subject, body=body)


def incident_reported(incident_id: int) -> None:
    incident = Incident.objects.select_related("incident_type", "incident_node", "reporter").get(pk=incident_id)
    _send("receipt", incident, [incident.reporter])
    # Confidential reports (threats and violence) go to those who may read them, not to the representative.
    roles = NOTIFIED_ROLES_CONFIDENTIAL if incident.is_confidential else NOTIFIED_ROLES
    handlers = [u for u in responsible_for(incident.incident_node, roles) if u.pk != incident.reporter_id]
    _send("new_incident", incident, handlers)
    if incident.is_serious:
        # Arbetsmiljöverket must be told the same day: the unit manager and the coordinators hear at once.
        from varna.incidents.tasks import notify_serious_event

        notify_serious_event.enqueue(incident.pk)


# --- handling ----------------------------------------------------------------------------


def coordinators(organisation_id: int) -> list[User]:
    """The organisation's active security coordinators."""
    rows = (
        RoleAssignment.objects.active()
        .filter(organisation_id=organisation_id, role=Role.SECURITY_COORDINATOR, user__is_active=True)
        .select_related("user")
    )
    return list({row.user_id: row.user for row in rows}.values())


def _load(incident_id: int) -> Incident:
    return Incident.objects.select_related("incident_type", "incident_node", "reporter", "handler").get(pk=incident_id)


def _managers_or_handler(incident: Incident) -> list[User]:
    """The case handler if there is one, else the unit manager(s) of the event's node."""
    if incident.handler is not None and incident.handler.is_active:
        return [incident.handler]
    return responsible_for(incident.incident_node, (Role.UNIT_MANAGER,))


def incident_closed(incident_id: int) -> None:
    """Tell the reporter that their case is closed."""
    incident = _load(incident_id)
    _send("closed", incident, [incident.reporter])


def handler_assigned(incident_id: int) -> None:
    """Tell the new case handler (händelseansvarig) that the case is theirs."""
    incident = _load(incident_id)
    if incident.handler is not None:
        _send("assigned", incident, [incident.handler])


def serious_event(incident_id: int) -> None:
    """A serious event: the unit manager and the coordinators must see that Arbetsmiljöverket is told today."""
    incident = _load(incident_id)
    recipients = responsible_for(incident.incident_node, (Role.UNIT_MANAGER,)) + coordinators(incident.organisation_id)
    _send("serious_event", incident, recipients)


def authority_reminder(incident: Incident) -> None:
    """Arbetsmiljöverket's notification is still not recorded for a serious event."""
    recipients = _managers_or_handler(incident) + coordinators(incident.organisation_id)
    _send("authority_reminder", incident, recipients)


def follow_up_reminder(incident: Incident) -> None:
    """The case's follow-up date has come."""
    _send("follow_up_reminder", incident, _managers_or_handler(incident))
