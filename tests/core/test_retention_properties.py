"""Gallring removes exactly what is due, with its history rows and its files, and nothing else (SQLite, and
PostgreSQL in ``make test``).

Over random sets of closed incidents (ordinary, threats, with personal injury), closed 1, 7 or 12 years ago, some
with an attachment on disk, a cost line or a read of the confidential log, some held by hand and some by an open
insurance claim, the proposal and its approval delete: ordinary incidents past five years and threats past ten
(with everything that cascades from them, their history rows and their files), and the attachments of threats
past five; never an incident with personal injury (preserved), never a held one, never anything newer. The
damage statistics' summary still equals the incidents that remain.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from varna.core import retention
from varna.core.models import Node, NodeKind, Organisation, RetentionRule, User
from varna.incidents import services
from varna.incidents.models import (
    Attachment,
    ConfidentialRead,
    CostLine,
    Incident,
    IncidentCategory,
    IncidentDaySummary,
    IncidentType,
    Status,
)
from varna.incidents.services import summary

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@dataclass
class World:
    org: Organisation
    actor: User
    unit: Node
    ordinary: IncidentType
    threat: IncidentType


@pytest.fixture
def world(persona: Callable[[str], User]) -> World:
    return make_world(persona)


def make_world(persona: Callable[[str], User]) -> World:
    """The coordinator of Exempelkommun, a unit, an ordinary and a threat type, and the schedule's decision (without
    pseudonymisation, which ``test_pseudonymise.py`` covers on small data: here it would rewrite the demo's cases)."""
    actor = persona("samordnare")
    org = Organisation.objects.get(pk=actor.organisation_id or 0)
    unit = Node.objects.filter(organisation=org, kind=NodeKind.UNIT).order_by("path").first()
    assert unit is not None
    types = services.ensure_defaults(organisation=org)
    ordinary = next(t for t in types if t.category == IncidentCategory.ORDINARY and t.active)
    threat = next(t for t in types if t.category == IncidentCategory.THREAT_VIOLENCE and t.active)
    RetentionRule.objects.filter(organisation=org).update(
        decision="KS 2025-01-14 § 7, dnr KS 2024/311", pseudonymise_after_years=None
    )
    return World(org, actor, unit, ordinary, threat)


@dataclass(frozen=True)
class Spec:
    kind: str  # ordinary, threat, injury
    years_ago: int
    attachment: bool
    cost: bool
    read: bool
    held: bool


specs = st.builds(
    Spec,
    kind=st.sampled_from(["ordinary", "threat", "injury"]),
    years_ago=st.sampled_from([1, 7, 12]),
    attachment=st.booleans(),
    cost=st.booleans(),
    read=st.booleans(),
    held=st.booleans(),
)


class Rollback(Exception):
    """Ends one example: everything it wrote is rolled back."""


def _make(w: World, spec: Spec, n: int) -> Incident:
    threat = spec.kind == "threat"
    incident, _created = services.report_incident(
        actor=w.actor,
        incident_type=w.threat if threat else w.ordinary,
        occurred_at=timezone.now() - datetime.timedelta(days=365 * spec.years_ago + 30),
        incident_node=w.unit,
        description=f"Provhändelse {n}",
        injured_count=1 if spec.kind == "injury" else 0,
        police_not_contacted_reason="Prov" if threat else "",
    )
    closed = timezone.now() - datetime.timedelta(days=365 * spec.years_ago + 10)
    with summary.keeping_summary([incident.pk]):
        Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, closed_at=closed)
    if spec.attachment:
        Attachment.objects.create(
            organisation=w.org,
            incident=incident,
            file=ContentFile(b"%d" % n, name=f"prov-{n}.txt"),
            original_name=f"prov-{n}.txt",
            content_type="text/plain",
            size=1,
            uploaded_by=w.actor,
        )
    if spec.cost:
        with summary.keeping_summary([incident.pk]):
            CostLine.objects.create(
                organisation=w.org,
                incident=incident,
                amount=Decimal(100),
                accounting_code="1",
                description="Prov",
                created_by=w.actor,
            )
    if spec.read:
        ConfidentialRead.objects.create(organisation=w.org, incident=incident, user=w.actor, what="prov")
    if spec.held:
        retention.place_hold(actor=w.actor, kind=f"incidents.{spec.kind}", reference=incident.number, reason="Tvist")
    return incident


