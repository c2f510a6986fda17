"""Forms for what is published about a grant: the group's text at acceptance, and the
officers' page (public text, withholding the grant or its location with a reason)."""

from __future__ import annotations

from django import forms

from grants.forms.common import PlainLengthsMixin
from grants.models.awards import PUBLIC_SUMMARY_MAX, PUBLIC_TITLE_MAX
from grants.publication import PublicText, Publisher
from grants.selectors.publication import publication_preview
from grants.services.publication import PublicationInput


class PublicationFields(forms.Form):
    """The acceptance page's publication questions (AcceptanceForm adds them)."""

    public_title = forms.CharField(
        label="Project title to publish",
        max_length=PUBLIC_TITLE_MAX,
        help_text="A short title people will understand.",
    )
    public_summary = forms.CharField(
        label="Project summary to publish",
        max_length=PUBLIC_SUMMARY_MAX,
        widget=forms.Textarea({"rows": 5}),
        help_text="What the project does and for whom, in plain words. Do not name people or "
        "give email addresses, phone numbers or street addresses: all of it is published.",
    )
    withhold_location = forms.BooleanField(
        label="Do not publish where the project works",
        required=False,
        help_text="Choose this if saying where the project works could put people at risk, "
        "for example a refuge for people escaping domestic abuse.",
    )


def publication_input(data: dict) -> PublicationInput:
    return PublicationInput(
        public_title=data.get("public_title") or "",
        public_summary=data.get("public_summary") or "",
        withhold_location=bool(data.get("withhold_location")),
    )


def acceptance_preview(form: forms.BaseForm, award) -> dict:
    """What would be published, with the publication answers as typed (or first offered)."""
    return publication_preview(
        award=award, publisher=Publisher.from_settings(), text=typed_text(form)
    )


def typed_text(form: forms.BaseForm) -> PublicText:
    """The publication answers as typed, else as first offered."""
    source = form.data if form.is_bound else form.initial

    def value(name: str) -> str:
        return str(source.get(name) or "")

    return PublicText(
        title=value("public_title"),
        summary=value("public_summary"),
        withhold_location=bool(source.get("withhold_location")),
    )


def acceptance_initial(award) -> dict:
    """The publication answers offered at first: the bid's own title and summary."""
    application = award.application
    return {
        "public_title": award.public_title or application.project_title,
        "public_summary": award.public_summary or application.summary,
    }


class PublicTextForm(PlainLengthsMixin, forms.Form):
    public_title = PublicationFields.base_fields["public_title"]
    public_summary = PublicationFields.base_fields["public_summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # the service names each missing answer


class WithholdForm(PlainLengthsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,  # the service asks for it, in plain words
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text="Kept with the change, with your name, for the audit. It is not published.",
    )
