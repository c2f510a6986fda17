"""What the grants forms share: GOV.UK wording for every error, money typed as text, plain
values for services, and reading a POST."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django import forms
from django.http import Http404

from core.forms import MoneyField as CoreMoneyField
from core.govuk import GovukFormMixin
from core.parsers import parse_id


def form_data(request, *, files: bool = False) -> tuple:
    """A form's data: bound on every POST, even an empty one, so an empty POST shows errors."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def posted_id(request, name: str) -> int:
    """An integer id from a POSTed button value; anything else is a missing row (404)."""
    value = parse_id(request.POST.get(name, ""))
    if value is None:
        raise Http404("No such row")
    return value


def length_errors(name: str, max_length: int, required: str) -> dict[str, str]:
    """GOV.UK messages for a text answer: `name` starts the too-long message."""
    return {
        "required": required,
        "max_length": f"{name} must be {max_length:,} characters or fewer",
    }


def choice_errors(required: str, listed: str) -> dict[str, str]:
    """Messages for a choice field; `listed` is said when a posted value is not on the list."""
    return {
        "required": required,
        "invalid_choice": listed,
        "invalid_list": listed,
        "invalid_pk_value": listed,
    }


class MoneyField(CoreMoneyField):
    """An amount in pounds; `name` starts its messages ("Amount must be £0.01 or more")."""

    prefix = "£"

    def __init__(self, *, name: str = "Amount", required_message: str = "", **kwargs) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs["error_messages"] = {
            "required": required_message or f"Enter the {name.lower()}",
            "invalid": f"{name} must be in pounds, like 6000 or 5999.50",
            "min_value": f"{name} must be £0.01 or more",
            "max_digits": f"{name} must be less than £10,000,000,000",
            "max_whole_digits": f"{name} must be less than £10,000,000,000",
            "max_decimal_places": f"{name} must have no more than 2 digits for pence, like 5999.50",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-10", "inputmode": "decimal"})


def name_lengths(form: forms.BaseForm) -> None:
    """Over-long answers get GOV.UK wording, not Django's "Ensure this value has at most"."""
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages.setdefault(
                "max_length",
                f"{field.label or name} must be {field.max_length:,} characters or fewer",
            )


class PlainLengthsMixin(GovukFormMixin):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        name_lengths(self)


def details_from(form: forms.ModelForm, details_class):
    """The service's plain values from a valid model form: its cleaned data, else what clean()
    worked out on the instance (a deadline combined from a date and a time)."""
    values = {}
    for item in dataclasses.fields(details_class):
        if item.name in form.cleaned_data:
            values[item.name] = form.cleaned_data[item.name]
        else:
            values[item.name] = getattr(form.instance, item.name)
    return details_class(**values)


class PlainWordsMixin(GovukFormMixin):
    """Every error names its field in plain words, never Django's "This field is required."

    `required_messages` overrides the wording for a missing answer; `field_words` says how
    to name a field in a sentence ("the round number"); `examples` gives a sample value.
    """

    required_messages: dict[str, str] = {}
    field_words: dict[str, str] = {}
    examples: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label or name).replace(" (£)", "").replace(" (optional)", "")
            words = self.field_words.get(name, f"the {label[0].lower()}{label[1:]}")
            sentence = words[0].upper() + words[1:]
            messages = field.error_messages
            if isinstance(field, forms.IntegerField):  # DecimalField included
                money = isinstance(field, forms.DecimalField)
                example = self.examples.get(name, "5000" if money else "1")
                how = "in pounds" if money else "as a whole number"
                pound = "£" if money else ""
                messages["required"] = messages["invalid"] = f"Enter {words} {how}, like {example}"
                messages["min_value"] = f"{sentence} must be {pound}%(limit_value)s or more"
                messages["max_value"] = f"{sentence} must be {pound}%(limit_value)s or less"
            elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                messages["required"] = f"Choose {words}"
                messages["invalid_choice"] = f"Choose {words} from the list"
            elif isinstance(field, forms.CharField):
                messages["required"] = f"Enter {words}"
                if field.max_length:
                    messages["max_length"] = (
                        f"{label} must be {field.max_length:,} characters or fewer"
                    )
            if name in self.required_messages:
                messages["required"] = self.required_messages[name]
