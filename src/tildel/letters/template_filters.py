"""Filters available in every letter template without ``{% load %}``."""

from django import template

from .rendering import norwegian_date

register = template.Library()


@register.filter(name="dato")
def dato(value) -> str:
    """``{{ case.received_on|dato }}`` → ``24. mars 2027``."""
    return norwegian_date(value)
