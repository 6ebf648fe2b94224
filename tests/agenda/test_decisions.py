"""The decision log: joint and single-side decisions, linked tasks, and who hears about them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.agenda import task
from factories.workspace import pair, person
from tandem.activity.models import Event, Notification, Reason
from tandem.agenda import decisions
from tandem.agenda.models import Decision, decision_task
from tandem.errors import Forbidden, NotFound, RuleViolation
from tandem.workspace.models import Role, Side

DAY = dt.date(2024, 6, 3)


def count(session, table) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(table)) or 0


def notified(session, decision) -> dict[int, Reason]:
    event = session.scalars(sa.select(Event).where(Event.object_type == "decision",
                                                   Event.object_id == decision.id)).one()
    return {n.person_id: Reason(n.reason)
            for n in session.scalars(sa.select(Notification).where(Notification.event_id == event.id))}


def decide(session, actor, **kwargs):
    defaults = {"title": "Use one customer id", "outcome": "The CRM id is canonical", "decided_on": DAY}
    return decisions.record_decision(session, actor, **(defaults | kwargs))


class TestRecordDecision:
    def test_a_joint_decision_names_one_decider_from_each_side(self, session, operator):
        marketer, technologist = pair(session, Role.lead)
        decision = decide(session, operator, context=" Duplicates everywhere ", options="CRM id; new UUID",
                          marketing_decider_id=marketer.id, technology_decider_id=technologist.id)
        view = decisions.get_decision(session, decision.id)
        assert view.decision.is_joint and view.decision.context == "Duplicates everywhere"
        assert [p.id for p in view.deciders] == [marketer.id, technologist.id]

    def test_a_joint_decision_without_a_technology_decider_names_the_field(self, session):
        marketer = person(session, role=Role.lead)
        with pytest.raises(RuleViolation, match="technology") as err:
            decide(session, marketer, marketing_decider_id=marketer.id)
        assert err.value.field == "technology_decider_id"
        assert count(session, Decision) == 0

    def test_two_technologists_cannot_make_a_joint_decision(self, session):
        tech_a, tech_b = (person(session, side=Side.technology, role=Role.lead) for _ in range(2))
        with pytest.raises(RuleViolation, match="marketing") as err:
            decide(session, tech_a, marketing_decider_id=tech_a.id, technology_decider_id=tech_b.id)
        assert err.value.field == "marketing_decider_id"

    def test_an_unknown_marketing_decider_is_refused(self, session):
        lead = person(session, side=Side.technology, role=Role.lead)
        with pytest.raises(RuleViolation) as err:
            decide(session, lead, marketing_decider_id=999999, technology_decider_id=lead.id)
        assert err.value.field == "marketing_decider_id"

    def test_a_single_side_decision_is_decided_by_the_recorder_by_default(self, session):
        lead = person(session, side=Side.technology, role=Role.lead)
        decision = decide(session, lead, is_joint=False)
        view = decisions.get_decision(session, decision.id)
        assert not view.decision.is_joint and [p.id for p in view.deciders] == [lead.id]
        assert view.decision.marketing_decider_id is None and view.decision.technology_decider_id is None

    def test_a_single_side_decision_may_name_someone_else(self, session):
        lead, marketer = person(session, side=Side.technology, role=Role.lead), person(session)
        decision = decide(session, lead, is_joint=False, decider_id=marketer.id)
        assert [p.id for p in decisions.get_decision(session, decision.id).deciders] == [marketer.id]

    def test_an_unknown_single_decider_is_refused(self, session):
        with pytest.raises(RuleViolation, match="Name who decided") as err:
            decide(session, person(session, role=Role.lead), is_joint=False, decider_id=999999)
        assert err.value.field == "decider_id"

    def test_linked_tasks_are_kept_with_the_decision(self, session):
        marketer, technologist = pair(session, Role.lead)
        first, second = task(session, marketer, title="Pick the id"), task(session, technologist, title="Migrate")
        task(session, marketer, title="Unrelated")
        decision = decide(session, marketer, marketing_decider_id=marketer.id,
                          technology_decider_id=technologist.id, task_ids=[second.id, first.id, first.id])
        linked = decisions.get_decision(session, decision.id).tasks
        assert sorted(t.id for t in linked) == sorted([first.id, second.id])

    def test_an_unknown_task_id_is_refused_and_nothing_is_written(self, session):
        marketer, technologist = pair(session, Role.lead)
        real = task(session, marketer)
        before = (count(session, Decision), count(session, decision_task), count(session, Event))
        with pytest.raises(RuleViolation, match="No task with id 999999") as err:
            decide(session, marketer, marketing_decider_id=marketer.id, technology_decider_id=technologist.id,
                   task_ids=[real.id, 999999])
        assert err.value.field == "task_ids"
        assert (count(session, Decision), count(session, decision_task), count(session, Event)) == before

    def test_an_empty_outcome_is_refused(self, session):
        with pytest.raises(RuleViolation, match="outcome") as err:
            decide(session, person(session, role=Role.lead), is_joint=False, outcome="  ")
        assert err.value.field == "outcome"

    def test_the_deciders_are_notified_but_not_the_recorder(self, session):
        marketer, technologist = pair(session, Role.lead)
        decision = decide(session, marketer, marketing_decider_id=marketer.id,
                          technology_decider_id=technologist.id)
        assert notified(session, decision) == {technologist.id: Reason.decided}

    def test_a_recorder_who_did_not_decide_notifies_both_deciders(self, session, operator):
        marketer, technologist = pair(session, Role.lead)
        decision = decide(session, operator, marketing_decider_id=marketer.id, technology_decider_id=technologist.id)
        assert notified(session, decision) == {marketer.id: Reason.decided, technologist.id: Reason.decided}

    def test_members_cannot_record_decisions(self, session):
        member = person(session)
        with pytest.raises(Forbidden, match="lead"):
            decide(session, member, is_joint=False)
        assert count(session, Decision) == 0


class TestListDecisions:
    def test_newest_decision_first(self, session):
        lead = person(session, role=Role.lead)
        older = decide(session, lead, is_joint=False, title="Older", decided_on=DAY - dt.timedelta(days=30))
        newer = decide(session, lead, is_joint=False, title="Newer")
        assert [v.decision.id for v in decisions.list_decisions(session)] == [newer.id, older.id]

    def test_an_unknown_decision_is_not_found(self, session):
        with pytest.raises(NotFound):
            decisions.get_decision(session, 424242)
