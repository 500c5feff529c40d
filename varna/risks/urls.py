"""Risk management URLs (app "risks"): analyses with their risks and measures, the overview and the matrix,
the schedule of analyses (G3, G4, K6) and the exports of an analysis."""

from django.urls import path

from varna.risks.views import analysis, export, measures, overview, risks, schedule

app_name = "risks"
urlpatterns = [
    # analyses, their risks and their measures
    path("", analysis.analysis_list, name="analyses"),
    path("new/", analysis.analysis_new, name="analysis_new"),
    path("<int:pk>/", analysis.analysis_detail, name="analysis"),
    path("<int:pk>/edit/", analysis.analysis_edit, name="analysis_edit"),
    path("<int:pk>/status/", analysis.analysis_status, name="analysis_status"),
    path("<int:pk>/history/", analysis.analysis_history, name="analysis_history"),
    path("<int:pk>/risks/new/", risks.risk_new, name="risk_new"),
    path("<int:pk>/measures/new/", measures.measure_new, name="measure_new"),
    path("list/", risks.risk_list, name="risk_list"),
    path("risk/<int:pk>/", risks.risk_detail, name="risk"),
    path("risk/<int:pk>/edit/", risks.risk_edit, name="risk_edit"),
    path("risk/<int:pk>/delete/", risks.risk_delete, name="risk_delete"),
    path("risk/<int:pk>/history/", risks.risk_history, name="risk_history"),
    path("measure/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
    path("measure/<int:pk>/delete/", measures.measure_delete, name="measure_delete"),
    # the overview (heat maps) and the matrix
    path("overview/", overview.heat_map, name="heat_map"),
    path("matrix/", overview.matrix, name="matrix"),
    path("matrix/edit/", overview.matrix_edit, name="matrix_edit"),
    # the schedule of analyses and the coordinator's plan
    path("schedule/", schedule.schedule_page, name="schedule"),
    path("schedule/plan/add/", schedule.plan_add, name="schedule_add"),
    path("schedule/plan/change/", schedule.plan_change, name="schedule_change"),
    path("schedule/plan/remove/", schedule.plan_remove, name="schedule_remove"),
    path("schedule/plan/add-all/", schedule.plan_add_all, name="schedule_add_all"),
    # the exports of an analysis
    path("analyses/<int:pk>/pdf/", export.analysis_pdf, name="analysis_pdf"),
    path("analyses/<int:pk>/xlsx/", export.analysis_xlsx, name="analysis_xlsx"),
]
