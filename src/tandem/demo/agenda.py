"""Demo agenda: a vision with history, ranked priorities, ~40 tasks with RACI, cycles, decisions."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity.models import Event
from tandem.agenda import cycles, decisions, priorities, service
from tandem.agenda.models import Status, Task, Vision
from tandem.agenda.service import Raciset
from tandem.db import utcnow
from tandem.demo.people import by_name
from tandem.workspace.models import Side

VISION = [
    ("Maya", "Know every customer as one person across store, web and app, and use that to serve them better.",
     ""),
    ("Daniel", "Marketing and technology run one customer agenda: every Northwind customer is known as one "
     "person across store, web and app, and every martech decision is made together, funded 18 months ahead.",
     "Joint wording agreed at the spring offsite"),
]

PRIORITIES = {
    Side.marketing: [
        ("Grow repeat purchases among first-year customers", "Second order within 90 days is our north star."),
        ("Personalise the app home screen by activity", "Hikers, climbers and runners see different gear."),
        ("Prove campaign return within one quarter", "Every campaign reports incremental revenue."),
        ("Launch the loyalty programme in two new countries", "Germany and the Netherlands in spring."),
    ],
    Side.technology: [
        ("One customer profile across all sources", "Resolve CRM, e-commerce and loyalty records into one id."),
        ("Retire the legacy email platform by Q3", "Its contract renews in September; migrate before."),
        ("Consent and privacy by design in every data flow", "Legal basis recorded per source, erasure in days."),
        ("Cut the time to answer a marketing data question", "From weeks of tickets to days, with safe SQL."),
    ],
}

ACKS = [  # (acknowledger, side of priority, index, restatement)
    ("Hannah", Side.marketing, 0, "Marketing needs us to tell first-year customers apart and see when they "
     "come back, so our profile work must flag the second order quickly."),
    ("Kenji", Side.marketing, 2, "Each campaign should have a measurable result within three months; the "
     "warehouse must join spend to orders so they can show it."),
    ("Lucas", Side.technology, 0, "Tech wants one id per shopper so we stop mailing the same person three "
     "times and can trust our segment counts."),
    ("Priya", Side.technology, 3, "They want our questions answered in days, so we should write questions "
     "clearly with the decision behind them."),
    ("Maya", Side.technology, 2, "Nothing we build should use a customer's data without a recorded reason, "
     "and a deletion request must be honoured everywhere fast."),
]

TASKS = [  # title, accountable, responsible, consulted, informed, status, due offset days, tags
    ("Map CRM fields to the canonical customer schema", "Hannah", ["Hannah"], ["Lucas"], ["Maya"], "done", -20, "data"),
    ("Define 'first-year customer' for reporting", "Ethan", ["Ethan"], ["Amara"], ["Priya"], "done", -18, "kpi"),
    ("Draft the loyalty data-sharing agreement for DE/NL", "Tom", ["Tom"], ["Sofia"], ["Daniel"], "doing", 10, "privacy"),
    ("Set junk-identifier rules for shared household emails", "Amara", ["Amara"], ["Hannah"], ["Lucas"], "doing", 5, "data"),
    ("Build the second-order-within-90-days dashboard", "Ethan", ["Ethan", "Hannah"], ["Priya"], ["Maya"], "todo", 14, "kpi"),
    ("Choose the replacement email platform shortlist", "Lucas", ["Lucas"], ["Kenji", "Tom"], ["Maya", "Daniel"], "doing", -3, "martech"),
    ("Export consent flags from the legacy email tool", "Hannah", ["Hannah"], ["Tom"], ["Lucas"], "blocked", -5, "privacy"),
    ("Write the business case for app personalisation", "Priya", ["Priya"], ["Kenji"], ["Grace"], "todo", 21, "martech"),
    ("Assess architecture fit of the personalisation engine", "Kenji", ["Kenji"], ["Priya"], ["Daniel"], "todo", 28, "martech"),
    ("Campaign tagging standard for incremental revenue", "Lucas", ["Lucas", "Ethan"], ["Hannah"], ["Maya"], "done", -10, "kpi"),
    ("Nickname table for identity matching", "Amara", ["Amara"], [], ["Hannah"], "done", -25, "data"),
    ("Quarterly joint review of martech spend", "Maya", ["Maya", "Daniel"], ["Oliver"], ["Grace"], "todo", 35, "planning"),
    ("Retire duplicate newsletter lists", "Sofia", ["Sofia"], ["Amara"], ["Lucas"], "doing", 3, "data"),
    ("Security review of the partner newsletter feed", "Tom", ["Tom"], ["Amara"], ["Kenji"], "todo", -1, "privacy"),
    ("Onboard the Berlin store's POS data", "Hannah", ["Hannah"], ["Amara"], ["Sofia"], "todo", 45, "data"),
    ("Agree the KPI for campaign return", "Maya", ["Ethan"], ["Daniel"], ["Grace"], "done", -30, "kpi"),
    ("Publish the data-management roles (owner, steward, custodian)", "Daniel", ["Amara"], ["Maya"], ["Lucas", "Hannah"], "done", -28, "governance"),
    ("Train marketers on the questions workflow", "Priya", ["Priya", "Amara"], [], ["Maya"], "todo", 18, "enablement"),
    ("Load historical orders into the warehouse", "Hannah", ["Hannah"], ["Ethan"], ["Priya"], "doing", 7, "data"),
    ("Decide on the app SDK for behavioural events", "Kenji", ["Kenji"], ["Priya", "Tom"], ["Daniel"], "blocked", -8, "martech"),
    ("Erasure runbook for customer deletion requests", "Tom", ["Tom", "Amara"], ["Hannah"], ["Maya"], "doing", 12, "privacy"),
    ("Refresh the brand segment definitions", "Sofia", ["Sofia"], ["Ethan"], [], "todo", 24, "segments"),
    ("Winter campaign audience: lapsed hikers", "Priya", ["Priya"], ["Ethan"], ["Sofia"], "doing", 2, "campaign"),
    ("Measure single-view coverage per source", "Amara", ["Hannah"], ["Ethan"], ["Daniel"], "todo", 16, "data"),
    ("Joint steering committee terms of reference", "Daniel", ["Daniel", "Maya"], ["Grace"], ["Oliver"], "done", -22, "governance"),
    ("Clean up UTM parameters on paid social", "Lucas", ["Lucas"], [], ["Ethan"], "done", -12, "campaign"),
    ("Connect loyalty app sign-ups to CRM", "Hannah", ["Hannah"], ["Lucas"], ["Priya"], "todo", -2, "data"),
    ("Budget estimate for FY27 martech roadmap", "Daniel", ["Kenji"], ["Maya", "Oliver"], ["Grace"], "todo", 40, "planning"),
    ("Customer interviews: why second orders stall", "Priya", ["Priya", "Sofia"], [], ["Maya"], "doing", 9, "research"),
    ("Set refresh cadence for partner data", "Amara", ["Amara"], ["Lucas"], [], "todo", 20, "data"),
    ("Email deliverability audit", "Lucas", ["Lucas"], ["Tom"], [], "done", -15, "martech"),
    ("Privacy notice update for loyalty expansion", "Tom", ["Tom"], ["Sofia", "Maya"], ["Grace"], "todo", 30, "privacy"),
    ("Prototype the app home-screen variants", "Kenji", ["Hannah"], ["Priya"], ["Maya"], "todo", 50, "martech"),
    ("Monthly alignment check-in: CMO & CIO", "Maya", ["Maya", "Daniel"], [], ["Grace"], "doing", 6, "planning"),
    ("Document the customer warehouse tables for analysts", "Hannah", ["Hannah"], ["Ethan"], ["Priya", "Lucas"], "todo", 15, "enablement"),
    ("Holiday gift-guide content calendar", "Sofia", ["Sofia"], [], ["Priya"], "done", -6, "campaign"),
    ("Retire the old CSV exports to agencies", "Kenji", ["Tom"], ["Lucas"], ["Daniel"], "todo", 60, "privacy"),
    ("A/B test checkout reminder emails", "Priya", ["Lucas"], ["Hannah"], [], "todo", -4, "campaign"),
    ("Agree survivorship rules for customer addresses", "Amara", ["Amara"], ["Lucas", "Hannah"], [], "doing", 4, "data"),
    ("Plan the next alignment survey wave", "Maya", ["Ethan"], ["Daniel"], ["Grace"], "todo", 25, "planning"),
]

COMMENTS = [
    (6, "Lucas", "@hannah.schulz the vendor says the consent export needs an admin key — can we get one this week?"),
    (6, "Hannah", "Asked Tom for the key; blocked until @tom.becker approves the access request."),
    (5, "Kenji", "Shortlist must support our SSO and an events API. @lucas.moreau can you add that column?"),
    (19, "Priya", "@kenji.watanabe which SDK keeps us under the app-size budget?"),
    (0, "Lucas", "Mapping looks right. Loyalty id is missing from half the CRM rows though."),
    (22, "Ethan", "Lapsed = no order in 18 months and at least two hiking purchases before."),
]

DECISIONS = [
    ("Form a joint martech steering committee", "Maya", "Daniel", -27,
     "Martech was bought by whoever had budget; tools overlapped.", "Status quo; CIO approval only; joint committee",
     "A joint committee meets monthly; a project needs one marketing and one technology approval.", [24]),
    ("Campaign return is measured as incremental revenue", "Maya", "Daniel", -29,
     "Last-click revenue overstated paid social.", "Last click; multi-touch model; holdout groups",
     "Holdout groups for major campaigns; incremental revenue is the KPI.", [15]),
    ("Replace the legacy email platform before renewal", "Lucas", "Kenji", -14,
     "Contract renews in September; the tool cannot consume consent flags.", "Renew; migrate to new vendor",
     "Migrate; shortlist by end of month.", [5, 6]),
    ("Customer data roles per source", "Maya", "Daniel", -26,
     "Nobody owned the partner newsletter data.", "IT owns all; marketing owns all; three roles",
     "Every source gets a business owner (marketing), a steward and a custodian (technology).", [16]),
]


def build(session: Session) -> None:
    if session.scalar(sa.select(Vision.id).limit(1)):
        return
    rng = random.Random(7)  # nosec B311  # demo data, not a secret
    who = by_name(session)
    today = dt.date.today()
    for name, text, note in VISION:
        priorities.set_vision(session, who[name], text=text, note=note)
    ids: dict[Side, list[int]] = {}
    for side, items in PRIORITIES.items():
        author = who["Maya"] if side is Side.marketing else who["Daniel"]
        ids[side] = [priorities.add_priority(session, author, side=side, title=t, description=d).id for t, d in items]
    for name, side, index, text in ACKS:
        priorities.acknowledge(session, who[name], priority_id=ids[side][index], restatement=text)
    past = cycles.plan_cycle(session, who["Daniel"], name="Cycle 7 — data foundations", goal="CRM and loyalty "
                             "records map to one schema", starts_on=today - dt.timedelta(days=35), weeks=3)
    current = cycles.plan_cycle(session, who["Maya"], name="Cycle 8 — first-year customers", goal="See and act "
                                "on second orders", starts_on=today - dt.timedelta(days=7), weeks=2)
    nxt = cycles.plan_cycle(session, who["Maya"], name="Cycle 9 — personalisation groundwork", goal="Decide "
                            "the app personalisation approach", starts_on=today + dt.timedelta(days=7), weeks=2)
    task_ids = []
    for i, (title, acc, resp, cons, inf, status, due, tags) in enumerate(TASKS):
        creator = who[acc]
        cycle_id = past.id if due < -14 else current.id if due < 10 else nxt.id if due < 20 else None
        task = service.create_task(
            session, creator if creator.role != "viewer" else who["Maya"], title=title,
            raci=Raciset(who[acc].id, [who[r].id for r in resp], [who[c].id for c in cons],
                         [who[n].id for n in inf]),
            due_on=today + dt.timedelta(days=due), tags=tags, cycle_id=cycle_id,
            description="" if i % 3 else f"Part of our joint agenda. Owner: @{who[acc].handle}.")
        task_ids.append(task.id)
        if status != "todo":
            service.set_status(session, who[resp[0]], task_id=task.id,
                               status=Status.doing if status in ("done", "blocked") and rng.random() < 0.5
                               else Status(status))
            if status in ("done", "blocked"):
                service.set_status(session, who[resp[0]], task_id=task.id, status=Status(status))
    for index, name, body in COMMENTS:
        service.add_comment(session, who[name], task_id=task_ids[index], body=body)
    cycles.start_cycle(session, who["Daniel"], cycle_id=past.id)
    cycles.close_cycle(session, who["Daniel"], cycle_id=past.id, move_to_cycle_id=current.id,
                       review="CRM and loyalty map to the canonical schema. Junk-identifier rules slipped; "
                       "they move on to cycle 8.")
    cycles.start_cycle(session, who["Maya"], cycle_id=current.id)
    for title, mk, tech, days, context, options, outcome, links in DECISIONS:
        decisions.record_decision(
            session, who["Maya"], title=title, outcome=outcome, context=context, options=options,
            decided_on=today + dt.timedelta(days=days), marketing_decider_id=who[mk].id,
            technology_decider_id=who[tech].id, task_ids=[task_ids[i] for i in links])
    _spread_history(session, days=42)


def _spread_history(session: Session, *, days: int) -> None:
    """Place the demo's activity over the past weeks, in order, so feeds and digests look lived-in."""
    events = list(session.scalars(sa.select(Event).order_by(Event.id)))
    now = utcnow()
    span = dt.timedelta(days=days)
    for i, event in enumerate(events):
        event.at = now - span + span * (i / max(len(events), 1))
    tasks = session.scalars(sa.select(Task)).all()
    for task in tasks:
        first = next((e.at for e in events if e.object_type == "task" and e.object_id == task.id), now)
        task.created_at = first
