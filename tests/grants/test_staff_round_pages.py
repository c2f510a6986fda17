import datetime as dt

import pytest
from django.urls import reverse

from grants.models import Fund, Pot, Round
from tests.grants.conftest import LONDON
from tests.personas import refused_everywhere_else

PAGES = ["grants:staff-round-list", "grants:staff-round-create", "grants:staff-fund-create"]


OFFICERS = ("officer", "administrator")


def _rounds_and_funds() -> dict:
    return {
        "funds": list(Fund.objects.order_by("pk").values_list("pk", "name")),
        "rounds": list(Round.objects.order_by("pk").values_list("pk", "title", "status")),
        "pots": list(Pot.objects.order_by("pk").values_list("pk", "name", "budget")),
    }


@pytest.mark.parametrize("url_name", PAGES)
def test_only_officers_manage_rounds(client_for, personas, plan, url_name):
    url = reverse(url_name)
    assert (
        refused_everywhere_else(client_for, personas, url=url, allowed=OFFICERS, refused_with=403)
        == []
    )
    for who in OFFICERS:
        assert client_for(personas.get(who)).get(url).status_code == 200


def test_only_officers_reach_the_edit_pages(client_for, personas, open_round):
    pot = open_round.pots.first()
    urls = [
        reverse("grants:staff-fund-edit", args=[open_round.fund.uuid]),
        reverse("grants:staff-round-edit", args=[open_round.uuid]),
        reverse("grants:staff-pot-create", args=[open_round.uuid]),
        reverse("grants:staff-pot-edit", args=[open_round.uuid, pot.pk]),
    ]
    for url in urls:
        assert (
            refused_everywhere_else(
                client_for, personas, url=url, allowed=OFFICERS, refused_with=403
            )
            == []
        )
        for who in OFFICERS:
            assert client_for(personas.get(who)).get(url).status_code == 200, url
        refused_posts = refused_everywhere_else(
            client_for,
            personas,
            url=url,
            allowed=OFFICERS,
            method="POST",
            data={"name": "Hijacked", "title": "Hijacked"},
            snapshot=_rounds_and_funds,
            refused_with=403,
        )
        assert refused_posts == []
    open_round.refresh_from_db()
    assert open_round.title == "Multiple and Complex Needs"
    assert open_round.fund.name == "Mayor's Safer Communities Fund"


def _round_data(plan, fund, **changes):
    data = {
        "fund": fund.pk,
        "number": "9",
        "title": "Safer Places",
        "theme": "",
        "description": "",
        "status": "draft",
        "plan": plan.pk,
        "priorities": [plan.priorities.get(code="P3").pk],
        "all_districts": "on",
        "postcodes": "",
        "reference_prefix": "MSCF-R9",
        "opens_on_day": "1",
        "opens_on_month": "3",
        "opens_on_year": "2027",
        "opens_time": "09:00",
        "closes_on_day": "9",
        "closes_on_month": "4",
        "closes_on_year": "2027",
        "closes_time": "12:00",
    }
    data.update(changes)
    return data


def test_an_officer_creates_a_round_closing_at_noon_london_time(client_for, personas, plan):
    fund = Fund.objects.create(name="Mayor's Safer Communities Fund", code="mscf")
    response = client_for(personas.officer).post(
        reverse("grants:staff-round-create"), _round_data(plan, fund)
    )
    assert response.status_code == 302
    round = Round.objects.get(reference_prefix="MSCF-R9")
    assert round.closes_at == dt.datetime(2027, 4, 9, 12, 0, tzinfo=LONDON)
    assert round.closes_at.astimezone(dt.UTC).hour == 11  # BST
    assert list(round.priorities.values_list("code", flat=True)) == ["P3"]


def test_a_round_that_closes_before_it_opens_is_refused_and_the_answers_kept(
    client_for, personas, plan
):
    fund = Fund.objects.create(name="Mayor's Safer Communities Fund", code="mscf")
    data = _round_data(plan, fund, closes_on_month="2", title="Kept title")
    response = client_for(personas.officer).post(reverse("grants:staff-round-create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The round must close after it opens" in page
    assert 'value="Kept title"' in page
    assert not Round.objects.exists()


def test_a_pot_whose_largest_grant_is_below_its_smallest_is_refused(
    client_for, personas, open_round
):
    url = reverse("grants:staff-pot-create", args=[open_round.uuid])
    data = {
        "name": "Pot 3",
        "description": "",
        "min_award": "8000",
        "max_award": "500",
        "budget": "1000",
        "position": "3",
    }
    response = client_for(personas.officer).post(url, data)
    assert "The largest grant must be at least the smallest grant" in response.content.decode()
    data.update(max_award="9000", budget="90000", joint_bids_allowed="on")
    assert client_for(personas.officer).post(url, data).status_code == 302
    assert Pot.objects.get(round=open_round, name="Pot 3").joint_bids_allowed


def test_an_officer_changes_a_pot(client_for, personas, open_round):
    pot = open_round.pots.get(name="Pot 2")
    url = reverse("grants:staff-pot-edit", args=[open_round.uuid, pot.pk])
    data = {
        "name": "Pot 2",
        "description": "",
        "min_award": "500",
        "max_award": "6000",
        "budget": "250000",
        "position": "2",
    }
    assert client_for(personas.officer).post(url, data).status_code == 302
    pot.refresh_from_db()
    assert pot.max_award == 6000
    assert client_for(personas.applicant_a).post(url, data).status_code == 403


def test_an_officer_sets_when_assessors_scores_are_due(client_for, personas, plan):
    fund = Fund.objects.create(name="Mayor's Safer Communities Fund", code="mscf")
    client = client_for(personas.officer)
    early = _round_data(
        plan,
        fund,
        assessment_due_day="9",
        assessment_due_month="4",
        assessment_due_year="2027",
    )
    response = client.post(reverse("grants:staff-round-create"), early)
    assert "Scores must be due after the round closes" in response.content.decode()
    assert not Round.objects.exists()
    early["assessment_due_month"] = "5"
    assert client.post(reverse("grants:staff-round-create"), early).status_code == 302
    round = Round.objects.get(reference_prefix="MSCF-R9")
    assert round.assessment_deadline == dt.date(2027, 5, 9)
    page = client.get(reverse("grants:staff-round-edit", args=[round.uuid])).content.decode()
    assert 'name="assessment_due_month" value="5"' in page


def test_closing_a_round_on_its_edit_page_is_audited_and_it_cannot_go_back_to_draft(
    client_for, personas, plan
):
    from django.contrib.contenttypes.models import ContentType

    from core.models import StatusChange

    fund = Fund.objects.create(name="Mayor's Safer Communities Fund", code="mscf")
    officer = client_for(personas.officer)
    officer.post(reverse("grants:staff-round-create"), _round_data(plan, fund, status="open"))
    round = Round.objects.get(reference_prefix="MSCF-R9")
    url = reverse("grants:staff-round-edit", args=[round.uuid])

    assert officer.post(url, _round_data(plan, fund, status="closed")).status_code == 302
    round.refresh_from_db()
    assert round.status == Round.Status.CLOSED
    moves = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Round), object_id=round.pk
    ).order_by("pk")
    assert [(m.from_status, m.to_status, m.actor) for m in moves] == [
        ("draft", "open", personas.officer),
        ("open", "closed", personas.officer),
    ]

    response = officer.post(url, _round_data(plan, fund, status="draft", title="Kept title"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A round that has opened cannot go back to draft: close it instead" in page
    assert 'value="Kept title"' in page
    round.refresh_from_db()
    assert round.status == Round.Status.CLOSED
    assert round.title == "Safer Places"
