"""The trust model (tillitsmodellen, *Friere faglighet*, report 000): the decision gives a
goal and a frame; the provider adjusts content and time inside the frame and records why;
anything outside the frame is a change request (*endringsmelding*) the office decides.

The frame's measurable edge is the decided extent: planned help per week may move freely
up to the decided hours per week (IPLOS: monthly hours / 4), never above it.
"""

from __future__ import annotations

from decimal import Decimal

from . import hours


def decided_weekly_hours(extent: Decimal | None, extent_unit: str) -> Decimal | None:
    """The decided extent in hours per week, or None when the decision sets no hours."""
    if extent is None:
        return None
    if extent_unit == "hours_week":
        return Decimal(extent)
    if extent_unit == "hours_month":
        return hours.weekly_from_monthly(Decimal(extent))
    return None


def outside_frame(decided_weekly: Decimal | None, planned_weekly: Decimal | None) -> str:
    """Why a planned amount is outside the frame, in Norwegian; empty when it is inside."""
    if planned_weekly is None:
        return ""
    if planned_weekly < 0:
        return "Planlagt tid kan ikke være negativ."
    if decided_weekly is None:
        return "Vedtaket fastsetter ingen timer; mer tid krever en endringsmelding."
    if planned_weekly > decided_weekly:
        return (f"Planlagt tid ({_fmt(planned_weekly)} t/uke) er mer enn vedtatt "
                f"({_fmt(decided_weekly)} t/uke). Send en endringsmelding til "
                "tildelingskontoret.")
    return ""


TRUST = "trust"
PURCHASER_PROVIDER = "purchaser_provider"


def adjustment_refused(model: str) -> str:
    """Under the purchaser-provider model (bestiller-utfører, ABI with minute norms, report
    000 § 6) the order is detailed and every change goes through the office: why an
    adjustment is refused, in Norwegian; empty under the trust model."""
    if model == PURCHASER_PROVIDER:
        return ("Kontoret bruker bestiller–utfører-modellen: endringer i innhold eller tid "
                "sendes som endringsmelding.")
    return ""


def _fmt(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")
