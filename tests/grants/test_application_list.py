"""The officers' list of a round's bids: keyset pages, sorts, counts per status, preset
views and bulk actions, with query counts that do not grow with rows or depth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Application, Assessment
from grants.selectors.application_list import PAGE_SIZE, SORTS
from tests.factories import ApplicationFactory
from tests.grants.builders import bulk_assessed_applications, with_criteria
from tests.grants.conftest import make_round
from tests.personas import refused_everywhere_else

OFFICERS = ("officer", "administrator")
SORT_PARAMS = [*SORTS, *(f"-{key}" for key in SORTS)]


def _round(plan, count: int, number: int = 7):
    """`count` bids: assessed, with every third submitted and every fifth eligible."""
    round = with_criteria(make_round(plan, number=number))
    applications = bulk_assessed_applications(round, count)
    Application.objects.filter(pk__in=[a.pk for a in applications[::3]]).update(
        status=Application.Status.SUBMITTED
    )
    Application.objects.filter(pk__in=[a.pk for a in applications[1::5]]).update(
        status=Application.Status.ELIGIBLE
    )
    return round


@pytest.fixture
def sized(plan, personas):
    return lambda count: _round(plan, count)


def _url(round) -> str:
    return reverse("grants:staff-round-applications", args=[round.uuid])


def _walk(client, url, params) -> list[Application]:
    """Every row, following the Next links from the first page."""
    seen, cursor = [], None
    for _ in range(100):
        response = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        page = response.context["page"]
        seen.extend(page.rows)
        cursor = page.next_cursor
        if not cursor:
            return seen
    raise AssertionError("more pages than rows")


def _expected_order(round, sort: str) -> list[int]:
    spec = SORTS[sort.lstrip("-")]
    descending = spec.descending_first != sort.startswith("-")
    values = Application.objects.filter(round=round).annotate(v=spec.expression)
    rows = sorted(values.values_list("v", "pk"), reverse=descending)
    return [pk for _, pk in rows]


@pytest.mark.parametrize("sort", SORT_PARAMS)
def test_every_sort_walks_every_bid_once_in_order(sized, client_for, personas, sort):
    round = sized(PAGE_SIZE * 2 + 7)
    client = client_for(personas.officer)
    walked = _walk(client, _url(round), {"sort": sort})
    assert [a.pk for a in walked] == _expected_order(round, sort)


def test_previous_goes_back_to_the_same_rows(sized, client_for, personas):
    round = sized(PAGE_SIZE * 2 + 7)
    client = client_for(personas.officer)
    url = _url(round)
    first = client.get(url, {"sort": "-score"}).context["page"]
    second = client.get(url, {"sort": "-score", "cursor": first.next_cursor}).context["page"]
    third = client.get(url, {"sort": "-score", "cursor": second.next_cursor}).context["page"]
    assert third.next_cursor is None and len(third.rows) == 7
    back = client.get(url, {"sort": "-score", "cursor": third.previous_cursor}).context["page"]
    assert [a.pk for a in back.rows] == [a.pk for a in second.rows]
    start = client.get(url, {"sort": "-score", "cursor": back.previous_cursor}).context["page"]
    assert [a.pk for a in start.rows] == [a.pk for a in first.rows]
    assert start.previous_cursor is None


def test_a_tampered_or_foreign_cursor_shows_the_first_page(sized, client_for, personas):
    round = sized(PAGE_SIZE + 5)
    client = client_for(personas.officer)
    url = _url(round)
    first = client.get(url).context["page"]
    for cursor in ["rubbish", first.next_cursor[:-2] + "xx"]:
        response = client.get(url, {"cursor": cursor})
        assert response.status_code == 200
        assert [a.pk for a in response.context["page"].rows] == [a.pk for a in first.rows]
    # A cursor made for another sort starts that sort from the top.
    response = client.get(url, {"sort": "amount", "cursor": first.next_cursor})
    assert response.context["page"].previous_cursor is None


def test_the_counts_per_status_are_links_above_the_list(sized, client_for, personas):
    round = sized(30)
    client = client_for(personas.officer)
    response = client.get(_url(round), {"q": "bulk"})
    body = response.content.decode()
    counts = response.context["page"].counts
    assert counts == {"submitted": 8, "eligible": 6, "assessed": 16}
    assert "All (30)" in body and "Submitted (8)" in body and "Eligible (6)" in body
    assert "?q=bulk&amp;status=eligible" in body
    response = client.get(_url(round), {"q": "bulk", "status": "eligible"})
    assert response.context["page"].total == 6
    # The counts stay those of the search, whichever status is chosen.
    assert response.context["page"].counts == counts


def test_each_row_shows_its_bid_escaped_and_in_london_time(sized, client_for, personas):
    import datetime as dt

    round = sized(2)
    bid = Application.objects.filter(round=round).order_by("reference").first()
    Application.objects.filter(pk=bid.pk).update(
        submitted_at=dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC),
        amount_requested=Decimal("12500"),
        moderated_score=Decimal("3.50"),
        status=Application.Status.ASSESSED,
        project_title="Boxing & <b>bold</b> nights",
    )
    body = client_for(personas.officer).get(_url(round), {"sort": "reference"}).content.decode()
    row = body[body.index(f'id="select-{bid.reference}"') :]
    row = row[: row.index("</tr>")]
    assert f'value="{bid.uuid}"><label' in row  # not ticked
    link = f'<a class="govuk-link" href="/staff/applications/{bid.uuid}/">{bid.reference}</a>'
    assert link in row
    assert '<span class="govuk-body-s">Boxing &amp; &lt;b&gt;bold&lt;/b&gt; nights</span>' in row
    for cell in ["£12,500", "3.50", "Assessed", "2 Jul 2026 00:30"]:  # 00:30 in summer time
        assert f">{cell}</td>" in row


def test_the_sortable_headers_say_how_the_list_is_sorted(sized, client_for, personas):
    round = sized(3)
    client = client_for(personas.officer)
    url = _url(round)
    body = client.get(_url(round), {"sort": "score"}).content.decode()
    assert f'aria-sort="descending"><a class="govuk-link" href="{url}?sort=-score">Score' in body
    assert f'aria-sort="none"><a class="govuk-link" href="{url}?sort=amount">Requested' in body
    body = client.get(_url(round), {"sort": "-score"}).content.decode()
    assert f'aria-sort="ascending"><a class="govuk-link" href="{url}?sort=score">Score' in body


def test_the_preset_views(sized, client_for, personas):
    round = sized(21)
    marked = Application.objects.filter(round=round, status="assessed").order_by("pk")[:2]
    Application.objects.filter(pk__in=[a.pk for a in marked]).update(mark="recommended")
    moderated = Application.objects.filter(round=round).exclude(moderation_flags=[]).first()
    moderated.moderated_score = Decimal("50")
    moderated.save(update_fields=["moderated_score"])
    client = client_for(personas.officer)
    waiting = _walk(client, _url(round), {"view": "waiting"})
    expected = {
        a.pk
        for a in Application.objects.filter(round=round)
        if a.status in ("submitted", "eligible") or (a.status == "assessed" and not a.mark)
    }
    assert expected and {a.pk for a in waiting} == expected
    flagged = _walk(client, _url(round), {"view": "flagged"})
    expected = {
        a.pk
        for a in Application.objects.filter(round=round)
        if a.moderation_flags and a.moderated_score is None
    }
    assert expected and {a.pk for a in flagged} == expected
    body = client.get(_url(round), {"view": "flagged"}).content.decode()
    assert 'aria-current="page">Flagged by moderation' in body


@pytest.mark.parametrize("count", [5, 300])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "bulk group", "status": "assessed"},
        {"view": "waiting"},
        {"view": "flagged"},
        *({"sort": sort} for sort in SORT_PARAMS),
    ],
    ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()) or "plain",
)
def test_the_list_makes_the_same_queries_at_any_size_and_depth(
    plan, personas, client_for, django_assert_max_num_queries, count, params
):
    round = _round(plan, count)
    client = client_for(personas.officer)
    url = _url(round)
    # user, roles, round (+fund, plan), the counts per status (one aggregate), one page of
    # bids (+organisation, district, pot, priority); the filter choices (pots, districts,
    # priorities) on the first visit only, then from the cache; the session from the cache.
    with django_assert_max_num_queries(8):
        response = client.get(url, params)
    assert response.status_code == 200
    page = response.context["page"]
    # The deepest page reachable costs the same: the cursor is a WHERE, not an OFFSET.
    cursor = None
    while page.next_cursor:
        cursor = page.next_cursor
        page = client.get(url, {**params, "cursor": cursor}).context["page"]
    if cursor:
        with django_assert_max_num_queries(5):
            response = client.get(url, {**params, "cursor": cursor})
        assert response.status_code == 200


# Bulk actions


def test_officers_mark_the_selected_bids_for_the_panel(sized, client_for, personas):
    round = sized(6)
    chosen = list(Application.objects.filter(round=round, status="assessed").order_by("pk")[:2])
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-round-applications-bulk", args=[round.uuid]),
        {"application": [str(a.uuid) for a in chosen], "action": "reserve", "query": "sort=-score"},
    )
    assert response.status_code == 302
    assert response.url.endswith("?sort=-score")
    assert [a.mark for a in Application.objects.filter(pk__in=[a.pk for a in chosen])] == [
        "reserve",
        "reserve",
    ]


def test_a_bulk_mark_lists_every_bid_that_cannot_take_it_and_changes_nothing(
    sized, client_for, personas
):
    round = sized(6)
    assessed = Application.objects.filter(round=round, status="assessed").first()
    not_ready = list(Application.objects.filter(round=round, status__in=["submitted", "eligible"]))
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-round-applications-bulk", args=[round.uuid]),
        {"application": [str(a.uuid) for a in [assessed, *not_ready]], "action": "recommended"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    for application in not_ready:
        assert f"{application.reference}: Only assessed bids can be marked" in body
    assert f'value="{assessed.uuid}" checked' in body
    assert '<option value="recommended" selected>' in body
    assert not Application.objects.filter(round=round).exclude(mark="").exists()


def test_a_bulk_action_with_nothing_chosen_says_both_problems(sized, client_for, personas):
    round = sized(2)
    response = client_for(personas.officer).post(
        reverse("grants:staff-round-applications-bulk", args=[round.uuid]), {}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select at least one bid." in body and "Choose what to do with the bids." in body


def test_officers_give_the_selected_bids_to_one_assessor(sized, client_for, personas):
    round = sized(10)
    eligible = list(Application.objects.filter(round=round, status="eligible"))
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications-bulk", args=[round.uuid])
    chosen = {"application": [str(a.uuid) for a in eligible], "action": "assign"}
    page = client.get(_url(round))  # the list offers the action
    assert '<option value="assign">Assign an assessor</option>' in page.content.decode()
    response = client.post(url, chosen)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Assign an assessor to {len(eligible)} bids" in body
    response = client.post(url, {**chosen, "assessor": personas.assessor.pk})
    assert response.status_code == 302
    assert Assessment.objects.filter(
        application__in=eligible, assessor=personas.assessor
    ).count() == len(eligible)


def test_a_bulk_assignment_refused_for_some_bids_names_them_and_assigns_none(
    sized, client_for, personas
):
    round = sized(10)
    eligible = list(Application.objects.filter(round=round, status="eligible"))
    submitted = Application.objects.filter(round=round, status="submitted").first()
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-round-applications-bulk", args=[round.uuid]),
        {
            "application": [str(a.uuid) for a in [*eligible, submitted]],
            "action": "assign",
            "assessor": personas.assessor.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{submitted.reference}: Assessors can only be given eligible bids" in body
    assert not Assessment.objects.filter(application__round=round).exists()


@pytest.mark.parametrize("action", ["recommended", "assign"])
def test_only_officers_act_on_the_selected_bids(sized, client_for, personas, action):
    round = sized(6)
    chosen = list(Application.objects.filter(round=round))
    data = {
        "application": [str(a.uuid) for a in chosen],
        "action": action,
        "assessor": personas.assessor.pk,
    }

    def snapshot():
        return (
            list(Application.objects.order_by("pk").values_list("mark", "status")),
            Assessment.objects.count(),
        )

    url = reverse("grants:staff-round-applications-bulk", args=[round.uuid])
    refused = refused_everywhere_else(
        client_for,
        personas,
        url=url,
        allowed=OFFICERS,
        method="POST",
        data=data,
        snapshot=snapshot,
        refused_with=403,
    )
    assert refused == []


def test_a_refused_bulk_action_leaves_every_link_and_filter_on_the_list(
    sized, client_for, personas
):
    """The refusal is shown at the bulk action's address (POST only): the sorts, counts,
    views, CSV link, pages and the filter form must go to the list, not to "?..." there."""
    import re

    round = sized(6)
    chosen = Application.objects.filter(round=round, status="assessed").first()
    response = client_for(personas.officer).post(
        reverse("grants:staff-round-applications-bulk", args=[round.uuid]),
        {"application": [str(chosen.uuid)], "action": "", "query": "sort=-score"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    list_url = _url(round)
    assert 'href="?' not in body
    assert f'<form method="get" action="{list_url}"' in body
    for query in ("sort=score", "sort=-score&amp;format=csv", "sort=-score&amp;view=waiting"):
        assert f'href="{list_url}?{query}"' in body
    assert re.search(r"<title>Error: Applications to round", body)


def test_a_page_with_a_problem_says_error_once_in_its_title(sized, client_for, personas):
    round = sized(2)
    response = client_for(personas.officer).get(_url(round), {"status": "not-a-status"})
    assert "<title>Error: Applications to round" in response.content.decode()


def test_a_search_too_long_is_named_at_the_top_and_at_the_box_and_kept(sized, client_for, personas):
    """The search and filters are drawn in Python (core.widgets.FieldGroup): a problem is
    still shown the GOV.UK way, and what was typed and chosen stays in the boxes."""
    round = sized(2)
    typed = "Leeds & <b>" + "x" * 200
    response = client_for(personas.officer).get(_url(round), {"q": typed, "status": "eligible"})
    body = response.content.decode()
    message = "Search must be 200 characters or fewer"
    assert f'<a href="#id_q">{message}</a>' in body
    assert (
        '<p id="id_q-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {message}</p>'
    ) in body
    assert 'class="govuk-form-group govuk-form-group--error"' in body
    assert 'aria-describedby="id_q-hint id_q-error"' in body
    assert f'value="Leeds &amp; &lt;b&gt;{"x" * 200}"' in body
    assert '<option value="eligible" selected>Eligible</option>' in body


def test_a_wrong_filter_is_named_and_left_out_and_the_others_still_apply(
    sized, client_for, personas
):
    round = sized(30)
    client = client_for(personas.officer)
    response = client.get(_url(round), {"q": "bulk", "status": "eligible", "pot": "999999"})
    body = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_pot">Choose a pot from the list</a>' in body
    assert "valid choice" not in body
    assert response.context["page"].total == 6  # the search and the status still apply
    assert '<option value="eligible" selected>Eligible</option>' in body


def test_an_unknown_view_or_sort_from_an_old_link_shows_every_bid_by_reference(
    sized, client_for, personas
):
    round = sized(5)
    response = client_for(personas.officer).get(_url(round), {"view": "old", "sort": "colour"})
    assert response.status_code == 200
    assert response.context["page"].total == 5
    assert "There is a problem" not in response.content.decode()


def test_a_download_with_a_wrong_filter_is_refused_on_the_page_that_names_it(
    sized, client_for, personas
):
    round = sized(5)
    response = client_for(personas.officer).get(
        _url(round), {"format": "csv", "district": "nowhere"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Choose a district from the list" in response.content.decode()


def test_a_bid_never_submitted_says_so_where_its_reference_would_be(sized, client_for, personas):
    round = sized(2)
    ApplicationFactory(round=round, organisation=personas.org_a, status="withdrawn")
    body = client_for(personas.officer).get(_url(round), {"status": "withdrawn"}).content.decode()
    row = body[body.index('<tbody class="govuk-table__body">') :]
    row = row[: row.index("</tr>")]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="govuk-table__cell">')[1:]]
    assert cells[1] == "Not submitted"
    assert "Withdrawn" in row and "Draft" not in row
