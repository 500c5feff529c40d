"""Insurance, claims, the deductible fund (självriskfond) and the yearly cost allocation (G12, G15, K19).

- The programme: :class:`CoverLine` (försäkringsgren, per organisation), :class:`InsurancePolicy`,
  :class:`Procurement` (central procurement and the date of the next one) and :class:`InsuredValue`
  (exposure per node and facility and year, the base of the allocation).
- :class:`PriceBaseAmount`: the yearly prisbasbelopp, national data, so a deductible in prisbasbelopp is
  computed for the date of the damage.
- :class:`Claim` (skadeanmälan till försäkringsbolag) is started from an incident; :class:`ClaimPayment` are
  the insurer's payments.
- :class:`DeductibleFund` is the fund's row (locked for every booking) and :class:`FundEntry` its ledger,
  never edited: a correction is a new entry that points to the one it corrects. :class:`FundNodeBalance` is
  the running balance per node, kept with each entry in the same transaction and always equal to the sum of
  its entries.
- :class:`FundRules` say what the fund pays; :class:`PayoutRequest` and :class:`GrantApplication` are a node's
  requests, decided by the coordinator, and the decision books a ledger entry.
- :class:`Allocation` with its :class:`AllocationLine` per node: premiums and fund contributions shared out
  once a year; a fixed allocation is never changed, only replaced by a new version.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from varna.core.formats import money
from varna.core.models import Node, Organisation
from varna.incidents.models import Incident
from varna.protection.models import Facility
from varna.risks.models import Measure

# --- the programme -------------------------------------------------------------------------


class CoverLine(models.Model):
    """A line of cover (försäkringsgren): egendom, ansvar, motor … configurable per organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cover_lines")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("cover line")
        verbose_name_plural = _("cover lines")
        ordering: ClassVar = ["order", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="cover_line_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceBaseAmount(models.Model):
    """The prisbasbelopp of a year (national, decided by the government each autumn)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=0)

    class Meta:
        verbose_name = _("price base amount")
        verbose_name_plural = _("price base amounts")
        ordering: ClassVar = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {money(self.amount)}"


class DeductibleKind(models.TextChoices):
    AMOUNT = "amount", _("Amount in kronor")
    PRICE_BASE = "price_base", _("Price base amounts")


class InsurancePolicy(models.Model):
    """A policy of the insurance programme, with an insurer or the municipality's own captive."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="insurance_policies")
    cover_line = models.ForeignKey(
        CoverLine, on_delete=models.PROTECT, related_name="policies", verbose_name=_("cover line")
    )
    insurer = models.CharField(_("insurer"), max_length=200)
    is_captive = models.BooleanField(_("the municipality's own captive"), default=False)
    policy_number = models.CharField(_("policy number"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    premium = models.DecimalField(_("premium per year"), max_digits=14, decimal_places=2, default=Decimal(0))
    sum_insured = models.DecimalField(_("sum insured or limit"), max_digits=14, decimal_places=2, null=True, blank=True)
    deductible_kind = models.CharField(
        _("deductible in"), max_length=20, choices=DeductibleKind.choices, default=DeductibleKind.AMOUNT
    )
    deductible_amount = models.DecimalField(
        _("deductible in kronor"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    deductible_price_base = models.DecimalField(
        _("deductible in price base amounts"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(
        _("conditions that matter for prevention"),
        blank=True,
        help_text=_("For example: theft is covered only where the premises have an approved intrusion alarm."),
    )
    nodes = models.ManyToManyField(Node, blank=True, related_name="+", verbose_name=_("units covered"))
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="insurance_policies", verbose_name=_("facilities covered")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[nodes, facilities], excluded_fields=["revision"])

    MONEY_FIELDS: ClassVar[frozenset[str]] = frozenset({"premium", "sum_insured"})  # shown as kronor in the history
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        ordering: ClassVar = ["cover_line__order", "-valid_from", "policy_number"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="policy_period_valid"),
            models.CheckConstraint(condition=Q(premium__gte=0), name="policy_premium_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.cover_line.name}: {self.insurer} {self.policy_number}"


class Procurement(models.Model):
    """A central procurement of insurance (G12, K19), and when the next one is due."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="insurance_procurements")
    cover_lines = models.ManyToManyField(CoverLine, blank=True, related_name="+", verbose_name=_("cover lines"))
    decided_on = models.DateField(_("decided on"))
    insurer = models.CharField(_("insurer chosen"), max_length=200)
    contract_from = models.DateField(_("contract from"))
    contract_to = models.DateField(_("contract to"))
    next_procurement_on = models.DateField(_("next procurement"), null=True, blank=True)
    reminder_months = models.PositiveSmallIntegerField(_("remind this many months before"), default=6)
    reminded_on = models.DateField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[cover_lines], excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        ordering: ClassVar = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.insurer} {self.contract_from:%Y-%m-%d}–{self.contract_to:%Y-%m-%d}"


class InsuredValue(models.Model):
    """Exposure: the insured values of a node (and a facility, when given) for a year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("facility")
    )
    building_value = models.DecimalField(_("building value"), max_digits=14, decimal_places=2, default=Decimal(0))
    contents_value = models.DecimalField(_("contents value"), max_digits=14, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    MONEY_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"building_value", "contents_value"}
    )  # shown as kronor in the history
    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("insured value")
        verbose_name_plural = _("insured values")
        ordering: ClassVar = ["year", "node__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "year", "node", "facility"],
                condition=Q(facility__isnull=False),
                name="insured_value_facility_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "node"],
                condition=Q(facility__isnull=True),
                name="insured_value_node_unique",
            ),
            models.CheckConstraint(
                condition=Q(building_value__gte=0) & Q(contents_value__gte=0), name="insured_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.node.name}" + (f", {self.facility.name}" if self.facility is not None else "")


class InsuranceSettings(models.Model):
    """What each organisation decides about its insurance work (set up with the organisation)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="insurance_settings")
    claim_follow_up_days = models.PositiveSmallIntegerField(
        _("follow up claims without a decision after (days)"), default=60
    )
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("insurance settings")
        verbose_name_plural = _("insurance settings")

    def __str__(self) -> str:
        return str(self.organisation)


# --- claims ----------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted to the insurer")
    DECIDED = "decided", _("Decided")
    PAID = "paid", pgettext_lazy("claim status", "Paid")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.DECIDED)


class Claim(models.Model):
    """A claim to an insurer (first notice of loss), started from the incident it comes from (K19)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("claim number"), max_length=20)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="claims", verbose_name=_("incident"))
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))  # the incident's
    policy = models.ForeignKey(
        InsurancePolicy, on_delete=models.PROTECT, related_name="claims", verbose_name=_("policy")
    )
    claimed_amount = models.DecimalField(_("claimed amount"), max_digits=14, decimal_places=2)
    deductible = models.DecimalField(_("deductible applied"), max_digits=14, decimal_places=2, default=Decimal(0))
    insurer_reference = models.CharField(_("the insurer's reference"), max_length=60, blank=True)
    third_party_involved = models.BooleanField(_("a third party is involved"), default=False)
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.TextField(_("the insurer's decision"), blank=True)
    compensation = models.DecimalField(
        _("compensation decided"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    MONEY_FIELDS: ClassVar[frozenset[str]] = frozenset({"deductible", "compensation"})  # shown as kronor in the history
    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering: ClassVar = ["-submitted_on", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="claim_number_unique"),
            models.CheckConstraint(
                condition=Q(claimed_amount__gte=0) & Q(deductible__gte=0), name="claim_amounts_not_negative"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "status", "submitted_on"])]

    def __str__(self) -> str:
        return self.number


class ClaimPayment(models.Model):
    """A payment from the insurer on a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "claim__node"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering: ClassVar = ["paid_on", "pk"]
        constraints: ClassVar = [models.CheckConstraint(condition=Q(amount__gt=0), name="claim_payment_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on:%Y-%m-%d} {money(self.amount, 2)}"


# --- the deductible fund -------------------------------------------------------------------


class DeductibleFund(models.Model):
    """The organisation's deductible fund (självriskfond). Its row is locked by every booking."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="deductible_fund")
    name = models.CharField(_("name"), max_length=100)
    floor = models.DecimalField(
        _("lowest balance"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        help_text=_("No payout or grant may take the fund below this balance."),
    )
    history = HistoricalRecords()

    MONEY_FIELDS: ClassVar[frozenset[str]] = frozenset({"floor"})  # shown as kronor in the history
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("deductible fund")
        verbose_name_plural = _("deductible funds")

    def __str__(self) -> str:
        return self.name


class FundEntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution from a unit")
    PAYOUT = "payout", _("Payout for a damage")
    GRANT = "grant", _("Grant to a preventive measure")
    INTEREST = "interest", _("Interest")
    CORRECTION = "correction", _("Correction")


class FundEntry(models.Model):
    """One booking in the fund's ledger. Never edited or deleted: a correction is a new entry.

    ``amount`` is signed as the fund sees it: a contribution or interest adds (> 0), a payout or grant takes
    (< 0), a correction has the sign that sets the corrected entry right.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(DeductibleFund, on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(_("entry number"), max_length=20)
    booked_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=FundEntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("incident")
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="fund_entries", verbose_name=_("claim")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("measure")
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name=_("corrects")
    )
    text = models.CharField(_("text"), max_length=300)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering: ClassVar = ["booked_on", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="fund_entry_number_unique"),
            models.CheckConstraint(condition=~Q(amount=0), name="fund_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False)
                | (~Q(kind="correction") & Q(corrects__isnull=True)),
                name="fund_entry_correction_points_back",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["fund", "node"]),
            models.Index(fields=["fund", "booked_on"]),
            # The balance per node (a GROUP BY of the scoped ledger) read from the index alone: at scale 15
            # (92,000 entries) 89 ms became 16 ms on SQLite (bench/insurance_fund_balance.py).
            models.Index(fields=["organisation", "node", "amount"], name="fund_entry_balance"),
        ]

    def __str__(self) -> str:
        return self.number


class FundNodeBalance(models.Model):
    """The fund's balance on one node (``node`` empty: entries on no node, such as interest).

    Kept by :func:`varna.insurance.services.fund.book_entry` in the same transaction as the entry, under the
    fund's lock, so it always equals the sum of the node's entries (the ledger stays the record; this is its
    running total, proven equal in tests/insurance/test_fund_properties.py). The fund page reads a few hundred
    of these rows instead of summing the whole ledger.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey(DeductibleFund, on_delete=models.CASCADE, related_name="node_balances")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    balance = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["fund", "node"], condition=Q(node__isnull=False), name="fund_node_balance_once"
            ),
            models.UniqueConstraint(
                fields=["fund"], condition=Q(node__isnull=True), name="fund_node_balance_once_without_node"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node or '-'}: {money(self.balance)}"


class FundRules(models.Model):
    """What the fund pays, per organisation (G12): the fund pays the deductible above the unit's own share,
    up to a cap per event and per unit and year."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="fund_rules")
    own_share = models.DecimalField(
        _("the unit's own share of each damage"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(10000),
        help_text=_("The unit pays this much of each damage itself; the fund pays what lies above it."),
    )
    pays_uninsured = models.BooleanField(_("the fund also pays uninsured damage"), default=True)
    cap_per_event = models.DecimalField(_("at most per event"), max_digits=14, decimal_places=2, null=True, blank=True)
    cap_per_year = models.DecimalField(
        _("at most per unit and year"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    MONEY_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"own_share", "cap_per_event", "cap_per_year"}
    )  # shown as kronor in the history
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("fund rules")
        verbose_name_plural = _("fund rules")

    def __str__(self) -> str:
        return str(self.organisation)


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("fund request", "Rejected")


class PayoutRequest(models.Model):
    """A unit asks the fund to pay for a damage (its deductible, or an uninsured damage)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+", verbose_name=_("incident"))
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="payout_requests", verbose_name=_("claim")
    )
    damage_cost = models.DecimalField(_("cost of the damage"), max_digits=14, decimal_places=2)
    computed_amount = models.DecimalField(_("the fund pays"), max_digits=14, decimal_places=2)
    computation = models.TextField(_("how it was computed"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    entry = models.OneToOneField(FundEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("payout request")
        verbose_name_plural = _("payout requests")
        ordering: ClassVar = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident.number}: {money(self.computed_amount)}"


class GrantApplication(models.Model):
    """A unit applies for a grant from the fund to a preventive measure of a risk analysis (G12's incentive)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="fund_grants", verbose_name=_("measure")
    )
    amount = models.DecimalField(_("amount applied for"), max_digits=14, decimal_places=2)
    motivation = models.TextField(_("why the measure prevents damage"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_amount = models.DecimalField(_("amount granted"), max_digits=14, decimal_places=2, null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    entry = models.OneToOneField(FundEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering: ClassVar = ["-requested_at", "-pk"]
        constraints: ClassVar = [models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive")]

    def __str__(self) -> str:
        return f"{self.measure.number}: {money(self.amount)}"


# --- the allocation --------------------------------------------------------------------------


class AllocationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FIXED = "fixed", _("Fixed")
    REPLACED = "replaced", _("Replaced by a later version")


class Allocation(models.Model):
    """Premiums and fund contributions of a year shared out to the units (G12): exposure and damage history,
    a cap on the change from last year, and a discount for finished preventive work."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=AllocationStatus.choices, default=AllocationStatus.DRAFT
    )
    premium_total = models.DecimalField(_("premiums to share out"), max_digits=14, decimal_places=2)
    contribution_total = models.DecimalField(_("fund contributions to share out"), max_digits=14, decimal_places=2)
    exposure_weight = models.PositiveSmallIntegerField(
        _("weight of exposure (%)"), default=60, help_text=_("The rest is weighed by the damage history.")
    )
    history_years = models.PositiveSmallIntegerField(_("years of damage history"), default=3)
    max_change = models.PositiveSmallIntegerField(_("largest change from last year (%)"), default=25)
    analysis_discount = models.PositiveSmallIntegerField(_("discount for a current risk analysis (%)"), default=5)
    plan_discount = models.PositiveSmallIntegerField(_("discount for an adopted action plan (%)"), default=5)
    evacuation_discount = models.PositiveSmallIntegerField(_("discount for evacuation checks done (%)"), default=0)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fixed_at = models.DateTimeField(null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering: ClassVar = ["-year", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "year", "version"], name="allocation_version_unique"),
            models.CheckConstraint(condition=Q(exposure_weight__lte=100), name="allocation_weight_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.version})"


class AllocationLine(models.Model):
    """One unit's share of an allocation, with the figures it was computed from."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    insured_value = models.DecimalField(_("insured value"), max_digits=14, decimal_places=2, default=Decimal(0))
    staff = models.PositiveIntegerField(_("staff"), default=0)
    damage_cost = models.DecimalField(
        _("damage cost in the period"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    has_current_analysis = models.BooleanField(_("current risk analysis"), default=False)
    has_adopted_plan = models.BooleanField(_("adopted action plan"), default=False)
    evacuation_checks_done = models.BooleanField(_("evacuation checks done"), default=False)
    share = models.DecimalField(_("share"), max_digits=9, decimal_places=6)
    previous_amount = models.DecimalField(_("last year"), max_digits=14, decimal_places=2, null=True, blank=True)
    premium_amount = models.DecimalField(_("premium share"), max_digits=14, decimal_places=2)
    contribution_amount = models.DecimalField(_("fund contribution"), max_digits=14, decimal_places=2)
    explanation = models.TextField(_("why"))

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering: ClassVar = ["node__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["allocation", "node"], name="allocation_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.allocation}: {self.node.name}"
