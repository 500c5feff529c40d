"""Incident URLs, gathered from the parts of the app that own them."""

from varna.incidents import urls_handling, urls_history, urls_report, urls_statistics

app_name = "incidents"
urlpatterns = (
    urls_report.urlpatterns + urls_handling.urlpatterns + urls_history.urlpatterns + urls_statistics.urlpatterns
)
