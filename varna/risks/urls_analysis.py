"""URLs of risk analyses, their risks and their measures (app "risks")."""

from django.urls import URLPattern, path

from varna.risks import views_analysis, views_measures, views_risks

urlpatterns: list[URLPattern] = [
    path("", views_analysis.analysis_list, name="analyses"),
    path("new/", views_analysis.analysis_new, name="analysis_new"),
    path("<int:pk>/", views_analysis.analysis_detail, name="analysis"),
    path("<int:pk>/edit/", views_analysis.analysis_edit, name="analysis_edit"),
    path("<int:pk>/status/", views_analysis.analysis_status, name="analysis_status"),
    path("<int:pk>/history/", views_analysis.analysis_history, name="analysis_history"),
    path("<int:pk>/risks/new/", views_risks.risk_new, name="risk_new"),
    path("<int:pk>/measures/new/", views_measures.measure_new, name="measure_new"),
    path("list/", views_risks.risk_list, name="risk_list"),
    path("risk/<int:pk>/", views_risks.risk_detail, name="risk"),
    path("risk/<int:pk>/edit/", views_risks.risk_edit, name="risk_edit"),
    path("risk/<int:pk>/delete/", views_risks.risk_delete, name="risk_delete"),
    path("risk/<int:pk>/history/", views_risks.risk_history, name="risk_history"),
    path("measure/<int:pk>/edit/", views_measures.measure_edit, name="measure_edit"),
    path("measure/<int:pk>/delete/", views_measures.measure_delete, name="measure_delete"),
]
