from django.urls import include, path

from varna.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("incidents/", include("varna.incidents.urls")),
    path("risks/", include("varna.risks.urls")),
    path("plans/", include("varna.plans.urls")),
    path("insurance/", include("varna.insurance.urls")),
    path("training/", include("varna.training.urls")),
    path("protection/", include("varna.protection.urls")),
    path("documents/", include("varna.documents.urls")),
    path("followup/", include("varna.followup.urls")),
    path("", include("varna.core.urls")),
]

# 400, 403 and 404 are Django's handlers with our templates; the 500 page touches no database.
handler500 = "varna.core.errors.server_error"
