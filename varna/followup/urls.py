"""Follow-up URLs: the list and generation, one follow-up with its comments, fixing, versions and the PDF."""

from django.urls import URLPattern, path

from varna.followup import views, views_keyfigures, views_report, views_rsa

app_name = "followup"
urlpatterns: list[URLPattern] = [
    path("", views.follow_up_list, name="list"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/comment/<slug:section>/", views.comment, name="comment"),
    path("<int:pk>/refresh/", views.refresh, name="refresh"),
    path("<int:pk>/fix/", views.fix, name="fix"),
    path("<int:pk>/new-version/", views.new_version, name="new_version"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("key-figures/", views_keyfigures.key_figures, name="key_figures"),
    path("key-figures/xlsx/", views_keyfigures.key_figures_xlsx, name="key_figures_xlsx"),
    path("key-figures/<int:pk>/edit/", views_keyfigures.key_figure_edit, name="key_figure_edit"),
    # The RSA draft (MSBFS 2015:5) and the list of critical services.
    path("rsa/", views_rsa.rsa_list, name="rsa_list"),
    path("rsa/generate/", views_rsa.rsa_generate, name="rsa_generate"),
    path("rsa/<int:pk>/", views_rsa.rsa_detail, name="rsa_detail"),
    path("rsa/<int:pk>/regenerate/", views_rsa.rsa_regenerate, name="rsa_regenerate"),
    path("rsa/<int:pk>/pdf/", views_rsa.rsa_pdf, name="rsa_pdf"),
    path("rsa/<int:pk>/history/", views_rsa.rsa_history, name="rsa_history"),
    path("rsa/sections/<int:pk>/", views_rsa.rsa_section, name="rsa_section"),
    path("rsa/sections/<int:pk>/regenerate/", views_rsa.rsa_section_regenerate, name="rsa_section_regenerate"),
    path("rsa/services/", views_rsa.services_list, name="rsa_services"),
    path("rsa/services/new/", views_rsa.service_new, name="rsa_service_new"),
    path("rsa/services/<int:pk>/edit/", views_rsa.service_edit, name="rsa_service_edit"),
    path("rsa/services/<int:pk>/delete/", views_rsa.service_delete, name="rsa_service_delete"),
    # The security group's yearly report to kommunstyrelsen (K4).
    path("reports/", views_report.report_list, name="report_list"),
    path("reports/generate/", views_report.report_generate, name="report_generate"),
    path("reports/<int:pk>/", views_report.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", views_report.report_progress, name="report_progress"),
    path("reports/<int:pk>/comment/<slug:section>/", views_report.report_comment, name="report_comment"),
    path("reports/<int:pk>/fix/", views_report.report_fix, name="report_fix"),
    path("reports/<int:pk>/pdf/", views_report.report_pdf, name="report_pdf"),
]
