import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership, Organisation
from core.models import OutboxMessage
from tests.factories import DistrictFactory, UserFactory

VALID = {
    "name": "Harehills Youth Forum",
    "type": "registered_charity",
    "charity_number": "1 012 345",
    "company_number": "",
    "address_line_1": "20 Roundhay Road",
    "address_line_2": "",
    "town": "Leeds",
    "postcode": "ls8 5ax",
    "website": "https://harehills.example",
    "activity": "applicant",
}


@pytest.fixture
def leeds(db):
    return DistrictFactory(name="Leeds")


def test_it_lets_a_new_user_set_up_their_organisation_and_become_its_owner(client, leeds):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:organisation-create"), {**VALID, "district": leeds.pk})
    organisation = Organisation.objects.get(name="Harehills Youth Forum")
    assert response.status_code == 302
    assert response.url == reverse("accounts:organisation-detail", args=[organisation.uuid])
    assert organisation.charity_number == "1012345"
    assert organisation.postcode == "LS8 5AX"
    assert organisation.is_applicant and not organisation.is_provider
    assert Membership.objects.get(user=user, organisation=organisation).role == "owner"
    assert organisation.history.count() == 1


def test_it_keeps_what_was_typed_and_says_what_is_wrong(client, leeds):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation-create"),
        {**VALID, "charity_number": "", "postcode": "LS8", "district": leeds.pk},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the charity number: this type of organisation has one" in page
    assert "Enter a full UK postcode, like LS1 2DE" in page
    assert 'value="Harehills Youth Forum"' in page
    assert 'value="20 Roundhay Road"' in page
    assert not Organisation.objects.exists()


def test_a_company_needs_a_well_formed_company_number(client, leeds):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation-create"),
        {
            **VALID,
            "type": "cic",
            "charity_number": "",
            "company_number": "12-34",
            "district": leeds.pk,
        },
    )
    assert "Enter a company number of 8 characters" in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_member_can_change_the_details_and_history_records_who(client_for, personas):
    client = client_for(personas.colleague_a)
    url = reverse("accounts:organisation-edit", args=[personas.org_a.uuid])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        name="Org A Youth Project CIO",
        type="cio",
        charity_number="1189012",
        district=personas.org_a.district_id,
        activity="both",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Org A Youth Project CIO"
    assert personas.org_a.is_provider and personas.org_a.is_applicant
    assert personas.org_a.history.first().history_user == personas.colleague_a


def test_an_owner_invites_a_colleague_who_joins_with_the_emailed_link(
    client_for, personas, django_capture_on_commit_callbacks
):
    client = client_for(personas.applicant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation-invite", args=[personas.org_a.uuid]),
            {"email": "New.Person@Example.org"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.org"
    assert len(mail.outbox) == 1
    link = reverse("accounts:invitation-accept", args=[invitation.token])
    assert link in mail.outbox[0].body

    newcomer = UserFactory(email="new.person@example.org")
    client = client_for(newcomer)
    assert client.post(link).status_code == 302
    assert Membership.objects.get(user=newcomer, organisation=personas.org_a).role == "member"
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer


def test_an_invitation_cannot_be_used_by_someone_else(client_for, personas):
    client_for(personas.applicant_a).post(
        reverse("accounts:organisation-invite", args=[personas.org_a.uuid]),
        {"email": "friend@example.org"},
    )
    invitation = Invitation.objects.get()
    client = client_for(personas.applicant_b)
    response = client.post(reverse("accounts:invitation-accept", args=[invitation.token]))
    assert response.status_code == 200
    assert "This invitation was sent to friend@example.org" in response.content.decode()
    assert not Membership.objects.filter(
        user=personas.applicant_b, organisation=personas.org_a
    ).exists()


def test_inviting_an_existing_member_says_so(client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("accounts:organisation-invite", args=[personas.org_a.uuid]),
        {"email": personas.colleague_a.email},
    )
    assert response.status_code == 200
    assert f"{personas.colleague_a.email} is already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_twice_resends_one_invitation(
    client_for, personas, django_capture_on_commit_callbacks
):
    client = client_for(personas.applicant_a)
    url = reverse("accounts:organisation-invite", args=[personas.org_a.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "friend@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "friend@example.org"})
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_inviting_twice_in_the_same_instant_still_resends(
    client_for, personas, django_capture_on_commit_callbacks
):
    """The outbox key counts the sending, never the clock."""
    client = client_for(personas.applicant_a)
    url = reverse("accounts:organisation-invite", args=[personas.org_a.uuid])
    with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                client.post(url, {"email": "friend@example.org"})
    assert len(mail.outbox) == 2
    periods = OutboxMessage.objects.filter(kind="accounts.invitation").values_list(
        "period", flat=True
    )
    assert sorted(periods) == ["sent-1", "sent-2"]


def test_a_member_who_is_not_an_owner_cannot_invite(client_for, personas):
    client = client_for(personas.colleague_a)
    url = reverse("accounts:organisation-invite", args=[personas.org_a.uuid])
    assert client.post(url, {"email": "friend@example.org"}).status_code == 403
    assert not Invitation.objects.exists()


def test_your_organisation_sends_a_single_member_straight_to_it(client_for, personas):
    response = client_for(personas.applicant_a).get(reverse("accounts:organisation-mine"))
    assert response.url == reverse("accounts:organisation-detail", args=[personas.org_a.uuid])


def test_your_organisation_offers_set_up_to_a_new_user(client_for, db):
    response = client_for(UserFactory()).get(reverse("accounts:organisation-mine"))
    assert "Set up your organisation" in response.content.decode()
