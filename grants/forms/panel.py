"""Forms for the panel: the officer's ranking filters and marks, and the decision maker's
decision on each bid."""

from __future__ import annotations

from django import forms

from accounts.models import District
from core.govuk import GovukFormMixin
from grants.forms.common import PlainLengthsMixin
from grants.models import Application, Round
from outcomes.models import Priority


class RankingFilterForm(GovukFormMixin, forms.Form):
    pot = forms.ModelChoiceField(required=False, queryset=None, empty_label="Every pot")
    district = forms.ModelChoiceField(
        required=False, queryset=District.objects.all(), empty_label="Any district"
    )
    priority = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any priority")

    def __init__(self, *args, round: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pot"].queryset = round.pots.all()
        self.fields["priority"].queryset = Priority.objects.filter(plan=round.plan_id)
        self.fields["priority"].label_from_instance = lambda p: f"{p.code} {p.title}"


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
