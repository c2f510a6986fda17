"""Forms for monitoring: the group's evidence and the officer's review of a report."""

from __future__ import annotations

from django import forms

from core.govuk import GovukFormMixin
from grants.forms.common import PlainLengthsMixin
from grants.uploads import ALLOWED_DESCRIPTION


class ReportReviewForm(PlainLengthsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept the report"), ("changes", "Ask the group for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept the report or ask for changes."},
    )
    note = forms.CharField(
        label="Note to the group",
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        help_text="Required when asking for changes: say what to change or add.",
    )
    clawback = forms.CharField(
        label="Amount to claw back, in pounds",
        required=False,
        max_length=20,
        help_text="Only when accepting a report that shows money unspent. Leave blank for none.",
    )


class EvidenceForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a photo or document",
        help_text=f"{ALLOWED_DESCRIPTION.capitalize()}, 10 MB or smaller; up to 10 files "
        "with a report.",
        error_messages={"required": "Choose a file to upload."},
    )
