"""Every write about incidents. Split by concern; import from here."""

from varna.incidents.services.accounting import (
    add_accounting_segment,
    add_accounting_value,
    delete_accounting_segment,
    delete_accounting_value,
    validate_accounting_code,
)
from varna.incidents.services.attachments import add_attachment, add_attachments, report_incident_with_attachments
from varna.incidents.services.confidential import log_confidential_read
from varna.incidents.services.handling import (
    CaseClosedError,
    add_cost_line,
    add_note,
    assign_handler,
    change_status,
    delete_cost_line,
    is_closed,
    record_authority_notified,
    reopen_case,
    save_investigation,
)
from varna.incidents.services.reporting import ensure_defaults, report_incident

__all__ = [
    "CaseClosedError",
    "add_accounting_segment",
    "add_accounting_value",
    "add_attachment",
    "add_attachments",
    "add_cost_line",
    "add_note",
    "assign_handler",
    "change_status",
    "delete_accounting_segment",
    "delete_accounting_value",
    "delete_cost_line",
    "ensure_defaults",
    "is_closed",
    "log_confidential_read",
    "record_authority_notified",
    "reopen_case",
    "report_incident",
    "report_incident_with_attachments",
    "save_investigation",
    "validate_accounting_code",
]
