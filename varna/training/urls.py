"""The training pages under /training/: courses, requirements, records, sessions, coverage and gaps."""

from django.urls import URLPattern

app_name = "training"

urlpatterns: list[URLPattern] = []

# Each part appends its own section below: "# --- <part> ---", then its imports and patterns.

# --- information to staff after a security event (K24) ---
from django.urls import path  # noqa: E402 - each part imports what it needs

from varna.training.views import information as information_views  # noqa: E402

urlpatterns += [
    path("information/", information_views.information_list, name="information"),
    path("information/from-incident/<int:pk>/", information_views.information_new, name="information_new"),
]

# --- coverage, gap lists and their export ---
from django.urls import path  # noqa: E402

from varna.training.views import coverage as coverage_views  # noqa: E402

urlpatterns += [
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage/count/", coverage_views.coverage_refresh, name="coverage_refresh"),
    path("gaps/", coverage_views.gaps, name="gaps"),
    path("gaps/export/", coverage_views.gaps_export, name="gaps_export"),
]

# --- import of providers' lists ---
from varna.training.views import imports as import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="import"),
    path("import/<uuid:token>/", import_views.import_confirm, name="import_confirm"),
]

# --- courses, requirements, a person's record, and course sessions ---
from varna.training.views import courses as course_views  # noqa: E402
from varna.training.views import people as people_views  # noqa: E402
from varna.training.views import sessions as session_views  # noqa: E402

urlpatterns += [
    path("mine/", people_views.mine, name="mine"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("courses/", course_views.course_list, name="courses"),
    path("courses/new/", course_views.course_new, name="course_new"),
    path("courses/<int:pk>/", course_views.course_edit, name="course_edit"),
    path("requirements/new/", course_views.requirement_new, name="requirement_new"),
    path("requirements/<int:pk>/", course_views.requirement_edit, name="requirement_edit"),
    path("sessions/", session_views.session_list, name="sessions"),
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", session_views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", session_views.session_attendance, name="session_attendance"),
]
