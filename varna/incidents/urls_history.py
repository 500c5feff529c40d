"""A case's change history."""

from django.urls import URLPattern, path

from varna.incidents import views_history as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/history/", views.case_history, name="history"),
]
