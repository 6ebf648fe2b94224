"""The activity feed and notifications: recording, filtering, reading, the weekly digest, mentions."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.workspace import pair, person
from tandem.activity import service
from tandem.activity.models import Event, Notification, Reason
from tandem.activity.rules import diff, extract_handles
from tandem.errors import RuleViolation
from tandem.workspace.models import Role, Side
from tandem.workspace.service import set_role

MONDAY = dt.date(2024, 6, 3)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def record(session, actor, *, module="agenda", object_type="task", object_id=1, notify=None, when=None, **kw):
    event = service.record(session, actor, module=module, verb=kw.pop("verb", "updated"), object_type=object_type,
                           object_id=object_id, summary=kw.pop("summary", "updated a task"), notify=notify, **kw)
    if when is not None:
        event.at = when
        session.flush()
    return event


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def ids(events) -> list[int]:
    return [e.id for e in events]


class TestRecord:
    def test_an_event_names_the_actor_and_notifies_everyone_but_them(self, session):
        marketer, technologist = pair(session)
        event = record(session, marketer, changes={"title": ["Old", "New"]},
                       notify={technologist.id: Reason.assigned, marketer.id: Reason.accountable})
        assert (event.actor_id, event.actor_name, event.actor_side) == (marketer.id, marketer.name, "marketing")
        assert event.changes == {"title": ["Old", "New"]}
        notes = session.scalars(sa.select(Notification).where(Notification.event_id == event.id)).all()
        assert [(n.person_id, n.reason) for n in notes] == [(technologist.id, Reason.assigned)]

    def test_the_cli_operator_appears_as_the_local_operator(self, session, operator):
        assert record(session, operator).actor_name == "local operator"

    def test_event_and_notifications_share_the_callers_transaction(self, session):
        marketer, technologist = pair(session)
        events, notes = count(session, Event), count(session, Notification)
        with pytest.raises(RuntimeError), session.begin_nested():
            record(session, marketer, notify={technologist.id: Reason.mentioned})
            assert (count(session, Event), count(session, Notification)) == (events + 1, notes + 1)
            raise RuntimeError("the change itself failed")
        assert (count(session, Event), count(session, Notification)) == (events, notes)

    def test_modules_lists_who_has_written(self, session):
        marketer = person(session)
        record(session, marketer, module="pulse")
        assert {"pulse", "workspace"} <= set(service.modules(session))


class TestResolveMentions:
    def test_known_handles_resolve_in_any_case(self, session):
        marketer, technologist = pair(session)
        found = service.resolve_mentions(session, f"@{marketer.handle.upper()} and @{technologist.handle}!")
        assert {p.id for p in found} == {marketer.id, technologist.id}

    def test_unknown_handles_are_refused_by_name_on_the_given_field(self, session):
        marketer = person(session)
        with pytest.raises(RuleViolation, match="@ghost, @nobody") as err:
            service.resolve_mentions(session, f"@{marketer.handle} @ghost @nobody", field="description")
        assert err.value.field == "description"

    def test_a_deactivated_person_cannot_be_mentioned(self, session, operator):
        leaver = person(session)
        set_role(session, operator, person_id=leaver.id, role=Role.member, is_active=False)
        with pytest.raises(RuleViolation, match=f"@{leaver.handle}"):
            service.resolve_mentions(session, f"Ask @{leaver.handle}")


class TestListFeed:
    def test_filters_by_side_module_and_person(self, session):
        marketer, technologist = pair(session)
        mk_task = record(session, marketer)
        tech_task = record(session, technologist)
        tech_pulse = record(session, technologist, module="pulse")
        assert ids(service.list_feed(session, side="marketing", module="agenda")) == [mk_task.id]
        assert ids(service.list_feed(session, side="technology")) == [tech_pulse.id, tech_task.id]
        assert ids(service.list_feed(session, module="pulse")) == [tech_pulse.id]
        assert ids(service.list_feed(session, person_id=technologist.id, module="agenda")) == [tech_task.id]

    def test_after_id_gives_only_newer_events_for_live_updates(self, session):
        marketer = person(session)
        first, second, third = (record(session, marketer) for _ in range(3))
        assert ids(service.list_feed(session, after_id=first.id)) == [third.id, second.id]
        assert service.list_feed(session, after_id=third.id) == []
        assert service.latest_event_id(session) == third.id

    def test_before_id_pages_back_through_older_events(self, session):
        marketer = person(session)
        events = [record(session, marketer) for _ in range(4)]
        page = service.list_feed(session, before_id=events[3].id, limit=2)
        assert ids(page) == [events[2].id, events[1].id]

    def test_one_objects_history(self, session):
        marketer = person(session)
        mine = record(session, marketer, object_id=7)
        record(session, marketer, object_id=8)
        record(session, marketer, object_type="decision", object_id=7)
        assert ids(service.list_feed(session, object_type="task", object_id=7)) == [mine.id]


class TestNotifications:
    def test_unread_count_and_mark_read_by_id(self, session):
        marketer, technologist = pair(session)
        for _ in range(3):
            record(session, technologist, notify={marketer.id: Reason.informed})
        assert service.unread_count(session, marketer) == 3
        newest = service.list_notifications(session, marketer)[0][0]
        assert service.mark_read(session, marketer, notification_ids=[newest.id]) == 1
        assert service.unread_count(session, marketer) == 2
        assert newest.id not in [n.id for n, _ in service.list_notifications(session, marketer, unread_only=True)]

    def test_mark_read_without_ids_reads_everything(self, session):
        marketer, technologist = pair(session)
        record(session, technologist, notify={marketer.id: Reason.informed})
        record(session, technologist, notify={marketer.id: Reason.mentioned})
        assert service.mark_read(session, marketer) == 2
        assert service.unread_count(session, marketer) == 0
        assert len(service.list_notifications(session, marketer)) == 2

    def test_nobody_can_mark_someone_elses_notifications(self, session):
        marketer, technologist = pair(session)
        record(session, technologist, notify={marketer.id: Reason.informed})
        [(note, _)] = service.list_notifications(session, marketer)
        assert service.mark_read(session, technologist, notification_ids=[note.id]) == 0
        assert service.unread_count(session, marketer) == 1


class TestDigest:
    def test_groups_what_concerns_me_by_reason_within_the_week(self, session):
        me, colleague = pair(session)
        other = person(session, side=Side.executive)
        start = record(session, colleague, notify={me.id: Reason.assigned}, when=at(MONDAY, 0, 0))
        mention = record(session, colleague, notify={me.id: Reason.mentioned}, when=at(MONDAY, 15))
        late = record(session, colleague, notify={me.id: Reason.assigned}, when=at(MONDAY + dt.timedelta(6), 23, 59))
        record(session, colleague, notify={other.id: Reason.informed}, when=at(MONDAY, 16))
        record(session, me, notify={colleague.id: Reason.accountable}, when=at(MONDAY, 17))
        digest = service.digest(session, me, week_start=MONDAY)
        assert {reason: ids(events) for reason, events in digest["by_reason"].items()} == {
            "assigned": [start.id, late.id], "mentioned": [mention.id]}
        assert (digest["concerning_me"], digest["my_changes"], digest["all_changes"]) == (3, 1, 5)
        assert digest["week_end"] == dt.date(2024, 6, 9)

    def test_other_weeks_are_left_out(self, session):
        me, colleague = pair(session)
        record(session, colleague, notify={me.id: Reason.assigned}, when=at(MONDAY - dt.timedelta(days=1), 23, 59))
        record(session, colleague, notify={me.id: Reason.assigned}, when=at(MONDAY + dt.timedelta(days=7), 0, 0))
        digest = service.digest(session, me, week_start=MONDAY)
        assert digest["by_reason"] == {} and digest["concerning_me"] == 0 and digest["all_changes"] == 0


class TestExtractHandles:
    def test_handles_in_order_lower_cased_once_each(self):
        assert extract_handles("@Ana and @ben.k, then @ana again.") == ["ana", "ben.k"]

    def test_email_addresses_are_not_mentions(self):
        assert extract_handles("mail ana@example.com or @ben about x@y.org") == ["ben"]

    def test_a_trailing_full_stop_is_not_part_of_the_handle(self):
        assert extract_handles("Thanks @ana.ruiz.") == ["ana.ruiz"]

    def test_a_handle_starts_with_a_letter(self):
        assert extract_handles("costs @5 each, @_x") == []


class TestDiff:
    def test_only_changed_fields_with_before_and_after(self):
        before = {"title": "A", "due_on": None, "tags": ("x",), "same": 1}
        after = {"title": "B", "due_on": dt.date(2024, 6, 3), "tags": ("x",), "same": 1, "new": True}
        assert diff(before, after) == {"title": ["A", "B"], "due_on": [None, "2024-06-03"], "new": [None, True]}
