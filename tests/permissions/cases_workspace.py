"""Permission cases for the workspace and activity routes."""

from __future__ import annotations

from factories.workspace import PASSWORD
from permissions.world import Case, World
from tandem.workspace import service as workspace
from tandem.workspace.models import Side


def _token(w: World) -> int:
    _, token = workspace.create_token(w.session, w.actor, person_id=w.actor.id, name="t")
    return token.id


CASES: dict[str, Case] = {
    # workspace pages
    "workspace.logout": Case("", lambda w: ("POST", "/logout", {})),
    "workspace.token_create": Case("token.create", lambda w: ("POST", "/account/tokens", {"name": "bi"}),
                                   lambda w: {"person_id": w.actor.id}),
    "workspace.token_revoke": Case("token.revoke", lambda w: ("POST", f"/account/tokens/{_token(w)}/revoke", {}),
                                   lambda w: {"person_id": w.actor.id}),
    "workspace.password": Case("password.set", lambda w: ("POST", "/account/password",
                                                          {"current": PASSWORD, "new": "a-new-password-42"}),
                               lambda w: {"person_id": w.actor.id}),
    "workspace.person_add": Case("people.manage", lambda w: ("POST", "/admin/people", {
        "email": f"new{w.actor.id}@example.com", "name": "New Person", "side": "marketing", "role": "member"})),
    "workspace.person_update": Case("people.manage", lambda w: (
        "POST", f"/admin/people/{w.other(Side.marketing).id}",
        {"role": "member", "side": "marketing", "active": "on"})),
    # activity pages
    "activity.mark_read": Case("notification.read", lambda w: ("POST", "/notifications/read", {}),
                               lambda w: {"person_id": w.actor.id}),
    "api.person_add": Case("people.manage", lambda w: ("POST", "/api/v1/people", {
        "email": f"api{w.actor.id}@example.com", "name": "Api Person", "side": "technology"}), kind="json"),
    "api.person_update": Case("people.manage", lambda w: (
        "PATCH", f"/api/v1/people/{w.other(Side.marketing).id}", {"role": "member"}), kind="json"),
    "api.token_create": Case("token.create", lambda w: ("POST", "/api/v1/tokens", {"name": "x"}),
                             lambda w: {"person_id": w.actor.id}, kind="json"),
    "api.token_revoke": Case("token.revoke", lambda w: ("DELETE", f"/api/v1/tokens/{_token(w)}", {}),
                             lambda w: {"person_id": w.actor.id}, kind="json"),
    "api.notifications_read": Case("notification.read", lambda w: ("POST", "/api/v1/notifications/read", {}),
                                   lambda w: {"person_id": w.actor.id}, kind="json"),
}
