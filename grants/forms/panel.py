"""Forms for the panel: the officer's ranking filters and marks, and the decision maker's
decision on each bid."""

from __future__ import annotations

from django import forms

from core.govuk import GovukFormMixin
from grants.forms.common import PlainLengthsMixin
from grants.models import Application
from grants.selectors.choices import RoundChoices


def _id_choice(label: str, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, choices=[("", empty)]
    )


class RankingFilterForm(GovukFormMixin, forms.Form):
    """Filters from the round's cached choices (grants.selectors.choices): no queries."""

    pot = _id_choice("Pot", "Every pot")
    district = _id_choice("District", "Any district")
    priority = _id_choice("Priority", "Any priority")

    def __init__(self, *args, choices: RoundChoices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = {"pot": choices.pots, "district": choices.districts}
        offered["priority"] = choices.priorities
        for name, pairs in offered.items():
            field = self.fields[name]
            field.choices = [field.choices[0], *pairs]


BULK_MARKS = [
    ("", "Choose a recommendation"),
    *Application.Mark.choices,
    ("clear", "Not marked (clear the mark)"),
]


class MarkForm(PlainLengthsMixin, forms.Form):
    mark = forms.ChoiceField(
        label="Recommendation",
        choices=[("", "Not marked"), *Application.Mark.choices],
        required=False,
        error_messages={"invalid_choice": "Choose recommended, reserve or not recommended."},
    )
    recommended_amount = forms.CharField(
        label="Recommended amount (if less than requested)", required=False, max_length=20
    )
    note = forms.CharField(label="Note", required=False, max_length=1000)


class DecisionForm(PlainLengthsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve or decline."},
    )
    amount = forms.CharField(label="Amount to award", required=False, max_length=20)
    conditions = forms.CharField(
        label="Conditions of the grant (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions_before_payment = forms.CharField(
        label="Conditions to meet before the first payment (optional)",
        help_text="One a line. An officer must confirm each is met before paying anything.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    feedback = forms.CharField(
        label="Feedback for the applicant if declined",
        help_text="Plain words: the applicant is emailed exactly this.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
