"""Links of the officers' list of bids: sortable headers, counts per status, preset views,
and the previous and next pages, each keeping the rest of the query; and its rows, as text.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import localize

from documents.formatting import money
from grants.models import Application
from grants.selectors.application_list import PRESET_VIEWS, SORTS, ListPage


@dataclass(frozen=True)
class Link:
    label: str
    query: str
    current: bool = False
    count: int | None = None
    aria_sort: str = "none"


def _query(base: QueryDict, **changes: str) -> str:
    query = base.copy()
    for name in ("cursor", "page", "format"):
        query.pop(name, None)
    for name, value in changes.items():
        if value:
            query[name] = value
        else:
            query.pop(name, None)
    return query.urlencode()


def application_list_links(query: QueryDict, *, page: ListPage, sort: str, view: str) -> dict:
    """Everything the list links to, built from the current query in one pass."""
    sort = sort if sort.lstrip("-") in SORTS else "reference"
    headers = {}
    for key, spec in SORTS.items():
        active = sort.lstrip("-") == key
        reversed_ = sort.startswith("-")
        descending = spec.descending_first != reversed_ if active else spec.descending_first
        # A click on the sorted column turns it round; on another column, sorts by it.
        target = (key if reversed_ else f"-{key}") if active else key
        headers[key] = Link(
            label=spec.label,
            query=_query(query, sort=target),
            current=active,
            aria_sort=("descending" if descending else "ascending") if active else "none",
        )
    status = query.get("status", "")
    statuses = [Link("All", _query(query, status=""), not status, sum(page.counts.values()))]
    statuses += [
        Link(label, _query(query, status=value), status == value, page.counts[value])
        for value, label in Application.Status.choices
        if page.counts.get(value)
    ]
    views = [Link("Every bid", _query(query, view=""), not view)]
    views += [
        Link(label, _query(query, view=value), view == value) for value, label in PRESET_VIEWS
    ]
    return {
        "headers": headers,
        "statuses": statuses,
        "views": views,
        "next": _query(query, cursor=page.next_cursor or "") if page.next_cursor else "",
        "previous": _query(query, cursor=page.previous_cursor or "")
        if page.previous_cursor
        else "",
        "csv": _query(query, format="csv"),
        "here": _query(query),
    }


STATUS_LABELS = dict(Application.Status.choices)


def application_rows(page: ListPage, *, selected: set[str]) -> list[dict]:
    """Each row's cells as text, read in one pass: the template prints them as they are.

    Fifty rows of model lookups and filters (status labels, money, dates in London time)
    cost 8 ms a page through the template engine; dictionaries of text cost a fraction."""
    rows = []
    for bid in page.rows:
        score = bid.final_score
        submitted = timezone.localtime(bid.submitted_at) if bid.submitted_at else None
        uuid_text = str(bid.uuid)
        rows.append(
            {
                "uuid": uuid_text,
                "reference": bid.reference,
                "checked": uuid_text in selected,
                "submitted": bool(submitted),
                "organisation": bid.organisation_name or "",
                "project_title": bid.project_title,
                "district": bid.district_name or "",
                "pot": bid.pot_name or "",
                "amount": money(bid.amount_requested),
                "score": "" if score is None else localize(score),
                "status": STATUS_LABELS.get(bid.status, bid.status),
                # As the date filter's "j M Y H:i" gives it.
                "submitted_at": f"{submitted.day} {submitted:%b %Y %H:%M}" if submitted else "",
            }
        )
    return rows


def uuids_from(values: list[str]) -> list[uuid.UUID]:
    """The ids of the rows ticked on a list; anything that is not a UUID is left out."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def refusal_errors(refused: list[tuple[str, str]]) -> list[dict]:
    """A bulk action's refusals as error-summary rows, each linked to the bid's checkbox."""
    return [
        {"anchor": f"select-{reference}", "message": f"{reference}: {why}"}
        for reference, why in refused
    ]
