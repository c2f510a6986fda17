"""Render Django forms as GOV.UK Design System fields.

`GovukFormRenderer` (settings.FORM_RENDERER) makes `{{ form }}` and
`{{ form.field.as_field_group }}` produce GOV.UK markup; the widget classes are set here
so a form needs nothing but the mixin.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input govuk-password-input__input",
    forms.widgets.Input: "govuk-input",
}


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "includes/govuk_form.html"
    field_template_name = "includes/govuk_field.html"


def widget_class(widget: forms.Widget) -> str:
    for widget_type in type(widget).__mro__:
        if widget_type in WIDGET_CLASSES:
            return WIDGET_CLASSES[widget_type]
    return ""


def style_widgets(form: forms.BaseForm) -> None:
    """Give every widget its GOV.UK class, error state and hint/error links."""
    for name, field in form.fields.items():
        widget = field.widget
        widget.attrs.pop("placeholder", None)  # GOV.UK: hints, not placeholders
        css = widget_class(widget)
        has_error = form.is_bound and name in form.errors
        if has_error and css in ("govuk-input", "govuk-textarea", "govuk-select"):
            css += f" {css}--error"
        if isinstance(widget, forms.Textarea) and getattr(field, "max_length", None):
            css += " govuk-js-character-count"
        existing = widget.attrs.get("class", "")
        known = set(css.split())
        extra = " ".join(
            c for c in existing.split() if c not in known and not c.endswith("--error")
        )
        widget.attrs["class"] = f"{css} {extra}".strip()
        described = []
        if field.help_text:
            described.append(f"id_{form.add_prefix(name)}-hint")
        if has_error:
            described.append(f"id_{form.add_prefix(name)}-error")
        if described and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.attrs["aria-describedby"] = " ".join(described)


class GovukFormMixin:
    """Mixin for every form: GOV.UK classes, and errors rendered in the GOV.UK pattern."""

    def full_clean(self) -> None:
        super().full_clean()
        style_widgets(self)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
