"""At acceptance the group sees exactly what will be published about its grant and writes
the public title and summary; nothing that looks like contact details gets through."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from grants.models import Award, PublicationChange
from grants.publication import Publisher
from grants.selectors.publication import publication_preview
from grants.services import publication as publication_services
from grants.services.publication import PublicationInput
from tests.grants.test_acceptance_and_payments import accept_form, acceptance, nothing_accepted

pytestmark = pytest.mark.django_db


def preview_text(body: str) -> str:
    html = body.split('id="publication-preview"')[1].split("</dl>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_acceptance_page_shows_what_will_be_published(award, client_for, personas):
    body = (
        client_for(personas.applicant_a)
        .get(reverse("grants:grant-accept", args=[award.application.uuid]))
        .content.decode()
    )
    shown = preview_text(body)
    assert f"360G-wypcc-{award.reference}" in shown
    assert award.application.project_title in shown  # offered as the title to start with
    assert "£8,000.00" in shown
    assert "Org A Youth Project" in shown
    assert "West Yorkshire" in shown  # the factory's bid works across West Yorkshire
    assert "West Yorkshire Combined Authority" in shown
    # And the preview is the published record itself.
    record = publication_preview(award=award, publisher=Publisher.from_settings())
    assert record["id"] in shown and record["recipientOrganization"][0]["id"] in shown
    for personal in ("Alice", "treasurer@", "LS1"):
        assert personal not in shown


def test_updating_the_preview_shows_the_text_as_typed_and_accepts_nothing(
    award, client_for, personas
):
    response = client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(
            public_title="Safe spaces", public_summary="Support for women.", withhold_location="on"
        )
        | {"preview": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    shown = preview_text(body)
    assert "Safe spaces" in shown and "Support for women." in shown
    assert "Where the project works Not published" in shown
    assert "There is a problem" not in body
    nothing_accepted(award)


def test_accepting_records_the_public_text(award, client_for, personas):
    response = client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(public_title="Boxing nights", public_summary="Boxing for young people."),
    )
    assert response.status_code == 302
    award.refresh_from_db()
    assert (award.public_title, award.public_summary) == (
        "Boxing nights",
        "Boxing for young people.",
    )
    assert not award.location_withheld
    change = PublicationChange.objects.get(award=award)
    assert (change.change, change.actor) == ("text", personas.applicant_a)


def test_a_group_can_keep_where_it_works_private(award, client_for, personas):
    client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(withhold_location="on"),
    )
    award.refresh_from_db()
    assert award.location_withheld
    assert "asked, when it accepted the grant" in award.location_withheld_reason
    assert list(PublicationChange.objects.filter(award=award).values_list("change", "actor")) == [
        ("text", personas.applicant_a.pk),
        ("location_withheld", personas.applicant_a.pk),
    ]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "public_summary",
            "Come along! Email sam@example.org",
            "Remove an email address from the project summary to publish",
        ),
        (
            "public_title",
            "Boxing, call 07700 900123",
            "Remove a phone number from the project title to publish",
        ),
        ("public_summary", "", "Enter the project summary to publish."),
        ("public_title", "", "Enter the project title to publish."),
    ],
)
def test_contact_details_or_a_blank_are_refused_with_the_field_named(
    award, client_for, personas, field, typed, message
):
    response = client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(**{field: typed}, sort_code="12"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    summary = body.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert message in summary and f'href="#id_{field}"' in summary
    assert "Enter the sort code as 6 digits" in summary  # every problem at once
    if typed:
        assert typed in body  # what was typed is kept
    nothing_accepted(award)


def test_a_summary_that_only_repeats_the_title_is_refused(award, client_for, personas):
    response = client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(public_title="Boxing", public_summary="Boxing"),
    )
    assert "Write a project summary that says more than the title" in response.content.decode()
    nothing_accepted(award)


def test_an_over_long_summary_is_refused_in_words(award, client_for, personas):
    response = client_for(personas.applicant_a).post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(public_summary="x" * 1001),
    )
    assert (
        "Project summary to publish must be 1,000 characters or fewer" in response.content.decode()
    )
    nothing_accepted(award)


def test_the_service_refuses_both_kinds_of_problem_at_once_and_changes_nothing(award, personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        publication_services.award_accept_with_publication(
            award=award,
            actor=personas.applicant_a,
            data=acceptance(signatory_name=""),
            publication=PublicationInput(public_title="Boxing", public_summary="a@b.org"),
        )
    assert {"signatory_name", "public_summary"} <= set(raised.value.message_dict)
    nothing_accepted(award)
    with pytest.raises(ValidationError):
        publication_services.award_accept_with_publication(
            award=award,
            actor=personas.applicant_a,
            data=acceptance(),
            publication=PublicationInput(public_title="", public_summary="Fine text."),
        )
    nothing_accepted(award)
    assert not Award.objects.get(pk=award.pk).public_summary


def test_only_officers_withhold_and_a_reason_is_needed(award, personas):
    from django.core.exceptions import ValidationError

    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        publication_services.award_publication_withhold(
            award=award, actor=personas.applicant_a, reason="Mine"
        )
    with pytest.raises(NotAllowed):
        publication_services.award_location_withhold(
            award=award, actor=personas.decision_maker, reason="Theirs"
        )
    with pytest.raises(ValidationError):
        publication_services.award_location_withhold(
            award=award, actor=personas.officer, reason=" "
        )
    assert not PublicationChange.objects.exists()
    publication_services.award_location_withhold(
        award=award, actor=personas.officer, reason="A refuge"
    )
    with pytest.raises(NotAllowed, match="Its location is already withheld"):
        publication_services.award_location_withhold(
            award=award, actor=personas.officer, reason="Again"
        )
    publication_services.award_location_release(
        award=award, actor=personas.officer, reason="The refuge moved"
    )
    award.refresh_from_db()
    assert not award.location_withheld and award.publication_changed_at is not None
    assert PublicationChange.objects.filter(award=award).count() == 2
