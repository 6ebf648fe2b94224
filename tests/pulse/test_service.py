"""Pulse use cases against the real database: waves, versions, invitations, anonymity, suppression."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.pulse import answer, crowd, wave
from factories.workspace import person
from tandem.activity.models import Event
from tandem.errors import Conflict, Forbidden, NotFound, RuleViolation
from tandem.pulse import bank, invitations, reports, responses, service
from tandem.pulse.items import standard_items
from tandem.pulse.models import Comment, Invitation, Level, Response, Tally, WaveState
from tandem.workspace.models import Role, Side


@pytest.fixture
def lead(session):
    return person(session, side=Side.marketing, role=Role.lead)


@pytest.fixture
def admin(session):
    return person(session, side=Side.technology, role=Role.admin)


def _tally_total(session, wave_id):
    return session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Tally.count), 0)).where(Tally.wave_id == wave_id))


class TestWaves:
    def test_open_freezes_every_current_item_and_one_wave_is_open_at_a_time(self, session, lead):
        w = wave(session, lead, name="Q1")
        assert w.state is WaveState.open
        assert len(service.wave_items(session, w.id)) == len(standard_items())
        with pytest.raises(Conflict, match="still open"):
            wave(session, lead, name="Q2")
        service.close_wave(session, lead, wave_id=w.id)
        with pytest.raises(Conflict, match="already closed"):
            service.close_wave(session, lead, wave_id=w.id)
        with pytest.raises(Conflict, match="exists already"):
            wave(session, lead, name="Q1")

    def test_threshold_cannot_go_below_the_floor_and_members_cannot_open(self, session, lead):
        with pytest.raises(RuleViolation) as err:
            wave(session, lead, min_n=2)
        assert err.value.field == "min_n"
        with pytest.raises(Forbidden):
            wave(session, person(session, role=Role.member))

    def test_open_and_close_are_in_the_activity_feed(self, session, lead):
        w = wave(session, lead, name="Audited")
        service.close_wave(session, lead, wave_id=w.id)
        verbs = [e.verb for e in session.scalars(sa.select(Event).where(Event.module == "pulse"))]
        assert verbs[-2:] == ["opened", "closed"]


class TestItemVersions:
    def test_rewording_is_a_new_version_and_the_running_wave_keeps_its_words(self, session, lead, admin):
        w = wave(session, lead)
        old = bank.current(session, "people.trust")
        new = bank.reword_item(session, admin, code="people.trust", wording="I trust the other side to deliver.")
        assert (new.version, old.is_current, new.is_current) == (2, False, True)
        asked = {i.code: i for i in service.wave_items(session, w.id)}
        assert asked["people.trust"].id == old.id
        service.close_wave(session, lead, wave_id=w.id)
        w2 = wave(session, lead, name="Q2")
        assert {i.code: i for i in service.wave_items(session, w2.id)}["people.trust"].id == new.id

    def test_a_reworded_item_is_never_compared_with_its_old_wording(self, session, lead, admin):
        w1 = wave(session, lead)
        for side in (Side.marketing, Side.technology):
            crowd(session, w1, side, 6, 0.5)
        service.close_wave(session, lead, wave_id=w1.id)
        bank.reword_item(session, admin, code="people.trust", wording="I trust the other side completely.")
        w2 = wave(session, lead, name="Q2")
        for side in (Side.marketing, Side.technology):
            crowd(session, w2, side, 6, 0.5, seed=2)
        rows = {r.item.code: r for r in reports.wave_report(session, w2).rows}
        assert rows["people.trust"].change_state("marketing") == "first"
        assert rows["people.cio_engaged"].change_state("marketing") == "shown"

    def test_retired_items_are_left_out_of_new_waves_and_can_be_restored(self, session, lead, admin):
        bank.retire_item(session, admin, code="data.partner_data")
        w = wave(session, lead)
        assert "data.partner_data" not in {i.code for i in service.wave_items(session, w.id)}
        with pytest.raises(Conflict):
            bank.retire_item(session, admin, code="data.partner_data")
        assert not bank.retire_item(session, admin, code="data.partner_data", retired=False).is_retired

    def test_only_admins_edit_items_and_added_codes_follow_the_bank(self, session, lead, admin):
        with pytest.raises(Forbidden):
            bank.add_item(session, lead, dimension="data", name="x", wording="A statement long enough.")
        item = bank.add_item(session, admin, dimension="data", name="Consent tracked",
                             wording="Consent is tracked for every customer record.")
        assert item.code == "data.consent_tracked"
        with pytest.raises(Conflict):
            bank.add_item(session, admin, dimension="data", name="consent tracked", wording="Another wording here.")
        with pytest.raises(RuleViolation):
            bank.add_item(session, admin, dimension="finance", name="y", wording="A statement long enough.")


class TestInvitations:
    def test_a_token_answers_once_and_only_its_hash_is_stored(self, session, lead):
        w = wave(session, lead)
        mk = person(session, side=Side.marketing, role=Role.lead)
        result = invitations.invite(session, lead, wave_id=w.id, people=[mk.email, "nobody@example.com"])
        (who, token), = result.links
        assert who.id == mk.id and result.unknown == ["nobody@example.com"]
        stored = session.scalar(sa.select(Invitation.token_hash).where(Invitation.person_id == mk.id))
        assert token not in stored and len(stored) == 64
        ticket = invitations.resolve(session, token, today=dt.date.today())
        assert (ticket.side, ticket.level) == (Side.marketing, Level.leader)
        item = service.wave_items(session, w.id)[0]
        responses.submit(session, ticket, answers={item.id: 4})
        with pytest.raises(Conflict, match="already been used"):
            invitations.resolve(session, token, today=dt.date.today())
        with pytest.raises(Conflict):  # a stale ticket racing the first submission
            responses.submit(session, ticket, answers={item.id: 5})
        assert _tally_total(session, w.id) == 1
        again = invitations.invite(session, lead, wave_id=w.id, people=[mk.email])
        assert again.links == [] and again.already == [mk]

    def test_a_reminder_replaces_the_link_of_those_who_have_not_answered(self, session, lead):
        w = wave(session, lead)
        a, b = person(session), person(session, side=Side.technology)
        links = dict((p.id, t) for p, t in invitations.invite(session, lead, wave_id=w.id, people=[a, b]).links)
        item = service.wave_items(session, w.id)[0]
        responses.submit(session, invitations.resolve(session, links[a.id], today=dt.date.today()),
                         answers={item.id: 3})
        reminded = invitations.remind(session, lead, wave_id=w.id)
        assert [p.id for p, _ in reminded] == [b.id]
        with pytest.raises(NotFound, match="replaced by a reminder"):
            invitations.resolve(session, links[b.id], today=dt.date.today())
        assert invitations.resolve(session, reminded[0][1], today=dt.date.today()).side is Side.technology

    def test_expired_and_closed_waves_refuse_answers_with_a_clear_message(self, session, lead):
        w = wave(session, lead, closes_on=dt.date.today())
        token = invitations.public_link(session, lead, wave_id=w.id, side=Side.technology)
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        with pytest.raises(Conflict, match="link has expired"):
            invitations.resolve(session, token, today=tomorrow)
        service.close_wave(session, lead, wave_id=w.id)
        with pytest.raises(Conflict, match="is closed"):
            invitations.resolve(session, token, today=dt.date.today())

    def test_a_public_link_tags_its_side_and_asks_the_level(self, session, lead):
        w = wave(session, lead)
        token = invitations.public_link(session, lead, wave_id=w.id, side=Side.technology)
        ticket = invitations.resolve(session, token, today=dt.date.today())
        item = service.wave_items(session, w.id)[0]
        with pytest.raises(RuleViolation) as err:
            responses.submit(session, ticket, answers={item.id: 4})
        assert err.value.field == "level"
        responses.submit(session, ticket, answers={item.id: 4}, level="leader")
        responses.submit(session, ticket, answers={item.id: 2}, level="staff")  # a public link is reusable
        sides = session.execute(sa.select(Response.side, Response.level).where(Response.wave_id == w.id)).all()
        assert sorted(sides) == [(Side.technology, Level.leader), (Side.technology, Level.staff)]
        new = invitations.public_link(session, lead, wave_id=w.id, side=Side.technology)
        with pytest.raises(NotFound):
            invitations.resolve(session, token, today=dt.date.today())
        assert invitations.resolve(session, new, today=dt.date.today()).side is Side.technology

    def test_signed_in_people_answer_once_without_a_link(self, session, lead):
        w = wave(session, lead)
        me = person(session, side=Side.technology)
        ticket = invitations.ticket_for(session, me, today=dt.date.today())
        responses.submit(session, ticket, answers={service.wave_items(session, w.id)[0].id: 5})
        assert service.has_answered(session, me, w.id)
        with pytest.raises(Conflict, match="already answered"):
            invitations.ticket_for(session, me, today=dt.date.today())


class TestAnswersAndAnonymity:
    def test_bad_answers_are_refused_before_anything_is_stored(self, session, lead):
        w = wave(session, lead)
        other_item = bank.add_item(session, person(session, role=Role.admin), dimension="data", name="later",
                                   wording="An item added after the wave opened.")
        item = service.wave_items(session, w.id)[0]
        ticket = invitations.Ticket(w, Side.marketing, Level.staff, None)
        cases = [({item.id: 6}, f"item-{item.id}", "out of range"), ({item.id: "x"}, f"item-{item.id}", "1–5"),
                 ({other_item.id: 3}, f"item-{other_item.id}", "not part of this wave"),
                 ({item.id: None}, "answers", "at least one")]
        for answers, field, message in cases:
            with pytest.raises(RuleViolation, match=message) as err:
                responses.submit(session, ticket, answers=answers)
            assert err.value.field == field
        assert _tally_total(session, w.id) == 0
        assert service.response_count(session, w.id) == 0

    def test_no_table_or_audit_event_holds_who_answered_what(self, session, lead):
        w = wave(session, lead)
        mk = person(session, side=Side.marketing, name="Zelda Quartermaine")
        (_, token), = invitations.invite(session, lead, wave_id=w.id, people=[mk]).links
        item = service.wave_items(session, w.id)[0]
        responses.submit(session, invitations.resolve(session, token, today=dt.date.today()),
                         answers={item.id: 2}, comment="Tooling is slow")
        assert set(Response.__table__.columns.keys()) == {"id", "wave_id", "side", "level"}
        assert "person_id" not in Tally.__table__.columns and "person_id" not in Comment.__table__.columns
        event = session.scalars(sa.select(Event).where(Event.verb == "received")).one()
        text = f"{event.actor_name} {event.summary} {event.changes}"
        assert "Zelda" not in text and "marketing" not in text and "Tooling" not in text and event.object_type == "wave"


class TestReport:
    def test_a_cut_under_the_threshold_shows_no_number_and_hides_gaps_and_indices(self, session, lead):
        w = wave(session, lead)
        crowd(session, w, Side.marketing, 5, 0.8)
        crowd(session, w, Side.technology, 4, 0.3)
        view = reports.wave_report(session, w)
        row = view.rows[0]
        assert row.cell("marketing").n == 5 and row.cell("technology") is None and row.cell("executive") is None
        assert row.gap is None and view.overall is None and view.relationship is None
        assert row.bucket("technology") == "na"
        crowd(session, w, Side.technology, 1, 0.3, seed=9)
        view = reports.wave_report(session, w)
        assert view.rows[0].cell("technology").n == 5 and view.overall is not None

    def test_leaders_only_is_a_narrower_cut_and_is_suppressed_on_its_own_count(self, session, lead):
        w = wave(session, lead)
        crowd(session, w, Side.marketing, 6, 0.8)
        crowd(session, w, Side.technology, 6, 0.3)
        crowd(session, w, Side.technology, 2, 0.3, level=Level.leader)
        assert reports.wave_report(session, w).rows[0].cell("technology").n == 8
        leaders = reports.wave_report(session, w, level=Level.leader)
        assert leaders.rows[0].cell("technology") is None and leaders.rows[0].cell("marketing") is None

    def test_comments_need_the_higher_threshold_and_come_sorted(self, session, lead):
        w = wave(session, lead, min_comment_n=6)
        items = service.wave_items(session, w.id)
        for n, text in enumerate(["zebra crossing", "Alpha team", "middle ground", "", "", ""]):
            answer(session, w, Side.marketing, {items[0].id: 3}, comment=text)
            if n < 5:
                answer(session, w, Side.technology, {items[0].id: 3}, comment="tech says hi")
        comments = reports.wave_report(session, w).comments
        assert comments[Side.marketing] == ["Alpha team", "middle ground", "zebra crossing"]
        assert comments[Side.technology] is None

    def test_progress_counts_by_side_only(self, session, lead):
        w = wave(session, lead)
        people = [person(session, side=Side.marketing), person(session, side=Side.technology)]
        invitations.invite(session, lead, wave_id=w.id, people=people)
        crowd(session, w, Side.technology, 3, 0.5)
        p = service.progress(session, w.id)
        assert (p.sides[Side.marketing].invited, p.sides[Side.technology].responses, p.responses) == (1, 3, 3)
        assert p.sides[Side.marketing].percent == 0
