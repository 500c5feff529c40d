"""Reporting: the report form, the receipt, my reports, the case page and its attachments."""

from django.urls import URLPattern, path

from varna.incidents import views_report as views

urlpatterns: list[URLPattern] = [
    path("report/", views.report, name="report"),
    path("report/<int:pk>/receipt/", views.report_done, name="report_done"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
