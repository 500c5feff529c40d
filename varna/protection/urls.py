"""The protection pages under /protection/: facilities, their protection systems, service and the overdue list."""

from django.urls import path

from varna.protection.views import checks as check_views
from varna.protection.views import exposure as exposure_views
from varna.protection.views import facilities as facility_views
from varna.protection.views import false_alarms as alarm_views
from varna.protection.views import property as property_views
from varna.protection.views import register as register_views
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

# --- false alarms (K12) and theft-prone property (K13) ---
urlpatterns += [
    path("false-alarms/", alarm_views.false_alarm_list, name="false_alarms"),
    path("false-alarms/<int:pk>/edit/", alarm_views.false_alarm_edit, name="false_alarm_edit"),
    path("false-alarms/repeated/", alarm_views.flag_list, name="flags"),
    path("false-alarms/repeated/<int:pk>/", alarm_views.flag_detail, name="flag"),
    path("false-alarms/repeated/<int:pk>/follow-up/", alarm_views.flag_follow_up, name="flag_follow_up"),
    path("false-alarms/cost/", alarm_views.false_alarm_cost, name="false_alarm_cost"),
    path("false-alarms/cost.xlsx", alarm_views.false_alarm_cost_xlsx, name="false_alarm_cost_xlsx"),
    path("false-alarms/settings/", alarm_views.false_alarm_settings, name="false_alarm_settings"),
    path("false-alarms/causes/<int:pk>/", alarm_views.cause_edit, name="cause_edit"),
    path("facilities/<int:pk>/false-alarms/", alarm_views.facility_false_alarms, name="facility_false_alarms"),
    path("facilities/<int:pk>/false-alarms/new/", alarm_views.false_alarm_new, name="false_alarm_new"),
    path("facilities/<int:pk>/property/new/", property_views.asset_new, name="asset_new"),
    path("property/<int:pk>/edit/", property_views.asset_edit, name="asset_edit"),
    path("property/unmarked/", property_views.unmarked, name="unmarked"),
]

# --- exposure (G11): the facility's level and its override, the flagged facilities, the required protection ---
urlpatterns += [
    path("facilities/<int:pk>/exposure/", exposure_views.exposure_detail, name="exposure"),
    path("facilities/<int:pk>/exposure/override/", exposure_views.exposure_override, name="exposure_override"),
    path("exposure/flagged/", exposure_views.flag_list, name="exposure_flags"),
    path("exposure/required/", exposure_views.required_protection, name="required_protection"),
]

# --- the facility register as an Excel file (G11): download, and the empty template for the import ---
urlpatterns += [
    path("facilities/register.xlsx", register_views.register_xlsx, name="register_xlsx"),
    path("facilities/register-template.xlsx", register_views.register_template, name="register_template"),
]
