"""Forms for reporting an incident and adding attachments. Thin: the services do the writing."""

from __future__ import annotations

import datetime
import re
import uuid
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.models import Dimension, Node, User
from varna.core.uploads import UploadProblemsMixin
from varna.incidents import selectors
from varna.incidents.models import DIMENSION_FIELDS, IncidentType, Severity
from varna.incidents.services import attachments
from varna.protection.models import Facility

TEXT_MAX = 10_000  # characters in a free-text answer: far below the request size limit
FUTURE_GRACE = datetime.timedelta(minutes=5)  # the same allowance as the service
_KEY = re.compile(r"^[A-Za-z0-9-]{8,80}$")


_SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_order(text: str) -> str:
    """A sort key that puts Å, Ä and Ö after Z, as a Swedish reader expects."""
    return text.lower().translate(_SWEDISH_LETTERS)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class QuickSelect(forms.Select):
    """A ``<select>`` rendered in Python: thousands of options (premises, units) without a template per option."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        wanted = set(self.format_value(value))
        found = False

        def option(key: Any, label: Any) -> SafeString:
            nonlocal found
            chosen = not found and str(key) in wanted
            found = found or chosen
            return format_html('<option value="{}"{}>{}</option>', key, mark_safe(" selected") if chosen else "", label)

        parts = [format_html("<select{}>", flatatt(final))]
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', key))
                parts.extend(option(k, v) for k, v in label)
                parts.append(mark_safe("</optgroup>"))
            else:
                parts.append(option(key, label))
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; cleans to a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": attachments.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def attachment_help_text() -> str:
    return str(
        _("Up to %(count)s files of at most %(size)s each: photos (JPEG, PNG, HEIC or WebP) or PDF files.")
        % {"count": attachments.MAX_ATTACHMENTS, "size": filesizeformat(settings.VARNA_ATTACHMENT_MAX_BYTES)}
    )


class ReportForm(UploadProblemsMixin):
    """The report form: what an employee fills in on a phone in under two minutes."""

    upload_field = "attachments"

    incident_type = forms.ModelChoiceField(
        label=_("Type of event"),
        queryset=IncidentType.objects.none(),
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the type of event.")},
        help_text=_("Threats and violence are confidential: only your manager and the security staff can read them."),
    )
    occurred_date = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages={"required": _("Give the date it happened."), "invalid": _("Give the date as 2025-03-31.")},
    )
    occurred_time = forms.TimeField(
        label=_("Time"),
        widget=TimeInput,
        error_messages={"required": _("Give the time it happened."), "invalid": _("Give the time as 14:30.")},
    )
    facility = forms.ChoiceField(label=_("Premises or facility"), required=False, widget=QuickSelect)
    address = forms.CharField(
        label=_("Or another address or place"),
        required=False,
        max_length=200,
        help_text=_("If the place is not in the list: for example a street address, a park or a home visit."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    incident_node = forms.TypedChoiceField(
        label=_("Unit where it happened"),
        coerce=int,
        widget=QuickSelect,
        error_messages={"required": _("Choose the unit where it happened.")},
        help_text=_("Your own unit is chosen. Change it if the event happened at another unit."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Describe what happened.")},
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe the event in your own words. Do not write personal identity numbers."),
    )
    immediate_action = forms.CharField(
        label=_("What did you do straight away?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: called 112, gave first aid, locked the door, told the manager."),
    )
    injured_count = forms.IntegerField(
        label=_("Number of people injured"),
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    estimated_cost = forms.CharField(
        label=_("Estimated cost in kronor"),
        required=False,
        max_length=30,
        help_text=_("A rough figure is enough, for example 5000."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    victim_is_me = forms.BooleanField(label=_("It was I who was threatened or hurt"), required=False)
    victim_colleague = forms.CharField(
        label=_("Or a colleague who was threatened or hurt: user name or employee number"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    police_report_number = forms.CharField(label=_("Police report number"), required=False, max_length=40)
    police_not_contacted_reason = forms.CharField(
        label=_("If the police have not been contacted: why not?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    support_offered = forms.BooleanField(label=_("Support has been offered to the person affected"), required=False)
    crisis_group_alerted = forms.BooleanField(label=_("The crisis support group has been alerted"), required=False)
    attachments = MultipleFileField(label=_("Photos or PDF files"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    THREAT_FIELDS = (
        "victim_is_me",
        "victim_colleague",
        "police_report_number",
        "police_not_contacted_reason",
        "support_offered",
        "crisis_group_alerted",
    )

    def __init__(self, *args: Any, user: User, facility: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["incident_type"].queryset = selectors.active_types(user)  # type: ignore[attr-defined]
        self.fields["facility"].choices = self._facility_choices()  # type: ignore[attr-defined]
        self.fields["incident_node"].choices = self._node_choices()  # type: ignore[attr-defined]
        self.fields["attachments"].help_text = attachment_help_text()
        for dim in DIMENSION_FIELDS:
            label = Dimension(dim).label
            self.fields[f"{dim}_severity"] = forms.TypedChoiceField(
                label=label,
                choices=Severity.choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{dim}_text"] = forms.CharField(
                label=_("%(dimension)s: what were the consequences?") % {"dimension": label},
                required=False,
                max_length=500,
            )
        self.order_fields(self._order())
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.update(
                {
                    "occurred_date": now.date(),
                    "occurred_time": now.time().replace(second=0, microsecond=0),
                    "incident_node": user.employment_node_id,
                    "idempotency_key": str(uuid.uuid4()),
                    **{f"{dim}_severity": Severity.NONE for dim in DIMENSION_FIELDS},
                }
            )
            self._preset_facility(facility)

    def _preset_facility(self, value: str) -> None:
        """Choose the facility given in the address (from its sign's QR code), when the person may report there;
        the incident is then placed at the facility's unit."""
        if not value.isdigit() or len(value) > 12:
            return
        found = selectors.facilities_for_reporting(self.user).filter(pk=int(value)).values_list("pk", "node_id").first()
        if found is None:
            return
        self.initial["facility"] = str(found[0])
        if core_selectors.visible_nodes(self.user).filter(pk=found[1]).exists():
            self.initial["incident_node"] = found[1]

    def _order(self) -> list[str]:
        before = ["incident_type", "occurred_date", "occurred_time", "facility", "address", "incident_node"]
        before += ["description", "immediate_action"]
        dims = [f"{dim}_{part}" for dim in DIMENSION_FIELDS for part in ("severity", "text")]
        return [*before, *dims, "injured_count", "estimated_cost", *self.THREAT_FIELDS, "attachments"]

    def _facility_choices(self) -> list[Any]:
        rows = list(
            selectors.facilities_for_reporting(self.user).values_list("pk", "name", "street_address", "node__path")
        )
        names = Counter(name for _pk, name, _street, _path in rows)
        own_path = self.user.employment_node.path if self.user.employment_node else None
        everything, own = [], []
        for pk, name, street, path in rows:
            label = f"{name} ({street})" if street and names[name] > 1 else name  # the address tells twins apart
            everything.append((str(pk), label))
            if own_path and path.startswith(own_path):
                own.append((str(pk), label))
        everything.sort(key=lambda choice: swedish_order(choice[1]))
        choices: list[Any] = [("", _("Choose, or write the place below"))]
        if own:
            choices.append((_("Your unit"), own))
            choices.append((_("All premises"), everything))
        else:
            choices.extend(everything)
        return choices

    def _node_choices(self) -> list[tuple[int | str, Any]]:
        """Every unit by name, A to Ö; a name used twice gets the name of the unit above it."""
        rows = list(core_selectors.visible_nodes(self.user).values_list("pk", "name", "path"))
        by_path = {path: name for _pk, name, path in rows}
        names = Counter(name for _pk, name, _path in rows)
        labelled = []
        for pk, name, path in rows:
            parent = by_path.get(path[: -Node.steplen], "")
            labelled.append((pk, f"{name} ({parent})" if names[name] > 1 and parent else name))
        labelled.sort(key=lambda choice: swedish_order(choice[1]))
        choices: list[tuple[int | str, Any]] = [] if self.user.employment_node_id else [("", _("Choose a unit"))]
        return choices + labelled

    # --- cleaning ---------------------------------------------------------------

    def clean_facility(self) -> Facility | None:
        value = self.cleaned_data.get("facility")
        if not value:
            return None
        facility = selectors.facilities_for_reporting(self.user).filter(pk=value).first()
        if facility is None:
            raise ValidationError(_("Choose premises from the list."))
        return facility

    def clean_incident_node(self) -> Node:
        pk = self.cleaned_data["incident_node"]
        node = core_selectors.visible_nodes(self.user).filter(pk=pk).first()
        if node is None:
            raise ValidationError(_("Choose a unit from the list."))
        return node

    def clean_estimated_cost(self) -> Decimal | None:
        raw = re.sub(r"[\s\u00a0]|kr|sek|:-", "", self.cleaned_data.get("estimated_cost", ""), flags=re.IGNORECASE)
        if not raw:
            return None
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0 or value >= Decimal(10) ** 12:
            raise ValidationError(_("Write the cost as a number of kronor, for example 5000."))
        return value.quantize(Decimal("0.01"))

    def clean_victim_colleague(self) -> User | None:
        value = self.cleaned_data.get("victim_colleague", "").strip()
        if not value:
            return None
        unknown = _("No one in your organisation has that user name or employee number. Check it, or leave it empty.")
        if self.user.organisation_id is None:
            raise ValidationError(unknown)
        person = core_selectors.find_person(self.user.organisation_id, value)
        if person is None:
            raise ValidationError(unknown)
        return person

    def clean_attachments(self) -> list[UploadedFile[bytes]]:
        files: list[UploadedFile[bytes]] = self.cleaned_data.get("attachments") or []
        attachments.check_uploads(files)
        return files

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data.get("idempotency_key", "")
        return key if _KEY.match(key) else str(uuid.uuid4())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("occurred_date"), data.get("occurred_time")
        if isinstance(day, datetime.date) and isinstance(time, datetime.time):
            occurred_at = timezone.make_aware(datetime.datetime.combine(day, time))
            if occurred_at > timezone.now() + FUTURE_GRACE:
                self.add_error("occurred_date", _("The time of the event cannot be in the future."))
            data["occurred_at"] = occurred_at
        if not data.get("facility") and not data.get("address") and "facility" not in self.errors:
            self.add_error("facility", _("Choose the premises, or write an address or place."))
        if data.get("victim_is_me") and data.get("victim_colleague"):
            self.add_error("victim_colleague", _("Either you or a colleague: not both."))
        return data

    def report_fields(self) -> dict[str, Any]:
        """The cleaned form as the keyword arguments of ``services.report_incident``."""
        d = self.cleaned_data
        victim = self.user if d.get("victim_is_me") else d.get("victim_colleague")
        return {
            "incident_type": d["incident_type"],
            "occurred_at": d["occurred_at"],
            "incident_node": d["incident_node"],
            "facility": d.get("facility"),
            "address": d.get("address", ""),
            "description": d["description"],
            "immediate_action": d.get("immediate_action", ""),
            "severities": {dim: d.get(f"{dim}_severity") or Severity.NONE for dim in DIMENSION_FIELDS},
            "severity_texts": {dim: d.get(f"{dim}_text", "") for dim in DIMENSION_FIELDS},
            "injured_count": d.get("injured_count") or 0,
            "estimated_cost": d.get("estimated_cost"),
            "victim": victim,
            "police_report_number": d.get("police_report_number", ""),
            "police_not_contacted_reason": d.get("police_not_contacted_reason", ""),
            "support_offered": bool(d.get("support_offered")),
            "crisis_group_alerted": bool(d.get("crisis_group_alerted")),
            "idempotency_key": d.get("idempotency_key", ""),
        }

    # --- presentation -------------------------------------------------------------

    def error_links(self) -> list[tuple[str, str]]:
        """``(anchor, text)`` for the error summary, in the order of the form; the anchor is the field's input."""
        links: list[tuple[str, str]] = [("", str(e)) for e in self.non_field_errors()]
        for field in self:
            if not field.errors:
                continue
            anchor = field.auto_id if field.auto_id else ""
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            label = str(field.label).rstrip("?")  # "What happened: Describe what happened."
            for error in field.errors:
                links.append((anchor, f"{label}: {error}"))
        return links

    def consequences_given(self) -> bool:
        """Whether the consequences part holds an answer or an error, so it is shown open."""
        names = [f"{dim}_{part}" for dim in DIMENSION_FIELDS for part in ("severity", "text")]
        names += ["injured_count", "estimated_cost"]
        if any(self[name].errors for name in names):
            return True
        if not self.is_bound:
            return False
        return any(self.data.get(name) not in (None, "", "0", str(Severity.NONE)) for name in names)

    def files_were_chosen(self) -> bool:
        chosen = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        return bool(chosen) or bool(self.upload_problems)

    def dimensions(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{dim}_severity"], self[f"{dim}_text"]) for dim in DIMENSION_FIELDS]


class AttachmentForm(UploadProblemsMixin):
    """Add photos or PDF files to an existing report."""

    upload_field = "attachments"

    attachments = MultipleFileField(label=_("Photos or PDF files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help_text()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("attachments") and not self.errors:
            self.add_error("attachments", _("Choose at least one file."))
        return data
