"""Forms after the award: accepting or declining it, bank details, the payment schedule and
payments."""

from __future__ import annotations

from django import forms

from core.forms import MoneyField
from core.govuk import GovukDateField, GovukFormMixin
from grants.forms.common import PlainLengthsMixin
from grants.forms.publication import PublicationFields
from grants.uploads import ALLOWED_DESCRIPTION


class ServiceChecksForm(GovukFormMixin, forms.Form):
    """Every field optional here: the service checks them all at once, in plain words.

    The form checks only what it must to read a value (a real date, a length limit); the
    view still calls the service with a blank for such a field, so the service's problems
    with the other fields are listed alongside (see core.forms.run_service_checks)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if isinstance(field, forms.FileField):
                field.allow_empty_file = True  # the service names the empty file
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"{field.label} must be {field.max_length:,} characters or fewer"
                )

    def values_for_service(self) -> dict:
        """The cleaned values, with a blank for each field that could not be read."""
        return {
            name: self.cleaned_data.get(name, getattr(field, "empty_value", None))
            for name, field in self.fields.items()
        }


class BankForm(ServiceChecksForm):
    account_name = forms.CharField(
        label="Name on the account",
        max_length=140,
        help_text="Exactly as the bank shows it. It must be the group's account, not a person's.",
    )
    sort_code = forms.CharField(label="Sort code", max_length=20, help_text="For example, 30-94-57")
    account_number = forms.CharField(
        label="Account number", max_length=20, help_text="6 to 8 digits, for example 00733445"
    )
    evidence = forms.FileField(
        label="Bank evidence",
        required=False,
        help_text="A recent bank statement or paying-in slip showing the group's name, the sort "
        f"code and account number: {ALLOWED_DESCRIPTION}, 10 MB or smaller. If the page shows "
        "an error, choose the file again.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, width in (("sort_code", 5), ("account_number", 10)):
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} govuk-input--width-{width}".strip()
            attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})


class AcceptanceForm(PublicationFields, BankForm):
    signatory_name = forms.CharField(label="Full name", max_length=150)
    signatory_position = forms.CharField(
        label="Position in the group", max_length=150, help_text="For example, Chair or Treasurer"
    )
    supplier_name = forms.CharField(
        label="Pay the grant to",
        max_length=200,
        help_text="The group's legal name, as our finance team should record it",
    )
    supplier_address = forms.CharField(
        label="Address for remittance advice", max_length=500, widget=forms.Textarea({"rows": 3})
    )
    supplier_email = forms.CharField(
        label="Email for remittance advice", max_length=254, help_text="Usually the treasurer's"
    )
    terms_accepted = forms.BooleanField(
        label="I confirm that I am authorised to accept this grant for the group, and that the "
        "group accepts the grant's terms and conditions set out in the offer letter",
        required=False,
    )

    field_order = [
        "public_title",
        "public_summary",
        "withhold_location",
        "signatory_name",
        "signatory_position",
        "supplier_name",
        "supplier_address",
        "supplier_email",
        "account_name",
        "sort_code",
        "account_number",
        "evidence",
        "terms_accepted",
    ]


class DeclineOfferForm(PlainLengthsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the group declining the grant?",
        required=False,  # the service asks for it, in plain words
        max_length=1000,
        widget=forms.Textarea({"rows": 4}),
        help_text="The money goes back to the fund for other groups.",
    )


class BankCheckForm(PlainLengthsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Do the details match the evidence?",
        choices=[("verify", "Yes, verify them"), ("reject", "No, ask the group for new ones")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the details match the evidence."},
    )
    reason = forms.CharField(
        label="If not: what does not match",
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
    )


class PaymentForm(ServiceChecksForm):
    paid_on = GovukDateField(label="Date paid", help_text="For example, 14 3 2027")
    amount = forms.CharField(label="Amount paid, in pounds", max_length=20)
    reference = forms.CharField(
        label="Payment reference", max_length=60, help_text="From the finance system"
    )

    conditions_met = forms.TypedMultipleChoiceField(
        label="Conditions to meet before the first payment",
        help_text="Tick each one the group has met. You are recorded as confirming it.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["amount"].widget.attrs
        attrs["class"] = f"{attrs.get('class', '')} govuk-input--width-10".strip()
        attrs["inputmode"] = "decimal"
        if conditions:
            self.fields["conditions_met"].choices = [(c.pk, c.text) for c in conditions]
        else:
            del self.fields["conditions_met"]


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
