"""URLs of the exports of an analysis: a printable PDF and an Excel workbook."""

from django.urls import URLPattern, path

from varna.risks import views_export

urlpatterns: list[URLPattern] = [
    path("analyses/<int:pk>/pdf/", views_export.analysis_pdf, name="analysis_pdf"),
    path("analyses/<int:pk>/xlsx/", views_export.analysis_xlsx, name="analysis_xlsx"),
]
