"""Organisations (tenants), the node tree, people, roles and bodies."""

from __future__ import annotations

import datetime
import hashlib
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class Organisation(models.Model):
    """A municipality, region or federation using Värna: the tenant."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering: ClassVar = ["name"]

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    def __str__(self) -> str:
        return self.name


class NodeKind(models.TextChoices):
    COUNCIL = "council", _("Municipal council")
    EXECUTIVE_BOARD = "executive_board", _("Municipal executive board")
    COMMITTEE = "committee", _("Committee")
    ADMINISTRATION = "administration", _("Administration")
    COMPANY = "company", _("Municipal company")
    FEDERATION = "federation", _("Municipal federation")
    UNIT = "unit", _("Unit")


class Node(MP_Node):
    """A node in the line organisation. A subtree is a prefix filter on ``path``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="nodes")
    kind = models.CharField(_("kind"), max_length=20, choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, help_text=_("The identifier used by the HR and finance systems."))
    history = HistoricalRecords(excluded_fields=["numchild"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = ""

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="node_code_unique_per_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self, *, include_self: bool = True) -> list[str]:
        """The paths of the node's ancestors, root first, and its own path unless ``include_self`` is False.

        ``node__path__in=node.ancestor_paths()`` finds what is held at the node or above it, in one query.
        """
        step = self.steplen
        end = len(self.path) + 1 if include_self else len(self.path)
        return [self.path[:i] for i in range(step, end, step)]


class Role(models.TextChoices):
    SECURITY_COORDINATOR = "security_coordinator", _("Security coordinator")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    HEAD_OF_ADMINISTRATION = "head_of_administration", _("Head of administration")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    SECURITY_REPRESENTATIVE = "security_representative", _("Security representative")
    EMPLOYEE = "employee", _("Employee")
    ELECTED_OFFICIAL = "elected_official", _("Elected official")
    ADMINISTRATOR = "administrator", _("Administrator")
    INSURANCE_HANDLER = "insurance_handler", _("Insurance handler")
    HR = "hr", _("HR officer")


SECURITY_ROLES = (
    Role.SECURITY_COORDINATOR,
    Role.SECURITY_OFFICER,
    Role.HEAD_OF_ADMINISTRATION,
    Role.UNIT_MANAGER,
    Role.SECURITY_REPRESENTATIVE,
)


class User(AbstractUser):
    """A person: an employee, an elected official or a configuration administrator."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    employment_node = models.ForeignKey(
        Node,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("employment unit"),
    )
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    employed_from = models.DateField(
        _("employed from"),
        null=True,
        blank=True,
        help_text=_("The first day of employment; new employees get time to complete the courses they need."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    protected_identity = models.BooleanField(
        _("protected personal data"),
        default=False,
        help_text=_("The person's name is never shown outside the cases they are part of."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "employment_node"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The damage statistics count active staff per employment node for the rates per 100 employees: this
        # index answers that count without reading the people's rows (docs/performance.md, issue 11).
        indexes: ClassVar = [
            models.Index(fields=["organisation", "is_active", "employment_node"], name="user_staff_by_node")
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "employee_number"],
                condition=~Q(employee_number=""),
                name="employee_number_unique_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, on: datetime.date | None = None) -> RoleAssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class RoleAssignment(models.Model):
    """A person holds a role for a node and its whole subtree during a period."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        indexes: ClassVar = [models.Index(fields=["user", "valid_from"], name="roleassign_user_from")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.node}"


class BodyKind(models.TextChoices):
    SECURITY_GROUP = "security_group", _("Security group")
    CRISIS_GROUP = "crisis_group", _("Crisis support group")


class BodyFunction(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    REPRESENTATIVE = "representative", _("Representative")
    EXPERT = "expert", _("Co-opted expert")
    INSURANCE_BROKER = "insurance_broker", _("Insurance broker")
    MEMBER = "member", _("Member")


class Body(models.Model):
    """A body outside the line organisation, such as the security group (SÄKSAM)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="body_memberships")
    function = models.CharField(_("function"), max_length=20, choices=BodyFunction.choices)
    represents = models.ForeignKey(
        Node, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("represents")
    )
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["body", "user", "function"], name="body_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()})"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash of the secret is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.label}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class SecurityArea(models.Model):
    """A security area (säkerhetsområde, G2/K7), configurable per organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="security_areas")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("security area")
        verbose_name_plural = _("security areas")
        ordering: ClassVar = ["ordering", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="security_area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(models.TextChoices):
    """The five consequence dimensions (P2, P8, G13)."""

    PEOPLE = "people", _("People")
    OPERATIONS = "operations", _("Operations")
    PROPERTY = "property", _("Property")
    ECONOMY = "economy", _("Economy")
    ENVIRONMENT = "environment", _("Environment")


class CaseCounter(models.Model):
    """The last case number handed out per organisation, series and year: one row lock, no scan."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "series", "year"], name="case_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMail(models.Model):
    """One outgoing mail in the durable outbox (``core/outbox.py``): written in the same transaction
    as the change it tells about, sent by the task worker, retried with a growing delay."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # Organisation-level rows: read by those who configure the organisation.
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status", "-created_at"], name="outbox_org_status_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class StoredDocument(models.Model):
    """A rendered document (a PDF) of one object, made by the worker and served while it is current.

    ``source`` names what the object is (``"risks.analysis"``, ``"plans.plan"``: registered with
    :func:`varna.core.registry.register_document_source`). ``fingerprint`` is the SHA-256 of the HTML the file
    was made from, without its "printed" stamp: a download builds that HTML as it would today and serves the
    stored file only when the two agree, so a stored document never shows other content than a fresh one would
    (``core/pdf.py``).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="documents/", max_length=200)
    made_at = models.DateTimeField(default=timezone.now)

    # Served only through the view of the object it shows, which checks access to that object.
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "object_id"], name="stored_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}"


# --- the life of records: retention schedule, holds, gallring, archive delivery, register extracts ----------


class RetentionAction(models.TextChoices):
    DISPOSE = "dispose", _("Dispose of (gallra)")
    PRESERVE = "preserve", _("Preserve and deliver to the archive (bevara)")


class RetentionRule(models.Model):
    """One row of the organisation's retention schedule (dokumenthanteringsplan): a record kind is kept
    ``years`` after its clock (closing or adoption), then disposed of or delivered to the archive.
    ``pseudonymise_after_years``: the personal data in the records' free text is pseudonymised that many years
    after the clock (``core/pseudonymise.py``); empty: never. Where the records are disposed of, it is less than
    ``years``.

    ``kind`` is a registered record kind's key (:func:`varna.core.registry.record_kinds`). Set up with defaults by
    ``core.retention.ensure_schedule``; edited by the coordinator with the decision that supports it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="retention_rules")
    kind = models.CharField(_("record kind"), max_length=60)
    years = models.PositiveSmallIntegerField(_("years to keep"))
    action = models.CharField(_("then"), max_length=10, choices=RetentionAction.choices)
    pseudonymise_after_years = models.PositiveSmallIntegerField(
        _("pseudonymise personal data in free text after (years)"), null=True, blank=True
    )
    decision = models.CharField(
        _("decision"),
        max_length=300,
        help_text=_("The decision the rule rests on: body, date, minute paragraph and registry number."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention schedule")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="retention_rule_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.years}"


class RetentionHoldQuerySet(models.QuerySet["RetentionHold"]):
    def active(self) -> RetentionHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class RetentionHold(models.Model):
    """A hold (e.g. a legal case or an insurance claim) that stops the disposal of one record until lifted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=60)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("record"), max_length=200)  # the record's name when the hold was placed
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = RetentionHoldQuerySet.as_manager()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        indexes: ClassVar = [models.Index(fields=["organisation", "kind", "object_id"], name="retention_hold_record")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class DisposalBatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DONE = "done", _("Disposed of")
    DISCARDED = "discarded", _("Discarded")


class DisposalBatch(models.Model):
    """A proposed batch of records due for disposal; the coordinator approves it and it is carried out in one
    transaction. ``items`` maps each kind's key to the ids proposed (emptied once the batch is done);
    ``pseudonymise`` likewise the records whose free text is due for pseudonymisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=DisposalBatchStatus.choices, default=DisposalBatchStatus.PROPOSED
    )
    items = models.JSONField(default=dict)
    pseudonymise = models.JSONField(default=dict)
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("disposal batch")
        verbose_name_plural = _("disposal batches")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.proposed_at:%Y-%m-%d}"


class DisposalOperation(models.TextChoices):
    DISPOSED = "disposed", _("Disposed of")
    PSEUDONYMISED = "pseudonymised", _("Personal data pseudonymised")


class DisposalRecord(models.Model):
    """What was disposed of, or whose personal data in free text was pseudonymised (``operation``): kind, count,
    date, the decision and who approved it; never the content."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="records")
    operation = models.CharField(
        _("what was done"), max_length=20, choices=DisposalOperation.choices, default=DisposalOperation.DISPOSED
    )
    kind = models.CharField(_("record kind"), max_length=60)
    kind_label = models.CharField(_("record kind"), max_length=200)
    count = models.PositiveIntegerField(_("number of records"))
    disposed_at = models.DateTimeField(_("disposed of"), default=timezone.now)
    years = models.PositiveSmallIntegerField(_("years kept"))
    decision = models.CharField(_("decision"), max_length=300)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by"))

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("disposal record")
        verbose_name_plural = _("disposal records")
        ordering: ClassVar = ["-disposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.count}"


class PseudonymisedRecord(models.Model):
    """One record whose personal data in free text has been pseudonymised (so that it is done once): the kind,
    the record's id, when and in which batch. Removed when the record itself is disposed of."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("record kind"), max_length=60)
    object_id = models.PositiveBigIntegerField()
    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="+")
    pseudonymised_at = models.DateTimeField(default=timezone.now)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="pseudonymised_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class RecordLogKind(models.TextChoices):
    REGISTER_EXTRACT = "register_extract", _("Register extract")
    ARCHIVE_DELIVERY = "archive_delivery", _("Archive package")


class RecordLog(models.Model):
    """A logged production of a register extract (about ``subject``) or an archive package (its SHA-256)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=20, choices=RecordLogKind.choices)
    subject = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField(_("details"), max_length=300, blank=True)
    produced_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("produced by"))
    produced_at = models.DateTimeField(_("produced"), default=timezone.now)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        ordering: ClassVar = ["-produced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.produced_at:%Y-%m-%d}"
