"""Handling cases: the handler's list, workflow actions, the confidential log and the accounting settings."""

from django.urls import URLPattern, path

from varna.incidents import views_handling as views

urlpatterns: list[URLPattern] = [
    path("", views.incident_list, name="list"),
    path("<int:pk>/status/", views.transition, name="transition"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/handler/", views.assign, name="assign"),
    path("<int:pk>/investigation/", views.investigation, name="investigation"),
    path("<int:pk>/costs/", views.cost_add, name="cost_add"),
    path("<int:pk>/costs/remove/", views.cost_delete, name="cost_delete"),
    path("<int:pk>/arbetsmiljoverket/", views.authority_notified, name="authority_notified"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("confidential-log/", views.confidential_log, name="confidential_log"),
    path("settings/accounting/", views.accounting_settings, name="accounting_settings"),
    path("settings/accounting/segments/", views.accounting_segment_add, name="accounting_segment_add"),
    path("settings/accounting/segments/remove/", views.accounting_segment_delete, name="accounting_segment_delete"),
    path("settings/accounting/values/", views.accounting_value_add, name="accounting_value_add"),
    path("settings/accounting/values/remove/", views.accounting_value_delete, name="accounting_value_delete"),
]
