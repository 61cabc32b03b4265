"""Demo financing: stays and pauses, the start-of-year budget, and monthly accounts.

The start-of-year budget (level model, tertial 1) is stored as version 1, so a tertial
review (``tildel budget levels --year ÅÅÅÅ --tertial 3``) shows what changed since January.
Accounts run 13–23 % over budget in some units, as report 001 found for housing and
habilitation, and close to budget in others.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tildel.accounts.models import Role, User
from tildel.casework.models import ServiceLine, ServicePause
from tildel.financing import services
from tildel.financing.data import HOME_BASED_KINDS
from tildel.financing.models import AccountEntry, FinancingModel, KostraFunction
from tildel.rules.financing.budget import months_of

STAY_SHARE = 0.03  # home-nursing users with a hospital stay or pause this year


def build_financing(municipality, as_of: dt.date, seed: int, progress=None) -> None:
    rng = random.Random(seed + 5)
    _pauses(municipality, as_of, rng)
    actor = User.objects.filter(role=Role.MANAGEMENT).order_by("pk").first()
    budget, _ = services.run_budget(municipality, FinancingModel.LEVELS, as_of.year, 1,
                                    actor=actor)
    _accounts(budget, as_of, rng)
    if progress:
        progress("Budsjett og regnskap", 1, 1)


def _pauses(municipality, as_of: dt.date, rng: random.Random) -> None:
    """Hospital stays, short-term stays and pauses on active home-based lines this year."""
    january = dt.date(as_of.year, 1, 1)
    lines = list(ServiceLine.objects.active_on(as_of).filter(
        provider_unit__municipality=municipality, provider_unit__kind__in=HOME_BASED_KINDS,
        start__lte=january).order_by("pk").values_list("pk", "extent"))
    chosen = [pk for pk, extent in lines
              if rng.random() < STAY_SHARE or (extent or 0) > 100]  # every focus user
    pauses = []
    for pk in chosen:
        start = january + dt.timedelta(days=rng.randrange(max(1, (as_of - january).days - 30)))
        reason = rng.choices(list(ServicePause.Reason), weights=(6, 2, 2))[0]
        days = rng.randint(16, 30) if reason != ServicePause.Reason.PAUSED else rng.randint(7, 40)
        pauses.append(ServicePause(line_id=pk, reason=reason, start=start,
                                   end=min(as_of, start + dt.timedelta(days=days))))
    ServicePause.objects.bulk_create(pauses)


def _accounts(budget, as_of: dt.date, rng: random.Random) -> None:
    """Accounts for the closed months: a twelfth of the budget, some units over."""
    entries = []
    for unit in budget.units.select_related("provider_unit"):
        drift = Decimal(str(rng.choice([0.97, 1.0, 1.02, 1.13, 1.18, 1.23])))
        for month in months_of(as_of.year, 1, as_of.month - 1):
            noise = Decimal(str(round(rng.uniform(0.96, 1.04), 3)))
            amount = (unit.total / 12 * drift * noise).quantize(Decimal("0.01"))
            entries.append(AccountEntry(provider_unit=unit.provider_unit, month=month,
                                        kostra_function=KostraFunction.HOME, amount=amount,
                                        file_name="demo"))
    AccountEntry.objects.bulk_create(entries)
