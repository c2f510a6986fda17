"""Forms for an application's budget lines and documents, and for withdrawing or copying it."""

from __future__ import annotations

from django import forms

from core.govuk import GovukFormMixin
from grants.forms.common import MoneyField, choice_errors, length_errors
from grants.models import ApplicationDocument, BudgetLine


class BudgetLineForm(GovukFormMixin, forms.Form):
    description = forms.CharField(
        label="What is it for?",
        max_length=200,
        error_messages=length_errors(
            "What the cost is for", 200, "Enter what the cost is for, like “Room hire”"
        ),
    )
    category = forms.ChoiceField(
        label="Type of cost",
        choices=[("", "Choose a type"), *list(BudgetLine.Category.choices)],
        error_messages=choice_errors(
            "Select the type of cost", "Select one of the types of cost listed"
        ),
    )
    amount = MoneyField(label="Amount", name="Amount", required_message="Enter the amount")

    def clean_category(self) -> str:
        category = self.cleaned_data["category"]
        if category in BudgetLine.EXCLUDED:
            raise forms.ValidationError(BudgetLine.EXCLUDED[category])
        return category


class DocumentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What is this document?",
        choices=ApplicationDocument.Kind.choices,
        widget=forms.RadioSelect,
        error_messages=choice_errors(
            "Select what the document is", "Select one of the kinds of document listed"
        ),
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word (.docx), JPEG or PNG, up to 10 MB",
        error_messages={
            "required": "Choose a file to upload",
            "missing": "Choose a file to upload",
            "invalid": "The file did not upload: choose it again",
            "empty": "The file you chose is empty",
            "contradiction": "Choose a file to upload",
            "max_length": "The file's name must be 200 characters or fewer: rename it and upload it again",
        },
    )


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing this application?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=length_errors(
            "Your reason for withdrawing", 1000, "Tell us why you are withdrawing"
        ),
    )


class CopyForm(GovukFormMixin, forms.Form):
    round = forms.ModelChoiceField(
        label="Which round are you applying to?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=choice_errors(
            "Select the round you are applying to", "Select one of the rounds listed"
        ),
    )

    def __init__(self, *args, rounds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
