"""Forms for assessing: the round's criteria, assigning assessors, moderating, and the
assessor's declaration and scores."""

from __future__ import annotations

from django import forms

from accounts.models import User
from accounts.roles import Role
from core.forms import ModelMultipleChoiceField, WholeNumberField
from core.govuk import GovukFormMixin, style_widgets
from core.widgets import CheckboxSelectMultiple
from grants.forms.common import PlainLengthsMixin, PlainWordsMixin, details_from, name_lengths
from grants.models import Assessment, Criterion
from grants.services import CriterionDetails
from grants.services.assessment import ScoreInput


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
        field_classes = {
            name: WholeNumberField for name in ("weight", "scale_max", "minimum_score", "position")
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
    assessors = ModelMultipleChoiceField(
        label="Assessors to share the bids between",
        queryset=User.objects.none(),
        widget=CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one assessor."},
    )
    per_application = WholeNumberField(
        label="Assessors for each bid",
        min_value=1,
        max_value=10,
        error_messages={
            "required": "Say how many assessors each bid needs.",
            "invalid": "Assessors for each bid must be a whole number, like 2.",
            "min_value": "Assessors for each bid must be 1 or more.",
            "max_value": "Assessors for each bid must be 10 or fewer.",
        },
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
