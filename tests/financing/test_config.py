"""Level-model parameters from TOML (``--config model.toml``): the defaults are Stavanger
2022 (report 000 L2067-2069); every refused file is named with the parameter at fault."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from tildel.financing.config import ConfigError, load_parameters, units
from tildel.rules.financing.level_model import DEFAULT_PARAMETERS
from tildel.rules.financing.levels import LevelBands

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "model.toml"


def config(tmp_path: Path, text: str, name="model.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(ConfigError) as error:
        load_parameters(path)
    return str(error.value)


def test_the_example_file_holds_the_defaults():
    """docs/examples/model.toml writes out every default: 799 kr, 3.56 h base financing,
    30/50/70/90 h, 20-hour bands, 26 % general part, 1.2 % buffer (report 000 L2067-2069)."""
    assert load_parameters(EXAMPLE) == DEFAULT_PARAMETERS
    assert units(EXAMPLE) is None  # commented out in the example


def test_an_empty_file_gives_the_defaults(tmp_path):
    assert load_parameters(config(tmp_path, "")) == DEFAULT_PARAMETERS


def test_numbers_become_exact_decimals(tmp_path):
    params = load_parameters(config(tmp_path, "rate = 850.5\ngeneral_share = 0.26\n"
                                              "buffer_share = 0.012\nframe = 250_000_000\n"
                                              "financed_hours = [30, 50.5, 70, 90]\n"))
    assert params.rate == D("850.5")
    assert params.general_share == D("0.26")  # not 0.2600000000000000088817841970012523
    assert params.buffer_share == D("0.012")
    assert params.frame == D(250_000_000)
    assert params.financed_hours == (D(30), D("50.5"), D(70), D(90))
    assert params.base_hours == D("3.56")  # not given: the default


def test_edges_move_the_bands(tmp_path):
    params = load_parameters(config(tmp_path, "edges = [15, 40, 60, 80, 100]\n"))
    assert params.bands == LevelBands(edges=(D(15), D(40), D(60), D(80), D(100)))


def test_bands_as_ranges_give_the_same_edges(tmp_path):
    params = load_parameters(config(tmp_path, "bands = [[20, 40], [40, 60], [60, 80], "
                                              "[80, 100]]\n"))
    assert params.bands == DEFAULT_PARAMETERS.bands


@pytest.mark.parametrize(("bands", "expected"), [
    ("[[20, 40], [35, 60], [60, 80], [80, 100]]",
     "model.toml: bands[1]: Nivå 2 (35–60) overlapper nivå 1 (opp til 40)."),
    ("[[20, 40], [45, 60], [60, 80], [80, 100]]",
     "model.toml: bands[1]: Det er et hull mellom nivå 1 (opp til 40) og nivå 2 (fra 45)."),
    ("[[20, 40], [40, 60], [60, 60], [60, 100]]",
     "model.toml: bands[2]: Nivå 3: nedre grense (60) må være lavere enn øvre (60)."),
    ("[[20, 40], [40, 60], [60, 100]]",
     "model.toml: bands: Nivåmodellen har fire nivåbånd (nivå 1–4), fikk 3."),
    ("[20, 40, 60, 80]", "model.toml: bands må være fire par [fra, til]"),
    ("[[20, 'førti'], [40, 60], [60, 80], [80, 100]]",
     "model.toml: bands[0] må være et tall (uten anførselstegn), ikke «førti»."),
])
def test_bands_that_overlap_leave_a_gap_or_are_malformed_are_named(tmp_path, bands, expected):
    assert refused(config(tmp_path, f"bands = {bands}\n")).startswith(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("edges = [20, 40, 30, 80, 100]\n",
     "model.toml: edges: grensene må øke, men 30 kommer etter 40 (edges[2])."),
    ("edges = [20, 40, 60, 80]\n", "model.toml: edges må være en liste med 5 tall."),
    ("edges = [20, 40, 60, 80, 100]\nbands = [[20, 40], [40, 60], [60, 80], [80, 100]]\n",
     "model.toml: bands og edges: bruk enten bands eller edges, ikke begge."),
    ("rate = '799'\n", "model.toml: rate må være et tall (uten anførselstegn), ikke «799»."),
    ("base_hours = true\n", "model.toml: base_hours må være et tall (uten anførselstegn), "
                            "ikke true."),
    ("rate = inf\n", "model.toml: rate må være et endelig tall, ikke inf."),
    ("financed_hours = [30, 50]\n", "model.toml: financed_hours må være en liste med 4 tall."),
    ("financed_hours = [30, 50, 70, '90']\n", "model.toml: financed_hours[3] må være et tall"),
    ("general_share = 26\n", "model.toml: general_share: generell andel må være mellom 0 og 1 "
                             "(0,26 betyr 26 %)."),
    ("buffer_share = 1.2\n", "model.toml: buffer_share: bufferandel må være mellom 0 og 1"),
    ("rate = 0\n", "model.toml: rate: satsen må være større enn 0."),
    ("frame = -1\n", "model.toml: frame: rammen må være større enn 0."),
    ("financed_hours = [30, 50, -70, 90]\n",
     "model.toml: financed_hours: finansierte timer kan ikke være negative."),
    ("colour = 'blå'\nsize = 3\n", "model.toml: ukjent parametre colour, size (kjente: bands, "),
    ("[levels]\nrate = 799\n", "model.toml: ukjent parameter levels"),
    ("units = 'Nord'\n", "model.toml: units må være en liste med enhetsnavn"),
    ("rate = \n", "model.toml: ikke gyldig TOML"),
])
def test_errors_name_the_file_and_the_parameter(tmp_path, text, expected):
    assert refused(config(tmp_path, text)).startswith(expected)


def test_a_missing_file_is_named(tmp_path):
    assert "Fant ikke konfigurasjonsfilen" in refused(tmp_path / "borte.toml")


def test_units_lists_the_known_units(tmp_path):
    path = config(tmp_path, 'units = ["Hjemmetjenesten Nord", " Miljøtjenesten "]\n')
    assert units(path) == {"Hjemmetjenesten Nord", "Miljøtjenesten"}
    assert load_parameters(path) == DEFAULT_PARAMETERS
    assert units(config(tmp_path, "rate = 799\n", name="uten.toml")) is None
    assert units(None) is None
    with pytest.raises(ConfigError, match="units må være en liste med enhetsnavn"):
        units(config(tmp_path, "units = [1, 2]\n", name="tall.toml"))
