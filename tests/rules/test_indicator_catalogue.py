"""The indicator catalogue: its entries, and each family on small hand-built fact rows."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from tildel.rules.indicators import catalogue
from tildel.rules.indicators.catalogue import INDICATORS, UnknownIndicator, get, parse_codes
from tildel.rules.indicators.engine import TOTAL, Status, Unit, Value, evaluate
from tildel.rules.indicators.facts import (
    GROUPINGS,
    TABLES,
    ApplicationFact,
    AssessmentFact,
    CoercionFact,
    ComplaintFact,
    DecisionFact,
    Facts,
    OrderFact,
    PathwayFact,
    PopulationFact,
    RevisionFact,
    ServiceSpell,
    StaffingFact,
)
from tildel.rules.indicators.needs import NeedsGrouping
from tildel.rules.indicators.periods import windows

D = dt.date
REPORTS = {"000", "001", "002", "003", "004"}
LINES = re.compile(r"L\d+(-\d+)?")
_ids = itertools.count(1)
BORN = D(1950, 1, 1)


# -- fact builders ----------------------------------------------------------------------------

def spell(person, service, start, end=None, *, weekly=None, kind="", decided=None,
          birth=BORN, pu=False, district=1, unit=None) -> ServiceSpell:
    line = next(_ids)
    return ServiceSpell(line, line, person, service, kind, decided, start, end, weekly, birth,
                        pu, district, None, unit, None)


def pathway(code, start, deadline=None, end=None, outcome="", person=None) -> PathwayFact:
    pid = next(_ids)
    return PathwayFact(pid, pid if person is None else person, code, start, deadline, end,
                       outcome, 1, None, None, None)


def application(received, decided, outcome="grant", target=21) -> ApplicationFact:
    case = next(_ids)
    return ApplicationFact(case, case, received, decided, outcome, "hjemmesykepleie", None,
                           target, None, None, False, False, 1, None, None)


def facts(first, last, **tables) -> Facts:
    return Facts(covers=(first, last), **tables)


def pick(values, key, group=TOTAL, category=None) -> Value:
    (value,) = [v for v in values if v.window.key == key and v.group == group
                and v.category == category]
    return value


def run(code, data, first, last, kind="month", **kwargs) -> list[Value]:
    return evaluate(get(code), data, windows(first, last, kind), **kwargs)


# -- the catalogue itself ------------------------------------------------------------------------

def test_codes_are_unique_and_lowercase():
    codes = [i.code for i in INDICATORS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9-]+", c) for c in codes)
    assert set(catalogue.BY_CODE) == set(codes)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
def test_every_indicator_is_fully_described(indicator):
    assert indicator.name and indicator.name != indicator.code
    assert indicator.name[0].isupper()
    assert indicator.definition.endswith(".") and len(indicator.definition) > 20
    assert indicator.numerator_name
    assert bool(indicator.denominator) == bool(indicator.denominator_name)
    assert {indicator.numerator_mode, indicator.denominator_mode} <= {"count", "sum", "max"}
    assert indicator.tables and set(indicator.tables) <= set(TABLES)
    assert indicator.groupings and set(indicator.groupings) <= set(GROUPINGS)
    codes = [c for c, _ in indicator.categories]
    assert len(codes) == len(set(codes)) and all(label for _, label in indicator.categories)
    assert any(s.report in REPORTS and LINES.fullmatch(s.lines) for s in indicator.sources)
    assert indicator.source_text.startswith("Rapport ")


@pytest.mark.parametrize(("code", "source"), [(i.code, s) for i in INDICATORS for s in i.sources],
                         ids=lambda x: x if isinstance(x, str) else f"{x.report}-{x.lines}")
def test_every_source_names_a_known_report_and_its_lines(code, source):
    assert source.report in REPORTS
    assert LINES.fullmatch(source.lines), f"{code}: {source}"


class _Unread(tuple):
    """A table an indicator has not declared: reading it fails the test."""

    def __iter__(self):
        raise AssertionError("read an undeclared table")


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
def test_an_indicator_reads_only_the_tables_it_declares(indicator):
    """The insight app loads only the declared tables: an undeclared one would be empty."""
    data = Facts(covers=(D(2024, 1, 1), D(2024, 3, 31)),
                 **{t: _Unread() for t in TABLES if t not in indicator.tables})
    values = evaluate(indicator, data, windows(D(2024, 1, 1), D(2024, 3, 1)))
    assert len(values) >= 3


def test_get_strips_and_finds_a_code():
    assert get(" klagerate ").code == "klagerate"


def test_get_of_an_unknown_code_names_the_code():
    with pytest.raises(UnknownIndicator, match="Ukjent indikator «finnes-ikke»"):
        get("finnes-ikke")


def test_parse_codes_reads_a_comma_list_in_order():
    assert [i.code for i in parse_codes("klagerate, forlop-andel,")] == ["klagerate",
                                                                       "forlop-andel"]
    assert [i.code for i in parse_codes(["utfall"])] == ["utfall"]


def test_parse_codes_without_codes_gives_the_whole_catalogue():
    assert parse_codes(None) == list(INDICATORS)
    assert parse_codes("") == list(INDICATORS)


def test_parse_codes_refuses_an_unknown_code():
    with pytest.raises(UnknownIndicator, match="nope"):
        parse_codes("klagerate,nope")


# -- report 000: pathways ------------------------------------------------------------------------

def test_forlop_andel_counts_a_person_with_both_home_nursing_and_a_pathway_once():
    """Report 000 footnote 11 (L1064-1068): home-nursing recipients are users with a
    decision and persons in pathway 1 or 2."""
    data = facts(D(2024, 1, 1), D(2024, 1, 31), services=[
        spell(1, "hjemmesykepleie", D(2023, 6, 1)),
        spell(2, "hjemmesykepleie", D(2024, 1, 10), D(2024, 1, 20)),
        spell(5, "praktisk-bistand", D(2023, 1, 1)),  # not home nursing
    ], pathways=[
        pathway(1, D(2024, 1, 5), person=1),
        pathway(2, D(2024, 1, 8), person=3),
        pathway(0, D(2024, 1, 8), person=4),  # forløp 0 is not counted
    ])
    value = pick(run("forlop-andel", data, D(2024, 1, 1), D(2024, 1, 1)), "2024-01")
    assert (value.numerator, value.denominator) == (2, 3)
    assert value.value == pytest.approx(200 / 3)


def _open_pathways():
    return [
        pathway(1, D(2024, 1, 10), D(2024, 1, 24), D(2024, 1, 31), "new_decision"),
        pathway(1, D(2024, 1, 20), D(2024, 1, 31)),  # deadline on the snapshot day
        pathway(1, D(2024, 1, 5), D(2024, 1, 19)),   # overdue
        pathway(2, D(2024, 1, 15), D(2024, 3, 15)),
        pathway(3, D(2023, 1, 15)),
    ]


def test_forlop_over_frist_is_a_snapshot_on_the_periods_last_day_report_000_L3288_3311():
    """A pathway closed on the snapshot day is not open; a deadline on the snapshot day
    is not yet passed."""
    data = facts(D(2024, 1, 1), D(2024, 2, 29), pathways=_open_pathways())
    values = run("forlop-over-frist", data, D(2024, 1, 1), D(2024, 2, 1))
    january_1 = pick(values, "2024-01", category="1")
    assert (january_1.numerator, january_1.denominator, january_1.value) == (1, 2, 50.0)
    january_2 = pick(values, "2024-01", category="2")
    assert (january_2.numerator, january_2.denominator, january_2.value) == (0, 1, 0.0)
    february_1 = pick(values, "2024-02", category="1")
    assert (february_1.numerator, february_1.denominator) == (2, 2)


def test_forlop_over_frist_snapshot_moves_back_to_the_last_day_with_data():
    """March has data up to the 15th: the snapshot is 15 March, not 31 March."""
    data = facts(D(2024, 1, 1), D(2024, 3, 15), pathways=[
        pathway(1, D(2024, 3, 1), D(2024, 3, 14), D(2024, 3, 20), "new_decision"),
        pathway(1, D(2024, 3, 2), D(2024, 3, 16)),
    ])
    value = pick(run("forlop-over-frist", data, D(2024, 3, 1), D(2024, 3, 1)), "2024-03",
                 category="1")
    assert (value.numerator, value.denominator, value.value) == (1, 2, 50.0)


# -- report 000: hours and levels ------------------------------------------------------------------

def _home_nursing_hours():
    return [
        spell(1, "hjemmesykepleie", D(2024, 1, 1), D(2024, 2, 10), weekly=5, kind="home_nursing"),
        spell(1, "hverdagsrehabilitering", D(2024, 1, 5), D(2024, 1, 25), weekly=2.5),
        spell(2, "hjemmesykepleie", D(2024, 1, 15), D(2024, 1, 20), weekly=10),
        spell(3, "praktisk-bistand", D(2024, 1, 1), weekly=10),   # not home nursing
        spell(4, "hjemmesykepleie", D(2024, 1, 1)),               # not in hours
    ]


def test_timer_per_bruker_mnd_is_weekly_hours_times_four_per_user_month_report_000_L1118():
    """Person 1: (5 + 2.5) × 4 = 30 h in January, 20 h in February; person 2: 40 h in
    January (a line active on any day counts the whole month's decided hours)."""
    data = facts(D(2024, 1, 1), D(2024, 2, 29), services=_home_nursing_hours())
    months = run("timer-per-bruker-mnd", data, D(2024, 1, 1), D(2024, 2, 1))
    january = pick(months, "2024-01")
    assert (january.numerator, january.denominator, january.value) == (70, 2, 35)
    assert pick(months, "2024-02").value == 20
    (whole,) = run("timer-per-bruker-mnd", data, D(2024, 1, 1), D(2024, 2, 1), "range")
    assert (whole.numerator, whole.denominator, whole.value) == (90, 3, 30)


@pytest.mark.parametrize(("weekly", "level"), [
    (4.9, "base"), (5, "1"), (25, "4"), (25.125, "focus")])
def test_nivafordeling_levels_from_hours_per_month_report_000_L2082_2116(weekly, level):
    """20 h/month is level 1, 100 h is level 4, 100.5 h is a focus user."""
    data = facts(D(2024, 1, 1), D(2024, 1, 31), services=[
        spell(1, "hjemmesykepleie", D(2024, 1, 1), weekly=weekly, kind="home_nursing"),
        spell(2, "praktisk-bistand", D(2024, 1, 1), weekly=10, kind="practical_help"),
        spell(3, "bpa", D(2024, 1, 1), weekly=1, kind="housing_habilitation"),  # not home-based
    ])
    values = run("nivafordeling", data, D(2024, 1, 1), D(2024, 1, 1))
    shares = {v.category: v.value for v in values}
    assert shares[level] == 50.0 and shares["2"] == 50.0   # 40 h a month: level 2
    assert sum(shares.values()) == 100.0
    assert pick(values, "2024-01", category=level).denominator == 2


def test_nivafordeling_uses_the_mean_hours_over_the_months_a_person_was_a_user():
    """40 h in January and 80 h in February: 60 h a month on average is level 3."""
    data = facts(D(2024, 1, 1), D(2024, 3, 31), services=[
        spell(1, "hjemmesykepleie", D(2024, 1, 1), D(2024, 1, 31), weekly=10,
              kind="home_nursing"),
        spell(1, "hjemmesykepleie", D(2024, 2, 1), D(2024, 2, 29), weekly=20,
              kind="home_nursing"),
    ])
    values = run("nivafordeling", data, D(2024, 1, 1), D(2024, 3, 1), "range")
    assert {v.category for v in values if v.value} == {"3"}


def _orders():
    def order(kind, ordered, started=None):
        oid = next(_ids)
        return OrderFact(oid, oid, kind, ordered, started, 1, None, None, None)
    return [
        order("environmental", D(2024, 1, 10)),                    # waiting throughout
        order("environmental", D(2024, 1, 5), D(2024, 1, 31)),     # started on the snapshot day
        order("environmental", D(2024, 2, 1), D(2024, 2, 20)),     # waited within February
        order("home_nursing", D(2023, 12, 1)),                     # another service
        order("environmental", D(2023, 12, 1), D(2024, 2, 15)),    # 61 days on 31 January
    ]


def test_venteliste_miljo_counts_orders_not_started_on_the_last_day_report_000_L4914():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), orders=_orders())
    values = run("venteliste-miljo", data, D(2024, 1, 1), D(2024, 2, 1))
    assert [pick(values, k).value for k in ("2024-01", "2024-02")] == [2, 1]


