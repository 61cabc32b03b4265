"""Norwegian person identification numbers (fødselsnummer, D-nummer, H-nummer).

Validation and check digits come from ``python-stdnum`` (``stdnum.no.fodselsnummer``).
On top of it, this module understands the synthetic test numbers that Skatteetaten's
test population (Tenor) uses: the month is increased by 80. Such numbers pass the same
check-digit rules but can never belong to a living person, which is why the demo
municipality uses them. Whether they are accepted is the caller's choice
(``allow_synthetic``); production installations turn them off.

Identification types follow KPR code list 9032: 1 fødselsnummer, 2 D-nummer, 3 H-nummer.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from enum import Enum

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer as fnr

SYNTHETIC_MONTH_OFFSET = 80
D_NUMBER_DAY_OFFSET = 40
H_NUMBER_MONTH_OFFSET = 40


class IdType(Enum):
    """Type personidentifikasjon (KPR code list 9032)."""

    FODSELSNUMMER = "1"
    D_NUMMER = "2"
    H_NUMMER = "3"


class LegalSex(Enum):
    FEMALE = "K"
    MALE = "M"


class InvalidIdNumber(ValueError):
    """The number is not a valid Norwegian identification number.

    ``message`` is the Norwegian text to show the user next to the field.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedId:
    number: str
    id_type: IdType
    birth_date: dt.date
    legal_sex: LegalSex
    synthetic: bool


def _century_year(two_digit_year: int, individual: int) -> int | None:
    """The full birth year from the individual number ranges (Skatteetaten's rules)."""
    if individual < 500:
        return 1900 + two_digit_year
    if individual < 750 and two_digit_year >= 54:
        return 1800 + two_digit_year
    if individual < 1000 and two_digit_year < 40:
        return 2000 + two_digit_year
    if 900 <= individual < 1000 and two_digit_year >= 40:
        return 1900 + two_digit_year
    return None


def _has_valid_check_digits(number: str) -> bool:
    return (
        fnr.calc_check_digit1(number[:9]) == number[9]
        and fnr.calc_check_digit2(number[:10]) == number[10]
    )


def parse(number: str, *, allow_synthetic: bool = True,
          today: dt.date | None = None) -> ParsedId:
    """Validate ``number`` and derive type, birth date and legal sex.

    Raises :class:`InvalidIdNumber` with a Norwegian message when the number is invalid.
    """
    today = today or dt.date.today()
    compact = fnr.compact(number or "")
    if not compact.isdigit() or len(compact) != 11:
        raise InvalidIdNumber("Fødselsnummer og D-nummer har 11 sifre.")
    day, month = int(compact[0:2]), int(compact[2:4])
    synthetic = month > SYNTHETIC_MONTH_OFFSET
    if synthetic and not allow_synthetic:
        raise InvalidIdNumber("Syntetiske testnummer er ikke tillatt i denne installasjonen.")
    if day >= 80:
        raise InvalidIdNumber("FH-nummer kan ikke brukes her; oppgi fødselsnummer eller "
                              "D-nummer.")
    if not _has_valid_check_digits(compact):
        raise InvalidIdNumber("Kontrollsifrene stemmer ikke. Sjekk at nummeret er skrevet "
                              "riktig.")
    if synthetic:
        month -= SYNTHETIC_MONTH_OFFSET
    if day > D_NUMBER_DAY_OFFSET:
        id_type, day = IdType.D_NUMMER, day - D_NUMBER_DAY_OFFSET
    elif month > H_NUMBER_MONTH_OFFSET:
        id_type, month = IdType.H_NUMMER, month - H_NUMBER_MONTH_OFFSET
    else:
        id_type = IdType.FODSELSNUMMER
    year = _century_year(int(compact[4:6]), int(compact[6:9]))
    if year is None:
        raise InvalidIdNumber("Fødselsåret kan ikke bestemmes ut fra nummeret.")
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise InvalidIdNumber("Nummeret inneholder en dato som ikke finnes.") from None
    if birth_date > today:
        raise InvalidIdNumber("Fødselsdatoen i nummeret ligger fram i tid.")
    if not synthetic:
        # The library is the authority for real numbers; this also catches anything
        # the checks above missed.
        try:
            fnr.validate(compact)
        except ValidationError:
            raise InvalidIdNumber("Nummeret er ikke et gyldig fødselsnummer eller "
                                  "D-nummer.") from None
    sex = LegalSex.MALE if int(compact[8]) % 2 else LegalSex.FEMALE
    return ParsedId(compact, id_type, birth_date, sex, synthetic)


def is_valid(number: str, *, allow_synthetic: bool = True) -> bool:
    try:
        parse(number, allow_synthetic=allow_synthetic)
    except InvalidIdNumber:
        return False
    return True


def _individual_range(year: int) -> range:
    if 1900 <= year <= 1999:
        return range(0, 500)
    if 2000 <= year <= 2039:
        return range(500, 1000)
    raise ValueError(f"cannot generate numbers for birth year {year}")


def synthetic_number(birth_date: dt.date, sex: LegalSex, rng: random.Random,
                     *, d_number: bool = False) -> str:
    """A synthetic (Tenor-style, month + 80) number that validates but names no one."""
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if d_number else 0)
    month = birth_date.month + SYNTHETIC_MONTH_OFFSET
    prefix = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"
    individuals = _individual_range(birth_date.year)
    want_odd = sex is LegalSex.MALE
    while True:
        individual = rng.choice(individuals)
        if (individual % 2 == 1) != want_odd:
            continue
        base = f"{prefix}{individual:03d}"
        k1 = fnr.calc_check_digit1(base)
        if len(k1) != 1:
            continue
        k2 = fnr.calc_check_digit2(base + k1)
        if len(k2) != 1:
            continue
        return base + k1 + k2


def mask(number: str) -> str:
    """Show only the birth date part: ``010190 *****``. For lists and letters' headers."""
    return f"{number[:6]} *****" if len(number) == 11 else "*****"
