"""KPIs read from the Questions module: an answer query per period, and the median time to answer."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import questions as qf
from factories.scorecard import kpi
from factories.workspace import person
from tandem.errors import RuleViolation
from tandem.questions import answers
from tandem.questions import service as questions
from tandem.scorecard import breaches, values
from tandem.scorecard.models import Status
from tandem.workspace.models import Role, Side

ORDERS = ("SELECT count(*) AS orders FROM events WHERE event_type = 'order' "
          "AND occurred_at >= $period_start AND occurred_at < $period_end")
PERIOD_PARAMS = [{"name": "period_start", "type": "date"}, {"name": "period_end", "type": "date"}]


@pytest.fixture
def techie(session):
    return person(session, side=Side.technology, role=Role.member)


def test_an_answer_query_computes_one_number_per_period(session, settings, techie):
    qf.warehouse(settings)
    a = qf.answer(session, techie, title="Orders per month", sql=ORDERS, params=PERIOD_PARAMS)
    k = kpi(session, techie, name="Orders", unit="orders", source="answer", answer_id=a.id, target=100,
            warning=50, critical=10)
    march = values.compute(session, settings, techie, kpi_id=k.id, period="2025-03", today=dt.date(2026, 1, 1))[0]
    april = values.compute(session, settings, techie, kpi_id=k.id, period="2025-04", today=dt.date(2026, 1, 1))[0]
    assert march.value.value > 0 and april.value.value > 0 and march.value.detail == f"answer #{a.id}"
    assert march.value.status is Status.on_track or march.value.value < 100
    empty = values.compute(session, settings, techie, kpi_id=k.id, period="2020-01", today=dt.date(2026, 1, 1))[0]
    assert empty.value is not None and empty.value.value == 0  # count(*) of nothing is a real zero


def test_an_answer_returning_text_is_refused_with_the_field(session, settings, techie):
    qf.warehouse(settings)
    a = qf.answer(session, techie, title="Not a number", sql="SELECT 'many' AS n")
    k = kpi(session, techie, source="answer", answer_id=a.id)
    with pytest.raises(RuleViolation) as err:
        values.compute(session, settings, techie, kpi_id=k.id, today=dt.date(2026, 1, 1))
    assert err.value.field == "answer_id"


def test_one_broken_kpi_does_not_stop_computing_the_others(session, settings, techie):
    qf.warehouse(settings)
    broken = kpi(session, techie, name="Broken", source="answer",
                 answer_id=qf.answer(session, techie, title="Words", sql="SELECT 'many' AS n").id)
    fine = kpi(session, techie, name="Horizon", source="builtin", measure="funding_horizon", target=18, warning=12,
               critical=6)
    outcomes = {o.kpi.id: o for o in values.compute(session, settings, techie, today=dt.date(2026, 1, 1))}
    assert outcomes[broken.id].message.startswith("not computed: Answer") and outcomes[broken.id].value is None
    assert outcomes[fine.id].message == "computed" and outcomes[fine.id].value.value == 0
    due = {o.kpi.id: o.message for o in values.run_due(session, settings, techie, today=dt.date(2026, 1, 1))}
    assert due[broken.id].startswith("not computed") and due[fine.id] in ("computed", "unchanged")


def test_median_time_to_answer_breaches_a_lower_is_better_kpi(session, settings, techie):
    qf.warehouse(settings)
    marketer = person(session, side=Side.marketing, role=Role.member)
    lead = person(session, side=Side.technology, role=Role.lead)
    q = qf.question(session, marketer)
    a = qf.answer(session, techie, question_id=q.id)
    answers.run_answer(session, techie, settings, answer_id=a.id)
    questions.mark_answered(session, lead, question_id=q.id)
    k = kpi(session, techie, name="Time to answer", source="builtin", measure="time_to_answer", unit="h",
            direction="lower", target=-2, warning=-1, critical=0)  # anything above 0 h is off track
    [outcome] = values.compute(session, settings, techie, kpi_id=k.id, today=dt.date.today())
    assert outcome.value is not None and outcome.value.value >= 0
    assert outcome.value.status is (Status.off_track if outcome.value.value > 0 else Status.at_risk)
    assert breaches.open_breach(session, k.id) is not None