def test_venteliste_miljo_lengst_is_the_longest_wait_in_days():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), orders=_orders())
    values = run("venteliste-miljo-lengst", data, D(2024, 1, 1), D(2024, 2, 1))
    assert [pick(values, k).value for k in ("2024-01", "2024-02")] == [61, 50]


# -- report 001: habilitation -------------------------------------------------------------------

def test_ikke_startet_on_the_snapshot_day_report_001_L1398_1416():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), services=[
        spell(1, "bpa", D(2024, 2, 5), decided=D(2024, 1, 10)),     # waiting in January
        spell(2, "bpa", D(2023, 1, 1), decided=D(2022, 12, 1)),     # active
        spell(3, "bpa", D(2023, 1, 1), D(2024, 1, 20)),             # ended before 31 January
        spell(4, "bpa", D(2023, 1, 1), D(2024, 1, 31)),             # active on its last day
        spell(5, "bpa", D(2024, 3, 1), decided=D(2024, 2, 10)),     # waiting in February
    ])
    values = run("ikke-startet", data, D(2024, 1, 1), D(2024, 2, 1))
    january, february = pick(values, "2024-01"), pick(values, "2024-02")
    assert (january.numerator, january.denominator) == (1, 3)
    assert (february.numerator, february.denominator) == (1, 3)


