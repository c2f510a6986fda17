from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.validators import EmailValidator

from accounts import validators
from accounts.models import ApiToken, District, Organisation
from core.govuk import GovukFormMixin

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
        error_messages={"required": "Select what your organisation does with us"},
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
        error_messages = {
            "name": {"required": "Enter your organisation's name"},
            "type": {"required": "Select the type of organisation"},
            "address_line_1": {"required": "Enter the first line of your address"},
            "town": {"required": "Enter your town or city"},
            "postcode": {"required": "Enter your postcode"},
            "district": {"required": "Select the main district you work in"},
            "website": {
                "invalid": (
                    "Enter the website address in the correct format, like https://www.example.org"
                )
            },
        }

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
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )


class OrganisationSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label="Name, charity or company number", required=False)
    district = forms.ModelChoiceField(
        queryset=District.objects.all(),
        required=False,
        empty_label="All districts",
        error_messages={"invalid_choice": "Choose a district from the list, or all districts"},
    )

    def filters(self) -> dict:
        """The search and district that are right, as the selector takes them: a wrong
        district is shown as a problem and left out, and the search still applies."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # none when nothing was asked
        return {"search": (data.get("q") or "").strip(), "district": data.get("district")}


# allauth's forms, in the service's words (settings.ACCOUNT_FORMS). allauth builds some
# fields in __init__, so the labels and messages are set there, after it.
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"
REWORDED = {
    "You must type the same password each time.": "Enter the same password both times",
    "Incorrect code.": "The code is not right. Enter the code your authenticator app shows now",
}


class PlainWordsMixin(GovukFormMixin):
    """Give named fields a label and GOV.UK messages; reword allauth's own errors."""

    wording: dict[str, tuple[str, str]] = {}  # field: (label, message when left empty)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, required) in self.wording.items():
            field = self.fields.get(name)
            if field is None:
                continue
            field.label = label
            field.error_messages["required"] = required
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = EMAIL_FORMAT
                field.validators = [
                    EmailValidator(message=EMAIL_FORMAT)
                    if isinstance(validator, EmailValidator)
                    else validator
                    for validator in field.validators
                ]

    def full_clean(self) -> None:
        super().full_clean()
        for errors in (self._errors or {}).values():
            errors[:] = [REWORDED.get(str(error), error) for error in errors]


EMAIL_WORDING = ("Email address", "Enter your email address")


class LoginForm(PlainWordsMixin, allauth_forms.LoginForm):
    wording = {"login": EMAIL_WORDING, "password": ("Password", "Enter your password")}


class SignupForm(PlainWordsMixin, allauth_forms.SignupForm):
    wording = {
        "email": EMAIL_WORDING,
        "password1": ("Password", "Enter a password"),
        "password2": ("Confirm password", "Enter your password again"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = "Use at least 12 characters."


class ResetPasswordForm(PlainWordsMixin, allauth_forms.ResetPasswordForm):
    wording = {"email": EMAIL_WORDING}


NEW_PASSWORD_WORDING = {
    "password1": ("New password", "Enter a new password"),
    "password2": ("Confirm your new password", "Enter your new password again"),
}


class ResetPasswordKeyForm(PlainWordsMixin, allauth_forms.ResetPasswordKeyForm):
    wording = NEW_PASSWORD_WORDING


class ChangePasswordForm(PlainWordsMixin, allauth_forms.ChangePasswordForm):
    wording = {
        "oldpassword": ("Current password", "Enter your current password"),
        **NEW_PASSWORD_WORDING,
    }


class SetPasswordForm(PlainWordsMixin, allauth_forms.SetPasswordForm):
    wording = {
        "password1": ("Password", "Enter a password"),
        "password2": ("Confirm your password", "Enter your password again"),
    }


class AddEmailForm(PlainWordsMixin, allauth_forms.AddEmailForm):
    wording = {"email": ("Email address", "Enter the email address to add")}


class ReauthenticateForm(PlainWordsMixin, allauth_forms.ReauthenticateForm):
    wording = {"password": ("Password", "Enter your password")}


SIGN_IN_CODE_WORDING = {"code": ("Sign-in code", "Enter the code from your authenticator app")}


class MfaAuthenticateForm(PlainWordsMixin, mfa_forms.AuthenticateForm):
    wording = SIGN_IN_CODE_WORDING


class MfaReauthenticateForm(PlainWordsMixin, mfa_forms.ReauthenticateForm):
    wording = SIGN_IN_CODE_WORDING


class ActivateTOTPForm(PlainWordsMixin, totp_forms.ActivateTOTPForm):
    wording = SIGN_IN_CODE_WORDING


STAFF_ACCESS = "staff"


class ApiTokenForm(GovukFormMixin, forms.Form):
    """A new API token: what it is called, whose it is, what it may do, how long it lasts."""

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Say which system uses it, like “Case system returns”",
        error_messages={
            "required": "Enter a name for the token, like “Case system returns”",
            "max_length": "The token's name must be 100 characters or fewer",
        },
    )
    organisation = forms.ChoiceField(
        label="Who is it for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation the token is for",
            "invalid_choice": "Choose one of the organisations listed",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        choices=ApiToken.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give a token only what its system needs",
        error_messages={
            "required": "Choose what the token may do",
            "invalid_choice": "Choose from the list what the token may do",
        },
    )
    days = forms.IntegerField(
        label="How many days should it work?",
        initial=ApiToken.DEFAULT_DAYS,
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        help_text=f"{ApiToken.DEFAULT_DAYS} days unless you choose otherwise",
        error_messages={
            "required": "Enter how many days the token should work, like 90",
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": "The token must work for at least 1 day",
            "max_value": f"The token can work for {ApiToken.MAX_DAYS} days at most",
        },
    )

    def __init__(self, *args, organisations, staff: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.uuid): o for o in organisations}
        choices = [(key, o.name) for key, o in self.organisations.items()]
        if staff:
            choices.append((STAFF_ACCESS, "My staff access (no organisation)"))
        self.fields["organisation"].choices = choices
        self.fields["days"].widget.attrs.update({"class": "govuk-input--width-3"})
        if len(choices) == 1:
            self.fields["organisation"].initial = choices[0][0]

    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data["organisation"])
