"""The protection pages under /protection/: facilities, their protection systems, service and the overdue list."""

from django.urls import path

from varna.protection.views import facilities as facility_views
from varna.protection.views import systems as system_views

app_name = "protection"

urlpatterns = [
    path("facilities/", facility_views.facility_list, name="facilities"),
    path("facilities/new/", facility_views.facility_new, name="facility_new"),
    path("facilities/<int:pk>/", facility_views.facility_detail, name="facility"),
    path("facilities/<int:pk>/edit/", facility_views.facility_edit, name="facility_edit"),
    path("facilities/<int:pk>/systems/new/", system_views.system_new, name="system_new"),
    path("systems/<int:pk>/", system_views.system_detail, name="system"),
    path("systems/<int:pk>/edit/", system_views.system_edit, name="system_edit"),
    path("systems/<int:pk>/service/", system_views.service_new, name="service_new"),
    path("service/overdue/", system_views.overdue, name="overdue"),
]
