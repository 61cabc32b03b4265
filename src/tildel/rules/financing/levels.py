"""The level model (nivåmodellen), Stavanger from 1.1.2020 (report 000 §6, L2027-2075).

Each home-service user is classified by decided hours per month (vedtakstimer i måneden):
base financing under 20 h, levels 1–4 from 20 to 100 h, focus users over 100 h. The
report does not state the band edges inside 20–100 h, so they default to 20-hour bands
(20, 40, 60, 80, 100) and are a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Level(Enum):
    BASE = "base"
    LEVEL_1 = "1"
    LEVEL_2 = "2"
    LEVEL_3 = "3"
    LEVEL_4 = "4"
    FOCUS = "focus"

    @property
    def label(self) -> str:
        return {"base": "Grunnfinansiering", "focus": "Fokus"}.get(self.value,
                                                                  f"Nivå {self.value}")


#: Provider-unit kinds the level model finances: practical help, home nursing and the
#: environmental service (report 000 L1996-2004).
HOME_BASED_UNIT_KINDS = frozenset({"home_nursing", "practical_help", "environmental"})

LEVELS_IN_ORDER = [Level.BASE, Level.LEVEL_1, Level.LEVEL_2, Level.LEVEL_3, Level.LEVEL_4,
                   Level.FOCUS]


@dataclass(frozen=True)
class LevelBands:
    """Lower edges of levels 1–4 and the focus threshold, in hours per month.

    ``edges[0]`` (20) starts level 1; hours above ``edges[-1]`` (100) make a focus user.
    """

    edges: tuple[Decimal, ...] = (Decimal(20), Decimal(40), Decimal(60), Decimal(80),
                                  Decimal(100))

    def __post_init__(self):
        if len(self.edges) != 5 or list(self.edges) != sorted(set(self.edges)):
            raise ValueError("five strictly increasing band edges are required")


DEFAULT_BANDS = LevelBands()


def classify(hours_per_month: Decimal | float, bands: LevelBands = DEFAULT_BANDS) -> Level:
    """The financing level for decided hours per month.

    Under 20 h is base financing; exactly 20 h is level 1; up to and including 100 h is
    level 4 at most; over 100 h is focus (report 000 L2027-2041: "over 100 timer").
    """
    hours = (hours_per_month if isinstance(hours_per_month, Decimal)
             else Decimal(str(hours_per_month)))
    if hours < 0:
        raise ValueError("hours cannot be negative")
    if hours > bands.edges[-1]:
        return Level.FOCUS
    for level_number in (4, 3, 2, 1):
        if hours >= bands.edges[level_number - 1]:
            return LEVELS_IN_ORDER[level_number]
    return Level.BASE


def bands_from_ranges(ranges: list[tuple[Decimal, Decimal]]) -> LevelBands:
    """Bands given as [from, to) ranges for levels 1–4, checked for gaps and overlaps.

    The last range's upper edge is the focus threshold. Raises :class:`BandError`
    naming the band that overlaps or leaves a gap.
    """
    if len(ranges) != 4:
        raise BandError(None, f"Nivåmodellen har fire nivåbånd (nivå 1–4), fikk {len(ranges)}.")
    for index, (low, high) in enumerate(ranges):
        if low >= high:
            raise BandError(index, f"Nivå {index + 1}: nedre grense ({low}) må være lavere "
                                   f"enn øvre ({high}).")
        if index:
            previous_high = ranges[index - 1][1]
            if low < previous_high:
                raise BandError(index, f"Nivå {index + 1} ({low}–{high}) overlapper nivå "
                                       f"{index} (opp til {previous_high}).")
            if low > previous_high:
                raise BandError(index, f"Det er et hull mellom nivå {index} (opp til "
                                       f"{previous_high}) og nivå {index + 1} (fra {low}).")
    edges = tuple(Decimal(low) for low, _ in ranges) + (Decimal(ranges[-1][1]),)
    return LevelBands(edges=edges)


class BandError(ValueError):
    """A level band that overlaps its neighbour, leaves a gap or is empty."""

    def __init__(self, index: int | None, message: str):
        super().__init__(message)
        self.index = index
