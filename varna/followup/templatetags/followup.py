"""The follow-up's figures in templates: every count of incidents goes through the suppression helper."""

from __future__ import annotations

from typing import Any

from django import template

from varna.core.models import Dimension
from varna.followup import suppression

register = template.Library()


@register.filter
def small_count(count: Any) -> str:
    """``{{ n|small_count }}``: "färre än 3" for one or two incidents."""
    return suppression.shown_count(None if count is None else int(count))


@register.filter
def small_money(value: Any, count: Any) -> str:
    """``{{ cost|small_money:n }}``: the cost of a group of ``n`` incidents, hidden with the count."""
    return suppression.shown_value(int(count or 0), value, money=True)


@register.filter
def small_rate(value: Any, count: Any) -> str:
    """``{{ rate|small_rate:n }}``: a rate per 100 employees, hidden with the count it comes from."""
    return suppression.shown_value(int(count or 0), value, places=1)


@register.filter
def dimension_label(key: Any) -> str:
    """``{{ "people"|dimension_label }}``: the consequence dimension's name in the reader's language."""
    return str(Dimension(key).label) if key in Dimension.values else str(key)
