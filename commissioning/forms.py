"""Commissioner and provider forms. The services check the rules; forms parse input."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from accounts.models import District, Organisation, User
from accounts.roles import Role
from commissioning.models import (
    Contract,
    ContractAmendment,
    FundingStream,
    MeasureSet,
    Rating,
    Service,
)
from commissioning.quarters import PERIOD_CHOICES, financial_year_label, financial_year_of
from commissioning.services.contracts import AmendmentInput, ContractInput, FundingLine
from core.forms import ModelMultipleChoiceField, MoneyField
from core.govuk import GovukDateField, GovukFormMixin, style_widgets
from core.scanning import ScannedFileField
from outcomes.models import Outcome, Plan, Priority, Theme

FUNDING_ROWS = 3  # blank funding rows shown after the existing ones


def plain_required(form: forms.Form, messages: dict[str, str]) -> None:
    """GOV.UK wording for a missing answer, instead of "This field is required"."""
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


def year_choices(blank: bool = True) -> list[tuple[str, str]]:
    this_year = financial_year_of(timezone.localdate())
    years = [(str(y), financial_year_label(y)) for y in range(this_year - 4, this_year + 6)]
    return [("", "Choose a year"), *years] if blank else years


class ServiceForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Service name", max_length=200)
    category = forms.ChoiceField(label="Category", choices=Service.Category.choices)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    areas = ModelMultipleChoiceField(
        label="Areas covered",
        queryset=District.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plain_required(
            self, {"name": "Enter the name of the service", "category": "Choose a category"}
        )


class ContractForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Contract reference", max_length=40, help_text="For example, VS-2026-ISVA-01"
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.filter(is_provider=True).order_by("name"),
        empty_label="Choose the provider",
    )
    service = forms.ModelChoiceField(
        label="Service", queryset=Service.objects.order_by("name"), empty_label="Choose the service"
    )
    start_date = GovukDateField(label="Start date")
    end_date = GovukDateField(label="End date")
    lead_commissioner = forms.ModelChoiceField(
        label="Lead commissioner",
        queryset=User.objects.filter(groups__name=Role.COMMISSIONER.label).order_by("email"),
        empty_label="Choose the lead commissioner",
    )
    measure_set = forms.ModelChoiceField(
        label="Measures the provider reports",
        queryset=MeasureSet.objects.order_by("-financial_year", "name"),
        empty_label="Choose a measure set",
    )
    primary_priority = forms.ModelChoiceField(
        label="Primary plan priority",
        queryset=Priority.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    outcomes = ModelMultipleChoiceField(
        label="Plan outcomes the service supports",
        queryset=Outcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = ModelMultipleChoiceField(
        label="Cross-cutting themes",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, funding_rows: int = FUNDING_ROWS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = Plan.objects.current()
        self.fields["primary_priority"].queryset = Priority.objects.filter(plan=plan)
        self.fields["outcomes"].queryset = Outcome.objects.filter(plan=plan).select_related(
            "priority"
        )
        self.fields["themes"].queryset = Theme.objects.filter(plan=plan)
        self.fields["lead_commissioner"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.email} ({u.email})"
        )
        plain_required(
            self,
            {
                "reference": "Enter the contract reference",
                "provider": "Choose the provider",
                "service": "Choose the service",
                "lead_commissioner": "Choose the lead commissioner",
                "measure_set": "Choose the measures the provider reports",
                "primary_priority": "Choose the primary plan priority",
            },
        )
        self.funding_rows = funding_rows
        for i in range(funding_rows):
            self.fields[f"stream_{i}"] = forms.ChoiceField(
                label=f"Funding stream, line {i + 1}",
                choices=[("", "Choose a stream"), *FundingStream.choices],
                required=False,
            )
            self.fields[f"year_{i}"] = forms.ChoiceField(
                label=f"Financial year, line {i + 1}", choices=year_choices(), required=False
            )
            self.fields[f"amount_{i}"] = MoneyField(
                label=f"Amount in pounds, line {i + 1}",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                error_messages={
                    "invalid": "Enter the amount in pounds, like 45000 or 45000.50",
                    "min_value": "The amount cannot be negative",
                    "max_decimal_places": "Enter the amount in pounds and pence, like 45000.50",
                },
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}
                ),
            )

        style_widgets(self)

    @property
    def funding_fields(self) -> list[tuple]:
        return [
            (self[f"stream_{i}"], self[f"year_{i}"], self[f"amount_{i}"])
            for i in range(self.funding_rows)
        ]

    def clean(self):
        data = super().clean()
        lines = []
        for i in range(self.funding_rows):
            stream, year, amount = (
                data.get(f"stream_{i}"),
                data.get(f"year_{i}"),
                data.get(f"amount_{i}"),
            )
            if f"amount_{i}" in self.errors:
                continue
            if not stream and not year and amount is None:
                continue
            if not (stream and year and amount is not None):
                self.add_error(
                    f"amount_{i}",
                    f"Funding line {i + 1}: choose the stream and the year and give the amount",
                )
                continue
            lines.append(FundingLine(stream=stream, financial_year=int(year), amount=amount))
        data["funding"] = lines
        return data

    def to_input(self) -> ContractInput:
        d = self.cleaned_data
        return ContractInput(
            reference=d["reference"],
            provider=d["provider"],
            service=d["service"],
            start_date=d["start_date"],
            end_date=d["end_date"],
            lead_commissioner=d["lead_commissioner"],
            measure_set=d["measure_set"],
            primary_priority=d["primary_priority"],
            outcomes=list(d["outcomes"]),
            themes=list(d["themes"]),
            funding=d["funding"],
        )

    @classmethod
    def initial_for(cls, contract: Contract) -> tuple[dict, int]:
        initial = {
            "reference": contract.reference,
            "provider": contract.provider_id,
            "service": contract.service_id,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "lead_commissioner": contract.lead_commissioner_id,
            "measure_set": contract.measure_set_id,
            "primary_priority": contract.primary_priority_id,
            "outcomes": [o.pk for o in contract.outcomes.all()],
            "themes": [t.pk for t in contract.themes.all()],
        }
        lines = list(contract.funding.all())
        for i, line in enumerate(lines):
            initial[f"stream_{i}"] = line.stream
            initial[f"year_{i}"] = str(line.financial_year)
            initial[f"amount_{i}"] = line.amount
        return initial, len(lines) + FUNDING_ROWS


class CloseForm(GovukFormMixin, forms.Form):
    how = forms.ChoiceField(
        label="How is the contract ending?",
        choices=[
            ("ended", "It has reached its end date"),
            ("terminated", "It is being terminated early"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when terminating",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plain_required(self, {"how": "Choose how the contract is ending"})


class AmendmentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Type of change", choices=ContractAmendment.Kind.choices, widget=forms.RadioSelect
    )
    effective_on = GovukDateField(label="Date the change takes effect")
    description = forms.CharField(
        label="What changed", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_end_date = GovukDateField(
        label="New end date",
        required=False,
        help_text="Leave blank if the end date is not changing. For example, 30 6 2027",
    )
    stream = forms.ChoiceField(
        label="Funding stream whose value changes",
        choices=[("", "No change to value"), *FundingStream.choices],
        required=False,
    )
    financial_year = forms.ChoiceField(
        label="Financial year of the change", choices=[], required=False
    )
    new_amount = MoneyField(
        label="New amount for that stream and year, in pounds",
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": "Enter the amount in pounds, like 45000 or 45000.50"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    approved_by = forms.CharField(
        label="Approved by", max_length=200, help_text="Name and role, for example Deputy Mayor"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = year_choices()
        plain_required(
            self,
            {
                "kind": "Choose variation or extension",
                "description": "Say what changed",
                "reason": "Say why the contract is changing",
                "approved_by": "Say who approved the change",
            },
        )

    def to_input(self) -> AmendmentInput:
        d = self.cleaned_data
        return AmendmentInput(
            kind=d["kind"],
            effective_on=d["effective_on"],
            description=d["description"],
            reason=d["reason"],
            approved_by=d["approved_by"],
            new_end_date=d.get("new_end_date"),
            stream=d.get("stream") or "",
            financial_year=int(d["financial_year"]) if d.get("financial_year") else None,
            new_amount=d.get("new_amount"),
        )


class ReviewForm(GovukFormMixin, forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Needed to accept. Green: on track. Amber: some concerns. Red: serious concerns.",
    )
    comment = forms.CharField(
        label="Overall comment",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed for an amber or red rating, or when asking for changes",
    )


class CorrectionForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="What is wrong in the accepted return?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what is wrong in the accepted return"},
    )


class UploadForm(GovukFormMixin, forms.Form):
    file = ScannedFileField(
        label="Upload a CSV file",
        help_text="Columns measure_code,category,value. Download the template to start.",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty. Download the template to start",
        },
    )


class RollupForm(GovukFormMixin, forms.Form):
    measure_set = forms.ModelChoiceField(
        label="Measure set",
        queryset=MeasureSet.objects.order_by("-financial_year", "name"),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a measure set from the list"},
    )
    financial_year = forms.ChoiceField(
        label="Financial year",
        choices=[],
        error_messages={"invalid_choice": "Choose a financial year from the list"},
    )
    period = forms.ChoiceField(
        label="Period",
        choices=PERIOD_CHOICES,
        error_messages={"invalid_choice": "Choose a quarter, half-year or the whole year"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = year_choices(blank=False)
