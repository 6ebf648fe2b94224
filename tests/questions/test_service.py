"""Asking, votes, comments, triage and the measures, on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories import questions as qf
from factories.workspace import person
from tandem.activity.models import Event, Notification
from tandem.agenda import service as agenda
from tandem.agenda.models import Status
from tandem.errors import Conflict, Forbidden, RuleViolation
from tandem.questions import answers, insights, service
from tandem.questions.models import QuestionComment, QuestionState, QuestionVote
from tandem.workspace.models import Role, Side


def events(session, verb: str) -> list[Event]:
    return list(session.scalars(sa.select(Event).where(Event.module == "questions", Event.verb == verb)))


class TestAsk:
    def test_marketer_asks_and_it_is_in_the_feed(self, session, marketer):
        q = qf.question(session, marketer, body="Ask @" + marketer.handle)
        assert q.state is QuestionState.asked and q.asked_by_id == marketer.id
        assert events(session, "asked")[-1].object_id == q.id

    def test_technology_does_not_ask(self, session, techie):
        with pytest.raises(Forbidden, match="marketing and executives ask"):
            qf.question(session, techie)

    def test_executive_and_admin_may_ask(self, session):
        for side, role in ((Side.executive, Role.member), (Side.technology, Role.admin)):
            qf.question(session, person(session, side=side, role=role))

    def test_decision_is_required(self, session, marketer):
        with pytest.raises(RuleViolation) as exc:
            qf.question(session, marketer, decision=" ")
        assert exc.value.field == "decision"

    def test_unknown_mention_is_refused(self, session, marketer):
        with pytest.raises(RuleViolation, match="@nobody-here"):
            qf.question(session, marketer, body="cc @nobody-here")


class TestVotesAndComments:
    def test_vote_once_and_withdraw(self, session, marketer, techie):
        q = qf.question(session, marketer)
        assert service.vote(session, techie, question_id=q.id) == 1
        assert service.vote(session, techie, question_id=q.id) == 1
        assert service.vote(session, techie, question_id=q.id, up=False) == 0

    def test_comment_mentions_notify(self, session, marketer, techie):
        q = qf.question(session, marketer)
        c = service.comment(session, techie, question_id=q.id, body=f"Which region, @{marketer.handle}?")
        event = events(session, "commented on")[-1]
        reasons = {n.person_id: n.reason for n in session.scalars(
            sa.select(Notification).where(Notification.event_id == event.id))}
        assert reasons[marketer.id] == "mentioned" and event.link.endswith(f"#comment-{c.id}")

    def test_empty_comment_is_refused(self, session, marketer):
        q = qf.question(session, marketer)
        with pytest.raises(RuleViolation):
            service.comment(session, marketer, question_id=q.id, body="  ")


class TestTriage:
    def test_accept_measures_time_to_accept(self, session, marketer, techie):
        q = qf.question(session, marketer)
        q.created_at = q.created_at - dt.timedelta(hours=5)
        service.accept(session, techie, question_id=q.id)
        card = service.get_card(session, marketer, q.id)
        assert card.state is QuestionState.accepted and card.owner.id == techie.id
        assert 4.9 < card.hours_to_accept < 5.1

    def test_marketer_cannot_accept(self, session, marketer):
        q = qf.question(session, marketer)
        with pytest.raises(Forbidden):
            service.accept(session, marketer, question_id=q.id)

    def test_analyst_on_marketing_may_answer(self, session, marketer):
        analyst = person(session, side=Side.marketing, title="Marketing Analyst")
        q = qf.question(session, marketer)
        assert service.accept(session, analyst, question_id=q.id).owner_id == analyst.id

    def test_owner_must_be_an_answerer(self, session, marketer, techie):
        q = qf.question(session, marketer)
        with pytest.raises(RuleViolation) as exc:
            service.accept(session, techie, question_id=q.id, owner_id=marketer.id)
        assert exc.value.field == "owner_id"

    def test_decline_needs_a_reason_and_closes(self, session, marketer, techie):
        q = qf.question(session, marketer)
        with pytest.raises(RuleViolation):
            service.decline(session, techie, question_id=q.id, reason="")
        service.decline(session, techie, question_id=q.id, reason="We do not collect that data.")
        assert q.state is QuestionState.declined
        with pytest.raises(Conflict):
            service.accept(session, techie, question_id=q.id)

    def test_merge_moves_votes_comments_and_answers(self, session, marketer, techie):
        kept, dup = qf.question(session, marketer), qf.question(session, person(session), title="Repeat buyers?")
        voter = person(session)
        service.vote(session, voter, question_id=kept.id)
        service.vote(session, voter, question_id=dup.id)
        service.vote(session, techie, question_id=dup.id)
        service.comment(session, techie, question_id=dup.id, body="same as the other one")
        a = qf.answer(session, techie, question_id=dup.id)
        service.merge(session, techie, question_id=dup.id, into_id=kept.id)
        assert dup.state is QuestionState.merged and dup.merged_into_id == kept.id
        voters = set(session.scalars(sa.select(QuestionVote.person_id).where(QuestionVote.question_id == kept.id)))
        assert voters == {voter.id, techie.id, dup.asked_by_id}
        assert session.scalar(sa.select(sa.func.count()).where(QuestionComment.question_id == kept.id)) == 1
        assert a.question_id == kept.id
        assert dup.id not in [c.question.id for c in service.list_questions(session, marketer)]

    def test_merge_into_itself_is_refused(self, session, marketer, techie):
        q = qf.question(session, marketer)
        with pytest.raises(RuleViolation):
            service.merge(session, techie, question_id=q.id, into_id=q.id)


class TestLifecycle:
    def test_answered_then_acted_on_when_the_insight_task_is_done(self, session, settings, warehouse, marketer,
                                                                    techie):
        q = qf.question(session, marketer)
        service.accept(session, techie, question_id=q.id)
        a = qf.answer(session, techie, question_id=q.id)
        with pytest.raises(RuleViolation, match="run it successfully"):
            service.mark_answered(session, techie, question_id=q.id)
        run = answers.run_answer(session, techie, settings, answer_id=a.id)
        assert run.error == "" and run.row_count == 4
        service.mark_answered(session, techie, question_id=q.id)
        assert service.get_card(session, marketer, q.id).state is QuestionState.answered
        insight = insights.write_insight(session, marketer, answer_id=a.id, run_id=run.id, owner_id=marketer.id,
                                         finding="Germany has as many customers as the US.",
                                         recommendation="Localise the win-back e-mails for DE.")
        task = insights.make_task(session, marketer, insight_id=insight.id)
        assert task.origin == f"question:{q.id}" and f"/questions/{q.id}" in task.description
        card = agenda.get_card(session, task.id, today=dt.date.today())
        assert card.accountable.id == marketer.id
        with pytest.raises(Conflict):
            insights.make_task(session, marketer, insight_id=insight.id)
        agenda.set_status(session, marketer, task_id=task.id, status=Status.done)
        assert service.get_card(session, marketer, q.id).state is QuestionState.acted_on
        acted = service.list_questions(session, marketer, state=QuestionState.acted_on)
        assert [c.question.id for c in acted] == [q.id]

    def test_median_time_to_answer(self, session, settings, warehouse, marketer, techie):
        for hours in (2, 10, 30):
            q = qf.question(session, marketer)
            a = qf.answer(session, techie, question_id=q.id)
            answers.run_answer(session, techie, settings, answer_id=a.id)
            service.mark_answered(session, techie, question_id=q.id)
            q.answered_at = q.created_at + dt.timedelta(hours=hours)
        session.flush()
        assert service.median_time_to_answer(session) == pytest.approx(10)
        future = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        assert service.median_time_to_answer(session, since=future) is None

    def test_stats_and_sorting(self, session, marketer, techie):
        low = qf.question(session, marketer, title="Low", priority="low")
        high = qf.question(session, marketer, title="Urgent", priority="urgent")
        service.vote(session, techie, question_id=low.id)
        assert [c.question.id for c in service.list_questions(session, marketer)][:1] == [low.id]
        assert service.list_questions(session, marketer, sort="priority")[0].question.id == high.id
        assert service.stats(session, marketer)["open"] >= 2
        with pytest.raises(RuleViolation):
            service.list_questions(session, marketer, sort="sideways")
