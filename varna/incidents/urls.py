"""Incident URLs: reporting, handling, a case's history and the statistics."""

from django.urls import URLPattern, path

from varna.incidents.views import handling, history, report, statistics

app_name = "incidents"
urlpatterns: list[URLPattern] = [
    # Reporting: the report form, the receipt, my reports, the case page and its attachments.
    path("report/", report.report, name="report"),
    path("report/<int:pk>/receipt/", report.report_done, name="report_done"),
    path("mine/", report.mine, name="mine"),
    path("<int:pk>/", report.detail, name="detail"),
    path("<int:pk>/attachments/", report.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", report.attachment, name="attachment"),
    # Handling: the handler's list, workflow actions, the confidential log and the accounting settings.
    path("", handling.incident_list, name="list"),
    path("<int:pk>/status/", handling.transition, name="transition"),
    path("<int:pk>/reopen/", handling.reopen, name="reopen"),
    path("<int:pk>/handler/", handling.assign, name="assign"),
    path("<int:pk>/investigation/", handling.investigation, name="investigation"),
    path("<int:pk>/costs/", handling.cost_add, name="cost_add"),
    path("<int:pk>/costs/remove/", handling.cost_delete, name="cost_delete"),
    path("<int:pk>/arbetsmiljoverket/", handling.authority_notified, name="authority_notified"),
    path("<int:pk>/notes/", handling.note, name="note"),
    path("confidential-log/", handling.confidential_log, name="confidential_log"),
    path("settings/accounting/", handling.accounting_settings, name="accounting_settings"),
    path("settings/accounting/segments/", handling.accounting_segment_add, name="accounting_segment_add"),
    path("settings/accounting/segments/remove/", handling.accounting_segment_delete, name="accounting_segment_delete"),
    path("settings/accounting/values/", handling.accounting_value_add, name="accounting_value_add"),
    path("settings/accounting/values/remove/", handling.accounting_value_delete, name="accounting_value_delete"),
    # A case's change history.
    path("<int:pk>/history/", history.case_history, name="history"),
    # Damage statistics (skadestatistik) and where a risk analysis is due (G3).
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
    path("statistics/analysis-due/", statistics.analysis_due, name="analysis_due"),
]
