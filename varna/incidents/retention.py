"""What incidents register for the life of records (``core/retention.py``): the three incident kinds of the
retention schedule, the confidential read log and the attachments, and what the register extract shows of a
person (reports made, cases where named, reads of confidential reports).

Deleting incidents moves the damage statistics' summary by the same difference (``keeping_summary``), so the
stored totals stay equal to the incidents that remain.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import registry, retention, selectors_retention
from varna.core.formats import local_time
from varna.core.models import RetentionAction, RetentionRule, User
from varna.incidents.models import (
    FINAL_STATUSES,
    Attachment,
    ConfidentialRead,
    CostLine,
    Incident,
    IncidentCategory,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services.summary import keeping_summary

THREAT = Q(incident_type__category=IncidentCategory.THREAT_VIOLENCE) | Q(is_confidential=True)
INJURY = Q(injured_count__gt=0)


def _final(organisation_id: int) -> QuerySet[Incident]:
    return Incident.objects.filter(organisation_id=organisation_id, status__in=FINAL_STATUSES)


def erase_incidents(records: QuerySet[Any]) -> int:
    """Delete incidents for real (``core.retention.erase``), moving the statistics' summary with them."""
    ids = list(records.values_list("pk", flat=True))
    with keeping_summary(ids):
        return retention.erase(Incident.objects.filter(pk__in=ids))


INCIDENT_KINDS = ("incidents.injury", "incidents.threat", "incidents.ordinary")


def attachments(organisation_id: int) -> QuerySet[Attachment]:
    """The attachments kind: those of closed cases, except where the incident itself is preserved (by default,
    personal injury) or held: then they follow the incident."""
    rows = Attachment.objects.filter(organisation_id=organisation_id, incident__status__in=FINAL_STATUSES)
    preserved = RetentionRule.objects.filter(
        organisation_id=organisation_id, kind__in=INCIDENT_KINDS, action=RetentionAction.PRESERVE
    ).values_list("kind", flat=True)
    for key in preserved:
        kind = registry.record_kind(key)
        if kind is not None:
            rows = rows.exclude(incident_id__in=kind.records(organisation_id).values("pk"))
    for key in INCIDENT_KINDS:
        for ids in selectors_retention.held_ids(organisation_id, key):
            rows = rows.exclude(incident_id__in=ids)
    return rows


def describe_incident(incident: Incident) -> dict[str, Any]:
    data = registry.describe_fields(incident)
    data["incident_type_name"] = incident.incident_type.name
    data["incident_node_name"] = incident.incident_node.name
    data["cost_lines"] = [registry.describe_fields(line) for line in incident.cost_lines.all()]
    data["timeline"] = [registry.describe_fields(entry) for entry in incident.timeline.all()]
    data["attachments"] = [
        {"file_name": a.original_name, "content_type": a.content_type, "size": a.size}
        for a in incident.attachments.all()
    ]
    return data


def incident_files(incident: Incident) -> list[FieldFile]:
    return [a.file for a in incident.attachments.all()]


# Where an incident holds personal data in free text (``core/pseudonymise.py``): its own text fields, the notes
# people write in its timeline (status reasons, notes, the handler's name; not the codes the system writes) and
# the descriptions of its cost lines. The people linked to it: reporter, person affected and case handler.
INCIDENT_TEXT = registry.FreeText(
    fields=(
        "address",
        "description",
        "immediate_action",
        "people_text",
        "operations_text",
        "property_text",
        "economy_text",
        "environment_text",
        "causes",
        "contributing_factors",
        "decided_measures",
        "no_investigation_reason",
        "police_not_contacted_reason",
    ),
    people=("reporter", "victim", "handler"),
    parts=(
        registry.TextPart(
            model=TimelineEntry,
            link="incident",
            fields=("note",),
            people=("actor",),
            only=Q(kind__in=(TimelineKind.NOTE, TimelineKind.STATUS, TimelineKind.HANDLER)),
        ),
        registry.TextPart(model=CostLine, link="incident", fields=("description",), people=("created_by",)),
    ),
)


