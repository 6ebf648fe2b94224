"""Demo scorecard: twelve martech KPIs at Northwind with six periods of history.

Four read Tandem's own measures (single-view coverage, median time to answer, the Pulse alignment
index, the funding horizon); the current period of those is computed from the demo's data, the
earlier periods are back-filled by hand from the monthly steering-committee pack (each such value
says so in its note). KPIs computed from an answer query use the Questions demo's answers when
they exist. Campaign ROI and email deliverability slide off track in the latest month, so each has
an open corrective-action task, and the funding horizon (computed from the portfolio) is at risk
with one. KPIs that slipped earlier and recovered had their tasks marked for closure; their owners
closed them with a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.agenda import service as agenda
from tandem.agenda.models import Status
from tandem.config import get_settings
from tandem.demo.people import by_name
from tandem.questions import answers as questions_answers
from tandem.scorecard import breaches, service, values
from tandem.scorecard.models import Kpi, PeriodKind
from tandem.scorecard.rules import Period

BACKFILL = "Back-filled from the monthly steering-committee pack"

# name, owner, responsible, dimension, unit, direction, period, goal, source, description, six values (oldest first)
KPIS: list[tuple[str, str, str | None, str, str, str, str, dict[str, float], dict[str, Any], str, list[float]]] = [
    ("Single-view coverage", "Amara", "Hannah", "data", "%", "higher", "month",
     {"target": 60, "warning": 45, "critical": 30}, {"source": "builtin", "measure": "single_view_coverage"},
     "Share of source records whose customer profile joins at least two sources: how single the customer view is.",
     [31, 34, 38, 41, 44]),
    ("Median time to answer", "Hannah", None, "process", "h", "lower", "month",
     {"target": 72, "warning": 120, "critical": 240}, {"source": "builtin", "measure": "time_to_answer"},
     "Hours between marketing asking a question of the customer data and technology answering it.",
     [210, 180, 150, 118, 96]),
    ("Alignment index", "Grace", "Maya", "people", "pts", "higher", "quarter",
     {"target": 80, "warning": 70, "critical": 60}, {"source": "builtin", "measure": "alignment_index"},
     "Pulse's overall alignment between marketing and technology, per quarterly wave.",
     [58, 61, 66, 72, 76]),
    ("Funding horizon", "Daniel", "Kenji", "process", "months", "higher", "month",
     {"target": 18, "warning": 12, "critical": 9}, {"source": "builtin", "measure": "funding_horizon"},
     "How far ahead approved martech projects are funded; the most effective teams fund 18 months or more.",
     [13, 14, 15, 13, 12]),
    ("Campaigns run through the automation platform", "Lucas", None, "technology", "%", "higher", "month",
     {"target": 80, "warning": 65, "critical": 50}, {"source": "manual"},
     "Adoption: share of outbound campaigns built and sent in the marketing automation platform.",
     [52, 58, 63, 69, 74, 78]),
    ("Campaign ROI", "Priya", "Ethan", "process", "x", "higher", "month",
     {"target": 3.0, "warning": 2.5, "critical": 2.0}, {"source": "manual"},
     "Attributed revenue per euro of campaign spend (last-touch, 30-day window).",
     [3.1, 3.3, 2.9, 2.7, 2.4, 1.8]),
    ("Email deliverability", "Tom", "Hannah", "technology", "%", "higher", "month",
     {"target": 98, "warning": 96, "critical": 94}, {"source": "manual"},
     "Share of sent emails accepted by the receiving servers.",
     [98.6, 98.4, 98.1, 97.2, 96.5, 92.8]),
    ("Records quarantined at ingestion", "Amara", None, "data", "%", "lower", "month",
     {"target": 1, "warning": 2, "critical": 4}, {"source": "manual"},
     "Data quality: share of incoming source rows quarantined with a reason instead of loaded.",
     [3.1, 2.6, 1.9, 1.4, 1.2, 0.9]),
    ("Consent coverage", "Tom", None, "data", "%", "higher", "month",
     {"target": 95, "warning": 90, "critical": 80}, {"source": "manual"},
     "Share of marketable profiles with a recorded legal basis for email.",
     [93, 86, 91, 94, 96, 97]),
    ("Martech spend against budget", "Daniel", "Maya", "process", "%", "band", "month",
     {"band_lower": 95, "band_upper": 105, "warning": 3, "critical": 8}, {"source": "manual"},
     "Actual martech spend as a share of the committed budget: neither overspent nor left idle.",
     [91, 97, 102, 104, 99, 101]),
    ("Web conversion rate", "Priya", None, "process", "%", "higher", "month",
     {"target": 3.0, "warning": 2.6, "critical": 2.2}, {"source": "manual"},
     "Sessions ending in an order, across web and app.",
     [2.7, 2.8, 2.9, 3.0, 3.1, 3.1]),
    ("Joint roadmap items on time", "Kenji", "Lucas", "people", "%", "higher", "month",
     {"target": 80, "warning": 70, "critical": 55}, {"source": "manual"},
     "Roadmap items owned jointly by marketing and technology delivered in their planned quarter.",
     [62, 66, 71, 75, 78, 83]),
]

# (answer title the Questions demo provides, KPI name, unit, goal, five back-filled months). The answer
# returns one number for the warehouse as it stands, so only the current month is computed from it.
CLOSING = {  # what the owner wrote when closing a recovered KPI's task
    "Consent coverage": "Consent banner fixed on the app; coverage is back above 90%. Closing.",
    "Single-view coverage": "The loyalty and web sources now resolve into the profiles; coverage well above target.",
    "Alignment index": "The joint steering committee and shared roadmap closed the gap; closing.",
    "Campaigns run through the automation platform": "Agency campaigns moved onto the platform; closing.",
    "Records quarantined at ingestion": "CRM export fixed at the source; quarantine back under 2%.",
    "Joint roadmap items on time": "Quarterly joint planning in place; on time again.",
    "Martech spend against budget": "Licences re-phased with finance; spend back inside the band.",
}

ANSWER_KPIS = [
    ("Repeat purchase rate", "Repeat purchase rate", "%", {"target": 65, "warning": 55, "critical": 45},
     [61.0, 62.5, 64.0, 66.0, 67.5]),
]


def _periods(kind: PeriodKind, today: dt.date, n: int) -> list[Period]:
    now = Period.of(kind, today)
    return [now.shift(i - n + 1) for i in range(n)]


def build(session: Session) -> None:
    if session.scalar(sa.select(Kpi.id).limit(1)):
        return
    who = by_name(session)
    today = dt.date.today()
    settings = get_settings()
    for name, owner, responsible, dim, unit, direction, kind, goal, source, text, history in KPIS:
        person = who[owner]
        kpi = service.define_kpi(
            session, person, name=name, owner_id=person.id, responsible_id=who[responsible].id if responsible else None,
            dimension=dim, unit=unit, direction=direction, period_kind=kind, description=text, **goal, **source)
        periods = _periods(PeriodKind(kind), today, 6)
        for period, number in zip(periods, history, strict=False):
            note = BACKFILL if source["source"] != "manual" else ""
            values.record_value(session, person, kpi_id=kpi.id, period=period.key, value=number, note=note, today=today)
        if source["source"] != "manual":
            values.compute(session, settings, person, kpi_id=kpi.id, period=periods[-1].key, today=today)
        _close_recovered(session, person, kpi.id, CLOSING.get(name, "Back on track; closing."))
    _answer_kpis(session, who, settings, today)


def _close_recovered(session: Session, owner: Any, kpi_id: int, note: str) -> None:
    """Earlier breaches that recovered: the owner read “ready to close” on the task and closed it."""
    for breach in breaches.list_breaches(session, kpi_id=kpi_id):
        if breach.open_kpi_id is None and breach.task_id:
            agenda.add_comment(session, owner, task_id=breach.task_id, body=note)
            agenda.set_status(session, owner, task_id=breach.task_id, status=Status.done)


def _answer_kpis(session: Session, who: dict[str, Any], settings: Any, today: dt.date) -> None:
    """KPIs computed from the Questions demo's answers, when it made them."""
    titles = {a.title: a.id for a in questions_answers.list_answers(session)}
    for title, name, unit, goal, history in ANSWER_KPIS:
        if title not in titles:
            continue
        owner = who["Priya"]
        kpi = service.define_kpi(session, owner, name=name, owner_id=owner.id, responsible_id=who["Hannah"].id,
                                 dimension="data", unit=unit, direction="higher", period_kind="month",
                                 source="answer", answer_id=titles[title],
                                 description=f"Computed from the answer “{title}” over the customer warehouse.",
                                 **goal)
        periods = _periods(PeriodKind.month, today, 6)
        for period, number in zip(periods, history, strict=False):
            values.record_value(session, owner, kpi_id=kpi.id, period=period.key, value=number, note=BACKFILL,
                                today=today)
        values.compute(session, settings, owner, kpi_id=kpi.id, period=periods[-1].key, today=today)
