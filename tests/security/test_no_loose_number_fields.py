"""No input reads a number with Django's or DRF's own DecimalField, FloatField or
IntegerField: they take "1e3" (and DRF's DecimalField 1E+30 as 1000000...), Django's
IntegerField takes "٢" as 2 and "-0" as 0. Inputs use core.forms' MoneyField and
WholeNumberField, or read text with core.parsers."""

from __future__ import annotations

import importlib
import inspect

from django import forms
from rest_framework import serializers

from core.forms import MoneyField, WholeNumberField

FORM_MODULES = [
    "accounts.forms",
    "commissioning.forms",
    "delivery.forms",
    "grants.forms.applications",
    "grants.forms.assessment",
    "grants.forms.awards",
    "grants.forms.monitoring",
    "grants.forms.panel",
    "grants.forms.publication",
    "grants.forms.rounds",
    "grants.forms.screening",
    "grants.forms.sections",
    "opendata.forms",
    "outcomes.forms",
]
SERIALIZER_MODULES = ["commissioning.api.serializers", "grants.api.serializers"]
# Known and bounded: a token's days (1 to 365) is read by Django's IntegerField.
ALLOWED = {("accounts.forms", "ApiTokenForm", "days")}


def _classes(module_name: str, base: type):
    module = importlib.import_module(module_name)
    for name, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, base) and cls.__module__ == module_name:
            yield name, cls


def test_every_form_reads_numbers_with_the_core_fields(db):
    loose = []
    for module_name in FORM_MODULES:
        for name, cls in _classes(module_name, forms.BaseForm):
            for field_name, field in getattr(cls, "base_fields", {}).items():
                kind = type(field)
                loose_kind = kind in (forms.DecimalField, forms.FloatField, forms.IntegerField)
                if loose_kind and (module_name, name, field_name) not in ALLOWED:
                    loose.append(f"{module_name}.{name}.{field_name}")
                if type(field) is forms.ModelMultipleChoiceField:
                    loose.append(f"{module_name}.{name}.{field_name} (multi-select)")
    assert not loose, f"use core.forms fields for: {loose}"
    assert issubclass(MoneyField, forms.DecimalField)
    assert issubclass(WholeNumberField, forms.IntegerField)


def test_no_api_input_takes_a_number_with_drfs_own_fields():
    loose = []
    for module_name in SERIALIZER_MODULES:
        for name, cls in _classes(module_name, serializers.Serializer):
            if not (name.endswith("InputSerializer") or "Query" in name):
                continue  # output only
            for field_name, field in cls().fields.items():
                if isinstance(field, serializers.DecimalField | serializers.FloatField):
                    loose.append(f"{module_name}.{name}.{field_name}")
    assert not loose, f"read these as text with core.parsers: {loose}"
