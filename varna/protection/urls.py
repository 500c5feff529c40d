"""The protection pages under /protection/: facilities, their protection systems, service and the overdue list."""

from django.urls import path

from varna.protection.views import checks as check_views
from varna.protection.views import facilities as facility_views
from varna.protection.views import rounds as round_views
from varna.protection.views import sign as sign_views
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
    # evacuation checks (K14), self-inspection rounds and the facility's sign with its QR code
    path("evacuation/", check_views.check_list, name="evacuation"),
    path("evacuation/new/", check_views.check_new, name="evacuation_new"),
    path("facilities/<int:pk>/rounds/new/", round_views.round_new, name="round_new"),
    path("facilities/<int:pk>/sign/", sign_views.facility_sign, name="facility_sign"),
    path("rounds/", round_views.round_list, name="rounds"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("rounds/<int:pk>/complete/", round_views.round_complete, name="round_complete"),
    path("rounds/points/<int:pk>/", round_views.item_answer, name="round_answer"),
    path("rounds/points/<int:pk>/action/", round_views.item_action, name="round_action"),
    path("rounds/<int:pk>/photos/<int:item_pk>/", round_views.item_photo, name="round_photo"),
    path("checklists/", round_views.checklists, name="checklists"),
    path("checklists/<int:pk>/toggle/", round_views.checkpoint_toggle, name="checkpoint_toggle"),
]
