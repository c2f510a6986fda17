"""The one-line rule (core.govuk.refuse_line_breaks) for the Django admin's forms too: an
administrator's typo cannot put a line break into a name any more than a group's can."""

from __future__ import annotations

from django import forms

from core.govuk import refuse_line_breaks


def one_line_checked(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """`form_class`, refusing line breaks and control characters in its one-line fields."""

    class Checked(form_class):  # type: ignore[valid-type,misc]
        def full_clean(self) -> None:
            refuse_line_breaks(self)
            super().full_clean()

    Checked.__name__ = Checked.__qualname__ = form_class.__name__
    return Checked


class SingleLineAdminMixin:
    """For a ModelAdmin: its change and add forms apply the one-line rule."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return one_line_checked(super().get_form(request, obj, change=change, **kwargs))


class SingleLineInlineMixin:
    """For an InlineModelAdmin: each row's form applies the one-line rule."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = one_line_checked(formset.form)
        return formset
