"""One-line answers (names, titles, references) refuse line breaks and control characters,
on the web and through the API, with a message naming the field; and emails whose subject
is built from a stored name still go when an old row holds a line break (issue 17)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Organisation
from accounts.services import invitation_create
from core.govuk import GovukFormMixin, is_single_line
from core.mail import send_tracked
from core.text import SingleLineValidator, one_line, single_line_problem
from tests.api.conftest import Api, make_token
from tests.commissioning.conftest import contract, q1_return  # noqa: F401  # shared fixtures
from tests.grants.conftest import complete_application, make_round

pytestmark = pytest.mark.django_db

APPS = ("accounts", "outcomes", "grants", "commissioning", "delivery", "opendata", "core")


def _edit_organisation(client, organisation, **changes):
    url = reverse("accounts:organisation-edit", args=[organisation.uuid])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(district=organisation.district_id, activity="applicant", **changes)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Org A\nYouth Project", "Organisation name must not contain line breaks"),
        ("Org A\r\nBcc: everyone@example.org", "Organisation name must not contain line breaks"),
        ("Org A\u2028Youth", "Organisation name must not contain line breaks"),
        ("Org A\tYouth", "Organisation name must not contain tabs or control characters"),
        ("Org A \u202eecnerolF", "Organisation name must not contain tabs or control characters"),
        ("Org A\x00", "Organisation name must not contain tabs or control characters"),
    ],
)
def test_an_organisation_name_with_a_line_break_or_control_character_is_refused(
    client_for, personas, typed, said
):
    response = _edit_organisation(client_for(personas.applicant_a), personas.org_a, name=typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert said in page
    assert "govuk-error-summary" in page
    assert "Null characters are not allowed" not in page
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Org A Youth Project"


def test_every_error_comes_at_once_and_a_plain_name_still_saves(client_for, personas):
    client = client_for(personas.applicant_a)
    response = _edit_organisation(
        client, personas.org_a, name="Org\nA", town="Leeds\nWest Yorkshire"
    )
    page = response.content.decode()
    assert "Organisation name must not contain line breaks" in page
    assert "Town or city must not contain line breaks" in page
    response = _edit_organisation(client, personas.org_a, name="  Org A Youth Project CIO  ")
    assert response.status_code == 302
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Org A Youth Project CIO"


def test_the_api_refuses_a_line_break_in_a_title_naming_the_field(client, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    alice = Api(client, make_token(personas.applicant_a, personas.org_a))
    url = f"/api/v1/applications/{application.uuid}/"
    response = alice.patch(
        f"{url}sections/project/",
        {"project_title": "Gloves Up\nKnives Down"},
        if_match=alice.get(url)["ETag"],
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "path": "project_title",
            "message": "Project title must not contain line breaks: write it on one line",
        }
    ]
    application.refresh_from_db()
    assert application.project_title == "Gloves Up, Knives Down"


def test_the_api_refuses_a_control_character_in_a_budget_line(client, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    alice = Api(client, make_token(personas.applicant_a, personas.org_a))
    url = f"/api/v1/applications/{application.uuid}/"
    response = alice.post(
        f"{url}budget-lines/",
        {"description": "Room\thire", "category": "venue", "amount": "100"},
        if_match=alice.get(url)["ETag"],
    )
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == "description"
    assert "must not contain tabs or control characters" in error["message"]


def _our_form_classes() -> list[type]:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "forms" in module.name or module.name.endswith(".views"):
                importlib.import_module(module.name)
    found, stack = [], [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.split(".")[0] in APPS:
                found.append(subclass)
    return found


# Forms that are parts of other forms (their fields are added to a form that checks them).
PARTS = {"grants.forms.publication.PublicationFields"}


def test_every_form_of_ours_applies_the_one_line_rule():
    """The rule lives in GovukFormMixin: a form without it would let line breaks in."""
    classes = _our_form_classes()
    assert len(classes) > 40
    missing = [
        f"{c.__module__}.{c.__qualname__}"
        for c in classes
        if not issubclass(c, GovukFormMixin) and f"{c.__module__}.{c.__qualname__}" not in PARTS
    ]
    assert not missing, f"forms without GovukFormMixin: {missing}"


def test_textareas_and_passwords_keep_their_line_breaks():
    class Form(GovukFormMixin, forms.Form):
        name = forms.CharField(label="Name")
        story = forms.CharField(label="Story", widget=forms.Textarea)
        secret = forms.CharField(label="Password", widget=forms.PasswordInput)

    form = Form({"name": "Ann", "story": "Line one\nLine two", "secret": "a\tb"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["story"] == "Line one\nLine two"
    assert [is_single_line(field) for field in form.fields.values()] == [True, False, False]


def test_a_question_like_label_is_named_as_its_too_long_message_names_it():
    class Form(GovukFormMixin, forms.Form):
        description = forms.CharField(
            label="What is it for?",
            max_length=20,
            error_messages={"max_length": "What the cost is for must be 20 characters or fewer"},
        )
        note = forms.CharField(label="Note (optional)", required=False)

    form = Form({"description": "Room\nhire", "note": "a\nb"})
    assert not form.is_valid()
    assert form.errors["description"] == [
        "What the cost is for must not contain line breaks: write it on one line"
    ]
    assert form.errors["note"] == ["Note must not contain line breaks: write it on one line"]


def test_the_text_helpers():
    assert single_line_problem("Manningham Youth Boxing Project \u2013 CIO") is None
    assert single_line_problem("Caf\u00e9 \u201cQuotes\u201d & \u00e9moji") is None
    assert single_line_problem("a\nb") == "line breaks"
    assert single_line_problem("a\x1bb") == "tabs or control characters"
    assert one_line("Org A\r\nBcc: x@example.org\t\u202e") == "Org A Bcc: x@example.org"
    validator = SingleLineValidator("Name")
    validator("fine")
    with pytest.raises(forms.ValidationError, match="Name must not contain line breaks"):
        validator("not\nfine")


def test_an_old_organisation_name_with_a_line_break_no_longer_stops_invitation_emails(
    personas, django_capture_on_commit_callbacks
):
    # Stored before names were checked: straight into the database.
    Organisation.objects.filter(pk=personas.org_a.pk).update(
        name="Org A\nYouth Project\r\nBcc: everyone@example.org"
    )
    personas.org_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            organisation=personas.org_a, email="new.person@example.org", actor=personas.applicant_a
        )
    [email] = mail.outbox
    assert email.subject == (
        "Join Org A Youth Project Bcc: everyone@example.org on Safer Communities Grants"
    )
    assert email.to == ["new.person@example.org"]
    assert "Bcc" not in email.message().as_string().split("\n\n", 1)[0].replace(
        "Subject: Join Org A Youth Project Bcc:", ""
    )
    assert Invitation.objects.get().email == "new.person@example.org"


def test_an_old_provider_name_with_a_line_break_no_longer_stops_the_escalation(
    personas,
    q1_return,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from commissioning.tasks import returns_daily
    from core.outbox import outbox_relay

    Organisation.objects.filter(pk=personas.provider_org.pk).update(name="Victim Care\nProvider")
    due = q1_return.due_date
    outbox_relay()
    before = len(mail.outbox)
    moment = dt.datetime.combine(due + dt.timedelta(days=14), dt.time(6), ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        returns_daily.delay().get()
    sent = mail.outbox[before:]
    [escalation] = [email for email in sent if email.subject.startswith("Overdue:")]
    assert escalation.subject == (
        f"Overdue: Victim Care Provider's 2026/27 Q1 return for {q1_return.contract.reference}"
    )
    assert escalation.to == [personas.commissioner.email]


def test_send_tracked_flattens_any_subject():
    send_tracked(subject="Line one\nLine two", body="Hello", to=["a@example.org"])
    assert mail.outbox[-1].subject == "Line one Line two"


def test_every_admin_form_of_ours_applies_the_one_line_rule():
    from django.contrib import admin

    from core.admin_forms import SingleLineAdminMixin, SingleLineInlineMixin

    ours = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS
    }
    assert len(ours) >= 10
    missing = [
        type(model_admin).__name__
        for model_admin in ours.values()
        if not isinstance(model_admin, SingleLineAdminMixin)
    ]
    missing += [
        inline.__name__
        for model_admin in ours.values()
        for inline in model_admin.inlines
        if not issubclass(inline, SingleLineInlineMixin)
    ]
    assert not missing, missing


def test_the_admin_refuses_a_line_break_in_an_organisation_name(rf, personas):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = personas.administrator
    form_class = admin.site._registry[Organisation].get_form(request, personas.org_a, change=True)
    data = {
        field: value
        for field, value in form_class(instance=personas.org_a).initial.items()
        if value is not None
    }
    form = form_class({**data, "name": "Org A\nYouth"}, instance=personas.org_a)
    assert not form.is_valid()
    assert form.errors["name"] == ["Name must not contain line breaks: write it on one line"]


def test_the_admin_pages_with_checked_forms_still_open_and_refuse_a_line_break(
    client_for, personas
):
    client = client_for(personas.administrator)
    change = reverse("admin:accounts_organisation_change", args=[personas.org_a.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:commissioning_measureset_add")).status_code == 200
    response = client.post(
        change,
        {
            "name": "Org A\r\nYouth",
            "type": personas.org_a.type,
            "address_line_1": "1 Street",
            "town": "Leeds",
            "postcode": "LS1 1AA",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Name must not contain line breaks" in response.content.decode()
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Org A Youth Project"
