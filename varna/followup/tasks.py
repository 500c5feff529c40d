"""Background tasks of the follow-up app (Django's tasks API; ``varna worker`` runs them)."""

from __future__ import annotations

from django.tasks import task

from varna.followup import report


@task()
def generate_yearly_report(report_id: int) -> str:
    """Gather a yearly report's figures (asked for by ``report_services.request_report``); never raises."""
    return report.run(report_id)
