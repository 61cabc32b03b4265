"""IPLOS functional variables (funksjonsvariabler) scored in the needs assessment (kartlegging).

Sources and their limits:

- The KPR/IPLOS message schema in ``reference/kpr-iplos-56.0.0`` (``XPR(ipl).xsd`` v56.0.0.5)
  reports service events only (TjenesteStart, MidlertidigStoppFra/Til, TjenesteutforerEndret,
  TjenesteSlutt, Bruker). It has NO functional-assessment element, attribute or code list,
  so it gives neither variable codes nor a scale. ``tests/rules/test_iplos.py`` checks this,
  so that a future schema that adds them fails the test and its names get adopted.
- The variable list and order follow ``reference/standards.md`` ("IPLOS assessment rules"),
  which marks it [I] not verified against the IPLOS veileder; the groups are ours.
- The scale follows ``reference/standards.md`` [V S13] (Helsedirektoratet, "Vurdere
  bistandsbehov - skåremetodikk"); the labels are our Norwegian wording of that description.

The codes are therefore Tildel's own stable identifiers (ASCII, snake case of the Norwegian
name), stored in ``FunctionalScore.variable``: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Skår → label. Wording ours, after standards.md [V S13]: 1 no problems/need; 2 manages
#: alone but with changed standard; 3 middels (helper can come and go); 4 store (helper present
#: throughout); 5 fullt behov; 9 ikke relevant.
SCALE: dict[int, str] = {
    1: "Ingen problemer/behov for bistand",
    2: "Klarer seg selv, men med redusert standard eller ekstra tid",
    3: "Middels bistandsbehov: trenger hjelp til deler av aktiviteten",
    4: "Stort bistandsbehov: trenger hjelp gjennom hele aktiviteten",
    5: "Fullt bistandsbehov: utfører ikke aktiviteten selv",
    9: "Ikke relevant",
}
#: Scores meaning a level of need (1-5); 9 says the variable does not apply.
NEED_SCORES: frozenset[int] = frozenset({1, 2, 3, 4, 5})
NOT_RELEVANT = 9
VALID_SCORES: frozenset[int] = frozenset(SCALE)


@dataclass(frozen=True)
class FunctionalVariable:
    """One IPLOS funksjonsvariabel: what the caseworker scores on the 1-5 (9) scale.

    ``scores`` is the set of allowed scores; every variable uses the common scale until the
    IPLOS veileder shows otherwise (the 56.0.0 XSD has no per-variable scales).
    """

    code: str
    label_nb: str
    help_nb: str
    group: str
    scores: frozenset[int] = field(default=VALID_SCORES)


SOCIAL = "Sosial fungering"
COGNITIVE = "Kognitiv svikt"
HOUSEHOLD = "Husholdningsaktiviteter"
SELF_CARE = "Egenomsorg"
MOBILITY = "Mobilitet"
SENSORY = "Sansesvikt"

FUNCTIONAL_VARIABLES: tuple[FunctionalVariable, ...] = (
    FunctionalVariable(
        "sosial_deltakelse", "Sosial deltakelse",
        "Evne til å ta del i fellesskap og aktiviteter med andre, og til å ta initiativ til det.",
        SOCIAL),
    FunctionalVariable(
        "beslutninger_i_dagliglivet", "Beslutninger i dagliglivet",
        "Evne til å ta avgjørelser om egen hverdag, som hva en skal gjøre, spise eller ha på seg.",
        SOCIAL),
    FunctionalVariable(
        "styre_atferd", "Styre atferd",
        "Evne til å styre egen atferd etter vanlige normer, uten å skade eller forstyrre seg "
        "selv eller andre.",
        SOCIAL),
    FunctionalVariable(
        "hukommelse", "Hukommelse",
        "Evne til å huske nylige hendelser, avtaler og hva en skal gjøre i løpet av dagen.",
        COGNITIVE),
    FunctionalVariable(
        "kommunikasjon", "Kommunikasjon",
        "Evne til å gjøre seg forstått og forstå andre, med tale, tegn eller hjelpemidler.",
        COGNITIVE),
    FunctionalVariable(
        "alminnelig_husarbeid", "Alminnelig husarbeid",
        "Rengjøring, oppvask, klesvask og annet vanlig arbeid i hjemmet.",
        HOUSEHOLD),
    FunctionalVariable(
        "skaffe_varer_og_tjenester", "Skaffe seg varer og tjenester",
        "Handle mat og andre varer, og skaffe seg tjenester som bank, post og apotek.",
        HOUSEHOLD),
    FunctionalVariable(
        "lage_mat", "Lage mat",
        "Planlegge, tilberede og servere enkle måltider.",
        HOUSEHOLD),
    FunctionalVariable(
        "ivareta_egen_helse", "Ivareta egen helse",
        "Følge opp egen helse: ta medisiner riktig, følge råd fra helsepersonell, merke og si "
        "fra om plager.",
        SELF_CARE),
    FunctionalVariable(
        "personlig_hygiene", "Personlig hygiene",
        "Vaske seg, dusje eller bade, stelle hår, tenner og negler.",
        SELF_CARE),
    FunctionalVariable(
        "paa_og_avkledning", "På- og avkledning",
        "Ta på og av seg klær og sko, også velge klær som passer for vær og anledning.",
        SELF_CARE),
    FunctionalVariable(
        "spise", "Spise",
        "Spise og drikke når maten er servert, inkludert å skjære opp maten.",
        SELF_CARE),
    FunctionalVariable(
        "toalett", "Toalett",
        "Gå på toalettet, stelle seg etterpå og håndtere inkontinens.",
        SELF_CARE),
    FunctionalVariable(
        "bevege_seg_innendors", "Bevege seg innendørs",
        "Forflytte seg inne i boligen: reise seg, gå mellom rom, gå i trapp.",
        MOBILITY),
    FunctionalVariable(
        "bevege_seg_utendors", "Bevege seg utendørs",
        "Komme seg ut og bevege seg i nærmiljøet, også bruke transport.",
        MOBILITY),
    FunctionalVariable(
        "syn", "Syn",
        "Hvor godt personen ser i hverdagen, med briller eller andre hjelpemidler.",
        SENSORY),
    FunctionalVariable(
        "horsel", "Hørsel",
        "Hvor godt personen hører i hverdagen, med høreapparat eller andre hjelpemidler.",
        SENSORY),
)

_BY_CODE: dict[str, FunctionalVariable] = {v.code: v for v in FUNCTIONAL_VARIABLES}


def by_code(code: str) -> FunctionalVariable | None:
    """The variable with this code, or None if there is none."""
    return _BY_CODE.get(code)


def valid_score(code: str, score: int | None) -> bool:
    """Whether ``score`` is an allowed score for the variable ``code`` (unknown code: False)."""
    variable = by_code(code)
    if variable is None or score is None or isinstance(score, bool):
        return False
    return score in variable.scores


def groups() -> tuple[str, ...]:
    """The variable groups in the order they first appear."""
    return tuple(dict.fromkeys(v.group for v in FUNCTIONAL_VARIABLES))
