"""Filters available in every letter template without ``{% load %}``.

Passed to the letter engine as ``builtins``; this is not a Django app's templatetags module.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter(name="dato")
def dato(value) -> str:
    """``{{ case.received_on|dato }}`` → ``24. mars 2027`` (Norwegian long date)."""
    from .rendering import norwegian_date

    return norwegian_date(value)
