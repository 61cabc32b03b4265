"""An indicator that names the services it reads (``Indicator.services``) gives the same
figures when the loader hands it only those services: the filter that keeps the dashboard's
first view small must never change a number."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tildel.rules import indicators as ind
from tildel.rules.indicators.facts import AssessmentFact, Facts, PathwayFact, ServiceSpell

SERVICES = ["hjemmesykepleie", "hverdagsrehabilitering", "praktisk-bistand",
            "praktisk-bistand-opplaering", "trygghetsalarm", "langtidsopphold", "miljotjeneste",
            "bpa"]
KINDS = ["home_nursing", "practical_help", "environmental", "institution", "other"]


def _facts(seed: int) -> Facts:
    rng = random.Random(seed)
    first = dt.date(2023, 1, 1)
    services, pathways, assessments = [], [], []
    for person in range(1, 200):
        birth = dt.date(rng.randint(1925, 1990), rng.randint(1, 12), 1)
        for n in range(rng.randint(1, 3)):
            start = first + dt.timedelta(days=rng.randint(0, 700))
            end = None if rng.random() < 0.5 else start + dt.timedelta(days=rng.randint(5, 400))
            line = person * 10 + n
            services.append(ServiceSpell(
                line, line, person, rng.choice(SERVICES), rng.choice(KINDS), start, start, end,
                rng.choice([None, 1.5, 4.0, 12.0, 30.0]), birth, rng.random() < 0.1,
                rng.randint(1, 3), 1, rng.randint(1, 4), rng.randint(1, 5)))
        if rng.random() < 0.3:
            start = first + dt.timedelta(days=rng.randint(0, 700))
            end = None if rng.random() < 0.3 else start + dt.timedelta(days=rng.randint(3, 90))
            pathways.append(PathwayFact(person, person, rng.choice([1, 2]), start,
                                        start + dt.timedelta(days=14), end,
                                        rng.choice(["", "no_further_services"]) if end else "",
                                        rng.randint(1, 3), 1, 1, 1))
        if rng.random() < 0.6:
            assessments.append(AssessmentFact(person, person, first + dt.timedelta(
                days=rng.randint(0, 700)), rng.random() < 0.1, rng.uniform(1, 5),
                rng.randint(1, 3), 1, 1))
    return Facts(covers=(first, dt.date(2024, 12, 31)), services=services, pathways=pathways,
                 assessments=assessments)


FILTERED = [i for i in ind.INDICATORS if i.services is not None]


@pytest.mark.parametrize("indicator", FILTERED, ids=lambda i: i.code)
@pytest.mark.parametrize("seed", [1, 2])
def test_filtering_the_services_does_not_change_the_figures(indicator, seed):
    facts = _facts(seed)
    periods = ind.windows(dt.date(2023, 1, 1), dt.date(2024, 12, 1), "tertial")
    everything = ind.evaluate(indicator, facts, periods, "district")
    only = Facts(covers=facts.covers, pathways=facts.pathways, assessments=facts.assessments,
                 services=[s for s in facts.services if s.service in indicator.services])
    filtered = ind.evaluate(indicator, only, periods, "district")
    assert [(v.window.key, v.group, v.category, v.numerator, v.denominator, v.status)
            for v in filtered] == [(v.window.key, v.group, v.category, v.numerator,
                                    v.denominator, v.status) for v in everything]
    assert any(v.numerator for v in everything)
