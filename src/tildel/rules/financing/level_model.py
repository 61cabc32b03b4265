"""Budgets under the level model (nivåmodellen), Stavanger from 2020 (report 000 §6).

Reading of the report (digest 000 §4.2), every number a parameter:

- **User part** (*brukerrettet del*, 74 %): each user with decided hours in the budgeting
  month (first month of the year or tertial) is classified; base financing finances 3.56 h,
  levels 1–4 finance 30/50/70/90 h, focus users are carried at the level-4 amount. Annual
  amount = financed hours × rate × 12 (2022: 799) (L2025-2047, L2067-2069).
- **Focus users** (> 100 h in a calendar month) are financed per tertial, from the first
  month above 100 h to the end of that tertial: a user who was not focus at the budgeting
  point is topped up to the level-4 amount for those months, and the hours above level 4
  come from the general part.
  The excess is zeroed in a month with a hospital or short-term stay; all focus financing
  stops in a month the services are paused or after they end (footnote 33, L2071-2075).
- **General part** (*generell del*, about 26 % of expenditure): the user part × 26/74
  (L1967-1975).
- **Buffer** (1.2 % of the frame in 2019) is held back centrally (L2139-2143). When a frame
  is given and the budgets exceed it less the buffer, the base rate is lowered until they
  fit (*omfordeling*, L2151-2163).
- **Tertial review**: users are reclassified; a unit whose volume fell keeps its budget
  (L2145-2147); growth is paid from the buffer, and growth beyond the buffer lowers the
  base rate for everyone (L2153-2163).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from tildel.rules.financing.budget import (
    TERTIAL_MONTHS,
    Budget,
    ParameterError,
    UnitBudget,
    UserMonth,
    UserYear,
    kr,
    money,
    number,
    user_years,
    users_text,
)
from tildel.rules.financing.levels import (
    DEFAULT_BANDS,
    LEVELS_IN_ORDER,
    Level,
    LevelBands,
    classify,
)

USER_PART = "Brukerrettet del"
FOCUS_PART = "Fokus over nivå 4 (fra generell del)"
GENERAL_PART = "Generell del"
MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class LevelParameters:
    """The level model's numbers; defaults are Stavanger 2022 (report 000 L2067-2069)."""

    rate: Decimal = Decimal(799)
    base_hours: Decimal = Decimal("3.56")
    financed_hours: tuple[Decimal, ...] = (Decimal(30), Decimal(50), Decimal(70), Decimal(90))
    bands: LevelBands = DEFAULT_BANDS
    general_share: Decimal = Decimal("0.26")
    buffer_share: Decimal = Decimal("0.012")
    frame: Decimal | None = None  # the whole frame incl. the buffer; None: what the model needs

    def __post_init__(self):
        checks = [
            ("rate", self.rate > 0, "satsen må være større enn 0"),
            ("base_hours", self.base_hours >= 0, "grunnfinansierte timer kan ikke være negative"),
            ("financed_hours", len(self.financed_hours) == 4,
             "finansierte timer må gis for nivå 1, 2, 3 og 4"),
            ("financed_hours", all(h >= 0 for h in self.financed_hours),
             "finansierte timer kan ikke være negative"),
            ("general_share", 0 <= self.general_share < 1,
             "generell andel må være mellom 0 og 1 (0,26 betyr 26 %)"),
            ("buffer_share", 0 <= self.buffer_share < 1,
             "bufferandel må være mellom 0 og 1 (0,012 betyr 1,2 %)"),
            ("frame", self.frame is None or self.frame > 0, "rammen må være større enn 0"),
        ]
        for parameter, ok, message in checks:
            if not ok:
                raise ParameterError(parameter, message)

    def financed(self, level: Level | None) -> Decimal:
        """Financed hours per month for a level; focus users at the level-4 amount."""
        if level is None:
            return Decimal(0)
        if level is Level.BASE:
            return self.base_hours
        if level is Level.FOCUS:
            return self.financed_hours[3]
        return self.financed_hours[LEVELS_IN_ORDER.index(level) - 1]

    def monthly(self, level: Level | None) -> Decimal:
        return self.financed(level) * self.rate

    def annual(self, level: Level | None) -> Decimal:
        """Annual amount per user: financed hours × rate × 12 (3.56 × 799 × 12 = 34 133,28)."""
        return self.monthly(level) * MONTHS_PER_YEAR

    def as_dict(self) -> dict:
        values = asdict(self)
        values["bands"] = [str(edge) for edge in self.bands.edges]
        values["financed_hours"] = [str(h) for h in self.financed_hours]
        return {key: (str(value) if isinstance(value, Decimal) else value)
                for key, value in values.items()}


