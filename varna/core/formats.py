"""Amounts, numbers and times the Swedish way: one function each, used by pages, PDF, Excel and mail.

- :func:`money`: ``4 500 kr``, or with öre ``4 500,00 kr``; a minus sign only for a negative amount.
- :func:`number`: ``12 345`` or ``3,5``, grouped by thousands.
- :func:`local_time`: ``2025-03-01 14:05``, in the municipality's time zone, to the minute.

The templates reach them as the filters ``money``, ``number`` and ``local_time`` of ``{% load varna %}``.
Thousands are separated by a no-break space, so an amount never breaks over two lines.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

NBSP = "\u00a0"
EMPTY = "–"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).replace(NBSP, "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def number(value: Any, places: int = 0) -> str:
    """``12345.5`` → ``12 346`` (``places=1``: ``12 345,5``); not a number → a dash."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-places)
    rounded = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _dot, fraction = f"{abs(rounded):.{places}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return sign + grouped + ("," + fraction if fraction else "")


def money(value: Any, places: int = 0) -> str:
    """An amount in kronor: ``4 500 kr``, or ``4 500,00 kr`` with ``places=2``; not a number → a dash."""
    text = number(value, places)
    return text if text == EMPTY else text + NBSP + "kr"


def local_time(value: datetime.datetime | datetime.date | None) -> str:
    """A moment in the municipality's time (Europe/Stockholm) to the minute; a date as ``2025-03-01``."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")
