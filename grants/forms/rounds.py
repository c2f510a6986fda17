"""Officer forms for funds, rounds and pots, and the filters of a round's list of bids.
Deadlines are typed as a London date and time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from accounts.models import District
from core.forms import ModelMultipleChoiceField, MoneyField, WholeNumberField
from core.govuk import GovukDateField, GovukFormMixin
from core.widgets import FieldGroup, Select, TextInput
from grants.forms.common import PlainWordsMixin, details_from
from grants.models import Application, Fund, Pot, Round
from grants.selectors.application_list import PRESET_VIEWS, SORT_CHOICES
from grants.selectors.choices import round_filter_choices
from grants.services import FundDetails, PotDetails, RoundDetails
from outcomes.models import Plan, Priority

LONDON = ZoneInfo("Europe/London")
TIME_HELP = "24-hour clock, London time. For example, 12:00 for noon"


def _time_field(label: str, message: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=TIME_HELP,
        error_messages={"required": message, "invalid": message},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )


class FundForm(PlainWordsMixin, forms.ModelForm):
    required_messages = {
        "name": "Enter the fund's name",
        "code": "Enter a short code for the fund, like mscf",
    }

    class Meta:
        model = Fund
        fields = ["name", "code", "funding_source", "description"]
        help_texts = {"code": "Short letters used in references, like mscf"}
        error_messages = {
            "name": {"unique": "There is already a fund with this name"},
            "code": {"unique": "Another fund already uses this code"},
        }

    def details(self) -> FundDetails:
        return details_from(self, FundDetails)


class RoundForm(PlainWordsMixin, forms.ModelForm):
    opens_on = GovukDateField(label="Opens on")
    opens_time = _time_field("Opens at", "Enter the time the round opens, like 09:00")
    closes_on = GovukDateField(label="Closes on")
    closes_time = _time_field("Closes at", "Enter the time the round closes, like 12:00")
    assessment_due = GovukDateField(
        label="Assessors' scores due by",
        required=False,
        help_text="Assessors with bids still to score are reminded 3 days before. For "
        "example, 27 1 2027",
    )

    class Meta:
        model = Round
        fields = [
            "fund",
            "number",
            "title",
            "theme",
            "description",
            "status",
            "plan",
            "priorities",
            "all_districts",
            "districts",
            "postcodes",
            "reference_prefix",
        ]
        widgets = {
            "priorities": forms.CheckboxSelectMultiple,
            "districts": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "postcodes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"all_districts": "Open to projects anywhere in West Yorkshire"}
        field_classes = {
            "number": WholeNumberField,
            "priorities": ModelMultipleChoiceField,
            "districts": ModelMultipleChoiceField,
        }
        help_texts = {"reference_prefix": "Starts every application reference, like MSCF-R8"}
        error_messages = {
            "reference_prefix": {"unique": "Another round already uses this reference prefix"}
        }

    required_messages = {
        "title": "Enter the round's title",
        "status": "Choose the round's status",
        "plan": "Choose the Police and Crime Plan",
        "reference_prefix": "Enter the reference prefix, like MSCF-R8",
    }
    field_words = {"number": "the round number"}
    examples = {"number": "8"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_on"].error_messages["required"] = "Enter the date the round opens"
        self.fields["closes_on"].error_messages["required"] = "Enter the date the round closes"
        self.fields["priorities"].queryset = Priority.objects.select_related("plan").order_by(
            "plan", "position"
        )
        self.fields["priorities"].label_from_instance = lambda p: f"{p.plan.code}: {p.title}"
        self.fields["districts"].queryset = District.objects.all()
        self.fields["plan"].queryset = Plan.objects.all()
        self.fields["status"].choices = Round.Status.choices
        if self.instance.pk:
            opens, closes = (
                timezone.localtime(self.instance.opens_at),
                timezone.localtime(self.instance.closes_at),
            )
            self.initial.update(
                opens_on=opens.date(),
                opens_time=opens.time(),
                closes_on=closes.date(),
                closes_time=closes.time(),
                assessment_due=self.instance.assessment_deadline,
            )
        else:
            self.initial.update(opens_time=dt.time(9), closes_time=dt.time(12))
            current = Plan.objects.filter(is_current=True).first()
            if current:
                self.initial["plan"] = current.pk

    def clean(self):
        data = super().clean()
        for prefix in ("opens", "closes"):
            day, time = data.get(f"{prefix}_on"), data.get(f"{prefix}_time")
            if day and time:
                setattr(
                    self.instance, f"{prefix}_at", dt.datetime.combine(day, time, tzinfo=LONDON)
                )
        if (
            self.instance.opens_at
            and self.instance.closes_at
            and self.instance.closes_at <= self.instance.opens_at
        ):
            self.add_error("closes_on", "The round must close after it opens")
        due = data.get("assessment_due")
        self.instance.assessment_deadline = due
        if due and self.instance.closes_at and due <= timezone.localdate(self.instance.closes_at):
            self.add_error("assessment_due", "Scores must be due after the round closes")
        plan = data.get("plan")
        wrong = [p for p in data.get("priorities") or [] if plan and p.plan_id != plan.pk]
        if wrong:
            self.add_error("priorities", "Choose priorities from the round's plan only")
        fund, number = data.get("fund"), data.get("number")
        if (
            fund is not None
            and number is not None
            and Round.objects.filter(fund=fund, number=number).exclude(pk=self.instance.pk).exists()
        ):
            # The database refuses it too; this says so in words.
            self.add_error("number", f"{fund.name} already has a round {number}")
        if (
            data.get("all_districts") is False
            and not data.get("districts")
            and not data.get("postcodes", "").strip()
        ):
            self.add_error(
                "districts",
                "Choose the districts, or enter the postcodes, this round is limited to",
            )
        return data

    def details(self) -> RoundDetails:
        return details_from(self, RoundDetails)


class PotForm(PlainWordsMixin, forms.ModelForm):
    required_messages = {"name": "Enter the pot's name"}

    class Meta:
        model = Pot
        fields = [
            "name",
            "description",
            "min_award",
            "max_award",
            "budget",
            "joint_bids_allowed",
            "position",
        ]
        labels = {
            "min_award": "Smallest grant (£)",
            "max_award": "Largest grant (£)",
            "budget": "Total budget (£)",
            "joint_bids_allowed": "Joint bids are allowed",
            "position": "Order on the page",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        # Read by core.money: "1e3", "NaN" and "Infinity" are refused, not taken as numbers.
        field_classes = {
            "min_award": MoneyField,
            "max_award": MoneyField,
            "budget": MoneyField,
            "position": WholeNumberField,
        }

    def clean(self):
        data = super().clean()
        name = data.get("name")
        if (
            name
            and self.instance.round_id
            and Pot.objects.filter(round_id=self.instance.round_id, name=name)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            # The database refuses it too; this says so in words.
            self.add_error("name", f"This round already has a pot called “{name}”")
        low, high, budget = data.get("min_award"), data.get("max_award"), data.get("budget")
        if low is not None and high is not None and high < low:
            self.add_error("max_award", "The largest grant must be at least the smallest grant")
        if high is not None and budget is not None and budget < high:
            self.add_error("budget", "The budget must cover at least one largest grant")
        return data

    def details(self) -> PotDetails:
        return details_from(self, PotDetails)


def _id_filter(name: str) -> forms.TypedChoiceField:
    """A filter chosen by id from the round's choices (set by the form)."""
    return forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        widget=Select,
        error_messages={"invalid_choice": f"Choose a {name} from the list"},
    )


