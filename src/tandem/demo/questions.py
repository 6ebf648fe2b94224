"""Demo questions: about twenty of marketing's questions in every state, answered from the demo warehouse.

Answers are real queries over the demo customers (bar, line, funnel, number and table charts), run
through the sandbox like any other; one answer becomes the "Lapsed buyers" segment, another answer
reads that segment, and insights become agenda tasks (one of them done, so its question is acted
on). Ask and answer times are set back in time so the time-to-accept and time-to-answer figures
look like a few months of use. Without a warehouse (TANDEM_DEMO_CUSTOMERS=0) the questions and
answers are still made, but nothing runs.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.agenda import service as agenda
from tandem.agenda.models import Status
from tandem.config import get_settings
from tandem.customer.warehouse import Warehouse
from tandem.db import utcnow
from tandem.demo.people import by_name
from tandem.questions import answers, insights, segments, service
from tandem.questions.models import Priority, Question, Schedule
from tandem.workspace.models import Person

MONTHLY_NEW = ("SELECT date_trunc('month', first_seen::TIMESTAMP)::DATE AS month, count(*) AS new_customers\nFROM profiles\n"
               "WHERE first_seen >= $since\nGROUP BY 1\nORDER BY 1")
ORDERS = ("SELECT date_trunc('month', occurred_at::TIMESTAMP)::DATE AS month, count(*) AS orders, round(sum(value))::BIGINT AS revenue\n"
          "FROM events\nWHERE event_type = 'order' AND occurred_at >= $since\nGROUP BY 1\nORDER BY 1")
# The profile traits (e-mail opens, clicks, orders) are computed by the pipeline, so the funnel reads one
# row per customer instead of grouping ten million events.
FUNNEL = ("SELECT stage, customers FROM (\n"
          "  SELECT 1 AS step, 'Reachable by e-mail' AS stage, count(*) FILTER (WHERE email IS NOT NULL) AS customers\n"
          "  FROM profiles\n"
          "  UNION ALL SELECT 2, 'Opened an e-mail', count(*) FILTER (WHERE email IS NOT NULL AND email_opens > 0)\n"
          "  FROM profiles\n"
          "  UNION ALL SELECT 3, 'Clicked', count(*) FILTER (WHERE email IS NOT NULL AND email_opens > 0\n"
          "    AND email_clicks > 0) FROM profiles\n"
          "  UNION ALL SELECT 4, 'Ordered', count(*) FILTER (WHERE email IS NOT NULL AND email_opens > 0\n"
          "    AND email_clicks > 0 AND order_count > 0) FROM profiles\n"
          ") ORDER BY step")
SINGLE_VIEW = "SELECT count(*) AS customers_in_3_or_more_sources\nFROM profiles\nWHERE source_count >= 3"
REPEAT = ("SELECT round(100.0 * count(*) FILTER (WHERE order_count >= 2) / nullif(count(*) FILTER "
          "(WHERE order_count >= 1), 0), 1) AS repeat_rate_pct\nFROM profiles")
TOP = ("SELECT customer_id, city, country, order_count, round(lifetime_value, 2) AS lifetime_value\nFROM profiles\n"
       "WHERE lifetime_value >= $min_value\nORDER BY lifetime_value DESC\nLIMIT 100")
LAPSED = ("SELECT customer_id, last_seen, order_count, lifetime_value\nFROM profiles\n"
          "WHERE order_count >= 2 AND last_seen < $cutoff")
LAPSED_BY_COUNTRY = ("SELECT p.country, count(*) AS lapsed_buyers, round(sum(p.lifetime_value))::BIGINT AS value_at_stake\n"
                     "FROM segments s JOIN profiles p USING (customer_id)\nWHERE s.segment = 'Lapsed buyers'\n"
                     "GROUP BY 1\nORDER BY 2 DESC")
PLATFORMS = ("SELECT json_extract_string(attributes, '$.platform') AS platform, count(*) AS sessions\nFROM events\n"
             "WHERE event_type = 'session'\nGROUP BY 1\nORDER BY 2 DESC")
CAMPAIGNS = ("SELECT json_extract_string(attributes, '$.campaign_name') AS campaign, count(*) FILTER (WHERE "
             "event_type = 'open') AS opens, count(*) FILTER (WHERE event_type = 'click') AS clicks\nFROM events\n"
             "WHERE event_type IN ('open', 'click')\nGROUP BY 1\nORDER BY clicks DESC\nLIMIT 12")
SINCE = [{"name": "since", "type": "date", "default": "2024-01-01"}]

# title, asker, decision, priority, state, owner, days ago asked, hours to accept, hours to answer, answer
QUESTIONS: list[tuple[str, str, str, Priority, str, str, int, float, float, tuple | None]] = [
    ("How many new customers do we win each month?", "Maya", "Whether the acquisition budget for next year grows",
     Priority.high, "acted_on", "Hannah", 70, 5, 30,
     ("New customers by month", MONTHLY_NEW, SINCE, {"type": "line", "x": "month", "y": ["new_customers"]})),
    ("Are orders and revenue growing month on month?", "Priya", "How much stock to commit for the summer season",
     Priority.urgent, "answered", "Hannah", 55, 2, 20,
     ("Orders and revenue by month", ORDERS, SINCE, {"type": "bar", "x": "month", "y": ["orders"]})),
    ("Where do customers drop out of our e-mail journey?", "Lucas", "Which step of the newsletter to redesign first",
     Priority.high, "acted_on", "Kenji", 48, 8, 52,
     ("E-mail funnel: reachable → opened → clicked → ordered", FUNNEL, [],
      {"type": "funnel", "x": "stage", "y": ["customers"]})),
    ("How many customers do three or more of our systems know?", "Maya", "Whether the single-view project is on track",
     Priority.medium, "answered", "Amara", 40, 20, 70,
     ("Customers known to 3+ sources", SINGLE_VIEW, [], {"type": "number"})),
    ("What share of buyers come back for a second order?", "Priya", "Whether to fund a loyalty programme",
     Priority.high, "answered", "Hannah", 33, 3, 26,
     ("Repeat purchase rate", REPEAT, [], {"type": "number"})),
    ("Who are our most valuable customers?", "Sofia", "Who gets the invitation to the spring preview event",
     Priority.medium, "answered", "Ethan", 28, 1.5, 9,
     ("Top customers by lifetime value", TOP, [{"name": "min_value", "type": "number", "default": 500}],
      {"type": "table"})),
    ("Which loyal buyers have gone quiet?", "Maya", "Whether to run a win-back campaign before summer",
     Priority.urgent, "answered", "Hannah", 21, 1, 18,
     ("Lapsed buyers", LAPSED, [{"name": "cutoff", "type": "date", "default": "2025-05-01"}], {"type": "table"})),
    ("Where do the lapsed buyers live, and what are they worth?", "Lucas", "Which countries the win-back targets",
     Priority.high, "answered", "Ethan", 14, 2, 22,
     ("Lapsed buyers by country", LAPSED_BY_COUNTRY, [], {"type": "bar", "x": "country", "y": ["lapsed_buyers"]})),
    ("Do customers shop on the app or on the web?", "Priya", "Whether the app gets a bigger share of the budget",
     Priority.medium, "accepted", "Tom", 9, 30, 0,
     ("Sessions by platform", PLATFORMS, [], {"type": "bar", "x": "platform", "y": ["sessions"]})),
    ("Which campaigns got clicks, not just opens?", "Lucas", "Which creative agency we renew",
     Priority.medium, "accepted", "Kenji", 6, 12, 0,
     ("Campaign engagement", CAMPAIGNS, [], {"type": "bar", "x": "campaign", "y": ["opens", "clicks"]})),
    ("How long does a first-time buyer take to order again?", "Priya", "Timing of the post-purchase e-mails",
     Priority.medium, "accepted", "Hannah", 5, 26, 0, None),
    ("Which stores' catchment areas have the most online customers?", "Sofia", "Where to open the next pop-up store",
     Priority.low, "accepted", "Amara", 4, 50, 0, None),
    ("Do customers who read the newsletter spend more?", "Lucas", "Whether the newsletter keeps its budget",
     Priority.high, "asked", "", 3, 0, 0, None),
    ("How many customers have opted out of e-mail this quarter?", "Maya", "Whether the frequency cap needs changing",
     Priority.medium, "asked", "", 2, 0, 0, None),
    ("Which product categories do hikers buy together?", "Sofia", "Bundles for the autumn catalogue",
     Priority.low, "asked", "", 2, 0, 0, None),
    ("What is the average order value by country?", "Priya", "Free-shipping threshold per market",
     Priority.medium, "asked", "", 1, 0, 0, None),
    ("How many customers did the partner newsletter bring us?", "Grace", "Whether to renew the data-sharing agreement",
     Priority.high, "asked", "", 0, 0, 0, None),
    ("Can we see competitors' customers who visit our site?", "Lucas", "Conquest targeting",
     Priority.low, "declined", "Tom", 30, 4, 0, None),
    ("What do customers say about us on social media?", "Sofia", "Brand campaign messaging",
     Priority.medium, "declined", "Kenji", 25, 6, 0, None),
    ("Do app users order more often than web users?", "Priya", "Whether the app gets a bigger share of the budget",
     Priority.medium, "merged", "", 8, 0, 0, None),
]
DECLINE = {"Can we see competitors' customers who visit our site?": "We cannot identify other companies' customers, "
           "and profiling visitors that way has no legal basis under our consent terms.",
           "What do customers say about us on social media?": "Social listening is not in the customer warehouse; "
           "the social-media tool proposal in the portfolio covers it."}


def _answer(session: Session, people: dict, q: Question, owner: str, spec: tuple, ran: bool) -> int:
    title, sql, params, chart = spec
    settings = get_settings()
    a = answers.create_answer(session, people[owner], title=title, sql=sql, question_id=q.id, params=params,
                              chart=chart, schedule=Schedule.daily if "month" in sql else Schedule.none)
    if ran:
        answers.run_answer(session, people[owner], settings, answer_id=a.id)
    return a.id


def _segment(session: Session, owner: Person, answer_id: int) -> None:
    """Lapsed buyers, refreshed monthly as the cut-off moved on: three real refreshes, dated a month apart."""
    settings = get_settings()
    segment = segments.save_segment(session, owner, settings, answer_id=answer_id, name="Lapsed buyers",
                                    description="Bought twice or more, not seen since the cut-off date.")
    version = answers.get_version(session, answer_id)
    for cutoff in ("2025-06-01", "2025-07-01"):
        answers.save_version(session, owner, answer_id=answer_id, sql=version.sql, chart=version.chart,
                             params=[{"name": "cutoff", "type": "date", "default": cutoff}],
                             note=f"cut-off moved to {cutoff}")
        segments.refresh_segment(session, owner, settings, segment_id=segment.id)
    answers.run_answer(session, owner, settings, answer_id=answer_id)
    snaps = segments.list_segments(session, answer_id=answer_id)[0].history
    for months_ago, snap in zip((2, 1, 0), snaps, strict=False):
        snap.taken_at = snap.taken_at - dt.timedelta(days=30 * months_ago)


def build(session: Session) -> None:
    if session.scalar(sa.select(Question.id).limit(1)) is not None:
        return
    people = by_name(session)
    settings = get_settings()
    ran = Warehouse(settings.warehouse_path).current() is not None
    now = utcnow()
    made: dict[str, tuple[Question, int | None]] = {}
    for title, asker, decision, prio, state, owner, days, h_accept, h_answer, spec in QUESTIONS:
        q = service.ask(session, people[asker], title=title, decision=decision, priority=prio,
                        needed_by=(now + dt.timedelta(days=30 - days)).date())
        answer_id = None
        if state in ("accepted", "answered", "acted_on", "declined"):
            service.accept(session, people[owner], question_id=q.id)
        if spec is not None:
            answer_id = _answer(session, people, q, owner, spec, ran)
            if spec[0] == "Lapsed buyers" and ran:  # the segment the next answer reads
                _segment(session, people[owner], answer_id)
        if state in ("answered", "acted_on") and ran:
            service.mark_answered(session, people[owner], question_id=q.id)
        if state == "declined":
            service.decline(session, people[owner], question_id=q.id, reason=DECLINE[title])
        q.created_at = now - dt.timedelta(days=days, hours=3)
        q.accepted_at = q.created_at + dt.timedelta(hours=h_accept) if q.accepted_at else None
        q.answered_at = q.accepted_at + dt.timedelta(hours=h_answer) if q.answered_at and q.accepted_at else None
        made[title] = (q, answer_id)
    _votes_and_comments(session, people, made)
    if ran:
        _insights(session, people, made)


def _votes_and_comments(session: Session, people: dict, made: dict[str, tuple[Question, int | None]]) -> None:
    voters = ["Maya", "Lucas", "Priya", "Sofia", "Ethan", "Grace", "Daniel"]
    for i, (q, _) in enumerate(made.values()):
        for name in voters[: (i * 5) % 7]:
            service.vote(session, people[name], question_id=q.id)
    merged, kept = made["Do app users order more often than web users?"][0], made[
        "Do customers shop on the app or on the web?"][0]
    service.merge(session, people["Tom"], question_id=merged.id, into_id=kept.id)
    service.comment(session, people["Hannah"], question_id=kept.id,
                    body=f"Sessions carry the platform; orders do not yet. @{people['Priya'].handle}, is the split "
                         "of sessions enough for the budget decision, or do you need orders by platform?")
    service.comment(session, people["Priya"], question_id=kept.id,
                    body="Sessions first, please; orders by platform can follow when the app events land.")
    first = made["How many new customers do we win each month?"][0]
    service.comment(session, people["Maya"], question_id=first.id, body="Can we see this by source next quarter?")


def _insights(session: Session, people: dict, made: dict[str, tuple[Question, int | None]]) -> None:
    notes = [
        ("How many new customers do we win each month?", "Maya", "Acquisition peaks in spring and before Black "
         "Friday; summer months bring a third fewer new customers.", "Shift 20% of the summer acquisition budget "
         "to March and November.", True),
        ("Where do customers drop out of our e-mail journey?", "Lucas", "Fewer than half of the customers who "
         "open an e-mail ever click; the drop from open to click is the largest.", "Redesign the newsletter's first "
         "screen around one call to action and test it against the current layout.", True),
        ("Which loyal buyers have gone quiet?", "Maya", "Several thousand repeat buyers have not been seen "
         "since the summer; together they are worth a large share of last year's revenue.", "Run a win-back "
         "campaign for the 'Lapsed buyers' segment in the largest countries first.", False),
    ]
    for title, owner, finding, recommendation, done in notes:
        q, answer_id = made[title]
        if answer_id is None:
            continue
        run = answers.latest_good_run(session, answer_id)
        insight = insights.write_insight(session, people[owner], answer_id=answer_id, run_id=run.id if run else None,
                                         owner_id=people[owner].id, finding=finding, recommendation=recommendation)
        task = insights.make_task(session, people[owner], insight_id=insight.id,
                                  responsible_ids=[people[owner].id, people["Hannah"].id],
                                  due_on=(utcnow() + dt.timedelta(days=21)).date())
        if done:
            agenda.set_status(session, people[owner], task_id=task.id, status=Status.done)
