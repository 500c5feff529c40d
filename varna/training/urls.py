"""The training pages under /training/: courses, requirements, records, sessions, coverage and gaps."""

from django.urls import URLPattern

app_name = "training"

urlpatterns: list[URLPattern] = []

# Each part appends its own section below: "# --- <part> ---", then its imports and patterns.