def test_andre_brukere_follows_the_reports_formula_report_001_L1319_1322():
    """Andre = all users − (day services + care wage + support contact) − (PU < 16 + PU ≥ 16),
    each term a count of persons; a person in two terms is subtracted twice."""
    d = D(2024, 1, 1)
    data = facts(d, D(2024, 1, 31), services=[
        spell(1, "dagaktivitet", d), spell(1, "dagopphold", d),          # day (once)
        spell(2, "dagopphold", d), spell(2, "omsorgsstonad", d),         # day and wage
        spell(3, "stottekontakt", d, pu=True),                          # support and PU
        spell(4, "bpa", d),
        spell(5, "miljotjeneste", d, kind="housing_habilitation"),
        spell(6, "avlastning-institusjon", d, pu=True),                 # PU only
        spell(7, "bpa", d),
        spell(8, "hjemmesykepleie", d, kind="home_nursing"),            # not habilitation
    ])
    all_users, day, wage, support, pu = 7, 2, 1, 1, 2
    value = pick(run("andre-brukere", data, d, d), "2024-01")
    assert value.value == all_users - (day + wage + support) - pu == 1


# -- report 003: coverage and needs -------------------------------------------------------------

def _population(year=2024):
    return [PopulationFact(year, band, n, district) for district, bands in
            ((1, (1500, 300, 200)), (2, (900, 80, 20)))
            for band, n in zip(("0-66", "67-79", "80+"), bands, strict=True)]


