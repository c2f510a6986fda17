"""The filters of the public page of grants, read leniently from the address."""

from __future__ import annotations

from django import forms

from core.parsers import InvalidInput, parse_year
from grants.forms.common import PlainLengthsMixin
from opendata.selectors import FundedFilters


class FundedFilterForm(PlainLengthsMixin, forms.Form):
    year = forms.CharField(label="Year", required=False, max_length=4)
    round = forms.CharField(label="Funding round", required=False, max_length=40)
    district = forms.CharField(label="District", required=False, max_length=100)
    priority = forms.CharField(label="Plan priority", required=False, max_length=20)

    def clean_year(self) -> int | None:
        try:
            return parse_year(self.cleaned_data["year"], name="Year")
        except InvalidInput:
            raise forms.ValidationError("Choose a year from the list.") from None

    def filters(self) -> FundedFilters:
        """The filters that could be read; one that could not is left out (and named)."""
        self.is_valid()
        data = self.cleaned_data
        return FundedFilters(
            year=data.get("year"),
            round=data.get("round") or "",
            district=data.get("district") or "",
            priority=data.get("priority") or "",
        )
