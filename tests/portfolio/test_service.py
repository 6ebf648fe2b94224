"""Proposals through the services: drafting, both halves, status moves, scores, the committee."""

from __future__ import annotations

import pytest

from factories.portfolio import ASSESSMENT, CASE, board, project
from factories.workspace import person
from tandem.activity import service as activity
from tandem.errors import Forbidden, NotFound, RuleViolation
from tandem.portfolio import committee, service
from tandem.portfolio.enums import ProjectKind, ProjectStatus
from tandem.workspace.models import Role, Side


class TestPropose:
    def test_a_draft_takes_the_proposers_side_and_is_audited(self, session):
        mk = person(session, side=Side.marketing)
        p = service.propose(session, mk, title="  Loyalty app SDK ", kind=ProjectKind.new_tool,
                            start_quarter="2031q2", end_quarter="2031-Q4")
        assert (p.title, p.status, p.side, p.start_quarter) == ("Loyalty app SDK", "draft", "marketing", "2031-Q2")
        event = activity.list_feed(session, module="portfolio", object_type="project", object_id=p.id)[0]
        assert "Loyalty app SDK" in event.summary and event.actor_id == mk.id

    def test_a_viewer_cannot_propose(self, session):
        with pytest.raises(Forbidden):
            service.propose(session, person(session, role=Role.viewer), title="X", kind=ProjectKind.new_tool)

    @pytest.mark.parametrize(("start", "end", "field"), [("2031-Q3", "2031-Q1", "end"), ("2031-Q1", "", "end_quarter"),
                                                         ("soon", "2031-Q1", "quarter")])
    def test_a_bad_slot_names_the_field(self, session, start, end, field):
        with pytest.raises(RuleViolation) as err:
            service.propose(session, person(session), title="X", kind=ProjectKind.new_tool, start_quarter=start,
                            end_quarter=end)
        assert err.value.field == field


class TestHalves:
    def test_only_marketing_writes_the_business_case(self, session):
        p = project(session, person(session, side=Side.marketing))
        with pytest.raises(Forbidden, match="only marketing"):
            service.write_case(session, person(session, side=Side.technology), project_id=p.id, **CASE)

    def test_only_technology_writes_the_assessment(self, session):
        p = project(session, person(session, side=Side.marketing))
        with pytest.raises(Forbidden, match="only technology"):
            service.assess(session, person(session, side=Side.marketing), project_id=p.id, **ASSESSMENT)

    def test_review_needs_both_halves_and_names_what_is_missing(self, session):
        mk = person(session, side=Side.marketing)
        p = project(session, mk)
        service.write_case(session, mk, project_id=p.id, **{**CASE, "expected_impact": "Fewer unsubscribes"})
        service.move(session, mk, project_id=p.id, to=ProjectStatus.proposed)
        with pytest.raises(RuleViolation) as err:
            service.move(session, mk, project_id=p.id, to=ProjectStatus.in_review)
        assert "expected impact (with a number)" in err.value.message
        assert "technical assessment lacks architecture fit" in err.value.message
        assert service.get_project(session, p.id).status == "proposed"

    def test_entering_review_opens_a_round(self, session):
        p = project(session, person(session, side=Side.marketing), status=ProjectStatus.in_review)
        assert (p.status, p.review_round) == ("in_review", 1) and p.entered_review_at is not None

    def test_halves_are_frozen_while_in_review(self, session):
        mk = person(session, side=Side.marketing)
        p = project(session, mk, status=ProjectStatus.in_review)
        with pytest.raises(RuleViolation, match="can only change while"):
            service.write_case(session, mk, project_id=p.id, **CASE)

    def test_nobody_approves_by_hand(self, session):
        mk = person(session, side=Side.marketing, role=Role.admin)
        p = project(session, mk, status=ProjectStatus.in_review)
        with pytest.raises(RuleViolation, match="committee's votes"):
            service.move(session, mk, project_id=p.id, to=ProjectStatus.approved)

    def test_an_unknown_project_is_not_found(self, session):
        with pytest.raises(NotFound):
            service.move(session, person(session), project_id=999_999, to=ProjectStatus.proposed)


class TestScore:
    def test_score_uses_the_documented_formula(self, session):
        p = project(session, person(session))
        service.set_score(session, person(session), project_id=p.id, value=5, urgency=4, risk_reduction=3, effort=2)
        assert p.score == round((3 * 5 + 2 * 4 + 2 * 3 + 1 * 4) / 8, 2)
        assert "6 − effort" in service.formula()

    def test_scores_outside_one_to_five_are_refused(self, session):
        p = project(session, person(session))
        with pytest.raises(RuleViolation) as err:
            service.set_score(session, person(session), project_id=p.id, value=9, urgency=1, risk_reduction=1,
                              effort=1)
        assert err.value.field == "value"

    def test_review_queue_sorts_by_score(self, session):
        mk = person(session, side=Side.marketing)
        low = project(session, mk, title="Low", status=ProjectStatus.in_review)
        high = project(session, mk, title="High", status=ProjectStatus.in_review)
        unscored = project(session, mk, title="Unscored", status=ProjectStatus.in_review)
        service.set_score(session, mk, project_id=low.id, value=1, urgency=1, risk_reduction=1, effort=5)
        service.set_score(session, mk, project_id=high.id, value=5, urgency=5, risk_reduction=5, effort=1)
        titles = [c.project.title for c in service.review_queue(session)]
        assert titles.index("High") < titles.index("Low") < titles.index("Unscored")
        assert unscored.id


class TestCommittee:
    def test_members_from_both_sides(self, session):
        people = board(session)
        sides = {p.side for p in committee.members(session)}
        assert {Side.marketing, Side.technology} <= sides and len(committee.members(session)) == 4
        assert committee.is_member(session, people["mk"].id)

    def test_viewers_and_duplicates_are_refused(self, session):
        people = board(session)
        with pytest.raises(RuleViolation, match="viewer"):
            committee.add_member(session, people["tech_lead"], person_id=person(session, role=Role.viewer).id)
        with pytest.raises(RuleViolation, match="already"):
            committee.add_member(session, people["tech_lead"], person_id=people["mk"].id)

    def test_members_cannot_manage_the_committee(self, session):
        with pytest.raises(Forbidden):
            committee.add_member(session, person(session), person_id=person(session).id)

    def test_quorum_keeps_both_keys(self, session):
        people = board(session)
        with pytest.raises(RuleViolation):
            committee.set_quorum(session, people["mk_lead"], min_approvals=3, min_marketing_approvals=0)
        committee.set_quorum(session, people["mk_lead"], min_approvals=3)
        assert committee.quorum(session).min_approvals == 3

    def test_removing_a_member(self, session):
        people = board(session)
        committee.remove_member(session, people["mk_lead"], person_id=people["mk"].id)
        assert not committee.is_member(session, people["mk"].id)
        with pytest.raises(NotFound):
            committee.remove_member(session, people["mk_lead"], person_id=people["mk"].id)
