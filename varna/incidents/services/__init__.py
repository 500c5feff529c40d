"""Every write about incidents. Split by concern; import from here."""

from varna.incidents.services.reporting import ensure_defaults, report_incident

__all__ = ["ensure_defaults", "report_incident"]