DEFAULT_PARAMETERS = LevelParameters()


def level_increase_over_base(level: Level, params: LevelParameters = DEFAULT_PARAMETERS
                             ) -> Decimal:
    """How much more a level finances than base financing, as a share: (30 − 3.56)/3.56.
    Without base financing (0 hours) there is no share to give."""
    if not params.base_hours:
        raise ParameterError("base_hours", "uten grunnfinansiering kan økningen ikke gis "
                                           "som andel av den")
    return (params.financed(level) - params.base_hours) / params.base_hours


def average_financed_hours(percent: dict[Level, float],
                           params: LevelParameters = DEFAULT_PARAMETERS) -> Decimal:
    """Financed hours per user for the per cent of users on each level; focus users count
    at the level-4 amount (digest 000 §4.3: Hundvåg og Storhaug 7.021)."""
    return sum((Decimal(str(share)) * params.financed(level) for level, share in percent.items()),
               Decimal(0)) / 100


def level_budget(rows: Iterable[UserMonth] | Iterable[UserYear], year: int, tertial: int = 1,
                 params: LevelParameters = DEFAULT_PARAMETERS, *,
                 redistribute: bool = True, hold_buffer: bool = True) -> Budget:
    """The budget per unit for ``year``, classified at the first month of ``tertial``.

    Focus financing is allocated per tertial over the whole year from the decided hours of
    each month (future months as currently decided). ``rows`` holds one ``UserMonth`` per
    unit, person and month, or one ``UserYear`` per unit and person.
    """
    if tertial not in TERTIAL_MONTHS:
        raise ParameterError("tertial", "tertial må være 1, 2 eller 3")
    years = as_years(rows, year)
    point = TERTIAL_MONTHS[tertial][0] - 1
    focus_edge = params.bands.edges[-1]
    categories: dict[tuple[str, str], Level] = {}
    focus_users = []
    for user in years:
        hours = user.hours[point]
        if hours > 0:
            categories[(user.unit, user.person)] = classify(hours, params.bands)
        if max(user.hours) > focus_edge:
            focus_users.append(user)
    budget = Budget(model="levels", year=year, tertial=tertial, units={},
                    parameters=params.as_dict())
    _user_part(budget, categories, params, dt.date(year, point + 1, 1))
    _focus_part(budget, categories, focus_users, year, params)
    _general_part(budget, params)
    if hold_buffer:
        _buffer(budget, params)
    if redistribute and params.frame is not None:
        available = params.frame - budget.held_back.get("Buffer", Decimal(0))
        if budget.total > available:
            return _redistributed(years, year, tertial, params, budget.total - available,
                                  sum(1 for level in categories.values()
                                      if level is Level.BASE))
    return budget


def as_years(rows, year: int) -> list[UserYear]:
    rows = rows if isinstance(rows, list) else list(rows)
    if rows and isinstance(rows[0], UserYear):
        return rows
    return user_years(rows, year)


def _user_part(budget: Budget, categories, params: LevelParameters, point: dt.date) -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    for (unit, person), level in categories.items():
        counts[unit][level] += 1
        budget.unit(unit).persons[person] = level.value
    budget.lines.append(f"Brukerne er klassifisert etter vedtakstimer i {point:%m.%Y} "
                        f"(budsjetteringstidspunktet).")
    for unit in sorted(counts):
        ub = budget.unit(unit)
        for level in LEVELS_IN_ORDER:
            users = counts[unit][level]
            ub.users[level.label] = users
            if not users:
                continue
            financed = params.financed(level)
            ub.financed_hours += users * financed
            amount = users * params.annual(level)
            carried = " (fokusbrukere bæres på nivå 4-beløpet)" if level is Level.FOCUS else ""
            ub.add(USER_PART, amount,
                   f"{level.label}: {users_text(users)} × {number(financed)} t × "
                   f"{number(params.rate)} kr × 12 = {kr(amount)}{carried}")


