"""JSON API for people and tokens under /api/v1 (bearer tokens; the same services as the pages)."""

from __future__ import annotations

from fastapi import APIRouter

from tandem.web.deps import ApiPerson, SessionDep
from tandem.workspace import service
from tandem.workspace.schemas import (
    PersonCreate,
    PersonCreated,
    PersonRead,
    PersonUpdate,
    TokenCreate,
    TokenCreated,
    TokenRead,
)

router = APIRouter(prefix="/api/v1", tags=["people"])


@router.get("/me", name="api.me")
def me(person: ApiPerson) -> PersonRead:
    return PersonRead.model_validate(person)


@router.get("/people", name="api.people")
def people(session: SessionDep, person: ApiPerson) -> list[PersonRead]:
    return [PersonRead.model_validate(p) for p in service.list_people(session)]


@router.post("/people", name="api.person_add", status_code=201)
def person_add(body: PersonCreate, session: SessionDep, person: ApiPerson) -> PersonCreated:
    created, generated = service.add_person(session, person, **body.model_dump())
    return PersonCreated(**PersonRead.model_validate(created).model_dump(), generated_password=generated)


@router.patch("/people/{person_id}", name="api.person_update")
def person_update(person_id: int, body: PersonUpdate, session: SessionDep, person: ApiPerson) -> PersonRead:
    return PersonRead.model_validate(service.set_role(session, person, person_id=person_id, **body.model_dump()))


@router.post("/tokens", name="api.token_create", status_code=201)
def token_create(body: TokenCreate, session: SessionDep, person: ApiPerson) -> TokenCreated:
    raw, token = service.create_token(session, person, person_id=body.person_id or person.id, name=body.name)
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=raw)


@router.delete("/tokens/{token_id}", name="api.token_revoke")
def token_revoke(token_id: int, session: SessionDep, person: ApiPerson) -> TokenRead:
    return TokenRead.model_validate(service.revoke_token(session, person, token_id=token_id))
