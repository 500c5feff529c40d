"""Dates shared by every app: one way to move a date by whole months, and one way to read a date from a file."""

from __future__ import annotations

import calendar
import datetime
import re

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # day 0 of Excel's date serial numbers (in the 1900 system)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "february"),
            ("mars", "mar", "march"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("augusti", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

# 2024-03-15, 2024-3-5, 2024/03/15, 2024.03.15, 20240315, perhaps with a time (Excel's 2024-03-15t00:00:00, lowered).
_YEAR_FIRST = re.compile(
    r"^(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})|(?P<m8>\d{2})(?P<d8>\d{2}))(?:[ t].*)?$"
)
# 15/3/2024, 15.3.2024, 15-03-2024 (the day first, as Swedes write it), perhaps followed by a time.
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})(?:[ t].*)?$")
# 15 mars 2024, 15 mar. 2024
_WORDS = re.compile(r"^(?P<d>\d{1,2})\.?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<y>\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")


def parse_day(text: str) -> datetime.date | None:
    """A date in the forms Swedish providers and Excel write it; ``None`` if it is not one."""
    text = text.strip().casefold()
    parts: tuple[int, int, int] | None = None
    if match := _YEAR_FIRST.match(text):
        parts = (int(match["y"]), int(match["m"] or match["m8"]), int(match["d"] or match["d8"]))
    elif match := _DAY_FIRST.match(text):
        parts = (int(match["y"]), int(match["m"]), int(match["d"]))
    elif (match := _WORDS.match(text)) and match["month"] in MONTHS:
        parts = (int(match["y"]), MONTHS[match["month"]], int(match["d"]))
    elif _SERIAL.match(text):  # a date cell saved as its serial number (e.g. 45366 for 2024-03-15)
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    if parts is None:
        return None
    try:
        return datetime.date(*parts)
    except ValueError:
        return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` months on (back when negative); the 31st becomes the month's last day where needed."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
