"""Reads for screening: a round's checklist."""

from __future__ import annotations

from grants.models import Round, ScreeningCheck


def screening_checklist(*, round: Round) -> list[ScreeningCheck]:
    """The round's screening checks in order (rounds get the standard ones when created)."""
    return list(round.screening_checks.all())
