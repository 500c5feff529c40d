"""Core's own record kinds in the retention schedule (the mail outbox, the history of the people register) and
what core stores about a person for the register extract (the person's details, roles and bodies)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import registry
from varna.core.formats import local_time
from varna.core.models import BodyMembership, MailStatus, OutboxMail, RoleAssignment, User


def register() -> None:
    registry.register_record_kind(
        registry.RecordKind(
            key="core.outbox",
            label=gettext_lazy("Outgoing mail (the outbox)"),
            records=lambda org: OutboxMail.objects.filter(
                organisation_id=org, status__in=(MailStatus.SENT, MailStatus.FAILED)
            ),
            clock="created_at",
            clock_label=gettext_lazy("after it was sent"),
            default_years=1,
            default_action="dispose",
            default_basis=gettext_lazy(
                "Copies of reminders and notices are of passing importance: the record they tell about is kept."
            ),
            label_of=lambda mail: mail.subject,
            order=60,
        )
    )
    registry.register_record_kind(
        registry.RecordKind(
            key="core.people_history",
            label=gettext_lazy("History rows of the people register"),
            records=lambda org: User.history.model.objects.filter(organisation_id=org),
            clock="history_date",
            clock_label=gettext_lazy("after the change"),
            default_years=10,
            default_action="dispose",
            default_basis=gettext_lazy(
                "Old changes to people's details are personal data no longer needed; a case's own history rows go "
                "with the case."
            ),
            order=50,
        )
    )
    registry.register_person_data(registry.PersonData("core.person", gettext_lazy("Person details"), details, order=1))
    registry.register_person_data(registry.PersonData("core.roles", gettext_lazy("Roles"), roles, order=2))
    registry.register_person_data(registry.PersonData("core.bodies", gettext_lazy("Bodies"), bodies, order=3))


def details(person: User) -> list[dict[str, str]]:
    return [
        {
            _("Name"): person.get_full_name(),
            _("User name"): person.username,
            _("E-mail"): person.email,
            _("Employee number"): person.employee_number,
            _("Job title"): person.job_title,
            _("Employment unit"): person.employment_node.name if person.employment_node else "",
            _("Employed from"): local_time(person.employed_from) if person.employed_from else "",
            _("Phone"): person.phone,
            _("Protected personal data"): _("yes") if person.protected_identity else _("no"),
        }
    ]


def roles(person: User) -> list[dict[str, str]]:
    rows = RoleAssignment.objects.filter(organisation_id=person.organisation_id or 0, user=person)
    return [
        {
            _("Role"): str(r.get_role_display()),
            _("Unit"): r.node.name,
            _("Valid from"): local_time(r.valid_from),
            _("Valid to"): local_time(r.valid_to) if r.valid_to else "",
        }
        for r in rows.select_related("node").order_by("valid_from", "pk")
    ]


def bodies(person: User) -> list[dict[str, str]]:
    rows = BodyMembership.objects.filter(organisation_id=person.organisation_id or 0, user=person)
    return [
        {_("Body"): m.body.name, _("Function"): str(m.get_function_display())}
        for m in rows.select_related("body").order_by("body__name", "pk")
    ]
