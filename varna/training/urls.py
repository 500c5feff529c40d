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
    path("gaps/", coverage_views.gaps, name="gaps"),
    path("gaps/export/", coverage_views.gaps_export, name="gaps_export"),
]

# --- import of providers' lists ---
from varna.training.views import imports as import_views  # noqa: E402

urlpatterns += [
    path("import/", import_views.import_start, name="import"),
    path("import/<uuid:token>/", import_views.import_confirm, name="import_confirm"),
]
