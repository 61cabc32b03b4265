"""Key figures (nøkkeltall) with exact definitions, computed from plain fact rows.

``catalogue`` lists the indicators with their report and line; ``engine.evaluate``
computes one for a list of periods, per district, office, unit or caseworker, in one pass
over the rows; ``equal_treatment`` compares grant rates among comparable applicants.
"""

from .catalogue import BY_CODE, INDICATORS, UnknownIndicator, get, parse_codes
from .engine import (
    SUPPRESS_BELOW,
    TOTAL,
    Indicator,
    Source,
    Status,
    Unit,
    Value,
    evaluate,
    evaluate_groupings,
)
from .facts import GROUPINGS, Facts
from .periods import PERIOD_KINDS, PeriodError, Window, parse_month, windows

__all__ = ["BY_CODE", "GROUPINGS", "INDICATORS", "PERIOD_KINDS", "SUPPRESS_BELOW", "TOTAL",
           "Facts", "Indicator", "PeriodError", "Source", "Status", "Unit", "UnknownIndicator",
           "Value", "Window", "evaluate", "evaluate_groupings", "get", "parse_codes", "parse_month",
           "windows"]
