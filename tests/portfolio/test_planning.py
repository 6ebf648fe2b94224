"""Meetings, the roadmap, budget lines with the funding horizon, and the stack, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories.portfolio import board, project
from factories.workspace import person
from tandem.agenda import decisions
from tandem.agenda import service as agenda
from tandem.errors import Forbidden, RuleViolation
from tandem.portfolio import budgets, meetings, roadmap, service, stack, votes
from tandem.portfolio.enums import BudgetStage, CostCategory, Disposition, ProjectStatus, Vote
from tandem.workspace.models import Role, Side

TODAY = dt.date(2031, 2, 10)  # 2031-Q1


def approved(session, people, title="CDP rollout", start="2031-Q1", end="2031-Q4"):
    p = project(session, people["mk"], title=title, status=ProjectStatus.in_review, start=start, end=end)
    votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="yes")
    votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.approve, comment="yes")
    return p


class TestMeetings:
    def test_agenda_is_the_review_queue_and_outcomes_become_decisions_and_tasks(self, session):
        people = board(session)
        first = project(session, people["mk"], title="First", status=ProjectStatus.in_review)
        project(session, people["mk"], title="Not yet", status=ProjectStatus.proposed)
        meeting = meetings.plan_meeting(session, people["mk_lead"], title="March committee", held_on=TODAY)
        view = meetings.meeting_view(session, meeting.id)
        assert [i.project.title for i in view.items] == ["First"]
        raci = agenda.Raciset(people["tech"].id, [people["tech"].id], [people["mk"].id], [people["mk_lead"].id])
        item = meetings.record_outcome(
            session, people["mk_lead"], meeting_id=meeting.id, project_id=first.id, outcome="Run a security review",
            marketing_decider_id=people["mk_lead"].id, technology_decider_id=people["tech_lead"].id,
            task_title="Security review of the vendor", raci=raci, due_on=TODAY + dt.timedelta(days=14))
        decision = decisions.get_decision(session, item.decision_id)
        assert decision.decision.origin == "portfolio" and [t.id for t in decision.tasks] == [item.task_id]
        card = agenda.get_card(session, item.task_id, today=TODAY)
        assert card.task.origin == "portfolio" and card.accountable.id == people["tech"].id
        with pytest.raises(RuleViolation, match="already recorded"):
            meetings.record_outcome(session, people["mk_lead"], meeting_id=meeting.id, project_id=first.id,
                                    outcome="again", marketing_decider_id=None, technology_decider_id=None,
                                    task_title="x", raci=raci)

    def test_no_waiting_proposal_no_meeting(self, session):
        people = board(session)
        with pytest.raises(RuleViolation, match="No proposal is waiting"):
            meetings.plan_meeting(session, people["mk_lead"], title="Empty", held_on=TODAY)

    def test_members_cannot_plan_meetings(self, session):
        with pytest.raises(Forbidden):
            meetings.plan_meeting(session, person(session), title="x", held_on=TODAY)


class TestRoadmap:
    def test_only_approved_and_in_progress_projects_with_filters(self, session):
        people = board(session)
        a = approved(session, people)
        project(session, people["mk"], title="Draft idea")
        rows = roadmap.rows(session)
        assert [r.card.project.id for r in rows] == [a.id]
        assert roadmap.rows(session, side=Side.technology) == []
        assert roadmap.rows(session, capability="Email")[0].start.year == 2031
        config = roadmap.chart(rows)
        assert config["data"]["datasets"][0]["data"] == [[2031.0, 2032.0]]

    def test_dependencies_cannot_loop_or_start_early(self, session):
        people = board(session)
        a = approved(session, people, title="A", start="2031-Q1", end="2031-Q2")
        b = approved(session, people, title="B", start="2031-Q3", end="2031-Q4")
        roadmap.add_dependency(session, people["mk"], project_id=b.id, depends_on_id=a.id)
        with pytest.raises(RuleViolation, match="circle"):
            roadmap.add_dependency(session, people["mk"], project_id=a.id, depends_on_id=b.id)
        with pytest.raises(RuleViolation, match="at the earliest"):
            roadmap.schedule(session, people["mk"], project_id=b.id, start_quarter="2031-Q2", end_quarter="2031-Q4")
        assert service.get_card(session, b.id).depends_on[0].id == a.id

    def test_the_chart_draws_an_arrow_from_each_dependency_to_what_needs_it(self, session):
        people = board(session)
        a = approved(session, people, title="A", start="2031-Q1", end="2031-Q2")
        b = approved(session, people, title="B", start="2031-Q3", end="2031-Q4")
        roadmap.add_dependency(session, people["mk"], project_id=b.id, depends_on_id=a.id)
        rows = roadmap.rows(session)
        config = roadmap.chart(rows, roadmap.dependencies(session))
        order = [r.card.project.id for r in rows if r.start]
        assert config["tandem"]["links"] == [[order.index(a.id), order.index(b.id)]]
        assert config["tandem"]["quarterAxis"] == "x"


class TestBudget:
    def test_lines_totals_and_horizon(self, session):
        people = board(session)
        p = approved(session, people)
        lead = people["tech_lead"]
        for q in ("2031-Q1", "2031-Q2", "2031-Q3"):
            budgets.add_line(session, lead, project_id=p.id, quarter=q, category=CostCategory.opex,
                             stage=BudgetStage.committed, amount="10,000", today=TODAY)
        budgets.add_line(session, lead, project_id=p.id, quarter="2032-Q4", category=CostCategory.capex,
                         stage=BudgetStage.planned, amount=Decimal("2500.50"), today=TODAY)
        [eur] = budgets.totals(session)
        assert eur.by_year[2031]["committed"] == Decimal("30000")
        assert eur.by_category["capex"]["planned"] == Decimal("2500.50")
        h = budgets.horizon(session, lead, today=TODAY)
        assert (h.funded.months, str(h.funded.funded_through), h.funded.needs_warning) == (7, "2031-Q3", True)

    @pytest.mark.parametrize(("quarter", "stage", "amount", "field"), [
        ("2030-Q4", BudgetStage.planned, "100", "quarter"), ("2031-Q2", BudgetStage.planned, "-5", "amount"),
        ("2031-Q2", BudgetStage.planned, "abc", "amount"), ("2031-Q3", BudgetStage.actual, "1", "quarter")])
    def test_bad_lines_are_refused_and_nothing_is_written(self, session, quarter, stage, amount, field):
        people = board(session)
        p = approved(session, people)
        with pytest.raises(RuleViolation) as err:
            budgets.add_line(session, people["tech_lead"], project_id=p.id, quarter=quarter,
                             category=CostCategory.opex, stage=stage, amount=amount, today=TODAY)
        assert err.value.field == field and budgets.list_lines(session) == []

    def test_the_warning_offers_one_agenda_task(self, session):
        people = board(session)
        task = budgets.create_horizon_task(session, people["mk"], today=TODAY)
        assert task.origin == "portfolio"
        assert budgets.horizon(session, people["mk"], today=TODAY).open_task.task.id == task.id
        with pytest.raises(RuleViolation, match="already an open task"):
            budgets.create_horizon_task(session, people["mk"], today=TODAY)

    def test_members_cannot_write_budget(self, session):
        people = board(session)
        p = approved(session, people)
        with pytest.raises(Forbidden):
            budgets.add_line(session, people["mk"], project_id=p.id, quarter="2031-Q2", category=CostCategory.opex,
                             stage=BudgetStage.planned, amount="1", today=TODAY)


class TestStack:
    def test_owner_custodian_and_renewal_flag(self, session):
        mk, tech = person(session, side=Side.marketing), person(session, side=Side.technology)
        stack.save_tool(session, mk, name="Mailer", owner_id=mk.id, custodian_id=tech.id, annual_cost="48000",
                        renews_on=TODAY + dt.timedelta(days=45), disposition=Disposition.migrate,
                        data_sources="CRM contacts")
        stack.save_tool(session, mk, name="Analytics", owner_id=mk.id, custodian_id=tech.id,
                        renews_on=TODAY + dt.timedelta(days=200))
        tools = stack.list_tools(session, today=TODAY)
        assert [(t.tool.name, t.renewal_due) for t in tools] == [("Mailer", True), ("Analytics", False)]
        assert tools[0].annual_cost == Decimal("48000")

    def test_sides_are_checked(self, session):
        mk, tech = person(session, side=Side.marketing), person(session, side=Side.technology)
        with pytest.raises(RuleViolation) as err:
            stack.save_tool(session, mk, name="X", owner_id=tech.id, custodian_id=tech.id)
        assert err.value.field == "owner_id"
        with pytest.raises(Forbidden):
            stack.save_tool(session, person(session, role=Role.viewer), name="X", owner_id=mk.id,
                            custodian_id=tech.id)
