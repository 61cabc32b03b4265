"""Model parameters from a TOML file (``--config model.toml``), checked key by key.

Keys and defaults (Stavanger 2022, report 000 L2067-2069) are in docs/financing.md and
docs/examples/model.toml. Bands may be given as ``edges`` (five increasing numbers) or as
``bands`` ([from, to) pairs for levels 1–4, checked for gaps and overlaps). Every message
names the file and the parameter; numbers become ``Decimal`` through their text, so 0.26
stays 0.26.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from tildel.rules.financing.budget import ParameterError
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, LevelParameters
from tildel.rules.financing.levels import BandError, LevelBands, bands_from_ranges

NUMBERS = ("rate", "base_hours", "general_share", "buffer_share", "frame")
KEYS = set(NUMBERS) | {"financed_hours", "bands", "edges", "units"}
BANDS_EXAMPLE = "[[20, 40], [40, 60], [60, 80], [80, 100]]"


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the parameter."""


def _read(path: Path) -> dict:
    try:
        with Path(path).open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError as error:
        raise ConfigError(f"Fant ikke konfigurasjonsfilen {path}.") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: ikke gyldig TOML ({error}).") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path.name}: filen er ikke UTF-8-kodet.") from error
    except RecursionError:
        raise ConfigError(f"{path.name}: ikke gyldig TOML (for dypt nøstede lister eller "
                          f"tabeller).") from None


def _number(path: Path, key: str, value) -> Decimal:
    """A TOML integer or float as a Decimal; text, true/false, inf and nan are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = f"«{value}»" if isinstance(value, str) else str(value).lower()
        raise ConfigError(f"{path.name}: {key} må være et tall (uten anførselstegn), "
                          f"ikke {shown}.")
    number = Decimal(str(value))
    if not number.is_finite():
        raise ConfigError(f"{path.name}: {key} må være et endelig tall, ikke {value}.")
    return number


def _numbers(path: Path, key: str, value, length: int) -> tuple[Decimal, ...]:
    if not isinstance(value, list) or len(value) != length:
        raise ConfigError(f"{path.name}: {key} må være en liste med {length} tall.")
    return tuple(_number(path, f"{key}[{i}]", v) for i, v in enumerate(value))


def _edges(path: Path, value) -> LevelBands:
    edges = _numbers(path, "edges", value, 5)
    for index in range(1, 5):
        if edges[index] <= edges[index - 1]:
            raise ConfigError(f"{path.name}: edges: grensene må øke, men {edges[index]} "
                              f"kommer etter {edges[index - 1]} (edges[{index}]).")
    return LevelBands(edges=edges)


def _bands(path: Path, value) -> LevelBands:
    if not isinstance(value, list) or not all(isinstance(b, list) and len(b) == 2
                                              for b in value):
        raise ConfigError(f"{path.name}: bands må være fire par [fra, til], "
                          f"f.eks. {BANDS_EXAMPLE}.")
    ranges = [(_number(path, f"bands[{i}]", low), _number(path, f"bands[{i}]", high))
              for i, (low, high) in enumerate(value)]
    try:
        return bands_from_ranges(ranges)
    except BandError as error:
        where = f"bands[{error.index}]" if error.index is not None else "bands"
        raise ConfigError(f"{path.name}: {where}: {error}") from error


def _unit_names(path: Path, value) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(u, str) and u.strip()
                                              for u in value):
        raise ConfigError(f"{path.name}: units må være en liste med enhetsnavn, "
                          f'f.eks. ["Hjemmetjenesten Nord", "Miljøtjenesten"].')
    return {unit.strip() for unit in value}


def load_parameters(path: Path) -> LevelParameters:
    """The level model's parameters: the defaults with the file's keys applied."""
    path = Path(path)
    values = _read(path)
    unknown = sorted(set(values) - KEYS)
    if unknown:
        what = "parameter" if len(unknown) == 1 else "parametre"
        raise ConfigError(f"{path.name}: ukjent {what} {', '.join(unknown)} "
                          f"(kjente: {', '.join(sorted(KEYS))}).")
    if "bands" in values and "edges" in values:
        raise ConfigError(f"{path.name}: bands og edges: bruk enten bands eller edges, "
                          f"ikke begge.")
    changes: dict = {key: _number(path, key, values[key]) for key in NUMBERS if key in values}
    if "financed_hours" in values:
        changes["financed_hours"] = _numbers(path, "financed_hours", values["financed_hours"], 4)
    if "edges" in values:
        changes["bands"] = _edges(path, values["edges"])
    if "bands" in values:
        changes["bands"] = _bands(path, values["bands"])
    if "units" in values:
        _unit_names(path, values["units"])
    try:
        return replace(DEFAULT_PARAMETERS, **changes)
    except ParameterError as error:
        raise ConfigError(f"{path.name}: {error.parameter}: {error.message}.") from error


def units(path: Path | None) -> set[str] | None:
    """The unit names the config file lists, if any: other units in the input are errors."""
    if path is None:
        return None
    path = Path(path)
    listed = _read(path).get("units")
    return None if listed is None else _unit_names(path, listed)
