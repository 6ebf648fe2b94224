"""The joint vision and each side's ranked priorities, acknowledged by the other side in its own words."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factories.agenda import priority
from factories.workspace import pair, person
from tandem.activity.models import Event, Notification, Reason
from tandem.agenda import priorities
from tandem.agenda.models import Acknowledgement
from tandem.errors import Conflict, Forbidden, RuleViolation
from tandem.workspace.models import Role, Side

VISION = "Marketing and technology build one customer view together."
OWN_WORDS = "Tech wants every shopper to count once, whichever tool saw them"


def ranks(session, side: Side) -> list[tuple[str, int]]:
    return [(v.priority.title, v.priority.rank) for v in priorities.list_priorities(session)[side]]


class TestSetVision:
    def test_every_revision_is_kept_newest_first(self, session):
        lead = person(session, role=Role.lead)
        first = priorities.set_vision(session, lead, text=VISION)
        second = priorities.set_vision(session, lead, text=VISION + " Customers first.", note="sharper")
        assert [v.id for v, _ in priorities.vision_history(session)] == [second.id, first.id]
        current, author = priorities.current_vision(session)
        assert current.id == second.id and current.note == "sharper" and author.id == lead.id
        verbs = session.scalars(sa.select(Event.verb).where(Event.object_type == "vision").order_by(Event.id))
        assert list(verbs) == ["wrote", "revised"]

    def test_identical_text_is_refused(self, session):
        lead = person(session, role=Role.lead)
        priorities.set_vision(session, lead, text=VISION)
        with pytest.raises(Conflict, match="already says") as err:
            priorities.set_vision(session, lead, text=f"  {VISION}  ")
        assert err.value.field == "text"
        assert len(priorities.vision_history(session)) == 1

    def test_a_vision_needs_a_sentence(self, session):
        with pytest.raises(RuleViolation, match="20 characters") as err:
            priorities.set_vision(session, person(session, role=Role.lead), text="Be great")
        assert err.value.field == "text"

    def test_members_cannot_rewrite_the_vision(self, session):
        with pytest.raises(Forbidden, match="lead"):
            priorities.set_vision(session, person(session), text=VISION)
        assert priorities.current_vision(session) is None


class TestAddPriority:
    def test_each_side_ranks_its_own_priorities_from_one(self, session):
        mk_lead, tech_lead = pair(session, Role.lead)
        priority(session, mk_lead, title="One profile")
        priority(session, tech_lead, title="Stable APIs")
        priority(session, mk_lead, title="Consent everywhere")
        assert ranks(session, Side.marketing) == [("One profile", 1), ("Consent everywhere", 2)]
        assert ranks(session, Side.technology) == [("Stable APIs", 1)]

    def test_a_lead_of_the_other_side_cannot_write_it(self, session):
        _, tech_lead = pair(session, Role.lead)
        with pytest.raises(Forbidden, match="only marketing leads"):
            priority(session, tech_lead, side=Side.marketing)
        assert ranks(session, Side.marketing) == []

    def test_a_member_of_the_side_cannot_write_it(self, session):
        with pytest.raises(Forbidden, match="lead role"):
            priority(session, person(session, side=Side.marketing, role=Role.member))

    def test_executive_leads_and_admins_may_write_for_either_side(self, session, operator):
        exec_lead = person(session, side=Side.executive, role=Role.lead)
        priority(session, exec_lead, side=Side.marketing, title="From the board")
        priority(session, operator, side=Side.technology, title="From the operator")
        assert ranks(session, Side.marketing) == [("From the board", 1)]
        assert ranks(session, Side.technology) == [("From the operator", 1)]

    def test_executives_own_no_priorities(self, session, operator):
        with pytest.raises(RuleViolation) as err:
            priority(session, operator, side=Side.executive)
        assert err.value.field == "side"


class TestMovePriority:
    def test_moving_keeps_ranks_contiguous(self, session):
        lead = person(session, role=Role.lead)
        a, b, c = (priority(session, lead, title=t) for t in ("A", "B", "C"))
        priorities.move_priority(session, lead, priority_id=c.id, rank=1)
        assert ranks(session, Side.marketing) == [("C", 1), ("A", 2), ("B", 3)]
        priorities.move_priority(session, lead, priority_id=c.id, rank=3)
        assert ranks(session, Side.marketing) == [("A", 1), ("B", 2), ("C", 3)]
        event = session.scalars(sa.select(Event).where(Event.verb == "re-ranked").order_by(Event.id.desc())).first()
        assert event.changes == {"rank": [1, 3]}

    def test_a_rank_outside_the_list_is_refused(self, session):
        lead = person(session, role=Role.lead)
        a = priority(session, lead, title="A")
        priority(session, lead, title="B")
        for bad in (0, 3):
            with pytest.raises(RuleViolation, match="between 1 and 2") as err:
                priorities.move_priority(session, lead, priority_id=a.id, rank=bad)
            assert err.value.field == "rank"

    def test_the_other_sides_lead_cannot_reorder(self, session):
        mk_lead, tech_lead = pair(session, Role.lead)
        first = priority(session, mk_lead, title="A")
        priority(session, mk_lead, title="B")
        with pytest.raises(Forbidden):
            priorities.move_priority(session, tech_lead, priority_id=first.id, rank=2)
        assert ranks(session, Side.marketing) == [("A", 1), ("B", 2)]


class TestArchivePriority:
    def test_retiring_one_closes_the_gap(self, session):
        lead = person(session, role=Role.lead)
        a, b, c = (priority(session, lead, title=t) for t in ("A", "B", "C"))
        priorities.archive_priority(session, lead, priority_id=b.id)
        assert ranks(session, Side.marketing) == [("A", 1), ("C", 2)]
        assert b.id not in [v.priority.id for v in priorities.unacknowledged(session)]

    def test_a_new_priority_after_retiring_takes_the_next_free_rank(self, session):
        lead = person(session, role=Role.lead)
        first = priority(session, lead, title="A")
        priority(session, lead, title="B")
        priorities.archive_priority(session, lead, priority_id=first.id)
        priority(session, lead, title="C")
        assert ranks(session, Side.marketing) == [("B", 1), ("C", 2)]


class TestAcknowledge:
    def test_the_other_side_restates_it_and_the_author_hears(self, session):
        mk_lead, technologist = person(session, role=Role.lead), person(session, side=Side.technology)
        prio = priority(session, mk_lead)
        ack = priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=OWN_WORDS)
        assert ack.revision == 1 and ack.restatement == OWN_WORDS
        [view] = priorities.list_priorities(session)[Side.marketing]
        assert view.is_acknowledged and view.acknowledgements[0][1].id == technologist.id
        note = session.scalars(sa.select(Notification).where(Notification.person_id == mk_lead.id)).one()
        assert note.reason == Reason.acknowledged

    def test_a_marketer_cannot_acknowledge_a_marketing_priority(self, session):
        mk_lead = person(session, role=Role.lead)
        prio = priority(session, mk_lead)
        with pytest.raises(Forbidden, match="acknowledged by the other side"):
            priorities.acknowledge(session, person(session, side=Side.marketing), priority_id=prio.id,
                                   restatement=OWN_WORDS)

    def test_an_executive_cannot_acknowledge_for_either_side(self, session, operator):
        prio = priority(session, person(session, role=Role.lead))
        for executive in (operator, person(session, side=Side.executive, role=Role.lead)):
            with pytest.raises(Forbidden, match="executives sit on neither side"):
                priorities.acknowledge(session, executive, priority_id=prio.id, restatement=OWN_WORDS)

    def test_a_viewer_of_the_other_side_cannot_acknowledge(self, session):
        prio = priority(session, person(session, role=Role.lead))
        viewer = person(session, side=Side.technology, role=Role.viewer)
        with pytest.raises(Forbidden, match="member role"):
            priorities.acknowledge(session, viewer, priority_id=prio.id, restatement=OWN_WORDS)

    def test_copying_the_wording_is_refused(self, session):
        prio = priority(session, person(session, role=Role.lead), title="One customer profile",
                        description="Resolve every source into one id")
        technologist = person(session, side=Side.technology)
        copies = ("One customer profile: resolve every source into one id",
                  "Resolve every source into one id",
                  "one customer profile!")
        for copy in copies:
            with pytest.raises(RuleViolation, match="own words") as err:
                priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=copy)
            assert err.value.field == "restatement"
        assert session.scalar(sa.select(sa.func.count()).select_from(Acknowledgement)) == 0

    def test_acknowledging_the_same_wording_twice_is_a_conflict(self, session):
        prio = priority(session, person(session, role=Role.lead))
        technologist = person(session, side=Side.technology)
        priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=OWN_WORDS)
        with pytest.raises(Conflict, match="already acknowledged"):
            priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=OWN_WORDS + " again")


class TestRewordPriority:
    def test_rewording_makes_the_old_acknowledgement_no_longer_count(self, session):
        mk_lead, technologist = person(session, role=Role.lead), person(session, side=Side.technology)
        prio = priority(session, mk_lead)
        priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=OWN_WORDS)
        assert priorities.unacknowledged(session) == []
        priorities.reword_priority(session, mk_lead, priority_id=prio.id, title="One profile per shopper",
                                   description="Merge CRM, shop and newsletter records")
        assert prio.revision == 2
        assert [v.priority.id for v in priorities.unacknowledged(session)] == [prio.id]
        priorities.acknowledge(session, technologist, priority_id=prio.id, restatement=OWN_WORDS)
        assert priorities.unacknowledged(session) == []

    def test_the_same_wording_is_not_a_new_revision(self, session):
        lead = person(session, role=Role.lead)
        prio = priority(session, lead, title="One customer profile", description="Resolve every source into one id")
        events = session.scalar(sa.select(sa.func.count()).select_from(Event))
        priorities.reword_priority(session, lead, priority_id=prio.id, title=" One customer  profile ",
                                   description="Resolve every source into one id ")
        assert prio.revision == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(Event)) == events

    def test_only_the_sides_leads_may_reword(self, session):
        mk_lead, tech_lead = pair(session, Role.lead)
        prio = priority(session, mk_lead)
        with pytest.raises(Forbidden):
            priorities.reword_priority(session, tech_lead, priority_id=prio.id, title="Their words")
        assert prio.title == "One customer profile" and prio.revision == 1


class TestUnacknowledged:
    def test_lists_exactly_the_priorities_still_waiting(self, session):
        mk_lead, tech_lead = pair(session, Role.lead)
        marketer, technologist = pair(session)
        waiting_mk = priority(session, mk_lead, title="Consent everywhere")
        done_mk = priority(session, mk_lead, title="One profile")
        waiting_tech = priority(session, tech_lead, title="Stable APIs")
        done_tech = priority(session, tech_lead, title="Fewer incidents")
        retired = priority(session, tech_lead, title="Old platform")
        priorities.archive_priority(session, tech_lead, priority_id=retired.id)
        priorities.acknowledge(session, technologist, priority_id=done_mk.id, restatement=OWN_WORDS)
        priorities.acknowledge(session, marketer, priority_id=done_tech.id,
                               restatement="Marketing wants the site up when campaigns go live")
        waiting = {v.priority.id for v in priorities.unacknowledged(session)}
        assert waiting == {waiting_mk.id, waiting_tech.id}
