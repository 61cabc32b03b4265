"""Fødselsnummer and D-nummer: validation and what is derived from them."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from stdnum.no import fodselsnummer as fnr

from tildel.rules import identity


def with_check_digits(first_nine: str) -> str:
    k1 = fnr.calc_check_digit1(first_nine)
    k2 = fnr.calc_check_digit2(first_nine + k1)
    return first_nine + k1 + k2


def first_valid(prefix: str, individuals=range(0, 500)) -> str:
    for individual in individuals:
        number = with_check_digits(f"{prefix}{individual:03d}")
        if len(number) == 11:
            return number
    raise AssertionError("no valid number")


def test_real_fodselsnummer_gives_birth_date_sex_and_type():
    number = first_valid("170540")
    parsed = identity.parse(number, allow_synthetic=False)
    assert parsed.birth_date == dt.date(1940, 5, 17)
    assert parsed.id_type is identity.IdType.FODSELSNUMMER
    expected_sex = identity.LegalSex.MALE if int(number[8]) % 2 else identity.LegalSex.FEMALE
    assert parsed.legal_sex is expected_sex
    assert not parsed.synthetic


def test_d_number_adds_40_to_the_day():
    parsed = identity.parse(first_valid("570540"))
    assert parsed.id_type is identity.IdType.D_NUMMER
    assert parsed.birth_date == dt.date(1940, 5, 17)


def test_h_number_adds_40_to_the_month():
    parsed = identity.parse(first_valid("174540"))
    assert parsed.id_type is identity.IdType.H_NUMMER
    assert parsed.birth_date == dt.date(1940, 5, 17)


def test_born_after_2000_uses_individual_numbers_500_to_999():
    parsed = identity.parse(first_valid("010115", range(500, 1000)))
    assert parsed.birth_date == dt.date(2015, 1, 1)


def test_wrong_check_digit_is_refused_with_a_norwegian_message():
    number = first_valid("170540")
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    with pytest.raises(identity.InvalidIdNumber) as error:
        identity.parse(wrong)
    assert "Kontrollsifrene stemmer ikke" in error.value.message


@pytest.mark.parametrize("bad", ["", "123", "1705401234a", "170540123456"])
def test_wrong_length_or_letters_are_refused(bad):
    with pytest.raises(identity.InvalidIdNumber, match="11 sifre"):
        identity.parse(bad)


def test_impossible_date_is_refused_even_with_valid_check_digits():
    number = first_valid("310240")  # 31 February 1940
    with pytest.raises(identity.InvalidIdNumber, match="dato som ikke finnes"):
        identity.parse(number)


def test_birth_date_in_the_future_is_refused():
    number = first_valid("010130", range(500, 1000))  # 2030
    with pytest.raises(identity.InvalidIdNumber, match="fram i tid"):
        identity.parse(number, today=dt.date(2026, 11, 23))


def test_synthetic_numbers_validate_but_can_be_turned_off():
    number = identity.synthetic_number(dt.date(1938, 12, 24), identity.LegalSex.MALE,
                                       random.Random(7))
    assert int(number[2:4]) == 12 + 80
    parsed = identity.parse(number)
    assert parsed.synthetic and parsed.birth_date == dt.date(1938, 12, 24)
    assert parsed.legal_sex is identity.LegalSex.MALE
    with pytest.raises(identity.InvalidIdNumber, match="Syntetiske"):
        identity.parse(number, allow_synthetic=False)
    # A synthetic number is never a real one: the library refuses month 92.
    assert not fnr.is_valid(number)


def test_synthetic_d_numbers_keep_the_birth_date():
    rng = random.Random(3)
    for _ in range(50):
        birth = dt.date(1920 + rng.randrange(90), 1 + rng.randrange(12), 1 + rng.randrange(28))
        number = identity.synthetic_number(birth, identity.LegalSex.FEMALE, rng, d_number=True)
        parsed = identity.parse(number)
        assert parsed.id_type is identity.IdType.D_NUMMER
        assert parsed.birth_date == birth
        assert parsed.legal_sex is identity.LegalSex.FEMALE


def test_mask_shows_only_the_birth_date_part():
    assert identity.mask("17054012345") == "170540 *****"
