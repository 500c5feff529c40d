"""URLs of the risk overview (heat maps) and the risk matrix settings."""

from django.urls import URLPattern, path

from varna.risks import views_overview

urlpatterns: list[URLPattern] = [
    path("overview/", views_overview.heat_map, name="heat_map"),
    path("matrix/", views_overview.matrix, name="matrix"),
    path("matrix/edit/", views_overview.matrix_edit, name="matrix_edit"),
]
