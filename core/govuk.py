"""Render Django forms as GOV.UK Design System fields.

`GovukFormRenderer` (settings.FORM_RENDERER) makes `{{ form }}` and
`{{ form.field.as_field_group }}` produce GOV.UK markup; the widget classes are set here
so a form needs nothing but the mixin.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting

from core.forms import WholeNumberField
from core.text import SingleLineValidator

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input govuk-password-input__input govuk-js-password-input-input",
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
    """Give every widget its GOV.UK class, error state and hint/error links.

    Reads only errors already found: it must not start validation from a form's __init__.
    """
    errors = form._errors or {}
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            continue  # composite widgets (the date input) style their own parts
        widget.attrs.pop("placeholder", None)  # GOV.UK: hints, not placeholders
        css = widget_class(widget)
        has_error = name in errors
        if has_error and css in ("govuk-input", "govuk-textarea", "govuk-select"):
            css += f" {css}--error"
        # No maxlength attribute: browsers cut text silently. The character count says the
        # limit as the user types, and the server refuses longer text with a message.
        widget.attrs.pop("maxlength", None)
        if isinstance(widget, forms.Textarea | forms.TextInput) and getattr(
            field, "max_length", None
        ):
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


def field_name_in_words(name: str, field: forms.Field) -> str:
    """How messages name a field: as its own too-long message does ("What the cost is for
    must be…"), else its label without "(optional)", else its name."""
    too_long = str(field.error_messages.get("max_length", ""))
    if " must " in too_long and "%(" not in too_long:
        return too_long.split(" must ", 1)[0]
    label = str(field.label or "").removesuffix("(optional)").strip()
    return label or name.replace("_", " ").capitalize()


def is_single_line(field: forms.Field) -> bool:
    """A text field typed on one line: no textarea, not a password."""
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, forms.Textarea | forms.PasswordInput
    )


def refuse_line_breaks(form: forms.BaseForm) -> None:
    """Every one-line text field refuses line breaks and control characters, with a
    message naming it ("Organisation name must not contain line breaks: …")."""
    for name, field in form.fields.items():
        if is_single_line(field) and not any(
            isinstance(v, SingleLineValidator) for v in field.validators
        ):
            # Ours names the field; Django's null-character check says only "Null
            # characters are not allowed."
            field.validators = [
                *(
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ),
                SingleLineValidator(field_name_in_words(name, field)),
            ]


class GovukFormMixin:
    """Mixin for every form: GOV.UK classes, errors rendered in the GOV.UK pattern, and
    no line breaks or control characters in a one-line answer."""

    def full_clean(self) -> None:
        refuse_line_breaks(self)
        super().full_clean()
        style_widgets(self)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def add_error(self, field, error) -> None:
        # Errors a service finds after validation get the same error styling.
        super().add_error(field, error)
        style_widgets(self)


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "includes/govuk_date_widget.html"
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None) -> None:
        widgets = {
            name: forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                }
            )
            for name, _, width in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (_, label, _) in zip(
            context["widget"]["subwidgets"], self.PARTS, strict=True
        ):
            subwidget["label"] = label
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs) -> None:
        fields = (
            WholeNumberField(min_value=1, max_value=31),
            WholeNumberField(min_value=1, max_value=12),
            WholeNumberField(min_value=1900, max_value=2200),
        )
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        # A form names the date in its own messages ("Start date must be a real date").
        messages = {
            "required": "Enter a date",
            "incomplete": "Enter a full date: day, month and year",
            "invalid": "Enter a real date, like 27 3 2026",
            **(kwargs.pop("error_messages", None) or {}),
        }
        super().__init__(fields=fields, require_all_fields=False, error_messages=messages, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple) and not any(str(part or "").strip() for part in value):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            code = "incomplete" if "incomplete" in {e.code for e in error.error_list} else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code) from None

    def compress(self, data_list):
        if not data_list or any(part in (None, "") for part in data_list):
            raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
        day, month, year = data_list
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