def test_brukere_per_1000_per_district_and_in_total_report_003_L391_393():
    d = D(2024, 1, 1)
    data = facts(d, D(2024, 12, 31), population=_population() + [
        PopulationFact(2023, "0-66", 99999, 1)], services=[
        spell(1, "bpa", d), spell(1, "hjemmesykepleie", d), spell(2, "bpa", d),
        spell(3, "bpa", d), spell(4, "bpa", d, district=2)])
    values = run("brukere-per-1000", data, d, d, "year", by="district")
    assert pick(values, "2024", group=1).value == pytest.approx(1.5)
    assert pick(values, "2024", group=2).value == pytest.approx(1.0)
    total = pick(values, "2024")
    assert (total.numerator, total.denominator) == (4, 3000)


def test_dekning_hjemmetjenester_age_band_from_birth_date_at_the_period_end():
    """Born 15 June 1944: 79 on 31 January 2024, 80 on 31 December 2024."""
    born = D(1944, 6, 15)
    data = facts(D(2024, 1, 1), D(2024, 12, 31), population=_population(), services=[
        spell(1, "praktisk-bistand", D(2024, 1, 1), birth=born),
        spell(2, "langtidsopphold", D(2024, 1, 1), birth=born)])  # not a home service
    january = run("dekning-hjemmetjenester", data, D(2024, 1, 1), D(2024, 1, 1))
    assert pick(january, "2024-01", category="67-79").value == pytest.approx(100 / 380)
    assert pick(january, "2024-01", category="80+").value == 0
    year = run("dekning-hjemmetjenester", data, D(2024, 1, 1), D(2024, 1, 1), "year")
    assert pick(year, "2024", category="80+").value == pytest.approx(100 / 220)
    assert pick(year, "2024", category="80+").denominator == 220


