"""Damage statistics (skadestatistik) and where a risk analysis is due (G3)."""

from django.urls import URLPattern, path

from varna.incidents import views_statistics

urlpatterns: list[URLPattern] = [
    path("statistics/", views_statistics.statistics_page, name="statistics"),
    path("statistics/export/", views_statistics.statistics_export, name="statistics_export"),
    path("statistics/analysis-due/", views_statistics.analysis_due, name="analysis_due"),
]
