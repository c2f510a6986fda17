"""Forms for screening, assessing, moderating, ranking and deciding."""

from __future__ import annotations

from django import forms

from accounts.models import User
from accounts.roles import Role
from core.forms import MoneyField
from core.govuk import GovukDateField, GovukFormMixin, style_widgets
from grants.models import Application, Assessment, Criterion, Screening
from grants.services import CriterionDetails
from grants.services.assessment import ScoreInput
from grants.services.screening import CheckAnswer
from grants.staff_forms import PlainLengthsMixin, PlainWordsMixin, details_from, name_lengths

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
                passed={"pass": True, "fail": False}.get(data.get(f"check_{check.pk}")),
                note=data.get(f"note_{check.pk}", ""),
                key=f"check_{check.pk}",
            )
            for check in self.checks
        ]


class ScreeningCheckForm(PlainWordsMixin, forms.Form):
    question = forms.CharField(label="New check", max_length=200)
    guidance = forms.CharField(label="Guidance for officers (optional)", required=False)


class CriterionForm(PlainWordsMixin, forms.ModelForm):
    required_messages = {"name": "Enter the criterion's name"}

    descriptors_text = forms.CharField(
        label="What each score means",
        help_text="One line per point, starting from 0. For a 0 to 4 scale, write 5 lines.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = Criterion
        fields = [
            "name",
            "guidance",
            "weight",
            "scale_max",
            "minimum_score",
            "allow_not_applicable",
            "position",
        ]
        labels = {
            "scale_max": "Highest score",
            "minimum_score": "Minimum acceptable score (optional)",
            "allow_not_applicable": "Assessors may mark this criterion not applicable",
            "position": "Order",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["descriptors_text"] = "\n".join(self.instance.descriptors)

    def clean(self):
        data = super().clean()
        lines = [
            line.strip()
            for line in (data.get("descriptors_text") or "").splitlines()
            if line.strip()
        ]
        scale_max = data.get("scale_max")
        if lines and scale_max is not None and len(lines) != scale_max + 1:
            self.add_error(
                "descriptors_text",
                f"Write {scale_max + 1} lines, one for each score from 0 to {scale_max}; you wrote {len(lines)}.",
            )
        self.instance.descriptors = lines
        return data

    def details(self) -> CriterionDetails:
        return details_from(self, CriterionDetails)


def assessor_choices():
    return User.objects.filter(groups__name=Role.ASSESSOR.label, is_active=True).order_by(
        "full_name", "email"
    )


class AssignForm(GovukFormMixin, forms.Form):
    assessor = forms.ModelChoiceField(
        label="Assessor",
        queryset=User.objects.none(),
        empty_label="Choose an assessor",
        error_messages={"required": "Choose an assessor."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessor_choices()
        self.fields["assessor"].label_from_instance = lambda u: u.full_name or u.email


class BulkAssignForm(GovukFormMixin, forms.Form):
    assessors = forms.ModelMultipleChoiceField(
        label="Assessors to share the bids between",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one assessor."},
    )
    per_application = forms.IntegerField(
        label="Assessors for each bid",
        min_value=1,
        max_value=10,
        error_messages={"required": "Say how many assessors each bid needs."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = assessor_choices()
        self.fields["assessors"].label_from_instance = lambda u: u.full_name or u.email


class ReasonForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason."},
    )


class ModerationForm(PlainLengthsMixin, forms.Form):
    score = forms.CharField(
        label="Moderated score (0 to 100)",
        help_text="Leave empty to go back to the assessors' mean.",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    # Optional here: the service checks the score and the reason together, so both
    # problems are listed at once.
    reason = forms.CharField(
        label="Reason for moderating",
        help_text="The panel sees this next to the assessors' own scores.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


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


class DeclarationForm(PlainLengthsMixin, forms.Form):
    conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with this bid?",
        choices=[
            ("no", "No, I have no conflict of interest"),
            ("yes", "Yes, I have a conflict of interest"),
        ],
        widget=forms.RadioSelect,
        help_text="For example you, a relative or a close friend work for, volunteer with or are a "
        "trustee of the organisation, or would gain from the project.",
        error_messages={"required": "Say whether you have a conflict of interest."},
    )
    reason = forms.CharField(
        label="What is the conflict?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoringForm(PlainLengthsMixin, forms.Form):
    overall_comment = forms.CharField(
        label="Overall comment",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    recommendation = forms.ChoiceField(
        label="Your recommendation",
        choices=Assessment.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, criteria, **kwargs) -> None:
        self.criteria = list(criteria)
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in self.criteria:
            choices = [
                (str(point), f"{point}: {text}" if text else str(point))
                for point, text in criterion.points
            ]
            if criterion.allow_not_applicable:
                choices.append(("na", "Not applicable"))
            fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                help_text=" ".join(
                    part
                    for part in (
                        criterion.guidance,
                        f"Scores under {criterion.minimum_score} are flagged for moderation."
                        if criterion.minimum_score is not None
                        else "",
                    )
                    if part
                ),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
            fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on “{criterion.name}”",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields = {**fields, **self.fields}

        style_widgets(self)
        name_lengths(self)

    def score_inputs(self):

        data = self.cleaned_data
        inputs = {}
        for criterion in self.criteria:
            raw = data.get(f"score_{criterion.pk}") or ""
            comment = data.get(f"comment_{criterion.pk}", "")
            if not raw and not comment:
                continue
            inputs[criterion.pk] = ScoreInput(
                value=int(raw) if raw.isdigit() else None,
                not_applicable=raw == "na",
                comment=comment,
            )
        return inputs


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


class InstalmentForm(GovukFormMixin, forms.Form):
    due_date = GovukDateField(label="Due", required=False)
    amount = MoneyField(
        label="Amount",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={
            "invalid": "Enter the payment's amount in pounds, like 4500 or 4500.50",
            "min_value": "The payment's amount cannot be negative",
            "max_digits": "The payment's amount must be less than £10,000,000,000",
            "max_whole_digits": "The payment's amount must be less than £10,000,000,000",
            "max_decimal_places": "Enter the payment's amount in pounds and pence, like 4500.50",
        },
    )


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=0, max_num=12, absolute_max=12)