def _incident_kind(
    key: str, label: Any, condition: Q, years: int, action: str, basis: Any, order: int, pseudonymise: int
) -> None:
    registry.register_record_kind(
        registry.RecordKind(
            key=key,
            label=label,
            records=lambda org, condition=condition: _final(org).filter(condition),  # type: ignore[misc]
            clock="closed_at",
            clock_label=gettext_lazy("after the case was closed"),
            default_years=years,
            default_action=action,
            default_basis=basis,
            erase=erase_incidents,
            describe=describe_incident,
            files=incident_files,
            label_of=str,
            free_text=INCIDENT_TEXT,
            default_pseudonymise_years=pseudonymise,
            order=order,
        )
    )


def register() -> None:
    _incident_kind(
        "incidents.injury",
        gettext_lazy("Incidents with personal injury"),
        INJURY,
        10,
        "preserve",
        gettext_lazy(
            "Reports of work injuries are preserved in most municipal schedules: an injury can lead to claims "
            "long afterwards."
        ),
        10,
        10,
    )
    _incident_kind(
        "incidents.threat",
        gettext_lazy("Threats and violence"),
        THREAT & ~INJURY,
        10,
        "dispose",
        gettext_lazy("Kept ten years, the time within which most crimes of this kind can still be prosecuted."),
        11,
        5,
    )
    _incident_kind(
        "incidents.ordinary",
        gettext_lazy("Incidents and damage (ordinary)"),
        ~THREAT & ~INJURY,
        5,
        "dispose",
        gettext_lazy("Reports of damage and near misses are kept five years for the damage statistics."),
        12,
        2,
    )
    registry.register_record_kind(
        registry.RecordKind(
            key="incidents.reads",
            label=gettext_lazy("Read log of confidential reports"),
            records=lambda org: ConfidentialRead.objects.filter(organisation_id=org),
            clock="at",
            clock_label=gettext_lazy("after the read"),
            default_years=2,
            default_action="dispose",
            default_basis=gettext_lazy("Logs of who read what are kept two years, long enough to follow up misuse."),
            order=40,
        )
    )
    registry.register_record_kind(
        registry.RecordKind(
            key="incidents.attachments",
            label=gettext_lazy("Attachments to incident reports"),
            records=attachments,
            clock="incident__closed_at",
            clock_label=gettext_lazy("after the case was closed"),
            default_years=5,
            default_action="dispose",
            default_basis=gettext_lazy(
                "Photos and copies that support a report are kept as long as ordinary reports; the report itself "
                "describes what happened. Those of an incident that is preserved (by default, with personal "
                "injury) or held follow the incident."
            ),
            label_of=lambda a: f"{a.incident.number} {a.original_name}",
            order=41,
        )
    )
    registry.register_person_data(registry.PersonData("incidents.reported", gettext_lazy("Reports made"), reported))
    registry.register_person_data(
        registry.PersonData("incidents.named", gettext_lazy("Cases where the person is named"), named)
    )
    registry.register_person_data(
        registry.PersonData("incidents.reads", gettext_lazy("Reads of confidential reports"), reads)
    )


def _row(incident: Incident) -> dict[str, str]:
    return {
        _("Case number"): incident.number,
        _("Date"): local_time(incident.occurred_on),
        _("Type of event"): incident.incident_type.name,
        _("Unit where it happened"): incident.incident_node.name,
        _("Status"): str(incident.get_status_display()),
        _("What happened"): incident.description,
    }


def reported(person: User) -> list[dict[str, str]]:
    rows = Incident.objects.filter(organisation_id=person.organisation_id or 0, reporter=person)
    return [_row(i) for i in rows.select_related("incident_type", "incident_node").order_by("occurred_at", "pk")]


def named(person: User) -> list[dict[str, str]]:
    rows = Incident.objects.filter(organisation_id=person.organisation_id or 0).filter(
        Q(victim=person) | Q(handler=person)
    )
    out = []
    for incident in rows.select_related("incident_type", "incident_node").order_by("occurred_at", "pk"):
        row = _row(incident)
        row[_("Named as")] = _("person affected") if incident.victim_id == person.pk else _("case handler")
        out.append(row)
    return out


def reads(person: User) -> list[dict[str, str]]:
    rows = ConfidentialRead.objects.filter(organisation_id=person.organisation_id or 0, user=person)
    return [
        {_("Case number"): r.incident.number, _("Read"): local_time(r.at), _("Where"): r.what}
        for r in rows.select_related("incident").order_by("at", "pk")
    ]
