"""Every applicant form says what to fix in words naming the field, never Django's defaults.

The walk posts, one field at a time, an empty answer, an over-long one and some that are
not in the right format, to every field of every applicant form; then it checks the pages
themselves (sections, budget, documents, eligibility) the same way.
"""

from __future__ import annotations

import re

from django import forms as django_forms
from django.core import validators
from django.forms import fields as django_fields
from django.forms import models as django_model_fields
from django.urls import reverse

from grants import services
from grants.eligibility import QUESTIONS, EligibilityForm
from grants.forms.applications import BudgetLineForm, CopyForm, DocumentForm, WithdrawForm
from grants.forms.sections import SECTION_FORMS
from grants.models import Round


def _start(text: str) -> str:
    """The words of a message before its first placeholder, as Django writes them."""
    return re.split(r"%\(|%s|%d|\{", str(text))[0].strip()


def django_default_messages() -> set[str]:
    """The opening words of every message Django's form fields and validators can say."""
    defaults = set()
    classes = [*vars(django_fields).values(), *vars(django_model_fields).values()]
    for cls in classes:
        if isinstance(cls, type) and issubclass(cls, django_forms.Field):
            for klass in cls.__mro__:
                for message in getattr(klass, "default_error_messages", {}).values():
                    defaults.add(_start(message))
    for validator in (
        validators.MaxLengthValidator,
        validators.MinLengthValidator,
        validators.MinValueValidator,
        validators.MaxValueValidator,
        validators.StepValueValidator,
    ):
        defaults.add(_start(validator.message))
    defaults |= {
        _start(validators.URLValidator.message),
        _start(validators.EmailValidator.message),
        *(_start(m) for m in validators.DecimalValidator.messages.values()),
        # Messages Django builds with plurals or a leading placeholder, written out.
        "This field is required.",
        "Ensure this value has at most",
        "Ensure this value has at least",
        "Ensure that there are no more than",
        "Ensure this filename has at most",
        "is not a valid value",
        "Select a valid choice",
        "Answer yes or no",
    }
    return {d for d in defaults if len(d) > 6}


DEFAULTS = django_default_messages()


def assert_no_default(messages) -> None:
    for message in messages:
        assert not any(d in str(message) for d in DEFAULTS), message
        assert str(message) not in ("", "None")


def test_the_list_of_defaults_holds_the_ones_users_saw():
    for seen in (
        "This field is required.",
        "Ensure this value has at most",
        "Ensure this value is greater than or equal to",
        "Enter a valid URL.",
        "Select a valid choice.",
        "Enter a whole number.",
        "Enter a number.",
        "Answer yes or no",
    ):
        assert any(d in seen for d in DEFAULTS), seen


BAD_VALUES = ["", "   ", "not right", "-1", "0", "1.234", "99999999999999999", "999999"]


def values_for(field) -> list:
    values = list(BAD_VALUES)
    if getattr(field, "max_length", None):
        values.append("x" * (field.max_length + 1))
    if isinstance(field, django_forms.MultiValueField):
        return [["", "", ""], ["32", "13", "2027"], ["1", "", "2027"], ["a", "b", "c"]]
    if isinstance(field, django_forms.MultipleChoiceField | django_forms.ModelMultipleChoiceField):
        return [[v] for v in values] + [["1", "not a number"]]
    return values


def multi_names(name: str) -> list[str]:
    return [f"{name}_day", f"{name}_month", f"{name}_year"]


def forms_to_walk(application, open_round):
    """Every applicant form, as a function from posted data to a bound form."""
    made = {
        name: (lambda data, cls=cls: cls(data, application=application))
        for name, cls in SECTION_FORMS.items()
    }
    made["budget line"] = BudgetLineForm
    made["document"] = lambda data: DocumentForm(data, {})
    made["withdraw"] = WithdrawForm
    made["copy"] = lambda data: CopyForm(data, rounds=Round.objects.all())
    made["eligibility"] = EligibilityForm
    return made


