"""urls_schedule"""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
