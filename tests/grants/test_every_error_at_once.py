"""Officers', assessors' and groups' forms list every problem at once, in the GOV.UK error
summary and next to each field, and keep what was typed (issue 12, fault 5)."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.grants.test_acceptance_and_payments import (
    EXE,
    accept_form,
    nothing_accepted,
    upload,
)


def summary(body: str) -> list[str]:
    """The messages in the page's GOV.UK error summary."""
    match = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    assert match, "the page has no error summary"
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", match[1], re.S)
    ]


def field_group(body: str, field_id: str) -> str:
    """The form group holding the input with this id."""
    start = body.index(f'id="{field_id}"')
    group = body.rindex('<div class="govuk-form-group', 0, start)
    return body[group : body.index("</div>", start) + 6]


# Accepting the grant


def test_a_bad_evidence_file_is_reported_with_every_other_problem(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(
            evidence=upload("statement.pdf", EXE),
            signatory_name="",
            signatory_position="Secretary",
            supplier_email="not an email",
            sort_code="12",
            account_number="0073",
        ),
    )
    body = response.content.decode()
    errors = summary(body)
    assert any("Enter the full name of the person accepting" in e for e in errors)
    assert any("Enter an email address for remittance advice" in e for e in errors)
    assert any("Enter the sort code as 6 digits" in e for e in errors)
    assert any("Enter the account number: 6 to 8 digits" in e for e in errors)
    assert any(
        "“statement.pdf” is not a PDF, Word document (.docx), JPEG or PNG" in e for e in errors
    )
    assert 'href="#id_evidence"' in body
    for typed in ('value="Secretary"', 'value="not an email"', 'value="12"', 'value="0073"'):
        assert typed in body
    nothing_accepted(award)


def test_a_good_file_must_be_chosen_again_when_the_page_shows_an_error(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(signatory_name=""),
    )
    errors = summary(response.content.decode())
    assert any("Enter the full name of the person accepting" in e for e in errors)
    assert any("Choose “statement.pdf” again" in e for e in errors)
    nothing_accepted(award)


def test_sort_code_account_number_and_email_errors_are_styled_like_every_field(
    award, client_for, personas
):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(supplier_email="not an email", sort_code="12", account_number="0073"),
    )
    body = response.content.decode()
    for name, message in (
        ("supplier_email", "Enter an email address for remittance advice"),
        ("sort_code", "Enter the sort code as 6 digits"),
        ("account_number", "Enter the account number: 6 to 8 digits"),
    ):
        group = field_group(body, f"id_{name}")
        assert "govuk-form-group--error" in group
        assert message in group and f'id="id_{name}-error"' in group
        tag = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', body)[0]
        assert "govuk-input--error" in tag
        assert f"id_{name}-error" in tag  # aria-describedby names the message
