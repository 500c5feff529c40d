"""The insurance pages under /insurance/: the programme, claims, the deductible fund and the allocation."""

from django.urls import URLPattern, path  # noqa: F401 - each part adds its paths below

app_name = "insurance"

urlpatterns: list[URLPattern] = []

# --- the programme (policies, cover lines, prisbasbelopp, procurement, exposure) ---

# --- claims ---

# --- the deductible fund ---

# --- the allocation and the statistics ---
