"""Demo Pulse: three quarterly waves at Northwind with different, realistic gap patterns.

Q1 2026 looks like the 2014 research: marketing thinks it understands martech, technology
thinks the CIO is engaged, and data roles and the steering committee are seen very differently.
Tasks are proposed from Q1's largest gaps; by Q2 the CIO-engagement and steering-committee gaps
have closed while a new one opens on technology's resources for martech. Q3 is mostly aligned,
except that the single customer view now divides the sides the other way round. One statement
is reworded and one retired before Q3, so the versioning shows too.

The company has 13 people, far too few for cuts of 5 per side and statement, so each wave adds
synthetic anonymous respondents through the sides' public links; every wave's note says so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.agenda import service as agenda
from tandem.agenda.models import Status
from tandem.demo.people import by_name
from tandem.pulse import actions, bank, invitations, reports, responses, service
from tandem.pulse.models import Level, Wave
from tandem.workspace.models import Side

SYNTHETIC = {Side.marketing: 22, Side.technology: 20, Side.executive: 4}
NOTE = ("Demo data: answers from Northwind's {named} named people plus {synthetic} synthetic anonymous "
        "respondents ({mk} marketing, {tech} technology, {ex} executive) generated so that cuts pass the "
        "threshold of 5. Real waves have only real respondents.")

# (marketing, technology) probability of agreeing, per wave; everything else uses BASE with a small tilt.
BASE = {"Q1 2026": (0.50, 0.55), "Q2 2026": (0.60, 0.62), "Q3 2026": (0.70, 0.70)}
PATTERNS: dict[str, dict[str, tuple[float, float]]] = {
    "Q1 2026": {
        "people.marketing_understands_martech": (0.85, 0.30), "people.cio_engaged": (0.30, 0.85),
        "data.roles_rationalised": (0.25, 0.75), "process.steering_committee": (0.20, 0.70),
        "people.mutual_respect": (0.60, 0.68), "data.single_customer_view": (0.35, 0.45),
    },
    "Q2 2026": {
        "people.marketing_understands_martech": (0.80, 0.55), "people.cio_engaged": (0.75, 0.80),
        "data.roles_rationalised": (0.30, 0.78), "process.steering_committee": (0.72, 0.70),
        "technology.resources_dedicated": (0.20, 0.78), "data.single_customer_view": (0.50, 0.50),
    },
    "Q3 2026": {
        "people.marketing_understands_martech": (0.78, 0.70), "people.cio_engaged": (0.80, 0.82),
        "data.roles_rationalised": (0.70, 0.76), "technology.resources_dedicated": (0.50, 0.75),
        "data.single_customer_view": (0.90, 0.20), "people.trust": (0.80, 0.75),
    },
}
LEVEL_OF_SYNTHETIC_LEADERS = 0.2


def _scores(rng: np.random.Generator, probabilities: list[float]) -> list[int]:
    agree = rng.random(len(probabilities)) < np.asarray(probabilities)
    high = np.where(rng.random(len(probabilities)) < 0.4, 5, 4)
    low = rng.choice([1, 2, 3], size=len(probabilities), p=[0.15, 0.45, 0.40])
    return [int(s) for s in np.where(agree, high, low)]


def _probabilities(wave: str, side: Side, codes: list[str], rng: np.random.Generator) -> list[float]:
    mk, tech = BASE[wave]
    base = {Side.marketing: mk, Side.technology: tech, Side.executive: (mk + tech) / 2 + 0.05}[side]
    out = []
    for code in codes:
        pair = PATTERNS[wave].get(code)
        if pair is None:
            out.append(float(np.clip(base + rng.normal(0, 0.06), 0.05, 0.95)))
        else:
            out.append(pair[0] if side is Side.marketing else pair[1] if side is Side.technology else sum(pair) / 2)
    return out


def _answer_wave(session: Session, wave: Wave, rng: np.random.Generator) -> None:
    items = service.wave_items(session, wave.id)
    codes = [i.code for i in items]
    people = by_name(session)
    for p in sorted(people.values(), key=lambda p: p.id):
        if p.name.startswith("Oliver"):
            continue  # one person never answers, as in every real survey
        ticket = invitations.ticket_for(session, p, today=dt.date.today())
        scores = _scores(rng, _probabilities(wave.name, Side(p.side), codes, rng))
        responses.submit(session, ticket, answers={i.id: s for i, s in zip(items, scores, strict=True)})
    maya = people["Maya"]
    for side, count in SYNTHETIC.items():
        ticket = invitations.resolve(session, invitations.public_link(session, maya, wave_id=wave.id, side=side),
                                     today=dt.date.today())
        for n in range(count):
            scores = _scores(rng, _probabilities(wave.name, side, codes, rng))
            level = Level.leader if rng.random() < LEVEL_OF_SYNTHETIC_LEADERS else Level.staff
            comment = _COMMENTS[side][(n // 4 + len(wave.name)) % len(_COMMENTS[side])] if n % 4 == 0 else ""
            responses.submit(session, ticket, answers={i.id: s for i, s in zip(items, scores, strict=True)},
                             level=level, comment=comment)


_COMMENTS = {
    Side.marketing: ["We only hear about platform changes after they ship.",
                     "The steering committee finally gives us a say in what gets built.",
                     "Getting a customer list still takes a ticket and two weeks.",
                     "Data ownership is unclear: who fixes a wrong address?"],
    Side.technology: ["Marketing buys tools first and asks about integration later.",
                      "The shared backlog helps; priorities no longer change weekly.",
                      "We need marketing to define the questions before we build pipelines.",
                      "Martech requests arrive without a business case."],
    Side.executive: ["Both sides now present one plan to the board."],
}


def build(session: Session) -> None:
    """Add the three demo waves once (a no-op when they are already there)."""
    if session.scalar(sa.select(Wave.id).where(Wave.name.in_(list(BASE)))):
        return
    people = by_name(session)
    maya, alex = people["Maya"], people["Alex"]
    rng = np.random.default_rng(2026)
    named = len(people) - 1
    note = NOTE.format(named=named, synthetic=sum(SYNTHETIC.values()), mk=SYNTHETIC[Side.marketing],
                       tech=SYNTHETIC[Side.technology], ex=SYNTHETIC[Side.executive])
    for number, name in enumerate(BASE):
        if name == "Q3 2026":
            bank.reword_item(session, alex, code="people.trust",
                             wording="I trust the other side to deliver what it commits to, on time.")
            bank.retire_item(session, alex, code="process.shared_todo")
        wave = service.open_wave(session, maya, name=name, note=note)
        _answer_wave(session, wave, rng)
        if name != "Q3 2026":
            service.close_wave(session, maya, wave_id=wave.id)
        for row in reports.wave_report(session, wave).bottlenecks[: 3 - number]:
            action = actions.propose_task(session, maya, wave_id=wave.id, item_id=row.item.id)
            if name == "Q1 2026" and action.task_id:
                agenda.set_status(session, maya, task_id=action.task_id, status=Status.done)
