"""One persona matrix for every access test: who gets what at each address.

A table of `Rule`s says, for each address and method, what each kind of persona gets
(200, 403, 404); anonymous users are always sent to sign in. `matrix_failures` asks as one
persona and lists every answer that differs, and every refused POST that changed the
database (a snapshot before and after). `refused_everywhere_else` is the short form for
one address: the personas named may use it, every other one is kept out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url

from tests.conftest import PERSONA_NAMES

LOGIN = "login"  # a redirect to the sign-in page
REFUSED = (403, 404)


@dataclass(frozen=True)
class Rule:
    """What each kind of persona gets at one address.

    `by_role` maps a kind of persona (see a test's ROLE_OF) to the status it gets: a GET
    must name every kind; for a POST a kind left out may do it, so it is not asked. `exceptions` overrides the table
    for single personas by name.
    """

    name: str
    url: str
    by_role: Mapping[str, int]
    method: str = "GET"
    data: Mapping[str, Any] | None = None
    exceptions: Mapping[str, int] = field(default_factory=dict)

    def expected(self, who: str, role: str) -> int | str | None:
        if who == "anonymous":
            return LOGIN
        if who in self.exceptions:
            return self.exceptions[who]
        return self.by_role[role] if self.method == "GET" else self.by_role.get(role)


def outcome(response) -> int | str:
    """The status code, or LOGIN for a redirect to the sign-in page."""
    if response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


def _send(client, rule: Rule):
    if rule.method == "GET":
        return client.get(rule.url)
    if rule.method == "POST":
        return client.post(rule.url, dict(rule.data or {}))
    raise ValueError(f"Unknown method {rule.method!r}")


def matrix_failures(
    client,
    *,
    who: str,
    role: str,
    rules: Iterable[Rule],
    snapshot: Callable[[], object],
) -> list[str]:
    """Ask every rule as `who` (a persona of kind `role`); list what differs.

    Anonymous users must be sent to sign in (never a page). The database snapshot is taken
    before the first POST and compared after each POST asked: a refused POST that changed
    anything is listed too.
    """
    wrong: list[str] = []
    before: object = None
    for rule in rules:
        expected = rule.expected(who, role)
        if expected is None:
            continue  # this kind of persona may do it; tested elsewhere
        if rule.method != "GET" and before is None:
            before = snapshot()
        got = outcome(_send(client, rule))
        if got != expected:
            wrong.append(f"{rule.method} {rule.name}: expected {expected}, got {got}")
        if rule.method != "GET":
            after = snapshot()
            if after != before:
                wrong.append(f"{rule.method} {rule.name} changed something")
                before = after
    return wrong


def refused_everywhere_else(
    client_for,
    personas,
    *,
    url: str,
    allowed: Iterable[str],
    method: str = "GET",
    data: Mapping[str, Any] | None = None,
    snapshot: Callable[[], object] | None = None,
    refused_with: int | tuple[int, ...] = REFUSED,
) -> list[str]:
    """Ask `url` as every persona not in `allowed`; list each one that was not kept out.

    Signed-in personas must get one of `refused_with` (403 or 404 unless narrowed),
    anonymous users a redirect to sign in; a refused POST must leave `snapshot()` as it was.
    """
    refused = (refused_with,) if isinstance(refused_with, int) else tuple(refused_with)
    allowed = set(allowed)
    unknown = allowed - set(PERSONA_NAMES)
    if unknown:
        raise ValueError(f"Unknown personas: {sorted(unknown)}")
    rule = Rule(name=url, url=url, by_role={}, method=method, data=data)
    wrong: list[str] = []
    for who in PERSONA_NAMES:
        if who in allowed:
            continue
        before = snapshot() if snapshot and method != "GET" else None
        got = outcome(_send(client_for(personas.get(who)), rule))
        kept_out = got == LOGIN if who == "anonymous" else got in refused
        if not kept_out:
            wrong.append(f"{who}: {method} {url} gave {got}")
        if before is not None and snapshot() != before:
            wrong.append(f"{who}: {method} {url} changed something")
    return wrong
