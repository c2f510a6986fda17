"""Calling a service from a GOV.UK form: its refusals land on the form, all at once.

One helper family for every view: `run_form` for a plain form, `call_service` when the view
has its own values to pass, `run_service_checks` when the service should list its problems
beside the form's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models as django_models
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.errors import ApplicationError
from core.money import InvalidMoney, parse_money
from core.parsers import BIGINT_MAX, InvalidInput, parse_id, parse_uuid, parse_whole_number


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one.

    A field the form already found a problem with keeps the form's own, more exact message.
    """
    if hasattr(error, "error_dict"):
        for name, messages_ in error.error_dict.items():
            if name in form.fields and name in form.errors:
                continue
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def _attempt(
    form: forms.BaseForm, action: Callable[[dict], Any], data: dict, field: str | None
) -> tuple[bool, Any]:
    try:
        return True, action(data)
    except ValidationError as error:
        apply_errors(form, error)
    except ApplicationError as refusal:
        form.add_error(field, refusal.message)
    return False, None


def call_service(
    form: forms.BaseForm,
    action: Callable[[dict], Any],
    data: dict,
    *,
    field: str | None = None,
) -> bool:
    """Call the service with the form's values; its refusals land on the form. True: done.

    A refusal (ApplicationError) goes above the fields, or on `field` when it is about that
    one answer (the file, the round chosen)."""
    return _attempt(form, action, data, field)[0]


Done = str | tuple[Any, ...]


def run_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict], Any],
    done: Done | Callable[[Any], Done],
    message: str | Callable[[Any], str],
    *,
    field: str | None = None,
) -> HttpResponse | None:
    """On a valid POST call the service; its refusals land on the form. None: render the form.

    `done` is where to go next: a URL or URL name, a (URL name, *args) tuple, or a function
    of what the service returned that gives one of those. `message` (shown on success, none
    when empty) may likewise be a function of what the service returned. `field`: as for
    call_service."""
    if request.method != "POST" or not form.is_valid():
        return None
    succeeded, result = _attempt(form, action, form.cleaned_data, field)
    if not succeeded:
        return None
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)
    target = done(result) if callable(done) else done
    return redirect(*target) if isinstance(target, tuple) else redirect(target)


class _FormHadErrors(Exception):
    """Undo a service call made only to list its problems beside the form's own."""


def run_service_checks(form: Any, call: Callable[[dict], Any]) -> bool:
    """On a POST of a form with `values_for_service()`, call the service even when the form
    found problems (with a blank for each unreadable field), so every problem is listed at once.

    True when the service did its work. A call made while the form has errors is rolled
    back, though the service refuses blanks anyway."""
    valid = form.is_valid()

    def attempt(data: dict) -> None:
        with transaction.atomic():
            call(data)
            if not valid:
                raise _FormHadErrors

    try:
        return call_service(form, attempt, form.values_for_service())
    except _FormHadErrors:
        return False


class MoneyField(forms.DecimalField):
    """Money typed as text ("£1,250.50"), read by core.money.parse_money: exponents, NaN
    and infinity are refused with the field's own "invalid" message."""

    REASON_MESSAGES = {
        "negative": "min_value",
        "pence": "max_decimal_places",
        "too_large": "max_digits",
    }

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        whole_digits = (self.max_digits or 12) - (self.decimal_places or 0)
        try:
            return parse_money(value, max_whole_digits=whole_digits)
        except InvalidMoney as refused:
            key = self.REASON_MESSAGES.get(refused.reason, "invalid")
            if key not in self.error_messages or "%(" in str(self.error_messages[key]):
                key = "invalid"  # a field without its own wording says what to type
            raise forms.ValidationError(self.error_messages[key], code=key) from None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id no row could have (99999999999999999999999, "1e3", "²") is
    refused with the field's "invalid_pk_value" message before any query: PostgreSQL and
    SQLite raise on an integer beyond their range in an IN list."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else None
        if isinstance(field, django_models.AutoField | django_models.IntegerField):
            for pk in value:
                if parse_id(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        if isinstance(field, django_models.UUIDField):
            for pk in value:
                if parse_uuid(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


class WholeNumberField(forms.IntegerField):
    """A whole number read by core.parsers: "1e3", "NaN", "-0", "٢" and numbers beyond
    the database's integer range are refused with the field's own messages, where
    Django's IntegerField would take "٢" as 2 and "-0" as 0."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        floor = self.min_value if self.min_value is not None and self.min_value >= 0 else None
        try:
            return parse_whole_number(
                value, name=str(self.label or "The number"), min_value=floor, max_value=BIGINT_MAX
            )
        except InvalidInput as refused:
            # Below the floor ("0" where 1 is the least, or "-1") is the min_value problem,
            # not a badly typed number.
            if refused.reason in ("negative", "too_small") and floor is not None:
                raise forms.ValidationError(
                    self.error_messages.get("min_value", MinValueValidator.message),
                    code="min_value",
                    params={"limit_value": floor},
                ) from None
            if refused.reason == "too_large" and self.max_value is not None:
                raise forms.ValidationError(
                    self.error_messages.get("max_value", MaxValueValidator.message),
                    code="max_value",
                    params={"limit_value": self.max_value},
                ) from None
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
