from django.urls import include, path

from varna.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("incidents/", include("varna.incidents.urls")),
    path("", include("varna.core.urls")),
]
