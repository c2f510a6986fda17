"""The dashboard's filters (a GET form) and the drill-down's choice of figure.

A link may leave filters out (a bookmark, a link from the staff home): what is missing
takes its default, so only a value that names nothing is an error.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms

from commissioning.quarters import financial_year_of
from core.govuk import GovukFormMixin
from core.widgets import FieldGroup
from delivery.models import SECTION_ORDER, Section
from delivery.selectors import DIMENSIONS, TOTAL, Options, Scope, slug

ALL_YEARS = "all"
NO_SUCH_ROW = "Choose a figure from the dashboard: this link names no row"
FILTERS = ("plan", "year", "source", "district", "theme")


class DashboardForm(GovukFormMixin, forms.Form):
    # Drawn in Python (core.widgets), not an include per option: every plan-delivery page
    # shows these filters.
    bound_field_class = FieldGroup

    plan = forms.ChoiceField(
        label="Plan",
        error_messages={"invalid_choice": "Choose a plan from the list"},
    )
    year = forms.ChoiceField(
        label="Financial year",
        help_text="April to March",
        error_messages={"invalid_choice": "Choose a financial year from the list, or all years"},
    )
    source = forms.ChoiceField(
        label="Money from",
        required=False,
        help_text="Grants come from a fund's rounds, contracts from funding streams",
        error_messages={
            "invalid_choice": "Choose a fund, a round or a funding stream from the list"
        },
    )
    district = forms.ChoiceField(
        label="District",
        required=False,
        error_messages={"invalid_choice": "Choose a district from the list, or all districts"},
    )
    theme = forms.ChoiceField(
        label="Cross-cutting theme",
        required=False,
        error_messages={"invalid_choice": "Choose a theme from the list, or all themes"},
    )

    def __init__(self, data, *, options: Options) -> None:
        self.options = options
        given = {
            name: value
            for name, value in (data or {}).items()
            if name in self.field_names() and value != ""
        }
        super().__init__({**self.defaults(options), **given})
        self.fields["plan"].choices = [(p.code, p.title) for p in options.plans]
        self.fields["year"].choices = [
            *[(str(y), options.year_label(y)) for y in options.years],
            (ALL_YEARS, "All years"),
        ]
        self.fields["source"].choices = [
            ("", "All grants and contracts"),
            (
                "Grant funds and rounds",
                [(f"fund:{f.code}", f"{f.name}: every round") for f in options.funds]
                + [
                    (f"round:{r.uuid}", f"{r.fund.name}: round {r.number}, {r.title}")
                    for r in options.rounds
                ],
            ),
            ("Contract funding streams", [(f"stream:{v}", label) for v, label in options.streams]),
        ]
        self.fields["district"].choices = [("", "All districts")] + [
            (slug(d.name), d.name) for d in options.districts
        ]
        self.fields["theme"].choices = [("", "All themes")] + [
            (t.code, t.title) for t in options.themes
        ]

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return FILTERS

    @classmethod
    def defaults(cls, options: Options) -> dict[str, str]:
        return {
            "plan": options.plan.code if options.plan else "",
            "year": str(options.current_year),
        }

    def scope(self) -> Scope:
        """The scope the valid form describes."""
        data = self.cleaned_data
        options = self.options
        assert options.plan is not None
        plan = next(p for p in options.plans if p.code == data["plan"])
        kind, _, value = data["source"].partition(":")
        fund = next((f for f in options.funds if kind == "fund" and f.code == value), None)
        round = next((r for r in options.rounds if kind == "round" and str(r.uuid) == value), None)
        district = next((d for d in options.districts if slug(d.name) == data["district"]), None)
        theme = next((t for t in options.themes if t.code == data["theme"]), None)
        return Scope(
            plan=plan,
            year=None if data["year"] == ALL_YEARS else int(data["year"]),
            fund_id=fund.pk if fund else None,
            round_id=round.pk if round else None,
            stream=value if kind == "stream" else None,
            district_id=district.pk if district else None,
            theme_id=theme.pk if theme else None,
        )

    def query(self) -> str:
        """The filters as a query string, for links that keep them."""
        return urlencode({name: self.data.get(name, "") for name in FILTERS if self.data.get(name)})

    def described(self) -> list[str]:
        """The filters chosen, in words (for headings and export titles)."""
        chosen = []
        for name in ("source", "district", "theme"):
            value = self.cleaned_data.get(name)
            if value:
                label = dict(_flat(self.fields[name].choices)).get(value, value)
                chosen.append(f"{self.fields[name].label}: {label}")
        return chosen


def _flat(choices) -> list[tuple[str, str]]:
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat += list(label)
        else:
            flat.append((value, label))
    return flat


class DrilldownForm(DashboardForm):
    by = forms.ChoiceField(
        label="Table",
        choices=[(d, d) for d in DIMENSIONS],
        error_messages={
            "invalid_choice": "Choose a figure from the dashboard: this link names no table"
        },
    )
    key = forms.CharField(
        label="Row",
        max_length=60,
        error_messages={"max_length": NO_SUCH_ROW},
    )

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return (*FILTERS, "by", "key")

    @classmethod
    def defaults(cls, options: Options) -> dict[str, str]:
        return {**super().defaults(options), "by": "priority", "key": TOTAL}

    def full_clean(self) -> None:
        """The figure a link names is not a field on the page: its problems are the
        page's, not a field's, so the error summary does not link to a missing field."""
        super().full_clean()
        for name in ("by", "key"):
            for message in self._errors.pop(name, []):
                self.add_error(None, message)

    def figure_missing(self) -> None:
        self.add_error(None, NO_SUCH_ROW)


WHOLE_YEAR = "0"


class PanelReportForm(GovukFormMixin, forms.Form):
    """Ask for a Panel report: a plan, a financial year or a quarter of it, the sections."""

    plan = forms.ChoiceField(
        label="Plan",
        error_messages={
            "required": "Choose the plan the report is about",
            "invalid_choice": "Choose a plan from the list",
        },
    )
    year = forms.ChoiceField(
        label="Financial year",
        help_text="April to March",
        error_messages={
            "required": "Choose the financial year the report covers",
            "invalid_choice": "Choose a financial year from the list",
        },
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        choices=[
            (WHOLE_YEAR, "The whole year"),
            ("1", "Q1: April to June"),
            ("2", "Q2: July to September"),
            ("3", "Q3: October to December"),
            ("4", "Q4: January to March"),
        ],
        error_messages={"invalid_choice": "Choose a quarter from the list, or the whole year"},
    )
    sections = forms.MultipleChoiceField(
        label="Sections",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one section for the report",
            "invalid_choice": "Choose the sections from the list",
        },
    )

    def __init__(self, data=None, *, options: Options, initial: dict | None = None) -> None:
        self.options = options
        super().__init__(
            data,
            initial={
                "plan": options.plan.code if options.plan else "",
                "year": str(options.current_year),
                "quarter": WHOLE_YEAR,
                "sections": SECTION_ORDER,
                **(initial or {}),
            },
        )
        self.fields["plan"].choices = [(p.code, p.title) for p in options.plans]
        self.fields["year"].choices = [
            (str(y), options.year_label(y)) for y in report_years(options)
        ]
        self.fields["sections"].choices = Section.choices

    def clean(self) -> dict:
        data = super().clean()
        if "plan" in data:
            data["plan"] = next(p for p in self.options.plans if p.code == data["plan"])
        if "year" in data:
            data["year"] = int(data["year"])
        data["quarter"] = int(data.get("quarter") or WHOLE_YEAR)
        return data


def report_years(options: Options) -> list[int]:
    """Every financial year any loaded plan covers, and this one; latest first."""
    first = min([financial_year_of(p.starts_on) for p in options.plans] + [options.current_year])
    last = max([financial_year_of(p.ends_on) for p in options.plans] + [options.current_year])
    return list(range(last, first - 1, -1))
