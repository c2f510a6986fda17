"""Forms for screening: the officer's checklist for one bid, and the round's checks."""

from __future__ import annotations

from django import forms

from core.govuk import style_widgets
from grants.forms.common import PlainLengthsMixin, PlainWordsMixin, name_lengths
from grants.models import Screening
from grants.services.screening import CheckAnswer

PASS_FAIL = [("pass", "Pass"), ("fail", "Fail")]


class ScreeningForm(PlainLengthsMixin, forms.Form):
    """Answers are optional here: the service checks the checklist, the outcome and the
    reason together, so every problem is listed at once."""

    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Screening.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="If ineligible: the reason",
        help_text="Plain words: the applicant is emailed exactly this.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, checks, **kwargs) -> None:
        self.checks = list(checks)
        super().__init__(*args, **kwargs)
        fields = {}
        for check in self.checks:
            fields[f"check_{check.pk}"] = forms.ChoiceField(
                label=check.question,
                help_text=check.guidance,
                choices=PASS_FAIL,
                widget=forms.RadioSelect,
                required=False,
            )
            fields[f"note_{check.pk}"] = forms.CharField(
                label=f"Note on “{check.question}” (optional)", required=False, max_length=500
            )
        self.fields = {**fields, **self.fields}

        style_widgets(self)
        name_lengths(self)

    def answers(self):

        data = self.cleaned_data
        return [
            CheckAnswer(
                question=check.question,
                passed={"pass": True, "fail": False}.get(data.get(f"check_{check.pk}")),  # nosec B105
                note=data.get(f"note_{check.pk}", ""),
                key=f"check_{check.pk}",
            )
            for check in self.checks
        ]


class ScreeningCheckForm(PlainWordsMixin, forms.Form):
    question = forms.CharField(label="New check", max_length=200)
    guidance = forms.CharField(label="Guidance for officers (optional)", required=False)
