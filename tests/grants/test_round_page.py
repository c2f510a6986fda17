"""The round page offers a member of a group "Start an application", or "Continue your
application" once the group has a draft; everyone else the eligibility checker."""

from __future__ import annotations

from django.urls import reverse

from grants import services


def _page(client, round) -> str:
    return client.get(reverse("grants:round-detail", args=[round.uuid])).content.decode()


def test_a_visitor_is_offered_the_eligibility_checker(client, open_round):
    page = _page(client, open_round)
    assert "Check if you can apply" in page
    assert "Start an application" not in page
    assert "Continue your application" not in page


def test_a_member_can_start_and_then_continue(client_for, personas, open_round):
    client = client_for(personas.applicant_a)
    page = _page(client, open_round)
    assert "Start an application" in page
    assert f'href="{reverse("grants:application-start", args=[open_round.uuid])}"' in page
    assert "Continue your application" not in page
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    for member in (personas.applicant_a, personas.colleague_a):
        page = _page(client_for(member), open_round)
        assert "Continue your application" in page
        assert f'href="{reverse("grants:application-detail", args=[draft.uuid])}"' in page
        assert "Start an application" not in page
    # Another group's member still starts their own.
    other = _page(client_for(personas.applicant_b), open_round)
    assert "Start an application" in other
    assert "Continue your application" not in other


def test_staff_without_a_group_are_not_offered_an_application(client_for, personas, open_round):
    page = _page(client_for(personas.officer), open_round)
    assert "Start an application" not in page
    assert "Continue your application" not in page


def test_a_member_of_two_groups_who_picks_none_is_told_to_pick_one(
    client_for, personas, open_round
):
    from grants.models import Application
    from tests.factories import MembershipFactory

    MembershipFactory(user=personas.applicant_a)
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-start", args=[open_round.uuid]), {}
    )
    page = response.content.decode()
    assert "<title>Error: Start your application" in page
    assert 'href="#organisation-1">Select the organisation you are applying for</a>' in page
    assert not Application.objects.filter(round=open_round).exists()