def _gone(spec: Spec) -> bool:
    if spec.held or spec.kind == "injury":
        return False
    return spec.years_ago >= (5 if spec.kind == "ordinary" else 10)


def _attachment_gone(spec: Spec) -> bool:
    return _gone(spec) or (spec.kind == "threat" and not spec.held and spec.years_ago >= 5)


def _state(incident_ids: list[int]) -> dict[str, object]:
    """What exists of these incidents: rows, history rows, files on disk."""
    attachments = list(Attachment.objects.filter(incident_id__in=incident_ids).values_list("pk", "file"))
    return {
        "incidents": set(Incident.objects.filter(pk__in=incident_ids).values_list("pk", flat=True)),
        "history": set(Incident.history.filter(id__in=incident_ids).values_list("id", flat=True)),
        "attachments": {pk for pk, _f in attachments},
        "attachment_history": set(
            Attachment.history.filter(incident_id__in=incident_ids).values_list("incident_id", flat=True)
        ),
        "files": {name for _pk, name in attachments if default_storage.exists(name)},
    }


@given(records=st.lists(specs, min_size=1, max_size=8))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_gallring_removes_what_is_due_with_history_and_files_and_nothing_else(
    world: World, records: list[Spec]
) -> None:
    try:
        with transaction.atomic():
            made = [(_make(world, spec, n), spec) for n, spec in enumerate(records)]
            ids = [i.pk for i, _s in made]
            files = {i.pk: list(i.attachments.values_list("file", flat=True)) for i, _s in made}
            other_incidents = set(Incident.objects.exclude(pk__in=ids).values_list("pk", flat=True))
            batch = retention.propose_batch(organisation=world.org)
            if batch is not None:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    retention.approve_batch(actor=world.actor, batch=batch)
            after = _state(ids)
            for incident, spec in made:
                assert (incident.pk not in after["incidents"]) == _gone(spec), spec  # type: ignore[operator]
                assert (incident.pk not in after["history"]) == _gone(spec), spec  # type: ignore[operator]
                for name in files[incident.pk]:
                    assert (name not in after["files"]) == _attachment_gone(spec), spec  # type: ignore[operator]
                    assert default_storage.exists(name) != _attachment_gone(spec), spec
                if _gone(spec):
                    assert not ConfidentialRead.objects.filter(incident_id=incident.pk).exists()
                    assert not CostLine.history.filter(incident_id=incident.pk).exists()
                    assert incident.pk not in after["attachment_history"]  # type: ignore[operator]
                elif spec.read:
                    assert ConfidentialRead.objects.filter(incident_id=incident.pk).exists()
            assert set(Incident.objects.exclude(pk__in=ids).values_list("pk", flat=True)) == other_incidents
            assert _summary(world) == _contributions(world)
            raise Rollback
    except Rollback:
        pass


def _summary(w: World) -> dict[tuple[object, ...], int]:
    """The daily summary's counts, by its key."""
    rows = IncidentDaySummary.objects.filter(organisation=w.org, count__gt=0)
    return {
        (r.organisation_id, r.day, r.node_id, r.incident_type_id, r.security_area_id, r.facility_id): r.count
        for r in rows
    }


def _contributions(w: World) -> dict[tuple[object, ...], int]:
    """What grouping the incidents that remain gives."""
    found = summary.contributions(Incident.objects.filter(organisation=w.org))
    return {key: figures.count for key, figures in found.items() if figures.count}
