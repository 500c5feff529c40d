"""Risk management URLs, gathered from the parts of the app that own them."""

from varna.risks import urls_analysis, urls_export, urls_overview, urls_schedule

app_name = "risks"
urlpatterns = (
    urls_analysis.urlpatterns + urls_overview.urlpatterns + urls_schedule.urlpatterns + urls_export.urlpatterns
)
