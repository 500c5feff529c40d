"""Sample incidents in different parts of the demo municipalities, for tests that need a few cases.

The demo data has no incidents of its own in the test database, so the access-matrix
test and the incident tests create these through the real reporting service.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation

from varna.core.models import Node, Organisation, User
from varna.incidents.models import Incident, IncidentType
from varna.incidents.services import ensure_defaults, report_incident
from varna.protection.models import Facility


def _types(slug: str) -> dict[str, IncidentType]:
    organisation = Organisation.objects.get(slug=slug)
    return {t.code: t for t in ensure_defaults(organisation=organisation)}


def _node(slug: str, name: str) -> Node:
    return Node.objects.get(organisation__slug=slug, name=name)


def _report(username: str, type_: IncidentType, node: Node, description: str, hours_ago: int) -> Incident:
    actor = User.objects.get(username=username)
    facility = Facility.objects.filter(node=node).order_by("pk").first()
    incident, _created = report_incident(
        actor=actor,
        incident_type=type_,
        occurred_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        incident_node=node,
        facility=facility,
        address="" if facility else "Okänd plats",
        description=description,
        idempotency_key=f"sample-{username}-{type_.code}-{node.pk}",
    )
    return incident


def make_sample_incidents() -> dict[str, Incident]:
    """Four reports, made once: ``threat`` and ``ordinary`` at Solrosens förskola (by ``anstalld``),
    ``hemtjanst`` at Hemtjänst Centrum (by ``chef.hemtjanst``) and ``grannby`` in Grannby
    (by ``samordnare.grannby``).

    The threat is made first, so the access-matrix test (which takes the first incident per
    sample node) walks the confidential rules. The Grannby report is placed on the node the
    matrix samples in Grannby: the deepest one, first in tree order.
    """
    exempel = _types("exempelkommun")
    grannby = _types("grannby")
    solrosen = _node("exempelkommun", "Solrosens förskola")
    grannby_node = Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path").first()
    assert grannby_node is not None, "the demo data has no Grannby units"
    return {
        "threat": _report(
            "anstalld", exempel["threat"], solrosen, "En förälder hotade personalen vid hämtningen.", hours_ago=5
        ),
        "ordinary": _report(
            "anstalld", exempel["vandalism"], solrosen, "Klotter på gaveln mot parkeringen.", hours_ago=4
        ),
        "hemtjanst": _report(
            "chef.hemtjanst",
            exempel["theft"],
            _node("exempelkommun", "Hemtjänst Centrum"),
            "En cykel stals från cykelstället.",
            hours_ago=3,
        ),
        "grannby": _report(
            "samordnare.grannby", grannby["water-damage"], grannby_node, "Vattenläcka i källaren.", hours_ago=2
        ),
    }


def report_at_solrosen(
    types: dict[str, IncidentType], *, by: str = "anstalld", code: str = "vandalism", **extra: Any
) -> Incident:
    """A report at Solrosens förskola by ``by`` (a persona's user name), three hours ago."""
    incident, _created = report_incident(
        actor=User.objects.get(username=by),
        incident_type=types[code],
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        incident_node=Node.objects.get(name="Solrosens förskola"),
        description="Klotter på gaveln.",
        **extra,
    )
    return incident


def sv(message: str) -> str:
    """A message as a Swedish user sees it (the msgid until the catalogue has it)."""
    with translation.override("sv"):
        return translation.gettext(message)


def fresh(incident: Incident) -> Incident:
    """The case as the database holds it now."""
    return Incident.objects.get(pk=incident.pk)
