"""Figures from the reports that shape the demo municipality (reference/calibration.md)."""

from __future__ import annotations

from tildel.rules.financing.levels import Level

# Report 000 table 2 (L2092-2116): share of users per financing level, per district, 2021.
LEVEL_SHARES_2021: dict[str, dict[Level, float]] = {
    "Hundvåg og Storhaug": {Level.BASE: 90.2, Level.LEVEL_1: 6.8, Level.LEVEL_2: 1.8,
                            Level.LEVEL_3: 0.6, Level.LEVEL_4: 0.1, Level.FOCUS: 0.4},
    "Madla og Tjensvoll": {Level.BASE: 88.3, Level.LEVEL_1: 7.8, Level.LEVEL_2: 1.8,
                           Level.LEVEL_3: 0.6, Level.LEVEL_4: 0.5, Level.FOCUS: 0.9},
    "Hillevåg og Hinna": {Level.BASE: 86.3, Level.LEVEL_1: 9.4, Level.LEVEL_2: 2.7,
                          Level.LEVEL_3: 0.7, Level.LEVEL_4: 0.4, Level.FOCUS: 0.5},
    "Eiganes og Tasta": {Level.BASE: 83.5, Level.LEVEL_1: 9.9, Level.LEVEL_2: 3.5,
                         Level.LEVEL_3: 1.4, Level.LEVEL_4: 0.5, Level.FOCUS: 1.2},
}

# Report 000 §2.1: the four districts, numbered as in the report, and their offices.
STAVANGER_DISTRICTS: list[tuple[int, str, str]] = [
    (1, "Madla og Tjensvoll", "Madla HVK"),
    (2, "Hundvåg og Storhaug", "Hundvåg og Storhaug HVK"),
    (3, "Hillevåg og Hinna", "Hillevåg og Hinna HVK"),
    (4, "Eiganes og Tasta", "Byfjord HVK"),
]

# Share of each district's home-service users per age group (KOSTRA groups 0–66, 67–79,
# 80+). The reports give no split for Stavanger; national figures (report 003 §5) put
# most recipients of home services over 67, with a large group under 67.
AGE_GROUP_SHARES: list[tuple[int, int, float]] = [(18, 66, 0.38), (67, 79, 0.24),
                                                  (80, 100, 0.38)]
