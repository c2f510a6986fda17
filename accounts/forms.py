from __future__ import annotations

from django import forms

from accounts import validators
from accounts.govuk import GovukFormMixin
from accounts.models import District, Organisation

ROLE_CHOICES = [
    ("applicant", "We apply for grants"),
    ("provider", "We are a commissioned service provider"),
    ("both", "Both"),
]


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    activity = forms.ChoiceField(
        label="What does your organisation do with us?",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        initial="applicant",
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "type",
            "charity_number",
            "company_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "district",
            "website",
        ]
        labels = {"name": "Organisation name", "district": "Main district you work in"}
        help_texts = {
            "charity_number": "If you are a registered charity or CIO",
            "company_number": "If you are a company limited by guarantee or a CIC, like 01234567",
            "website": "Optional",
        }
        widgets = {"type": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = Organisation.Type.choices
        self.fields["district"].queryset = District.objects.all()
        self.fields["district"].empty_label = "Choose a district"
        self.fields["district"].required = True
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code"})
        self.fields["address_line_1"].widget.attrs.update({"autocomplete": "address-line1"})
        self.fields["address_line_2"].widget.attrs.update({"autocomplete": "address-line2"})
        self.fields["town"].widget.attrs.update({"autocomplete": "address-level2"})
        for name in ("charity_number", "company_number", "postcode"):
            self.fields[name].validators = []  # normalised in clean_<field> below
            self.fields[name].widget.attrs["spellcheck"] = "false"
            self.fields[name].widget.attrs["class"] = "govuk-input--width-10"
        if self.instance.pk:
            if self.instance.is_applicant and self.instance.is_provider:
                self.initial["activity"] = "both"
            elif self.instance.is_provider:
                self.initial["activity"] = "provider"

    def clean_charity_number(self) -> str:
        value = self.cleaned_data["charity_number"]
        return validators.normalise_charity_number(value) if value.strip() else ""

    def clean_company_number(self) -> str:
        value = self.cleaned_data["company_number"]
        return validators.normalise_company_number(value) if value.strip() else ""

    def clean_postcode(self) -> str:
        return validators.normalise_postcode(self.cleaned_data["postcode"])

    def service_data(self) -> dict:
        """The cleaned fields in the shape the organisation services take."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        activity = self.cleaned_data["activity"]
        data["is_applicant"] = activity in ("applicant", "both")
        data["is_provider"] = activity in ("provider", "both")
        return data


class InvitationForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your colleague's email address",
        help_text="We will email them a link to join. The link works for 14 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class OrganisationSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label="Name, charity or company number", required=False)
    district = forms.ModelChoiceField(
        queryset=District.objects.all(), required=False, empty_label="All districts"
    )