def test_dekning_hjemmetjenester_age_on_the_last_day_with_data_if_the_year_has_not_ended():
    data = facts(D(2024, 1, 1), D(2024, 3, 31), population=_population(), services=[
        spell(1, "praktisk-bistand", D(2024, 1, 1), birth=D(1944, 6, 15))])
    year = run("dekning-hjemmetjenester", data, D(2024, 1, 1), D(2024, 1, 1), "year")
    assert pick(year, "2024", category="67-79").numerator == 1
    assert pick(year, "2024", category="80+").numerator == 0


def test_omfattende_behov_uses_the_grouping_version_in_force_at_the_period_end():
    """Report 003 L542-555 leaves the grouping open; a stricter version from 15 February
    (omfattende from 3.0) applies to all of February, not to January."""
    def assessment(person, held, score):
        aid = next(_ids)
        return AssessmentFact(aid, person, held, False, score, 1, None, None)
    d = D(2024, 1, 1)
    data = facts(d, D(2024, 2, 29), needs_groupings=[
        NeedsGrouping("v1", D(2000, 1, 1)),
        NeedsGrouping("v2", D(2024, 2, 15), medium_from=2.0, extensive_from=3.0)],
        services=[spell(p, "hjemmesykepleie", d) for p in (1, 2, 3, 5)],
        assessments=[assessment(1, D(2024, 1, 10), 3.2), assessment(2, D(2023, 5, 1), 4.0),
                     assessment(4, D(2024, 1, 10), 5.0),     # no home service
                     assessment(5, D(2024, 2, 5), 4.5)])     # not yet in January
    values = run("omfattende-behov", data, d, D(2024, 2, 1))
    january, february = pick(values, "2024-01"), pick(values, "2024-02")
    assert (january.numerator, january.denominator) == (1, 2)
    assert (february.numerator, february.denominator) == (3, 3)


# -- report 004 and complaints: casework -----------------------------------------------------------

def _applications():
    return [
        application(D(2024, 1, 2), D(2024, 1, 23), "grant"),         # 21 days: within
        application(D(2024, 1, 1), D(2024, 1, 30), "refusal"),       # 29 days
        application(D(2024, 1, 10), D(2024, 1, 12), "partial"),      # 2 days
        application(D(2023, 12, 28), D(2024, 1, 5), "grant", 7),     # 8 days, target 7
        application(D(2024, 1, 3), None, None),                      # undecided
        application(D(2024, 1, 3), D(2024, 2, 2), "grant"),          # decided in February
    ]


def test_saksbehandlingstid_is_mean_days_of_applications_decided_report_004_L3104():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), applications=_applications())
    value = pick(run("saksbehandlingstid", data, D(2024, 1, 1), D(2024, 1, 1)), "2024-01")
    assert (value.numerator, value.denominator, value.value) == (60, 4, 15)


def test_innen_frist_exactly_the_target_is_within():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), applications=_applications())
    value = pick(run("innen-frist", data, D(2024, 1, 1), D(2024, 1, 1)), "2024-01")
    assert (value.numerator, value.denominator, value.value) == (2, 4, 50.0)


