"""IPLOS functional variables and scale (kartlegging, MISSION.md step 4)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tildel.rules import iplos

XSD_DIR = Path("/work/shared/reference/kpr-iplos-56.0.0")
REQUIRES_XSD = pytest.mark.skipif(not XSD_DIR.is_dir(), reason="reference XSD not available")


def _xsd_names() -> set[str]:
    """Every element, attribute and simpleType name in the KPR/IPLOS 56.0.0 schema files."""
    names: set[str] = set()
    for path in XSD_DIR.glob("*.xsd"):
        text = path.read_text(encoding="iso-8859-1")
        names.update(re.findall(r'<(?:element|attribute|simpleType)\s+name\s*=\s*"([^"]+)"',
                                text))
        names.update(re.findall(r'attributeShortName" value="([^"]+)"', text))
    return names


@REQUIRES_XSD
def test_xsd_56_has_no_functional_variables():
    """The 56.0.0 KPR/IPLOS schema reports service events only, no funksjonsvurdering.

    If a newer schema adds the functional variables, this fails: adopt its names as codes
    (with a data migration for stored scores) and replace this test by a membership check.
    """
    names = {n.lower() for n in _xsd_names()}
    assert {"tjenestetype", "hendelsedato", "tjenestestart"} <= names  # parsed correctly
    words = ("hukommelse", "hygiene", "husarbeid", "kommunikasjon", "atferd", "funksjon",
             "bistandsbehov", "horsel", "syn")
    assert not [n for n in names for w in words if w == n or (len(w) > 3 and w in n)]
    assert not [v.code for v in iplos.FUNCTIONAL_VARIABLES if v.code.lower() in names]


def test_scale_is_one_to_five_and_nine():
    assert sorted(iplos.SCALE) == [1, 2, 3, 4, 5, 9]
    assert sorted(iplos.VALID_SCORES) == [1, 2, 3, 4, 5, 9]
    assert iplos.SCALE[1] == "Ingen problemer/behov for bistand"
    assert iplos.SCALE[9] == "Ikke relevant"
    assert all(label.strip() for label in iplos.SCALE.values())


def test_seventeen_variables_with_unique_codes_and_labels():
    """reference/standards.md: 15 ADL/IADL/social/cognitive variables plus syn and hørsel."""
    codes = [v.code for v in iplos.FUNCTIONAL_VARIABLES]
    assert len(codes) == 17
    assert len(set(codes)) == len(codes)
    assert len({v.label_nb for v in iplos.FUNCTIONAL_VARIABLES}) == len(codes)


def test_codes_are_stable_ascii_identifiers_that_fit_the_column():
    for v in iplos.FUNCTIONAL_VARIABLES:
        assert re.fullmatch(r"[a-z][a-z_]*", v.code), v.code
        assert len(v.code) <= 40  # FunctionalScore.variable max_length
        assert unicodedata.normalize("NFC", v.label_nb) == v.label_nb


def test_every_variable_has_group_help_and_valid_scale():
    for v in iplos.FUNCTIONAL_VARIABLES:
        assert v.group in iplos.groups()
        assert 10 <= len(v.help_nb) <= 120, v.code
        assert v.scores <= iplos.VALID_SCORES


def test_order_follows_the_reference_list():
    codes = [v.code for v in iplos.FUNCTIONAL_VARIABLES]
    assert codes[:3] == ["sosial_deltakelse", "beslutninger_i_dagliglivet", "styre_atferd"]
    assert codes[-2:] == ["syn", "horsel"]
    assert iplos.groups()[0] == "Sosial fungering"


def test_by_code():
    assert iplos.by_code("hukommelse").label_nb == "Hukommelse"
    assert iplos.by_code("ukjent") is None
    assert iplos.by_code("") is None


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5, 9])
def test_valid_scores_accepted_for_every_variable(score):
    assert all(iplos.valid_score(v.code, score) for v in iplos.FUNCTIONAL_VARIABLES)


@pytest.mark.parametrize("score", [0, 6, 7, 8, 10, -1, None, True, 2.5])
def test_invalid_scores_rejected(score):
    assert not any(iplos.valid_score(v.code, score) for v in iplos.FUNCTIONAL_VARIABLES)


def test_unknown_variable_rejected():
    assert not iplos.valid_score("ukjent", 3)
