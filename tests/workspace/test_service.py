"""People, sign-in sessions and API tokens, against the real database."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.workspace import PASSWORD, person
from tandem.activity.models import Event
from tandem.errors import Conflict, Forbidden, NotFound, RuleViolation, Unauthenticated
from tandem.workspace import service
from tandem.workspace.models import Role, Side, WebSession


class TestAddPerson:
    def test_admin_adds_a_marketer_and_the_change_is_audited(self, session, operator):
        admin = person(session, side=Side.technology, role=Role.admin)
        new, generated = service.add_person(session, admin, email="Ana.Ruiz@Example.com", name="Ana María Ruiz",
                                            side=Side.marketing, role=Role.member)
        assert new.email == "ana.ruiz@example.com"
        assert new.handle == "ana.ruiz"
        assert generated and len(generated) >= 10
        event = session.scalars(sa.select(Event).where(Event.object_id == new.id, Event.object_type == "person")).one()
        assert event.actor_id == admin.id and "Ana María Ruiz" in event.summary

    def test_a_lead_may_not_add_people(self, session):
        lead = person(session, role=Role.lead)
        with pytest.raises(Forbidden, match="admin"):
            service.add_person(session, lead, email="x@example.com", name="X Y", side=Side.marketing, role=Role.member)

    def test_duplicate_email_names_the_field(self, session, operator):
        person(session, email="same@example.com")
        with pytest.raises(Conflict) as err:
            service.add_person(session, operator, email="SAME@example.com", name="Other", side=Side.technology,
                               role=Role.member)
        assert err.value.field == "email"

    def test_bad_email_and_short_password_are_refused_by_field(self, session, operator):
        with pytest.raises(RuleViolation) as bad_email:
            service.add_person(session, operator, email="not-an-email", name="A B", side=Side.marketing,
                               role=Role.member)
        assert bad_email.value.field == "email"
        with pytest.raises(RuleViolation) as short:
            service.add_person(session, operator, email="ok@example.com", name="A B", side=Side.marketing,
                               role=Role.member, password="short")
        assert short.value.field == "password"

    def test_handles_stay_unique(self, session):
        a = person(session, name="Sam Lee")
        b = person(session, name="Sam Lee")
        assert a.handle == "sam.lee" and b.handle == "sam.lee2"


class TestLogin:
    def test_right_password_opens_a_session_stored_only_as_a_hash(self, session):
        p = person(session)
        token, web = service.login(session, email=p.email.upper(), password=PASSWORD, hours=1)
        assert web.token_hash != token and len(web.token_hash) == 64
        found = service.session_person(session, token, hours=1)
        assert found is not None and found[0].id == p.id

    def test_wrong_password_and_unknown_email_say_the_same(self, session):
        p = person(session)
        with pytest.raises(Unauthenticated) as wrong:
            service.login(session, email=p.email, password="nope-nope-nope", hours=1)
        with pytest.raises(Unauthenticated) as unknown:
            service.login(session, email="ghost@example.com", password="nope-nope-nope", hours=1)
        assert wrong.value.message == unknown.value.message

    def test_an_expired_session_is_gone(self, session):
        p = person(session)
        token, web = service.login(session, email=p.email, password=PASSWORD, hours=1)
        web.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        session.flush()
        assert service.session_person(session, token, hours=1) is None
        assert session.scalar(sa.select(sa.func.count()).select_from(WebSession).where(
            WebSession.person_id == p.id)) == 0

    def test_deactivated_people_cannot_sign_in(self, session, operator):
        p = person(session)
        service.set_role(session, operator, person_id=p.id, role=Role.member, is_active=False)
        with pytest.raises(Unauthenticated):
            service.login(session, email=p.email, password=PASSWORD, hours=1)

    def test_the_local_operator_cannot_sign_in(self, session, operator):
        with pytest.raises(Unauthenticated):
            service.login(session, email=operator.email, password="", hours=1)


class TestTokens:
    def test_token_works_until_revoked(self, session):
        p = person(session)
        raw, token = service.create_token(session, p, person_id=p.id, name="BI")
        assert raw.startswith("tdm_") and token.token_hash != raw
        assert service.person_for_token(session, raw).id == p.id
        service.revoke_token(session, p, token_id=token.id)
        assert service.person_for_token(session, raw) is None

    def test_someone_elses_token_looks_missing(self, session):
        owner, other = person(session), person(session)
        _, token = service.create_token(session, owner, person_id=owner.id, name="mine")
        with pytest.raises(NotFound):
            service.revoke_token(session, other, token_id=token.id)

    def test_only_admins_create_tokens_for_others(self, session):
        a, b = person(session), person(session)
        with pytest.raises(Forbidden):
            service.create_token(session, a, person_id=b.id, name="x")


class TestSetRole:
    def test_admin_cannot_demote_themselves(self, session):
        admin = person(session, role=Role.admin)
        with pytest.raises(RuleViolation):
            service.set_role(session, admin, person_id=admin.id, role=Role.member)

    def test_role_change_is_audited_with_before_and_after(self, session, operator):
        p = person(session)
        service.set_role(session, operator, person_id=p.id, role=Role.lead, side=Side.technology)
        event = session.scalars(sa.select(Event).where(Event.verb == "changed", Event.object_id == p.id)).one()
        assert event.changes["role"] == ["member", "lead"]
        assert event.changes["side"] == ["marketing", "technology"]
