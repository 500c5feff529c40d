"""The formats of :mod:`varna.core.formats` as template filters: ``{% load varna %}``.

``{{ amount|money }}`` → ``4 500 kr``, ``{{ amount|money:2 }}`` → ``4 500,00 kr``,
``{{ count|number }}`` → ``12 345``, ``{{ share|number:1 }}`` → ``3,5``,
``{{ moment|local_time }}`` → ``2025-03-01 14:05`` (Europe/Stockholm, to the minute).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from varna.core import formats

register = template.Library()


@register.filter
def money(value: Any, places: int = 0) -> str:
    return formats.money(value, int(places))


@register.filter
def number(value: Any, places: int = 0) -> str:
    return formats.number(value, int(places))


@register.filter
def local_time(value: datetime.datetime | datetime.date | None) -> str:
    return formats.local_time(value)