def _focus_part(budget: Budget, categories, focus_users: list[UserYear], year: int,
                params: LevelParameters) -> None:
    level4 = params.financed_hours[3]
    focus_edge = params.bands.edges[-1]
    numbers: dict[str, int] = {}
    for user in sorted(focus_users, key=lambda u: (u.unit, u.person)):
        ub = budget.unit(user.unit)
        numbers[user.unit] = numbers.get(user.unit, 0) + 1
        category = categories.get((user.unit, user.person))
        first = next(i for i, hours in enumerate(user.hours) if hours > focus_edge)
        top_up = withdrawn = Decimal(0)
        excess = dict.fromkeys(TERTIAL_MONTHS, Decimal(0))
        stays = stops = 0
        focus_in = set()  # tertials where the user has been over the edge so far
        for index, hours in enumerate(user.hours):
            tertial = index // 4 + 1
            if hours > focus_edge:
                focus_in.add(tertial)
            if tertial not in focus_in:
                continue  # focus from the first month above the edge, for that tertial
            if index in user.paused or hours <= 0:
                stops += 1
                if category is Level.FOCUS:
                    withdrawn += params.monthly(Level.FOCUS)
                continue
            if category is not Level.FOCUS:
                top_up += params.monthly(Level.FOCUS) - params.monthly(category)
            if index in user.in_stay:
                stays += 1
            elif hours > level4:
                excess[tertial] += (hours - level4) * params.rate
        label = (f"Fokusbruker {numbers[user.unit]} (over {number(focus_edge)} t fra "
                 f"{first + 1:02d}.{year})")
        if top_up > 0:
            ub.add(USER_PART, top_up, f"{label}: løftet til nivå 4-beløpet for fokusmånedene "
                                      f"= {kr(top_up)}")
        if withdrawn:
            ub.add(USER_PART, -withdrawn, f"{label}: {stops} måned(er) med pause eller "
                                          f"avsluttet tjeneste, fokusfinansieringen stanser "
                                          f"= −{kr(withdrawn)}")
        stay_note = f"; {stays} måned(er) på sykehus/korttidsopphold gir 0" if stays else ""
        per_tertial = ", ".join(f"T{t} {kr(amount)}" for t, amount in excess.items())
        total = sum(excess.values(), Decimal(0))
        ub.add(FOCUS_PART, total, f"{label}: timer over nivå 4 ({number(level4)} t) × "
                                  f"{number(params.rate)} kr per måned, per tertial "
                                  f"{per_tertial} = {kr(total)}{stay_note}")


def _general_part(budget: Budget, params: LevelParameters) -> None:
    share = params.general_share
    for ub in budget.units.values():
        user_part = ub.parts.get(USER_PART, Decimal(0))
        amount = user_part * share / (1 - share)
        ub.add(GENERAL_PART, amount,
               f"Generell del: {number(share * 100)} % av utgiftene = brukerrettet del × "
               f"{number(share * 100)}/{number((1 - share) * 100)} = {kr(amount)}")


def _buffer(budget: Budget, params: LevelParameters) -> None:
    distributed = budget.total
    if params.frame is not None:
        frame = params.frame
        source = f"Rammen er {kr(frame)}"
    else:
        frame = distributed / (1 - params.buffer_share)
        source = f"Rammen (fordelt + buffer) er {kr(frame)}"
    buffer = money(frame * params.buffer_share)
    budget.held_back["Buffer"] = buffer
    budget.lines.append(f"{source}; bufferen er {number(params.buffer_share * 100)} % av "
                        f"rammen = {kr(buffer)} og holdes tilbake sentralt.")


def _redistributed(rows, year: int, tertial: int, params: LevelParameters, overshoot: Decimal,
                   base_users: int, hold_buffer: bool = True) -> Budget:
    """Lower the base rate so the budgets fit the frame (omfordeling, L2151-2163)."""
    user_part_cut = overshoot * (1 - params.general_share)
    per_user_hours = (user_part_cut / (base_users * params.rate * MONTHS_PER_YEAR)
                      if base_users else params.base_hours)
    new_base = min(params.base_hours, max(Decimal(0), params.base_hours - per_user_hours))
    budget = level_budget(rows, year, tertial, replace(params, base_hours=new_base),
                          redistribute=False, hold_buffer=hold_buffer)
    budget.lines.append(
        f"Omfordeling: budsjettene oversteg rammen minus buffer med {kr(overshoot)}. "
        f"Grunnfinansieringen senkes fra {number(params.base_hours)} til {number(new_base, 4)} "
        f"t per bruker per måned for {base_users} brukere.")
    if new_base == 0:
        budget.lines.append("Grunnfinansieringen er satt til 0 og rammen rekker likevel ikke.")
    budget.parameters["base_hours_after_redistribution"] = str(new_base)
    return budget


@dataclass
class UnitReview:
    unit: str
    previous: Decimal
    recomputed: Decimal
    final: Decimal
    reasons: list[str]

    @property
    def change(self) -> Decimal:
        return self.final - self.previous


@dataclass
class Review:
    """Tertialgjennomgang: the reviewed budget and what changed per unit, and why."""

    budget: Budget
    units: dict[str, UnitReview]
    lines: list[str]


