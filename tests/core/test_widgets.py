"""core.widgets.Select draws exactly what Django's select template draws."""

from __future__ import annotations

import pytest
from django import forms

from core.govuk import GovukFormMixin
from core.widgets import Select

CHOICES = [("", "Any district"), (1, "Bradford"), (2, "Leeds & <Wakefield>"), (None, "None")]


def _form(widget, data):
    class Filters(GovukFormMixin, forms.Form):
        district = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=CHOICES,
            widget=widget,
            help_text="Where the bid is",
        )
        needed = forms.ChoiceField(choices=CHOICES[:3], widget=widget)

    return Filters(data)


@pytest.mark.parametrize(
    "data",
    [None, {"district": "2", "needed": "1"}, {"district": "9"}, {"district": "", "needed": ""}],
)
def test_the_select_is_drawn_as_djangos_template_draws_it(data):
    ours, django = _form(Select, data), _form(forms.Select, data)
    if data is not None:
        ours.is_valid(), django.is_valid()
    for name in ("district", "needed"):
        assert str(ours[name]) == str(django[name])
        assert ours[name].as_field_group() == django[name].as_field_group()
    assert "selected" in str(ours["district"]) or data in (None, {"district": "9"})


def test_grouped_choices_are_drawn_by_the_template():
    widget = Select(choices=[("Places", [(1, "Leeds")]), (2, "Bradford")])
    assert widget.render("d", 1) == forms.Select(choices=widget.choices).render("d", 1)
    assert "<optgroup" in widget.render("d", 1)


@pytest.mark.parametrize("data", [None, {"people": ["1", "2"]}, {"people": []}])
def test_the_checkboxes_are_drawn_as_djangos_templates_draw_them(data):
    from core.widgets import CheckboxSelectMultiple

    def form(widget):
        class People(GovukFormMixin, forms.Form):
            people = forms.MultipleChoiceField(
                choices=[("1", "Ann <A>"), ("2", "Bob & co"), ("3", "Cy")],
                widget=widget,
                help_text="Who shares the bids",
            )

        made = People(data)
        if data is not None:
            made.is_valid()
        return made

    ours, django = form(CheckboxSelectMultiple), form(forms.CheckboxSelectMultiple)
    assert ours["people"].as_field_group() == django["people"].as_field_group()
    assert str(ours["people"]) == str(django["people"])


def _text_and_select_form(*, fast: bool, data):
    from core.widgets import FieldGroup, TextInput

    class Search(GovukFormMixin, forms.Form):
        q = forms.CharField(
            label="Search <bids>",
            required=False,
            max_length=20,
            help_text="Reference, organisation\n\nor title",
            widget=TextInput if fast else forms.TextInput,
        )
        name = forms.CharField(label="Name", widget=TextInput if fast else forms.TextInput)
        district = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=CHOICES,
            widget=Select,
            help_text="Where the bid is",
        )

    if fast:
        Search.bound_field_class = FieldGroup
    made = Search(data)
    if data is not None:
        made.is_valid()
    return made


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": "Leeds & <b>", "name": "Ann", "district": "2"},
        {"q": "x" * 30, "name": "", "district": "9"},
    ],
)
def test_a_field_group_drawn_in_python_is_the_templates_markup(data):
    """Label, hint, errors, character count and widget: the same HTML as
    includes/govuk_field.html draws, for text boxes and selects, with and without errors."""
    from django.test.html import parse_html

    ours = _text_and_select_form(fast=True, data=data)
    template = _text_and_select_form(fast=False, data=data)
    for name in ("q", "name", "district"):
        drawn = ours[name].as_field_group()
        assert parse_html(drawn) == parse_html(template[name].as_field_group())
        assert str(ours[name]) == str(template[name])
    if data and data["name"] == "":
        assert "govuk-form-group--error" in ours["name"].as_field_group()
        assert "govuk-character-count" in ours["q"].as_field_group()


def test_other_fields_in_a_fast_form_are_drawn_by_the_template():
    from core.widgets import FieldGroup

    class Notes(GovukFormMixin, forms.Form):
        bound_field_class = FieldGroup
        notes = forms.CharField(widget=forms.Textarea, help_text="What happened")
        agree = forms.BooleanField()

    class Template(GovukFormMixin, forms.Form):
        notes = forms.CharField(widget=forms.Textarea, help_text="What happened")
        agree = forms.BooleanField()

    for name in ("notes", "agree"):
        assert Notes()[name].as_field_group() == Template()[name].as_field_group()
