"""The shared to-do list: tasks with RACI, status, comments, views and the board, on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.agenda import task
from factories.workspace import pair, person
from tandem.activity.models import Event, Notification, Reason
from tandem.agenda import service
from tandem.agenda.models import Assignment, Comment, Raci, Status, Task
from tandem.agenda.service import Raciset
from tandem.errors import Forbidden, RuleViolation
from tandem.workspace.models import Role, Side

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
NEXT_WEEK = TODAY + dt.timedelta(days=7)


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def last_event(session, object_id: int) -> Event:
    return session.scalars(sa.select(Event).where(Event.object_type == "task", Event.object_id == object_id)
                           .order_by(Event.id.desc()).limit(1)).one()


def notified(session, event: Event) -> dict[int, Reason]:
    rows = session.scalars(sa.select(Notification).where(Notification.event_id == event.id))
    return {n.person_id: Reason(n.reason) for n in rows}


def ids(cards) -> list[int]:
    return [c.task.id for c in cards]


class TestCreateTask:
    def test_a_task_with_raci_is_saved_with_its_people_and_recorded(self, session):
        marketer, technologist = pair(session)
        new = task(session, marketer, title="  Map   CRM fields ", responsible=[technologist], tags="crm, #Data")
        assert new.title == "Map CRM fields" and new.tags == ["crm", "data"] and new.status is Status.todo
        roles = set(session.execute(sa.select(Assignment.person_id, Assignment.role)
                                    .where(Assignment.task_id == new.id)))
        assert roles == {(marketer.id, Raci.accountable), (technologist.id, Raci.responsible)}
        event = last_event(session, new.id)
        assert event.verb == "created" and event.actor_id == marketer.id and "Map CRM fields" in event.summary

    def test_no_accountable_is_refused_and_nothing_is_written(self, session):
        marketer, technologist = pair(session)
        before = (count(session, Task), count(session, Assignment), count(session, Event))
        with pytest.raises(RuleViolation, match="Accountable") as err:
            service.create_task(session, marketer, title="Orphan", raci=Raciset(None, [technologist.id]))
        assert err.value.field == "accountable"
        assert (count(session, Task), count(session, Assignment), count(session, Event)) == before

    def test_no_responsible_is_refused_on_its_field(self, session):
        marketer = person(session)
        with pytest.raises(RuleViolation) as err:
            service.create_task(session, marketer, title="Nobody does it", raci=Raciset(marketer.id, []))
        assert err.value.field == "responsible"

    def test_an_unknown_mention_is_refused_by_name_and_nothing_is_written(self, session):
        marketer = person(session)
        before = (count(session, Task), count(session, Assignment), count(session, Event),
                  count(session, Notification))
        with pytest.raises(RuleViolation, match="@nobody.here") as err:
            task(session, marketer, description="Check with @nobody.here first")
        assert err.value.field == "description"
        assert (count(session, Task), count(session, Assignment), count(session, Event),
                count(session, Notification)) == before

    def test_assigning_someone_who_does_not_exist_is_refused(self, session):
        marketer = person(session)
        with pytest.raises(RuleViolation, match="No active person with id 999999") as err:
            service.create_task(session, marketer, title="Ghost", raci=Raciset(marketer.id, [999999]))
        assert err.value.field == "raci"
        assert count(session, Task) == 0

    def test_everyone_on_the_raci_and_the_mentioned_are_notified_but_never_the_actor(self, session):
        marketer, technologist = pair(session)
        consulted, informed, mentioned = person(session), person(session), person(session, side=Side.technology)
        new = task(session, marketer, accountable=technologist, responsible=[marketer, technologist],
                   consulted=[consulted], informed=[informed], description=f"Ask @{mentioned.handle} about ids")
        assert notified(session, last_event(session, new.id)) == {
            technologist.id: Reason.accountable,
            consulted.id: Reason.assigned,
            informed.id: Reason.informed,
            mentioned.id: Reason.mentioned,
        }

    def test_mentioning_yourself_notifies_nobody(self, session):
        marketer = person(session)
        new = task(session, marketer, description=f"Note to self @{marketer.handle}")
        assert notified(session, last_event(session, new.id)) == {}

    def test_a_task_created_done_is_completed_now(self, session):
        marketer = person(session)
        assert task(session, marketer, status=Status.done).completed_at is not None
        assert task(session, marketer).completed_at is None

    def test_a_viewer_cannot_create_tasks(self, session):
        viewer = person(session, role=Role.viewer)
        with pytest.raises(Forbidden, match="member"):
            task(session, viewer)
        assert count(session, Task) == 0


class TestUpdateTask:
    def test_raci_people_and_the_informed_get_the_change(self, session):
        marketer, technologist = pair(session)
        informed = person(session, side=Side.executive)
        new = task(session, marketer, responsible=[technologist], informed=[informed])
        service.update_task(session, technologist, task_id=new.id, title="Map CRM fields to the profile")
        assert notified(session, last_event(session, new.id)) == {
            marketer.id: Reason.accountable, informed.id: Reason.informed}

    def test_changes_carry_before_and_after(self, session):
        marketer = person(session)
        new = task(session, marketer, due_on=NEXT_WEEK)
        service.update_task(session, marketer, task_id=new.id, title="Map every CRM field", due_on=None,
                            tags=["crm"])
        event = last_event(session, new.id)
        assert event.verb == "updated"
        assert event.changes == {"title": ["Map CRM fields", "Map every CRM field"],
                                 "due_on": [NEXT_WEEK.isoformat(), None], "tags": [[], ["crm"]]}

    def test_nothing_changed_records_no_event(self, session):
        marketer = person(session)
        new = task(session, marketer, tags="crm")
        events = count(session, Event)
        service.update_task(session, marketer, task_id=new.id, title="Map CRM fields", tags="#CRM",
                            status=Status.todo)
        assert count(session, Event) == events

    def test_new_raci_people_are_notified_and_the_change_lists_handles(self, session):
        marketer, technologist = pair(session)
        newcomer = person(session, side=Side.technology)
        new = task(session, marketer, responsible=[technologist])
        service.update_task(session, marketer, task_id=new.id,
                            raci=Raciset(marketer.id, [technologist.id, newcomer.id]))
        event = last_event(session, new.id)
        assert event.changes == {"Responsible": [[technologist.handle],
                                                 sorted([technologist.handle, newcomer.handle])]}
        assert notified(session, event) == {technologist.id: Reason.assigned, newcomer.id: Reason.assigned}

    def test_a_raci_without_accountable_is_refused_and_the_old_raci_stays(self, session):
        marketer, technologist = pair(session)
        new = task(session, marketer, responsible=[technologist])
        with pytest.raises(RuleViolation) as err:
            service.update_task(session, marketer, task_id=new.id, raci=Raciset(None, [technologist.id]))
        assert err.value.field == "accountable"
        assert count(session, Assignment) == 2

    def test_a_mention_in_the_new_description_notifies_that_person(self, session):
        marketer, technologist = pair(session)
        new = task(session, marketer)
        service.update_task(session, marketer, task_id=new.id, description=f"Over to @{technologist.handle}")
        assert notified(session, last_event(session, new.id)) == {technologist.id: Reason.mentioned}

    def test_a_viewer_cannot_edit(self, session):
        marketer = person(session)
        viewer = person(session, side=Side.technology, role=Role.viewer)
        new = task(session, marketer)
        with pytest.raises(Forbidden):
            service.update_task(session, viewer, task_id=new.id, title="Hijacked")
        assert session.get(Task, new.id).title == "Map CRM fields"


class TestSetStatus:
    def test_done_sets_completed_at_and_reopening_clears_it(self, session):
        marketer = person(session)
        new = task(session, marketer)
        service.set_status(session, marketer, task_id=new.id, status=Status.done)
        assert new.status is Status.done and new.completed_at is not None
        service.set_status(session, marketer, task_id=new.id, status=Status.doing)
        assert new.status is Status.doing and new.completed_at is None

    def test_a_status_change_is_recorded_as_such(self, session):
        marketer, technologist = pair(session)
        new = task(session, marketer, responsible=[technologist])
        service.set_status(session, technologist, task_id=new.id, status=Status.blocked)
        event = last_event(session, new.id)
        assert event.verb == "changed status of" and event.summary.endswith("→ Blocked")
        assert event.changes == {"status": ["todo", "blocked"]}


class TestAddComment:
    def test_a_comment_notifies_the_raci_and_the_mentioned(self, session):
        marketer, technologist = pair(session)
        mentioned = person(session, side=Side.executive)
        new = task(session, marketer, responsible=[technologist])
        comment = service.add_comment(session, technologist, task_id=new.id,
                                      body=f"Blocked on consent rules, @{mentioned.handle} can you help?")
        assert service.list_comments(session, new.id) == [(comment, technologist)]
        assert notified(session, last_event(session, new.id)) == {
            marketer.id: Reason.accountable, mentioned.id: Reason.mentioned}

    def test_an_unknown_mention_is_refused_and_no_comment_is_kept(self, session):
        marketer = person(session)
        new = task(session, marketer)
        with pytest.raises(RuleViolation, match="@ghost") as err:
            service.add_comment(session, marketer, task_id=new.id, body="Ping @ghost")
        assert err.value.field == "body"
        assert count(session, Comment) == 0

    def test_an_empty_comment_is_refused(self, session):
        marketer = person(session)
        new = task(session, marketer)
        with pytest.raises(RuleViolation, match="empty"):
            service.add_comment(session, marketer, task_id=new.id, body="   ")

    def test_a_viewer_cannot_comment(self, session):
        marketer = person(session)
        viewer = person(session, role=Role.viewer)
        new = task(session, marketer)
        with pytest.raises(Forbidden):
            service.add_comment(session, viewer, task_id=new.id, body="Looks good")
        assert count(session, Comment) == 0


class TestListTasks:
    def test_mine_puts_my_blocked_and_overdue_accountable_tasks_first(self, session):
        me, other = pair(session)
        soon = task(session, me, title="Soon", due_on=NEXT_WEEK)
        late = task(session, me, title="Late", due_on=YESTERDAY)
        stuck = task(session, me, title="Stuck", status=Status.blocked, due_on=NEXT_WEEK + dt.timedelta(days=30))
        helping = task(session, other, title="Helping", responsible=[me], status=Status.blocked)
        watching = task(session, other, title="Watching", informed=[me], due_on=YESTERDAY)
        task(session, other, title="Not mine")
        cards = service.list_tasks(session, me, today=TODAY, view="mine")
        assert ids(cards) == [stuck.id, late.id, helping.id, watching.id, soon.id]

    def test_overdue_lists_open_tasks_past_their_due_date_oldest_first(self, session):
        marketer = person(session)
        older = task(session, marketer, due_on=TODAY - dt.timedelta(days=5))
        recent = task(session, marketer, due_on=YESTERDAY)
        task(session, marketer, due_on=YESTERDAY, status=Status.done)
        task(session, marketer, due_on=TODAY)
        task(session, marketer)
        cards = service.list_tasks(session, marketer, today=TODAY, view="overdue")
        assert ids(cards) == [older.id, recent.id] and all(c.overdue for c in cards)

    def test_by_side_follows_the_accountable(self, session):
        marketer, technologist = pair(session)
        theirs = task(session, technologist, responsible=[marketer])
        task(session, marketer, responsible=[technologist])
        cards = service.list_tasks(session, marketer, today=TODAY, view="side", side=Side.technology)
        assert ids(cards) == [theirs.id] and cards[0].side is Side.technology

    def test_by_status_and_by_tag(self, session):
        marketer = person(session)
        doing = task(session, marketer, status=Status.doing, tags="crm")
        tagged = task(session, marketer, tags="crm launch")
        task(session, marketer, tags="web")
        assert ids(service.list_tasks(session, marketer, today=TODAY, status=Status.doing)) == [doing.id]
        assert ids(service.list_tasks(session, marketer, today=TODAY, tag="CRM")) == [doing.id, tagged.id]

    def test_cards_carry_people_and_comment_counts(self, session):
        marketer, technologist = pair(session)
        new = task(session, marketer, responsible=[technologist])
        service.add_comment(session, technologist, task_id=new.id, body="On it")
        [card] = service.list_tasks(session, marketer, today=TODAY)
        assert card.accountable.id == marketer.id and card.comment_count == 1
        assert card.role_of(technologist.id) == [Raci.responsible]

    def test_an_unknown_view_is_refused(self, session):
        with pytest.raises(RuleViolation, match="Unknown view 'later'") as err:
            service.list_tasks(session, person(session), today=TODAY, view="later")
        assert err.value.field == "view"


class TestBoard:
    def test_every_status_is_a_column_holding_its_tasks(self, session):
        marketer = person(session)
        todo = task(session, marketer)
        blocked = task(session, marketer, status=Status.blocked)
        done = task(session, marketer, status=Status.done)
        columns = service.board(session, marketer, today=TODAY)
        assert list(columns) == [Status.todo, Status.doing, Status.blocked, Status.done]
        assert {s: ids(c) for s, c in columns.items()} == {
            Status.todo: [todo.id], Status.doing: [], Status.blocked: [blocked.id], Status.done: [done.id]}
