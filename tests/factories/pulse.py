"""Builders for Pulse: waves and anonymous responses, through the services."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from tandem.pulse import invitations, responses, service
from tandem.pulse.models import Level, Wave
from tandem.workspace.models import Person, Side


def wave(session: Session, actor: Person, *, name: str = "Q1", min_n: int = 5, min_comment_n: int = 10,
         **kwargs: object) -> Wave:
    return service.open_wave(session, actor, name=name, min_n=min_n, min_comment_n=min_comment_n,
                             **kwargs)  # type: ignore[arg-type]


def answer(session: Session, w: Wave, side: Side, scores: dict[int, int] | int, *, level: Level = Level.staff,
           comment: str = "") -> responses.Receipt:
    """One anonymous response as if through the side's public link; ``scores`` int = same for every item."""
    items = service.wave_items(session, w.id)
    given = scores if isinstance(scores, dict) else {i.id: scores for i in items}
    ticket = invitations.Ticket(w, side, None, None)
    return responses.submit(session, ticket, answers=given, comment=comment, level=level)


def crowd(session: Session, w: Wave, side: Side, n: int, agree: float, *, seed: int = 1,
          level: Level = Level.staff) -> None:
    """``n`` respondents of ``side``; each agrees (4-5) with every item with probability ``agree``."""
    rng = np.random.default_rng(seed)
    items = service.wave_items(session, w.id)
    for _ in range(n):
        agreeing = rng.random(len(items)) < agree
        scores = np.where(agreeing, rng.integers(4, 6, len(items)), rng.integers(1, 4, len(items)))
        answer(session, w, side, {i.id: int(s) for i, s in zip(items, scores, strict=True)}, level=level)
