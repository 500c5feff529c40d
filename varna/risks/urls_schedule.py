"""URLs of the schedule of analyses and the coordinator's plan (G3, G4, K6)."""

from django.urls import URLPattern, path

from varna.risks import views_schedule

urlpatterns: list[URLPattern] = [
    path("schedule/", views_schedule.schedule_page, name="schedule"),
    path("schedule/plan/add/", views_schedule.plan_add, name="schedule_add"),
    path("schedule/plan/change/", views_schedule.plan_change, name="schedule_change"),
    path("schedule/plan/remove/", views_schedule.plan_remove, name="schedule_remove"),
    path("schedule/plan/add-all/", views_schedule.plan_add_all, name="schedule_add_all"),
]