class ApplicationFilterForm(GovukFormMixin, forms.Form):
    """The officers' search and filters; the choices come from the round's cache entry
    (grants.selectors.choices), so the form costs no queries after the first visit, and
    its fields are drawn in Python (core.widgets), not an include per option."""

    bound_field_class = FieldGroup

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Reference, organisation or project title",
        error_messages={"max_length": "Search must be 200 characters or fewer"},
        widget=TextInput,
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *list(Application.Status.choices)],
        widget=Select,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    district = _id_filter("district")
    pot = _id_filter("pot")
    priority = _id_filter("priority")
    # The preset view and the sort come from the page's links, not from a field someone
    # fills in: one that is not known is left out (every bid, by reference), not refused
    # with a message pointing at a box the page does not have.
    view = forms.CharField(required=False)
    sort = forms.CharField(required=False)

    def __init__(self, *args, round: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = round_filter_choices(round=round)
        self.pots = choices.pots  # the list's "Change <pot>" links, from the same read
        self.fields["district"].choices = [("", "Any district"), *choices.districts]
        self.fields["pot"].choices = [("", "Any pot"), *choices.pots]
        self.fields["priority"].choices = [("", "Any priority"), *choices.priorities]

    def clean_view(self) -> str:
        view = self.cleaned_data["view"]
        return view if view in dict(PRESET_VIEWS) else ""

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"]
        return sort if sort in dict(SORT_CHOICES) else ""

    def filters(self) -> dict:
        """The search and filters that are right, as the list's selector takes them: a
        wrong one is shown as a problem and left out, and the others still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # none when nothing was asked
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "district_id": data.get("district"),
            "pot_id": data.get("pot"),
            "priority_id": data.get("priority"),
            "view": data.get("view") or "",
        }

    def sort_key(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or ""