def test_every_field_of_every_applicant_form_names_what_to_fix(personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    walked = 0
    for name, make in forms_to_walk(draft, open_round).items():
        for field_name, field in make({}).fields.items():
            for value in values_for(field):
                data = {field_name: value}
                if isinstance(field, django_forms.MultiValueField):
                    data = dict(zip(multi_names(field_name), value, strict=True))
                form = make(data)
                form.is_valid()
                for errors in form.errors.values():
                    assert_no_default(errors)
                walked += 1
            # Every message the field could say is its own, not one Django wrote.
            (
                assert_no_default(
                    field.error_messages[code]
                    for code in field.error_messages
                    if code
                    in {"required", "invalid", "max_length", "min_value", "max_value"}
                    | {"invalid_choice", "invalid_list", "invalid_pk_value", "max_digits"}
                    | {"max_decimal_places", "max_whole_digits", "incomplete", "missing", "empty"}
                ),
                f"{name}.{field_name}",
            )
    assert walked > 200


def test_the_eligibility_checker_names_each_question_left_unanswered(client, open_round):
    response = client.post(reverse("grants:eligibility", args=[open_round.uuid]), {})
    page = response.content.decode()
    assert "Answer yes or no" not in page
    assert "Select yes if your group has a bank account in its own name" in page
    for question in QUESTIONS:
        assert question.error in page
        assert question.error.startswith("Select yes if")
    assert len({q.error for q in QUESTIONS}) == len(QUESTIONS)


def test_too_long_and_wrong_answers_on_the_project_page_say_what_to_fix(
    client_for, personas, open_round
):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-section", args=[draft.uuid, "project"]),
        {
            "summary": "x" * 1299,
            "project_title": "T" * 141,
            "amount_requested": "0",
            "start_date_day": "31",
            "start_date_month": "2",
            "start_date_year": "2027",
        },
    )
    page = response.content.decode()
    assert "Project summary must be 1,000 characters or fewer" in page
    assert "Project title must be 140 characters or fewer" in page
    assert "Amount requested must be £0.01 or more" in page
    assert "Start date must be a real date" in page
    assert "Ensure this value" not in page
    assert "x" * 1299 in page  # what was typed is kept
    assert "T" * 141 in page


def test_the_budget_and_documents_pages_name_each_missing_answer(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    client = client_for(personas.applicant_a)
    budget = client.post(reverse("grants:application-budget", args=[draft.uuid]), {}).content
    budget = budget.decode()
    assert "Enter what the cost is for" in budget
    assert "Select the type of cost" in budget
    assert "Enter the amount" in budget
    too_long = client.post(
        reverse("grants:application-budget", args=[draft.uuid]),
        {"description": "y" * 201, "category": "staff", "amount": "0.001"},
    ).content.decode()
    assert "What the cost is for must be 200 characters or fewer" in too_long
    assert "Amount must have no more than 2 digits for pence" in too_long
    assert "y" * 201 in too_long
    documents = client.post(
        reverse("grants:application-documents", args=[draft.uuid]), {}
    ).content.decode()
    assert "Select what the document is" in documents
    assert "Choose a file to upload" in documents
    for page in (budget, too_long, documents):
        assert "This field is required." not in page
        assert "Ensure this value" not in page


def test_length_limited_answers_count_characters_instead_of_cutting_text(
    client_for, personas, open_round
):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    client = client_for(personas.applicant_a)
    project = client.get(
        reverse("grants:application-section", args=[draft.uuid, "project"])
    ).content.decode()
    budget = client.get(reverse("grants:application-budget", args=[draft.uuid])).content.decode()
    for page in (project, budget):
        assert " maxlength=" not in page  # the browser would cut the text without a word
    for limit, name in ((140, "project_title"), (1000, "summary"), (3000, "activities")):
        assert re.search(
            rf'data-module="govuk-character-count" data-maxlength="{limit}">\s*'
            rf'<label[^>]*for="id_{name}"',
            project,
        ), name
    assert re.search(r'data-maxlength="200">\s*<label[^>]*for="id_description"', budget), (
        "budget description"
    )
    assert 'class="govuk-input govuk-js-character-count' in budget


def test_a_long_unbroken_title_wraps_where_it_is_shown(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    title = "Antidisestablishmentarianism" * 5
    services.application_save_section(
        application=draft,
        actor=personas.applicant_a,
        section="project",
        values={"project_title": title},
    )
    client = client_for(personas.applicant_a)
    detail = client.get(reverse("grants:application-detail", args=[draft.uuid])).content.decode()
    assert f'<h1 class="govuk-heading-xl govuk-!-text-break-word">{title}</h1>' in detail
    section = client.get(
        reverse("grants:application-section", args=[draft.uuid, "where"])
    ).content.decode()
    assert f'<span class="govuk-caption-l govuk-!-text-break-word">{title}</span>' in section
