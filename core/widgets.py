"""Widgets drawn in Python, for the forms shown on every visit to a busy page.

Django draws a select through templates: one include for the select, and one for each
option with another for its attributes. A list page's filters (four selects, forty
options) spent 7 ms a request there, a third of the page (issue 18). `Select` gives the
same markup as Django's template, built in one pass.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.plain_text import paragraphs


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, none for
    False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """A select of flat choices, drawn in Python with django/forms/widgets/select.html's
    markup; choices in groups are drawn by the template, as before."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)  # a model field's choices: one query, not two
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(widget["value"])
        options = []
        found = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (not found or self.allow_multiple_selected)
            found = found or selected
            options.append(
                f'\n  <option value="{conditional_escape(text)}"'
                f"{' selected' if selected else ''}>{conditional_escape(label)}</option>\n"
            )
        html = (
            f'<select name="{conditional_escape(name)}"{_attributes(widget["attrs"])}>'
            f"{''.join(options)}\n</select>"
        )
        return mark_safe(html)  # noqa: S308  # nosec B308 B703  # every part escaped above


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes whose inputs (the GOV.UK field template's `{{ option.tag }}`) are drawn
    in Python with Django's markup: three includes an option through templates."""

    def _render(self, template_name, context, renderer=None) -> SafeString:
        widget = context["widget"]
        if template_name != self.option_template_name or widget.get("wrap_label"):
            return super()._render(template_name, context, renderer)
        value = widget["value"]
        shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
        html = (
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>'
        )
        return mark_safe(html)  # noqa: S308  # nosec B308 B703  # every part escaped above


class TextInput(forms.TextInput):
    """A one-line text box drawn in Python with django/forms/widgets/input.html's markup."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        html = (
            f'<input type="{conditional_escape(self.input_type)}" '
            f'name="{conditional_escape(name)}"{shown}{_attributes(widget["attrs"])}>'
        )
        return mark_safe(html)  # noqa: S308  # nosec B308 B703  # every part escaped above


class FieldGroup(BoundField):
    """A field's GOV.UK form group (label, hint, errors, the widget, and the character
    count of a text box with a length limit) drawn in Python, with the markup of
    includes/govuk_field.html, for a text box or a select drawn by the widgets above.
    Every other field goes through the template as before. A form on a busy page opts in
    with `bound_field_class = FieldGroup`: its five filters cost 3 ms a request in the
    template (issue 18)."""

    def as_field_group(self) -> SafeString:
        widget = self.field.widget
        if not isinstance(widget, TextInput | Select) or getattr(self.field, "prefix", None):
            return super().as_field_group()
        auto_id = conditional_escape(self.auto_id)
        hint = (
            f'<div id="{auto_id}-hint" class="govuk-hint">{paragraphs(self.help_text, "compact")}</div>'
            if self.help_text
            else ""
        )
        errors = "".join(
            f'\n<p id="{auto_id}-error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}</p>'
            for error in self.errors
        )
        label = (
            f'<label class="govuk-label govuk-label--s" for="{conditional_escape(self.id_for_label)}">'
            f"{conditional_escape(self.label)}</label>"
        )
        inner = f"\n{label}\n{hint}{errors}\n{self.as_widget()}"
        if "govuk-js-character-count" in widget.attrs.get("class", ""):
            limit = conditional_escape(str(self.field.max_length))
            inner = (
                '\n<div class="govuk-character-count" data-module="govuk-character-count" '
                f'data-maxlength="{limit}">{inner}'
                f'\n<div id="{auto_id}-info" class="govuk-hint govuk-character-count__message">'
                f"You can enter up to {limit} characters</div>\n</div>"
            )
        error_class = " govuk-form-group--error" if self.errors else ""
        html = f'<div class="govuk-form-group{error_class}">{inner}\n</div>'
        return mark_safe(html)  # noqa: S308  # nosec B308 B703  # every part escaped above
