"""Forms for indicator readings: one reading, and a CSV file of them."""

from __future__ import annotations

from django import forms

from core.govuk import GovukFormMixin
from core.scanning import ScannedFileField
from outcomes.figures import InvalidFigure, Unit, parse_number
from outcomes.models import WEST_YORKSHIRE, IndicatorMeasure, IndicatorReading
from outcomes.periods import HINT, InvalidPeriod, Period, parse_period
from outcomes.readings_csv import MAX_NOTE, MAX_SOURCE
from outcomes.services import ReadingInput

UNIT_HINTS = {
    Unit.COUNT: "a whole number, like 30836",
    Unit.PERCENTAGE: "a percentage from 0 to 100, like 72.6",
    Unit.RATE: "a rate, like 10.9",
    Unit.DAYS: "a number of days, like 85.2",
}


class ReadingForm(GovukFormMixin, forms.Form):
    measure = forms.TypedChoiceField(
        label="Measure",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the measure this reading is for",
            "invalid_choice": "Choose the measure from the list",
        },
    )
    district = forms.ChoiceField(
        label="Area",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the area this reading is for",
            "invalid_choice": "Choose West Yorkshire or a district from the list",
        },
    )
    period = forms.CharField(
        label="Period",
        help_text=f"For example, {HINT}.",
        error_messages={"required": f"Enter the period: {HINT}"},
    )
    value = forms.CharField(
        label="Value",
        error_messages={"required": "Enter the value"},
    )
    is_baseline = forms.BooleanField(
        label="This is the baseline the measure is judged against",
        required=False,
    )
    note = forms.CharField(
        label="Comment (optional)",
        help_text="Shown beside the figure in the Panel report, like the report's Comments column.",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The comment must be {MAX_NOTE:,} characters or fewer"},
    )
    source = forms.CharField(
        label="Source (optional)",
        help_text="Where the figure comes from, like WYP user satisfaction survey.",
        required=False,
        max_length=MAX_SOURCE,
        error_messages={"max_length": f"The source must be {MAX_SOURCE} characters or fewer"},
    )

    def __init__(self, *args, measures: list[IndicatorMeasure], districts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        if len(measures) == 1:
            del self.fields["measure"]
        else:
            self.fields["measure"].choices = [(m.pk, m.title) for m in measures]
        self.fields["district"].choices = [("", WEST_YORKSHIRE)] + [
            (str(d.pk), d.name) for d in districts
        ]
        units = sorted({m.unit for m in measures}, key=list(Unit).index)
        hints = " or ".join(UNIT_HINTS[Unit(unit)] for unit in units)
        lead = "Enter" if len(units) == 1 else "In the measure's unit:"
        self.fields["value"].help_text = f"{lead} {hints}."
        # An empty choice is West Yorkshire: a required radio would refuse it.
        self.fields["district"].required = False

    @classmethod
    def initial_for(cls, reading: IndicatorReading) -> dict:
        return {
            "measure": reading.measure_id,
            "district": str(reading.district_id or ""),
            "period": reading.period_label,
            "value": f"{reading.value.normalize():f}",
            "is_baseline": reading.is_baseline,
            "note": reading.note,
            "source": reading.source,
        }

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except InvalidPeriod as error:
            raise forms.ValidationError(error.message) from None

    def clean_value(self):
        try:
            return parse_number(self.cleaned_data["value"], allow_percent=True)
        except InvalidFigure as error:
            raise forms.ValidationError(error.message) from None

    def reading_input(self) -> ReadingInput:
        data = self.cleaned_data
        measure_id = data["measure"] if "measure" in self.fields else self.measures[0].pk
        return ReadingInput(
            measure_id=measure_id,
            district_id=int(data["district"]) if data.get("district") else None,
            period=data["period"],
            value=data["value"],
            is_baseline=data["is_baseline"],
            note=data["note"].strip(),
            source=data["source"].strip(),
        )


class ReadingsUploadForm(GovukFormMixin, forms.Form):
    file = ScannedFileField(
        label="CSV file of readings",
        help_text="Columns indicator, measure, area, period, value, unit, baseline, note, source.",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty. Download the template to start",
        },
    )
