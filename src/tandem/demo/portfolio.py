"""Demo portfolio: Northwind's martech projects over three years, the steering committee, its votes
(approvals with both keys, a veto, a deferral, a rejection, a change request), two meetings, budget
lines that leave the funding horizon short of 18 months, and the stack with renewals due soon.

Everything goes through the portfolio's services, so the activity feed and the decision log fill
up exactly as they would in use. Quarters are relative to today, so the demo never goes stale.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.agenda.service import Raciset
from tandem.demo.people import by_name
from tandem.portfolio import budgets, committee, meetings, roadmap, service, stack, votes
from tandem.portfolio.enums import BudgetStage, CostCategory, Disposition, ProjectKind, ProjectStatus, Vote
from tandem.portfolio.models import Project
from tandem.portfolio.quarter import Quarter
from tandem.workspace.models import Person

S, K = ProjectStatus, ProjectKind
COMMITTEE = ["Maya", "Priya", "Lucas", "Daniel", "Kenji", "Tom"]

# key: title, kind, capability, proposer, status, start offset (quarters from now), length, score inputs
PROJECTS = {
    "cdp": ("Customer data platform rollout", K.data_project, "Customer data", "Kenji", S.in_progress, -2, 6, (5, 4, 4, 4)),
    "email": ("Replace the legacy email platform", K.replacement, "Email", "Lucas", S.in_progress, -1, 3, (4, 5, 3, 3)),
    "consent": ("Consent and preference centre", K.new_tool, "Privacy", "Tom", S.approved, 1, 2, (5, 4, 5, 2)),
    "loyalty": ("Loyalty programme data for Germany and the Netherlands", K.integration, "Loyalty", "Priya", S.approved, 2, 3, (4, 3, 2, 3)),
    "app": ("App home-screen personalisation", K.new_tool, "Personalisation", "Priya", S.approved, 4, 4, (4, 3, 2, 4)),
    "journey": ("Customer journey orchestration", K.new_tool, "Personalisation", "Maya", S.approved, 5, 4, (4, 2, 2, 4)),
    "analytics": ("Privacy-first web analytics migration", K.replacement, "Analytics", "Hannah", S.done, -7, 3, (3, 4, 4, 2)),
    "mmm": ("Marketing mix model and incrementality tests", K.data_project, "Analytics", "Ethan", S.in_review, 2, 3, (5, 4, 2, 3)),
    "serverside": ("Server-side event tracking", K.integration, "Analytics", "Hannah", S.in_review, 1, 2, (3, 3, 4, 3)),
    "social": ("Social listening suite", K.new_tool, "Social", "Sofia", S.rejected, 2, 2, (2, 2, 1, 2)),
    "sms": ("SMS marketing channel", K.new_tool, "Messaging", "Lucas", S.deferred, 3, 2, (3, 2, 1, 2)),
    "pim": ("Product information management integration", K.integration, "Commerce", "Kenji", S.proposed, 3, 3, (3, 3, 3, 3)),
    "offers": ("Real-time offer decisioning", K.new_tool, "Personalisation", "Maya", S.proposed, 8, 3, None),
    "cleanroom": ("Data clean room for agency exports", K.data_project, "Privacy", "Amara", S.draft, 6, 2, None),
    "clienteling": ("Store clienteling app", K.new_tool, "Store", "Sofia", S.draft, 7, 3, None),
}
DEPENDS = [("app", "cdp"), ("journey", "consent"), ("journey", "cdp"), ("offers", "app")]

CASES = {  # problem, customers affected, expected impact (with a number), KPIs
    "cdp": ("Store, web and app each know a different Northwind customer.", "All 2.4M customers",
            "Single-view coverage from 41% to 85%", "Single-view coverage\nDuplicate mailing rate"),
    "email": ("The legacy platform cannot use consent flags and its contract renews soon.", "1.2M newsletter readers",
              "Unsubscribes down 15%; email revenue up 8%", "Unsubscribe rate\nEmail revenue"),
    "consent": ("Consent lives in five places; erasure takes weeks.", "Every customer in the EU",
                "Erasure requests closed within 3 days", "Erasure lead time\nOpt-in rate"),
    "loyalty": ("Germany and the Netherlands launch loyalty in spring without joined data.", "300k new members",
                "Second order within 90 days up 4 points", "Second-order rate\nLoyalty sign-ups"),
    "app": ("Hikers, climbers and runners see the same home screen.", "850k monthly app users",
            "App conversion up 10%", "App conversion\nSessions per user"),
    "journey": ("Journeys are built by hand in three tools.", "All contactable customers",
                "Campaign build time down 50%", "Campaign return\nTime to launch"),
    "analytics": ("The old web analytics tool sent data to the US without a basis.", "All web visitors",
                  "Consent-compliant tracking on 100% of pages", "Tracked sessions"),
    "mmm": ("We cannot tell which channels create incremental sales.", "Paid-media budget owners",
            "Reallocate 10% of paid media to higher-return channels", "Campaign return\nCost per incremental order"),
    "serverside": ("Browser tags break and lose a third of events.", "All web and app visitors",
                   "Event loss from 30% to under 5%", "Event completeness"),
    "social": ("We do not hear what customers say about us on social media.", "Brand and content team",
               "Response time to complaints down 50%", "Share of voice"),
    "sms": ("Some customers ignore email but read texts.", "Opted-in mobile customers",
            "Abandoned-cart recovery up 2 points", "Cart recovery rate"),
    "pim": ("Product data is retyped into the web shop and the app.", "Merchandising team",
            "Time to list a product down from 5 days to 1", "Time to list"),
    "offers": ("Offers are the same for everyone.", "App and web shoppers", "Offer redemption up 20%",
               "Redemption rate"),
}
ASSESSMENTS = {  # architecture fit, data sources (lines), security review, effort, risks
    "cdp": ("Core of the target architecture; fed by the event bus.", "CRM\nE-commerce orders\nLoyalty app",
            "DPIA done; EU hosting; field-level encryption", "4 engineers for 6 quarters", "Scope creep"),
    "email": ("Standard connectors to the CDP and CRM.", "CRM\nWeb sign-ups", "DPA signed; SSO", "2 engineers, 3 quarters",
              "Migration of 400 templates"),
    "consent": ("Central service every tool asks before use.", "CRM\nLoyalty app\nWeb sign-ups",
                "Privacy by design reviewed by Tom", "2 engineers, 2 quarters", "Every tool must integrate"),
    "loyalty": ("Extends the loyalty feed; partner file by SFTP.", "Loyalty app\nPartner newsletter",
                "Partner data agreement needed", "1 engineer, 3 quarters", "Partner data quality"),
    "app": ("SDK in the app; segments from the CDP.", "Loyalty app\nWeb events", "No new personal data", "3 quarters",
            "App size budget"),
    "journey": ("Reads CDP audiences; sends through the new email platform.", "CDP audiences", "Uses consent centre",
                "4 quarters", "Depends on CDP and consent"),
    "analytics": ("Drop-in replacement of the page tag.", "Web events", "EU-only processing", "1 quarter", "Low"),
    "mmm": ("Runs in the warehouse on DuckDB.", "E-commerce orders\nMedia spend", "Aggregated data only",
            "2 analysts, 3 quarters", "Needs 2 years of spend history"),
    "serverside": ("Collector behind our CDN.", "Web events\nApp events", "Consent must be passed server-side",
                   "2 engineers, 2 quarters", "Consent signal gaps"),
    "social": ("Stand-alone SaaS.", "", "Vendor stores data outside the EU", "1 quarter", "Overlaps the CDP"),
    "sms": ("Gateway via the new email platform.", "CRM", "Consent per channel needed first", "1 quarter",
            "Cost per message"),
    "pim": ("Needs a new product data model.", "Product catalogue", "No personal data", "3 quarters",
            "Data model unclear"),
    "offers": ("Real-time API at checkout.", "CDP audiences\nWeb events", "Pending review", "3 quarters",
               "Latency budget"),
}
TOOLS = [  # name, vendor, category, owner, custodian, cost, renews in days, disposition, data sources
    ("Mailstream Classic", "Mailstream Inc.", "Email", "Lucas", "Hannah", 48_000, 55, Disposition.migrate,
     "crm, ecommerce, email_events"),
    ("Relay CRM", "Relay Software", "CRM", "Maya", "Amara", 96_000, 210, Disposition.invest,
     "crm"),
    ("PointsPal", "PointsPal GmbH", "Loyalty", "Priya", "Hannah", 36_000, 300, Disposition.tolerate,
     "loyalty"),
    ("Clearview Analytics", "Clearview", "Web analytics", "Ethan", "Kenji", 18_000, 150, Disposition.invest,
     "sessions"),
    ("TagWorks", "TagWorks Ltd", "Tag management", "Lucas", "Kenji", 12_000, 80, Disposition.eliminate,
     "sessions"),
    ("Postwise", "Postwise", "Social scheduling", "Sofia", "Tom", 6_000, 400, Disposition.tolerate, ""),
    ("AskBase", "AskBase", "Surveys", "Priya", "Amara", 4_800, 20, Disposition.tolerate, "Survey responses"),
    ("AdBridge", "AdBridge", "Ad audiences", "Lucas", "Tom", 24_000, 120, Disposition.migrate,
     "crm, third_party_enrichment"),
    ("Segmentry CDP", "Segmentry", "Customer data platform", "Maya", "Kenji", 120_000, 330, Disposition.invest,
     "CRM; e-commerce orders; loyalty app; web events"),
]


def build(session: Session) -> None:
    if session.scalar(sa.select(Project.id).limit(1)):
        return
    who = by_name(session)
    today = dt.date.today()
    now = Quarter.of(today)
    for name in COMMITTEE:
        committee.add_member(session, who["Daniel"], person_id=who[name].id)
    ids = {key: _propose(session, who, key, now) for key in PROJECTS}
    for key, needed in DEPENDS:
        roadmap.add_dependency(session, who["Kenji"], project_id=ids[key], depends_on_id=ids[needed])
    # Last month's meeting decided the consent centre and the loyalty data; next month's has two open items.
    for key in ("consent", "loyalty", "social"):
        _to_review(session, who, key, ids[key])
    held = meetings.plan_meeting(session, who["Maya"], title="Steering committee — last month",
                                 held_on=today - dt.timedelta(days=30))
    meetings.record_outcome(
        session, who["Maya"], meeting_id=held.id, project_id=ids["consent"],
        outcome="Approve the consent centre; Tom runs the vendor security review before contract signature.",
        marketing_decider_id=who["Maya"].id, technology_decider_id=who["Daniel"].id,
        task_title="Security review of the consent centre vendor", due_on=today + dt.timedelta(days=10),
        raci=Raciset(who["Tom"].id, [who["Tom"].id], [who["Lucas"].id], [who["Maya"].id, who["Daniel"].id]))
    _approve(session, who, ids["consent"])
    _approve(session, who, ids["loyalty"])
    for name, comment in (("Daniel", "Overlaps what the CDP gives us; data leaves the EU."),
                          ("Priya", "Agreed: not worth a fourth social tool.")):
        votes.cast_vote(session, who[name], project_id=ids["social"], vote=Vote.reject, comment=comment)
    meetings.close_meeting(session, who["Maya"], meeting_id=held.id, notes="Consent and loyalty approved; "
                           "social listening rejected.")
    for key in ("cdp", "email", "app", "journey", "analytics", "sms", "pim", "mmm", "serverside"):
        _to_review(session, who, key, ids[key])
    for key in ("cdp", "email", "app", "journey", "analytics"):
        _approve(session, who, ids[key])
    for key in ("cdp", "email", "analytics"):
        service.move(session, who["Kenji"], project_id=ids[key], to=S.in_progress)
    service.move(session, who["Hannah"], project_id=ids["analytics"], to=S.done)
    votes.defer(session, who["Daniel"], project_id=ids["sms"], today=today,
                reason="Consent per channel must exist first; revisit after the consent centre ships.")
    votes.cast_vote(session, who["Kenji"], project_id=ids["pim"], vote=Vote.request_changes,
                    comment="Describe the product data model and who owns it before we review again.")
    votes.cast_vote(session, who["Tom"], project_id=ids["serverside"], vote=Vote.veto,
                    comment="Consent is not yet passed server-side; blocked until the consent centre is live.")
    votes.cast_vote(session, who["Lucas"], project_id=ids["serverside"], vote=Vote.approve,
                    comment="We lose a third of our events today; this matters.")
    votes.cast_vote(session, who["Priya"], project_id=ids["mmm"], vote=Vote.approve,
                    comment="We need this to defend next year's media budget.")
    meetings.plan_meeting(session, who["Maya"], title="Steering committee — next month",
                          held_on=today + dt.timedelta(days=21))
    _budget(session, who, ids, now, today)
    for name, vendor, category, owner, custodian, cost, days, disposition, sources in TOOLS:
        stack.save_tool(session, who[owner], name=name, vendor=vendor, category=category, owner_id=who[owner].id,
                        custodian_id=who[custodian].id, annual_cost=str(cost), disposition=disposition,
                        renews_on=today + dt.timedelta(days=days), data_sources=sources)


def _propose(session: Session, who: dict[str, Person], key: str, now: Quarter) -> int:
    title, kind, capability, proposer, status, start, length, scores = PROJECTS[key]
    p = service.propose(session, who[proposer], title=title, kind=kind, capability=capability,
                        summary=CASES.get(key, ("",))[0], start_quarter=str(now.shift(start)),
                        end_quarter=str(now.shift(start + length - 1)))
    if key in CASES:
        problem, customers, impact, kpis = CASES[key]
        author = who[proposer] if who[proposer].side == "marketing" else who["Lucas"]
        service.write_case(session, author, project_id=p.id, problem=problem, customers_affected=customers,
                           expected_impact=impact, kpis=kpis)
    if key in ASSESSMENTS:
        fit, sources, security, effort, risks = ASSESSMENTS[key]
        assessor = who[proposer] if who[proposer].side == "technology" else who["Kenji"]
        service.assess(session, assessor, project_id=p.id, architecture_fit=fit, data_sources=sources,
                       security_review=security, effort=effort, risks=risks)
    if scores:
        value, urgency, risk, effort_score = scores
        service.set_score(session, who["Daniel"], project_id=p.id, value=value, urgency=urgency,
                          risk_reduction=risk, effort=effort_score)
    if status is not S.draft:
        service.move(session, who[proposer], project_id=p.id, to=S.proposed)
    return p.id


def _to_review(session: Session, who: dict[str, Person], key: str, project_id: int) -> None:
    if service.get_project(session, project_id).status == S.proposed:
        service.move(session, who[PROJECTS[key][3]], project_id=project_id, to=S.in_review)


def _approve(session: Session, who: dict[str, Person], project_id: int) -> None:
    votes.cast_vote(session, who["Maya"], project_id=project_id, vote=Vote.approve,
                    comment="The business case is clear and the KPI is one we report on.")
    votes.cast_vote(session, who["Daniel"], project_id=project_id, vote=Vote.approve,
                    comment="Fits the target architecture; the assessment covers security and effort.")


def _budget(session: Session, who: dict[str, Person], ids: dict[str, int], now: Quarter, today: dt.date) -> None:
    """Actuals for past quarters, committed money through three quarters ahead, plans beyond: the
    committed horizon ends well short of 18 months, so the demo shows the warning."""
    plan = [  # key, first offset, last offset, category, amount per quarter
        ("cdp", -2, 3, CostCategory.capex, 60_000), ("cdp", -2, 3, CostCategory.opex, 30_000),
        ("email", -1, 1, CostCategory.opex, 25_000), ("consent", 1, 2, CostCategory.capex, 40_000),
        ("loyalty", 2, 4, CostCategory.opex, 15_000), ("app", 4, 7, CostCategory.capex, 45_000),
        ("journey", 5, 8, CostCategory.opex, 35_000), ("analytics", -7, -5, CostCategory.opex, 6_000),
    ]
    for key, first, last, category, amount in plan:
        for offset in range(first, last + 1):
            stage = BudgetStage.actual if offset < 0 else BudgetStage.committed if offset <= 3 else BudgetStage.planned
            if offset == 0:  # the current quarter has both what is committed and what was spent so far
                budgets.add_line(session, who["Daniel"], project_id=ids[key], quarter=str(now), category=category,
                                 stage=BudgetStage.actual, amount=str(amount // 2), today=today)
            budgets.add_line(session, who["Daniel"], project_id=ids[key], quarter=str(now.shift(offset)),
                             category=category, stage=stage, amount=str(amount), today=today,
                             note="Vendor licence" if category is CostCategory.opex else "Implementation partner")