def level_review(previous: Budget, rows: Iterable[UserMonth] | Iterable[UserYear],
                 tertial: int, params: LevelParameters = DEFAULT_PARAMETERS) -> Review:
    """Review ``previous`` at the start of ``tertial`` (report 000 L1959-1963, L2133-2165)."""
    year = previous.year
    rows = as_years(rows, year)
    buffer = previous.held_back.get("Buffer", Decimal(0))
    recomputed = level_budget(rows, year, tertial, params, redistribute=False,
                              hold_buffer=False)
    recomputed_totals = {unit: ub.total for unit, ub in recomputed.units.items()}
    growth = sum((max(Decimal(0), total - _total(previous, unit))
                  for unit, total in recomputed_totals.items()), Decimal(0))
    lines = [f"Tertial {tertial} {year}: brukerne er klassifisert på nytt."]
    redistributed = growth > buffer
    if redistributed:
        base_users = sum(1 for ub in recomputed.units.values()
                         for category in ub.persons.values() if category == Level.BASE.value)
        overshoot = growth - buffer  # what the buffer cannot carry
        final = _redistributed(rows, year, tertial, params, overshoot, base_users,
                               hold_buffer=False)
        lines.append(f"Veksten ({kr(growth)}) er større enn bufferen ({kr(buffer)}): "
                     f"grunnfinansieringen senkes, og penger flyttes mellom enhetene.")
        final.held_back["Buffer"] = Decimal(0)
    else:
        final = recomputed
        final.held_back["Buffer"] = money(buffer - growth)
        lines.append(f"Veksten ({kr(growth)}) dekkes av bufferen ({kr(buffer)}); "
                     f"{kr(buffer - growth)} er igjen. Enheter med lavere volum får ikke trekk.")
    final.lines = lines + final.lines
    units = {}
    for unit in sorted(set(previous.units) | set(final.units)):
        before = _total(previous, unit)
        new = final.units.get(unit)
        after = new.total if new else Decimal(0)
        if not redistributed and after < before:
            kept = final.unit(unit)
            kept.add("Beholdt (ikke trekk i året)", before - after,
                     f"Volumet falt med {kr(before - after)}; enheten beholder budsjettet "
                     f"(buffer, L2145-2147).")
        final_total = final.units[unit].total if unit in final.units else Decimal(0)
        units[unit] = UnitReview(unit, before, recomputed_totals.get(unit, Decimal(0)),
                                 final_total,
                                 _reasons(previous.units.get(unit), recomputed.units.get(unit),
                                          params))
    return Review(budget=final, units=units, lines=lines)


def _total(budget: Budget, unit: str) -> Decimal:
    return budget.units[unit].total if unit in budget.units else Decimal(0)


def _reasons(before: UnitBudget | None, after: UnitBudget | None,
             params: LevelParameters) -> list[str]:
    """Moves between categories, new and ended users, and the focus part, with amounts."""
    old = before.persons if before else {}
    new = after.persons if after else {}
    moves: Counter = Counter()
    for person in set(old) | set(new):
        moves[(old.get(person), new.get(person))] += 1
    labels = {level.value: level for level in LEVELS_IN_ORDER}
    reasons = []
    for (was, now), users in sorted(moves.items(), key=lambda m: (str(m[0][0]), str(m[0][1]))):
        if was == now:
            continue
        was_level, now_level = labels.get(was), labels.get(now)
        effect = users * (params.annual(now_level) - params.annual(was_level))
        effect_with_general = effect / (1 - params.general_share)
        if was is None:
            what = f"{users_text(users, new=True)} på {now_level.label.lower()}"
        elif now is None:
            what = (f"{users_text(users)} på {was_level.label.lower()} har ikke lenger "
                    f"vedtakstimer")
        else:
            what = (f"{users_text(users)} gikk fra {was_level.label.lower()} til "
                    f"{now_level.label.lower()}")
        reasons.append(f"{what}: {'+' if effect >= 0 else '−'}{kr(abs(effect))} i brukerrettet "
                       f"del ({'+' if effect >= 0 else '−'}{kr(abs(effect_with_general))} "
                       f"med generell del)")
    focus_before = before.parts.get(FOCUS_PART, Decimal(0)) if before else Decimal(0)
    focus_after = after.parts.get(FOCUS_PART, Decimal(0)) if after else Decimal(0)
    if focus_before != focus_after:
        reasons.append(f"Fokus over nivå 4: fra {kr(focus_before)} til {kr(focus_after)} "
                       f"for året")
    return reasons
