"""The application form's sections as forms. They check the format of each answer; whether
every answer is there is checked when the applicant submits (grants.sections)."""

from __future__ import annotations

from django import forms

from accounts.models import District
from core.forms import ModelMultipleChoiceField, WholeNumberField
from core.govuk import GovukDateField, GovukFormMixin
from grants.forms.common import MoneyField, choice_errors, length_errors
from grants.models import Application
from grants.sections import amount_problem, project_date_problems, where_problem
from outcomes.models import Outcome, Priority, Theme


def _text(
    label: str, max_length: int, *, name: str, required: str, help_text: str = "", rows: int = 5
) -> forms.CharField:
    # The character count under the box says the limit, so the hint does not repeat it.
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=length_errors(name, max_length, required),
    )


class SectionForm(GovukFormMixin, forms.Form):
    """A section of the application; `values()` gives what the save service takes."""

    def __init__(self, *args, application: Application, **kwargs) -> None:
        self.application = application
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def unsaved_text(self) -> dict[str, str]:
        """Text answers that failed validation, kept so nothing typed is lost."""
        kept = {}
        for name in self.errors:
            field = self.fields.get(name)
            if isinstance(field, forms.CharField) and name in self.data:
                kept[name] = self.data.get(name, "")
        return kept


class ProjectForm(SectionForm):
    project_title = forms.CharField(
        label="Project title",
        max_length=140,
        required=False,
        error_messages=length_errors("Project title", 140, "Enter a project title"),
    )
    summary = _text(
        "Summary of your project",
        1000,
        name="Project summary",
        required="Enter a summary of your project",
        help_text="What you will do and why, in a few sentences",
        rows=4,
    )
    activities = _text(
        "Your activities",
        3000,
        name="Your activities",
        required="Describe your activities",
        help_text="What will happen, when, and who will run it",
        rows=8,
    )
    start_date = GovukDateField(
        label="Start date",
        required=False,
        error_messages={
            "required": "Enter the date the project starts",
            "incomplete": "Start date must include a day, month and year",
            "invalid": "Start date must be a real date, like 27 3 2027",
        },
    )
    end_date = GovukDateField(
        label="End date",
        required=False,
        help_text="No more than 12 months after the start date. For example, 27 3 2027",
        error_messages={
            "required": "Enter the date the project ends",
            "incomplete": "End date must include a day, month and year",
            "invalid": "End date must be a real date, like 27 3 2027",
        },
    )
    pot = forms.ModelChoiceField(
        label="Which pot are you applying to?",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=choice_errors(
            "Select which pot you are applying to", "Select one of the pots listed"
        ),
    )
    amount_requested = MoneyField(
        label="How much are you asking for?",
        name="Amount requested",
        required_message="Enter how much you are asking for",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pots = self.application.round.pots.all()
        self.fields["pot"].queryset = pots
        self.fields["pot"].label_from_instance = lambda pot: (
            f"{pot.name}: £{pot.min_award:,.0f} to £{pot.max_award:,.0f}"
        )
        if self.is_bound:
            return
        application = self.application
        self.initial.update(
            project_title=application.project_title,
            summary=application.summary,
            activities=application.activities,
            start_date=application.start_date,
            end_date=application.end_date,
            pot=application.pot_id,
            amount_requested=application.amount_requested,
        )

    def clean(self):
        data = super().clean()
        for field, message in project_date_problems(
            self.application, data.get("start_date"), data.get("end_date")
        ).items():
            if field not in self.errors:
                self.add_error(field, message)
        message = amount_problem(data.get("pot"), data.get("amount_requested"))
        if message and "amount_requested" not in self.errors:
            self.add_error("amount_requested", message)
        return data


class WhereForm(SectionForm):
    across_west_yorkshire = forms.BooleanField(
        label="Our project works across all of West Yorkshire",
        required=False,
        error_messages={"required": "Select if your project works across all of West Yorkshire"},
    )
    districts = ModelMultipleChoiceField(
        label="Which districts will your project work in?",
        queryset=District.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply, or leave them all empty if your project works across all of West Yorkshire",
        error_messages=choice_errors(
            "Select the districts your project works in",
            "Select districts from the list",
        ),
    )
    postcodes = _text(
        "Postcodes or wards",
        500,
        name="Postcodes or wards",
        required="Enter the postcodes or wards your project works in",
        help_text="The postcodes or wards where your project's activities take place, one a line",
        rows=3,
    )
    beneficiary_groups = _text(
        "Who will your project help?",
        1000,
        name="Who your project will help",
        required="Say who your project will help",
        help_text="For example: young people aged 11 to 17 at risk of exploitation",
        rows=4,
    )
    beneficiary_count = WholeNumberField(
        label="How many people will it help?",
        required=False,
        min_value=1,
        max_value=10_000_000,
        error_messages={
            "required": "Enter how many people it will help",
            "invalid": "Number of people must be a whole number, like 250",
            "min_value": "Number of people must be 1 or more",
            "max_value": "Number of people must be 10,000,000 or fewer",
            "step_size": "Number of people must be a whole number, like 250",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["beneficiary_count"].widget.attrs.update(
            {"class": "govuk-input--width-5", "inputmode": "numeric"}
        )
        round = self.application.round
        if not round.all_districts:
            self.fields["postcodes"].help_text = (
                "This round only funds work in these areas: "
                + ", ".join(round.postcode_list)
                + ". Enter your activities' postcodes, one a line"
            )
        if not self.is_bound:
            application = self.application
            self.initial.update(
                across_west_yorkshire=application.across_west_yorkshire,
                districts=[d.pk for d in application.districts.all()],
                postcodes=application.postcodes,
                beneficiary_groups=application.beneficiary_groups,
                beneficiary_count=application.beneficiary_count,
            )

    def clean(self):
        data = super().clean()
        message = where_problem(data.get("across_west_yorkshire"), data.get("districts"))
        if message and "districts" not in self.errors:
            self.add_error("districts", message)
        return data

    def values(self) -> dict:
        values = super().values()
        if "districts" in self.errors:
            # Save neither half of a contradictory answer: the page shows both as typed.
            values.pop("across_west_yorkshire", None)
        return values

    def clean_postcodes(self) -> str:
        text = self.cleaned_data["postcodes"]
        allowed = self.application.round.postcode_list
        if not allowed or not text.strip():
            return text
        outside = [
            line.strip()
            for line in text.splitlines()
            if line.strip()
            and not any(
                line.strip().upper().replace(" ", "").startswith(a.replace(" ", ""))
                for a in allowed
            )
        ]
        if outside:
            raise forms.ValidationError(
                f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} outside the areas this round funds ({', '.join(allowed)})"
            )
        return text


class AlignmentForm(SectionForm):
    primary_priority = forms.ModelChoiceField(
        label="Which priority of the Police and Crime Plan does your project mainly support?",
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=choice_errors(
            "Select the plan priority your project mainly supports",
            "Select one of the priorities listed",
        ),
    )
    outcomes = ModelMultipleChoiceField(
        label="Which outcomes will it contribute to?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages=choice_errors(
            "Select the outcomes your project will contribute to",
            "Select outcomes from the list",
        ),
    )
    themes = ModelMultipleChoiceField(
        label="Which cross-cutting themes does it support?",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages=choice_errors(
            "Select the themes your project supports", "Select themes from the list"
        ),
    )
    contribution = _text(
        "How will your project contribute to these?",
        2000,
        name="How your project will contribute",
        required="Say how your project contributes to the plan",
        rows=6,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        round = self.application.round
        targeted = list(round.priorities.all())
        self.fields["primary_priority"].queryset = (
            Priority.objects.filter(pk__in=[p.pk for p in targeted])
            if targeted
            else Priority.objects.filter(plan=round.plan_id)
        ).order_by("position")
        self.fields["outcomes"].queryset = (
            Outcome.objects.filter(plan=round.plan_id)
            .select_related("priority")
            .order_by("priority__position", "position")
        )
        self.fields["outcomes"].label_from_instance = lambda outcome: outcome.title
        self.fields["themes"].queryset = Theme.objects.filter(plan=round.plan_id).order_by(
            "position"
        )
        self.fields["primary_priority"].label_from_instance = lambda priority: priority.title
        if not self.is_bound:
            application = self.application
            self.initial.update(
                primary_priority=application.primary_priority_id,
                outcomes=[o.pk for o in application.outcomes.all()],
                themes=[t.pk for t in application.themes.all()],
                contribution=application.contribution,
            )

    def outcome_groups(self) -> list[tuple[Priority, list]]:
        """The outcome checkboxes under the plan priority each belongs to, in plan order."""
        groups: list[tuple[Priority, list]] = []
        for option in self["outcomes"]:
            priority = option.data["value"].instance.priority
            if not groups or groups[-1][0] != priority:
                groups.append((priority, []))
            groups[-1][1].append(option)
        return groups


class DeclarationsForm(SectionForm):
    declaration_true = forms.BooleanField(
        label="The information in this application is true and complete",
        required=False,
        error_messages={"required": "Confirm the information is true"},
    )
    declaration_terms = forms.BooleanField(
        label="We have read and accept the fund's terms and conditions",
        required=False,
        error_messages={"required": "Confirm you accept the fund's terms"},
    )
    declaration_data = forms.BooleanField(
        label="We have read how the information we give will be used and shared",
        required=False,
        error_messages={"required": "Confirm you have read how we use your data"},
    )
    submitter_name = forms.CharField(
        label="Your full name",
        max_length=150,
        required=False,
        error_messages=length_errors(
            "Your full name", 150, "Enter the name of the person submitting"
        ),
    )
    submitter_position = forms.CharField(
        label="Your role in the organisation",
        max_length=150,
        required=False,
        help_text="For example, chair or treasurer",
        error_messages=length_errors(
            "Your role in the organisation", 150, "Enter your role in the organisation"
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitter_name"].widget.attrs["autocomplete"] = "name"
        if not self.is_bound:
            for name in self.fields:
                self.initial[name] = getattr(self.application, name)


SECTION_FORMS = {
    "project": ProjectForm,
    "where": WhereForm,
    "alignment": AlignmentForm,
    "declarations": DeclarationsForm,
}
