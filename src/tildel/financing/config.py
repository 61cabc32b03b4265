"""Model parameters from a TOML file (``--config model.toml``), checked key by key.

Keys and defaults (Stavanger 2022, report 000 L2067-2069) are in docs/financing.md and
docs/examples/model.toml. Bands may be given as ``edges`` (five increasing numbers) or as
``bands`` ([from, to) pairs for levels 1–4, checked for gaps and overlaps).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from tildel.rules.financing.budget import ParameterError
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS, LevelParameters
from tildel.rules.financing.levels import BandError, LevelBands, bands_from_ranges

NUMBERS = ("rate", "base_hours", "general_share", "buffer_share", "frame")
KEYS = set(NUMBERS) | {"financed_hours", "bands", "edges", "units"}


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file and the parameter."""


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError as error:
        raise ConfigError(f"Fant ikke konfigurasjonsfilen {path}.") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: ikke gyldig TOML ({error}).") from error


def _number(path: Path, key: str, value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{path.name}: {key} må være et tall, ikke «{value}».")
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation as error:
        raise ConfigError(f"{path.name}: {key} må være et tall, ikke «{value}».") from error


def _numbers(path: Path, key: str, value, length: int) -> tuple[Decimal, ...]:
    if not isinstance(value, list) or len(value) != length:
        raise ConfigError(f"{path.name}: {key} må være en liste med {length} tall.")
    return tuple(_number(path, f"{key}[{i}]", v) for i, v in enumerate(value))


def load_parameters(path: Path) -> LevelParameters:
    values = _read(path)
    unknown = sorted(set(values) - KEYS)
    if unknown:
        raise ConfigError(f"{path.name}: ukjent parameter {', '.join(unknown)} "
                          f"(kjente: {', '.join(sorted(KEYS))}).")
    changes = {key: _number(path, key, values[key]) for key in NUMBERS if key in values}
    if "financed_hours" in values:
        changes["financed_hours"] = _numbers(path, "financed_hours", values["financed_hours"], 4)
    if "bands" in values and "edges" in values:
        raise ConfigError(f"{path.name}: bruk enten bands eller edges, ikke begge.")
    try:
        if "edges" in values:
            changes["bands"] = LevelBands(edges=_numbers(path, "edges", values["edges"], 5))
        if "bands" in values:
            bands = values["bands"]
            if not isinstance(bands, list) or not all(isinstance(b, list) and len(b) == 2
                                                      for b in bands):
                raise ConfigError(f"{path.name}: bands må være fire par [fra, til], "
                                  f"f.eks. [[20, 40], [40, 60], [60, 80], [80, 100]].")
            changes["bands"] = bands_from_ranges(
                [(_number(path, f"bands[{i}]", low), _number(path, f"bands[{i}]", high))
                 for i, (low, high) in enumerate(bands)])
        return replace(DEFAULT_PARAMETERS, **changes)
    except BandError as error:
        where = f"bands[{error.index}]" if error.index is not None else "bands"
        raise ConfigError(f"{path.name}: {where}: {error}") from error
    except ValueError as error:
        if isinstance(error, ParameterError):
            raise ConfigError(f"{path.name}: {error.parameter}: {error.message}.") from error
        raise ConfigError(f"{path.name}: edges: {error}") from error


def units(path: Path | None) -> set[str] | None:
    """The unit names the config file lists, if any: other units in the input are errors."""
    if path is None:
        return None
    listed = _read(path).get("units")
    if listed is None:
        return None
    if not isinstance(listed, list) or not all(isinstance(u, str) for u in listed):
        raise ConfigError(f"{path.name}: units må være en liste med enhetsnavn.")
    return set(listed)
