"""Pure agenda rules: RACI, restatements, tags, attention order, cycles, joint decisions. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.agenda import rules
from tandem.agenda.models import Raci, Status
from tandem.errors import RuleViolation
from tandem.workspace.models import Side

A, R, C, INF = Raci.accountable, Raci.responsible, Raci.consulted, Raci.informed
TODAY = dt.date(2024, 5, 15)


class TestCheckRaci:
    def test_one_accountable_and_one_responsible_is_enough(self):
        rules.check_raci([(1, A), (2, R)])

    def test_the_accountable_may_also_be_responsible_and_consulted_informed_are_free(self):
        rules.check_raci([(1, A), (1, R), (2, C), (3, INF), (4, INF)])

    def test_no_accountable_is_refused_on_the_accountable_field(self):
        with pytest.raises(RuleViolation, match="none is set") as err:
            rules.check_raci([(1, R), (2, INF)])
        assert err.value.field == "accountable"

    def test_two_accountables_are_refused_with_the_count(self):
        with pytest.raises(RuleViolation, match="2 were given") as err:
            rules.check_raci([(1, A), (2, A), (3, R)])
        assert err.value.field == "accountable"

    def test_no_responsible_is_refused_on_the_responsible_field(self):
        with pytest.raises(RuleViolation, match="Responsible") as err:
            rules.check_raci([(1, A), (2, C)])
        assert err.value.field == "responsible"

    def test_an_empty_raci_names_the_accountable_first(self):
        with pytest.raises(RuleViolation) as err:
            rules.check_raci([])
        assert err.value.field == "accountable"


class TestCheckRestatement:
    ORIGINAL = "One customer profile: resolve every source into one id"

    def test_own_words_are_accepted_and_whitespace_is_tidied(self):
        text = rules.check_restatement(self.ORIGINAL, "  Marketing   wants one record per real   person ")
        assert text == "Marketing wants one record per real person"

    def test_a_verbatim_copy_is_refused(self):
        with pytest.raises(RuleViolation, match="own words") as err:
            rules.check_restatement(self.ORIGINAL, self.ORIGINAL)
        assert err.value.field == "restatement"

    def test_a_copy_with_changed_case_and_punctuation_is_still_a_copy(self):
        with pytest.raises(RuleViolation, match="own words"):
            rules.check_restatement(self.ORIGINAL, "ONE customer profile -- resolve every source into one ID!")

    def test_too_short_text_is_refused(self):
        with pytest.raises(RuleViolation, match="15 characters") as err:
            rules.check_restatement(self.ORIGINAL, "one id")
        assert err.value.field == "restatement"

    def test_blank_text_is_refused(self):
        with pytest.raises(RuleViolation, match="own"):
            rules.check_restatement(self.ORIGINAL, "   ")


class TestParseTags:
    def test_commas_spaces_and_hashes_give_lower_case_tags_without_duplicates(self):
        assert rules.parse_tags("#CRM, data  crm,Q3") == ["crm", "data", "q3"]

    def test_a_list_is_accepted_as_is(self):
        assert rules.parse_tags(["Launch", "#launch", "web-shop", " "]) == ["launch", "web-shop"]

    def test_nothing_gives_no_tags(self):
        assert rules.parse_tags("") == []
        assert rules.parse_tags(()) == []

    def test_a_tag_with_odd_characters_is_refused_by_name(self):
        with pytest.raises(RuleViolation, match="Tag 'a/b'") as err:
            rules.parse_tags("ok, a/b")
        assert err.value.field == "tags"

    def test_more_than_ten_tags_are_refused(self):
        with pytest.raises(RuleViolation, match="At most 10"):
            rules.parse_tags(" ".join(f"t{i}" for i in range(11)))


class TestAttentionKey:
    def test_blocked_then_overdue_then_doing_then_todo_then_done(self):
        tasks = {
            "done": (Status.done, TODAY - dt.timedelta(days=9)),
            "todo": (Status.todo, TODAY + dt.timedelta(days=1)),
            "doing": (Status.doing, TODAY + dt.timedelta(days=5)),
            "overdue": (Status.todo, TODAY - dt.timedelta(days=1)),
            "blocked": (Status.blocked, TODAY + dt.timedelta(days=30)),
        }
        order = sorted(tasks, key=lambda k: rules.attention_key(*tasks[k], TODAY))
        assert order == ["blocked", "overdue", "doing", "todo", "done"]

    def test_within_a_rank_earlier_due_dates_come_first_and_undated_last(self):
        keys = [rules.attention_key(Status.todo, due, TODAY)
                for due in (None, TODAY + dt.timedelta(days=3), TODAY)]
        assert sorted(keys) == [keys[2], keys[1], keys[0]]

    def test_due_today_is_not_overdue(self):
        assert not rules.is_overdue(Status.todo, TODAY, TODAY)
        assert rules.is_overdue(Status.doing, TODAY - dt.timedelta(days=1), TODAY)
        assert not rules.is_overdue(Status.done, TODAY - dt.timedelta(days=1), TODAY)


class TestCheckCycle:
    def test_two_weeks_is_fine(self):
        rules.check_cycle(TODAY, TODAY + dt.timedelta(days=13))

    def test_ending_on_or_before_the_start_is_refused(self):
        for ends in (TODAY, TODAY - dt.timedelta(days=1)):
            with pytest.raises(RuleViolation, match="end after it starts") as err:
                rules.check_cycle(TODAY, ends)
            assert err.value.field == "ends_on"

    def test_thirteen_weeks_is_the_longest(self):
        rules.check_cycle(TODAY, TODAY + dt.timedelta(weeks=13))
        with pytest.raises(RuleViolation, match="13 weeks") as err:
            rules.check_cycle(TODAY, TODAY + dt.timedelta(weeks=13, days=1))
        assert err.value.field == "ends_on"


class TestCheckJointDecision:
    def test_one_decider_from_each_side_is_accepted(self):
        rules.check_joint_decision(Side.marketing, Side.technology)

    def test_a_missing_marketing_decider_is_named(self):
        with pytest.raises(RuleViolation, match="marketing") as err:
            rules.check_joint_decision(None, Side.technology)
        assert err.value.field == "marketing_decider_id"

    def test_a_technologist_in_the_marketing_seat_is_refused(self):
        with pytest.raises(RuleViolation) as err:
            rules.check_joint_decision(Side.technology, Side.technology)
        assert err.value.field == "marketing_decider_id"

    def test_an_executive_in_the_technology_seat_is_refused(self):
        with pytest.raises(RuleViolation, match="technology") as err:
            rules.check_joint_decision(Side.marketing, Side.executive)
        assert err.value.field == "technology_decider_id"


class TestOtherSide:
    def test_each_side_faces_the_other(self):
        assert rules.other_side(Side.marketing) is Side.technology
        assert rules.other_side(Side.technology) is Side.marketing

    def test_executives_own_no_priorities(self):
        with pytest.raises(RuleViolation) as err:
            rules.other_side(Side.executive)
        assert err.value.field == "side"
