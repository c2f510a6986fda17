"""core.forms: a service's refusals land on the GOV.UK form, on the field they are about;
what the page says and where it goes next may depend on what the service returned."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.errors import NotAllowed
from core.forms import call_service, run_form


class RoundChoiceForm(forms.Form):
    round = forms.CharField()
    note = forms.CharField(required=False)


def _post(data: dict):
    request = RequestFactory().post("/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _refuse(data):
    raise NotAllowed("That round has closed: choose another.")


def test_a_refusal_about_one_answer_lands_on_that_field_and_keeps_what_was_typed():
    request = _post({"round": "R5", "note": "typed"})
    form = RoundChoiceForm(request.POST)
    response = run_form(request, form, _refuse, "/done/", "Copied.", field="round")
    assert response is None
    assert form.errors == {"round": ["That round has closed: choose another."]}
    assert form["note"].value() == "typed"
    assert list(get_messages(request)) == []


def test_a_refusal_without_a_field_goes_above_the_fields():
    request = _post({"round": "R5"})
    form = RoundChoiceForm(request.POST)
    assert run_form(request, form, _refuse, "/done/", "Copied.") is None
    assert form.non_field_errors() == ["That round has closed: choose another."]


def test_call_service_puts_a_refusal_on_the_field_named():
    form = RoundChoiceForm({"round": "R5"})
    assert form.is_valid()
    assert call_service(form, _refuse, form.cleaned_data, field="round") is False
    assert form.errors == {"round": ["That round has closed: choose another."]}


def test_a_services_validation_error_still_goes_to_its_own_field_whatever_field_is_named():
    def invalid(data):
        raise ValidationError({"note": "Say why, in a few words."})

    form = RoundChoiceForm({"round": "R5"})
    assert form.is_valid()
    assert call_service(form, invalid, form.cleaned_data, field="round") is False
    assert form.errors == {"note": ["Say why, in a few words."]}


def test_where_to_go_and_what_to_say_can_come_from_what_the_service_returned():
    request = _post({"round": "R5"})
    form = RoundChoiceForm(request.POST)
    response = run_form(
        request,
        form,
        lambda data: f"copy-of-{data['round']}",
        lambda made: f"/applications/{made}/",
        lambda made: f"{made} started.",
    )
    assert response.status_code == 302
    assert response.url == "/applications/copy-of-R5/"
    assert [str(m) for m in get_messages(request)] == ["copy-of-R5 started."]


def test_an_empty_message_says_nothing():
    request = _post({"round": "R5"})
    form = RoundChoiceForm(request.POST)
    response = run_form(request, form, lambda data: None, "/done/", lambda _: "")
    assert response.status_code == 302
    assert list(get_messages(request)) == []


def test_a_whole_number_below_a_floor_above_zero_is_the_fields_min_value_problem():
    """ "0" where 1 is the least is a whole number, just too small: the field's min_value
    message, not its message for a badly typed number."""
    from core.forms import WholeNumberField

    field = WholeNumberField(
        label="Assessors for each bid",
        min_value=1,
        max_value=10,
        error_messages={"invalid": "Type a number", "min_value": "Must be 1 or more"},
    )
    for typed in ("0", "-1"):
        try:
            field.clean(typed)
        except ValidationError as error:
            assert error.messages == ["Must be 1 or more"], typed
        else:
            raise AssertionError(f"{typed} was taken")