def test_utfall_shares_by_outcome():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), applications=_applications())
    values = run("utfall", data, D(2024, 1, 1), D(2024, 1, 1))
    assert [(v.category, v.value) for v in values] == [
        ("grant", 50.0), ("partial", 25.0), ("refusal", 25.0)]


def _complaints():
    def complaint(received, resolved=None, reversed_=None, by="office"):
        cid = next(_ids)
        office = (resolved, reversed_) if by == "office" else (None, None)
        authority = (resolved, reversed_) if by == "authority" else (None, None)
        return ComplaintFact(cid, cid, cid, received, *office, *authority, 1, None, None)
    return [complaint(D(2023, 12, 1), D(2024, 1, 10), True),
            complaint(D(2024, 1, 3), D(2024, 1, 20), False),
            complaint(D(2024, 1, 15)),                     # pending
            complaint(D(2024, 1, 16), D(2024, 2, 2), True),  # reassessed in February
            complaint(D(2023, 10, 1), D(2024, 1, 25), True, by="authority"),
            complaint(D(2023, 10, 2), D(2024, 1, 26), False, by="authority"),
            complaint(D(2023, 10, 3), D(2024, 1, 27), False, by="authority")]


def test_klagerate_is_complaints_received_per_100_decisions():
    decisions = [DecisionFact(i, i, D(2024, 1, 1 + i), 1, None, None) for i in range(12)]
    decisions.append(DecisionFact(99, 99, D(2024, 2, 1), 1, None, None))
    data = facts(D(2024, 1, 1), D(2024, 2, 29), complaints=_complaints(), decisions=decisions)
    value = pick(run("klagerate", data, D(2024, 1, 1), D(2024, 1, 1)), "2024-01")
    assert (value.numerator, value.denominator, value.value) == (3, 12, 25.0)


def test_omgjoring_kontor_leaves_pending_complaints_out_of_the_denominator():
    data = facts(D(2024, 1, 1), D(2024, 2, 29), complaints=_complaints())
    values = run("omgjoring-kontor", data, D(2024, 1, 1), D(2024, 2, 1))
    january = pick(values, "2024-01")
    assert (january.numerator, january.denominator, january.value) == (1, 2, 50.0)
    assert pick(values, "2024-02").value == 100.0


def test_omgjoring_statsforvalter_counts_only_the_county_governors_outcomes_L2526_2538():
    """Report 003 T6: complaints upheld wholly or partly by the county governor."""
    data = facts(D(2024, 1, 1), D(2024, 2, 29), complaints=_complaints())
    january = pick(run("omgjoring-statsforvalter", data, D(2024, 1, 1), D(2024, 1, 1)),
                   "2024-01")
    assert (january.numerator, january.denominator) == (1, 3)


def test_revisjon_i_tide_excludes_revisions_not_yet_due_and_counts_late_ones():
    """Report 004 L2269: revision after six months; done after the due day is late."""
    def revision(due, done):
        rid = next(_ids)
        return RevisionFact(rid, rid, due, done, 1, None, None)
    data = facts(D(2024, 1, 1), D(2024, 2, 15), revisions=[
        revision(D(2024, 1, 10), D(2024, 1, 9)),     # on time
        revision(D(2024, 1, 20), D(2024, 1, 25)),    # late
        revision(D(2024, 1, 25), None),              # not done and overdue
        revision(D(2024, 2, 10), D(2024, 2, 10)),    # on the due day: on time
        revision(D(2024, 2, 20), None),              # not due on the last day with data
    ])
    values = run("revisjon-i-tide", data, D(2024, 1, 1), D(2024, 2, 1))
    january, february = pick(values, "2024-01"), pick(values, "2024-02")
    assert (january.numerator, january.denominator) == (1, 3)
    assert (february.numerator, february.denominator, february.value) == (1, 1, 100.0)


# -- every indicator runs on a mixed data set ------------------------------------------------------

