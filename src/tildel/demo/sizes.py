"""How large each demo municipality is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSize:
    name: str
    recipients: int
    districts: int
    years: int


SIZES = {
    "small": DemoSize("small", recipients=240, districts=4, years=3),
    "medium": DemoSize("medium", recipients=3000, districts=4, years=3),
    "city": DemoSize("city", recipients=60000, districts=15, years=5),
}
