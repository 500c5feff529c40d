"""Every write of the RSA draft (MSBFS 2015:5) and of the list of critical services: only the coordinator writes.

A draft is generated once per organisation and mandate period; each section is then the person's text. A section
is generated again only when someone asks (one section, or all of them): the tables always follow the data, the
text only when it has not been edited since the last generation, or when the person asks to replace it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Organisation, User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.documents.models import Operation
from varna.followup import rsa
from varna.followup.models import FIRST_YEAR, LAST_YEAR, CriticalService, RsaDraft, RsaHeading, RsaSection

MAX_TEXT = 50_000


def _check(actor: User, organisation_id: int | None) -> None:
    if organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.MANAGE_RSA):
        raise PermissionDenied


def _organisation(actor: User) -> Organisation:
    """The writer's organisation, once they are known to hold ``MANAGE_RSA``."""
    _check(actor, actor.organisation_id)
    if actor.organisation is None:  # pragma: no cover - a person with a role belongs to an organisation
        raise PermissionDenied
    return actor.organisation


def _sources(actor: User, draft: RsaDraft) -> rsa.Sources:
    return rsa.sources(actor, draft.organisation, draft.period_start, timezone.localdate())


@transaction.atomic
def generate(*, actor: User, period_start: int) -> RsaDraft:
    """The organisation's RSA draft of the mandate period starting ``period_start``: the one there is, or a new
    one with every heading generated from today's data. A double submit gives the same draft."""
    organisation = _organisation(actor)
    if not FIRST_YEAR <= period_start <= LAST_YEAR:
        raise ValidationError(
            _("Choose a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    lock_actor(actor)
    same = RsaDraft.objects.filter(organisation=organisation, period_start=period_start)
    existing = same.first()  # one draft per period: a double submit finds the first one
    if existing is not None:
        return existing
    now = timezone.now()
    draft = RsaDraft(
        organisation=organisation,
        period_start=period_start,
        title=_("Risk and vulnerability analysis %(start)s–%(end)s, %(org)s")
        % {"start": period_start, "end": period_start + 3, "org": organisation.name},
        generated_at=now,
        created_by=actor,
    )
    stamp(draft, actor)
    draft.save()
    data = _sources(actor, draft)
    for number, key in enumerate(RsaHeading.values, start=1):
        content = rsa.assemble(data, key)
        section = RsaSection(
            organisation=draft.organisation,
            draft=draft,
            key=key,
            number=number,
            text=content.text,
            generated_text=content.text,
            tables=content.tables_json(),
            generated_at=now,
        )
        stamp(section, actor)
        section.save()
    return draft


@dataclass(frozen=True)
class Regenerated:
    """What a regeneration did: the sections whose text was replaced, and those whose edited text was kept."""

    replaced: list[RsaSection]
    kept: list[RsaSection]


def _regenerate(actor: User, sections: list[RsaSection], data: rsa.Sources, *, replace_edits: bool) -> Regenerated:
    now = timezone.now()
    replaced, kept = [], []
    for section in sections:
        content = rsa.assemble(data, section.key)
        fields = ["tables", "generated_text", "generated_at"]
        if replace_edits or not section.is_edited:
            section.text = content.text
            section.updated_by = actor
            fields += ["text", "updated_by"]
            replaced.append(section)
        else:
            kept.append(section)
        section.generated_text, section.tables, section.generated_at = content.text, content.tables_json(), now
        save_revision(section, actor, fields)
    return Regenerated(replaced, kept)


@transaction.atomic
def regenerate_section(
    *, actor: User, section: RsaSection, replace_edits: bool = False, revision: int | None
) -> Regenerated:
    """Assemble one heading again from today's data: its tables always, its text unless it has been edited (or
    the person asks to replace the edited text)."""
    draft = RsaDraft.objects.select_for_update().get(pk=section.draft_id)
    _check(actor, draft.organisation_id)
    section = RsaSection.objects.select_for_update().get(pk=section.pk)
    check_revision(section, revision)
    return _regenerate(actor, [section], _sources(actor, draft), replace_edits=replace_edits)


@transaction.atomic
def regenerate(*, actor: User, draft: RsaDraft, replace_edits: bool = False, revision: int | None) -> Regenerated:
    """Assemble every heading again: the edited texts are kept unless the person asks to replace them."""
    draft = RsaDraft.objects.select_for_update().get(pk=draft.pk)
    _check(actor, draft.organisation_id)
    check_revision(draft, revision)
    sections = list(RsaSection.objects.select_for_update().filter(draft=draft).order_by("number"))
    done = _regenerate(actor, sections, _sources(actor, draft), replace_edits=replace_edits)
    draft.generated_at = timezone.now()
    save_revision(draft, actor, ["generated_at"])
    return done


@transaction.atomic
def save_section(*, actor: User, section: RsaSection, text: str, revision: int | None) -> RsaSection:
    """Write the text of one heading."""
    draft = RsaDraft.objects.select_for_update().get(pk=section.draft_id)
    _check(actor, draft.organisation_id)
    section = RsaSection.objects.select_for_update().get(pk=section.pk)
    check_revision(section, revision)
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(_("A section can be at most 50,000 characters long."))
    section.text = text
    section.updated_by = actor
    save_revision(section, actor, ["text", "updated_by"])
    return section


# --- the list of critical services ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceData:
    node: Node
    name: str
    description: str = ""
    dependencies: str = ""
    acceptable_downtime_hours: int | None = None
    operation: str = ""


def _clean(actor: User, data: ServiceData, service: CriticalService | None = None) -> None:
    if data.node.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not data.name.strip():
        raise ValidationError(_("Give the service a name."))
    if data.operation and data.operation not in Operation.values:
        raise ValidationError(_("Choose one of the operations in the list."))
    if data.acceptable_downtime_hours is not None and not 0 <= data.acceptable_downtime_hours <= 24 * 365:
        raise ValidationError(_("The acceptable downtime is given in hours, at most a year."))
    # Compared case-folded in Python: SQLite folds only ASCII letters (Ö and ö would differ), and the list is short.
    others = CriticalService.objects.filter(organisation_id=data.node.organisation_id)
    if service is not None:
        others = others.exclude(pk=service.pk)
    if data.name.strip().casefold() in {name.casefold() for name in others.values_list("name", flat=True)}:
        raise ValidationError(_("There is already a service with that name."))


def _apply(service: CriticalService, data: ServiceData) -> None:
    service.node = data.node
    service.name = data.name.strip()
    service.description = data.description.strip()
    service.dependencies = data.dependencies.strip()
    service.acceptable_downtime_hours = data.acceptable_downtime_hours
    service.operation = data.operation


@transaction.atomic
def create_service(*, actor: User, data: ServiceData) -> CriticalService:
    """Add a service vital to society to the organisation's list (a double submit gives the same one)."""
    organisation = _organisation(actor)
    lock_actor(actor)
    duplicate = recent_duplicate(
        CriticalService.objects.filter(organisation=organisation, name=data.name.strip()),
        actor=actor,
    )
    if duplicate is not None:
        return duplicate
    _clean(actor, data)
    service = CriticalService(organisation=organisation, created_by=actor)
    _apply(service, data)
    stamp(service, actor)
    service.save()
    return service


@transaction.atomic
def update_service(
    *, actor: User, service: CriticalService, data: ServiceData, revision: int | None
) -> CriticalService:
    service = CriticalService.objects.select_for_update().get(pk=service.pk)
    _check(actor, service.organisation_id)
    check_revision(service, revision)
    _clean(actor, data, service)
    _apply(service, data)
    save_revision(
        service,
        actor,
        ["node", "name", "description", "dependencies", "acceptable_downtime_hours", "operation"],
    )
    return service


@transaction.atomic
def delete_service(*, actor: User, service: CriticalService, revision: int | None) -> None:
    service = CriticalService.objects.select_for_update().get(pk=service.pk)
    _check(actor, service.organisation_id)
    check_revision(service, revision)
    stamp(service, actor)
    service.delete()