def _mixed() -> Facts:
    d = D(2024, 1, 1)
    return facts(d, D(2024, 2, 29),
                 services=_home_nursing_hours() + [spell(9, "bpa", d, weekly=3, unit=7)],
                 pathways=_open_pathways(), applications=_applications(),
                 complaints=_complaints(), orders=_orders(), population=_population(),
                 decisions=[DecisionFact(1, 1, D(2024, 1, 5), 1, None, None)],
                 coercions=[CoercionFact(1, 9, d, None, 1, 7)],
                 staffing=[StaffingFact(d, 800.0, 5.0, 2, 7)],
                 revisions=[RevisionFact(1, 1, D(2024, 1, 9), None, 1, None, None)],
                 assessments=[AssessmentFact(1, 1, d, True, 3.0, 1, None, None)])


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
def test_every_indicator_gives_one_value_per_period_group_and_category(indicator):
    data = _mixed()
    for by in indicator.groupings:
        values = evaluate(indicator, data, windows(D(2024, 1, 1), D(2024, 3, 1)), by=by)
        march = [v for v in values if v.window.key == "2024-03"]
        assert march and all(v.status is Status.NO_DATA for v in march)
        january = [v for v in values if v.window.key == "2024-01"]
        keys = [(v.group, v.category) for v in january]
        assert len(keys) == len(set(keys)) and (TOTAL, keys[0][1]) == keys[0]
        assert all(v.status is not Status.OK or v.value is not None for v in january)
    if indicator.unit is Unit.PERCENT:
        assert all(v.value is None or 0 <= v.value <= 100
                   for v in evaluate(indicator, data, windows(D(2024, 1, 1), D(2024, 2, 1))))


# -- added after the range-based rewrite of the hour indicators ------------------------------

def test_nivafordeling_per_month_follows_overlapping_lines():
    """10 h/week in January plus 5 h/week January–February: 60 h (level 3) in January,
    20 h (level 1) in February."""
    data = facts(D(2024, 1, 1), D(2024, 2, 29), services=[
        spell(1, "hjemmesykepleie", D(2024, 1, 1), D(2024, 1, 31), weekly=10,
              kind="home_nursing"),
        spell(1, "praktisk-bistand", D(2024, 1, 15), D(2024, 2, 10), weekly=5,
              kind="practical_help")])
    values = run("nivafordeling", data, D(2024, 1, 1), D(2024, 2, 1))
    assert {v.window.key: v.category for v in values if v.value} == {"2024-01": "3",
                                                                     "2024-02": "1"}


def test_omfattende_behov_uses_an_assessment_held_on_the_snapshot_day():
    def assessment(held, score):
        aid = next(_ids)
        return AssessmentFact(aid, 1, held, False, score, 1, None, None)
    data = facts(D(2024, 1, 1), D(2024, 2, 29),
                 services=[spell(1, "praktisk-bistand", D(2023, 1, 1))],
                 assessments=[assessment(D(2024, 1, 10), 4.0), assessment(D(2024, 2, 29), 2.0)])
    values = run("omfattende-behov", data, D(2024, 1, 1), D(2024, 2, 1))
    assert [pick(values, k).value for k in ("2024-01", "2024-02")] == [100.0, 0.0]


def test_timer_per_bruker_mnd_by_unit_gives_every_unit_with_hours_its_user_months():
    """A person with home nursing from unit 1 and everyday rehabilitation from unit 2: one
    user-month in the whole municipality (30 h), one in each unit (20 h and 10 h)."""
    data = facts(D(2024, 1, 1), D(2024, 1, 31), services=[
        spell(1, "hjemmesykepleie", D(2024, 1, 1), weekly=5, kind="home_nursing", unit=1),
        spell(1, "hverdagsrehabilitering", D(2024, 1, 1), weekly=2.5, kind="home_nursing",
              unit=2)])
    values = run("timer-per-bruker-mnd", data, D(2024, 1, 1), D(2024, 1, 1), by="unit")
    assert pick(values, "2024-01").value == 30
    assert [v.group for v in values if v.status is Status.ZERO_DENOMINATOR] == []
    assert {v.group: v.value for v in values if v.group in (1, 2)} == {1: 20, 2: 10}
