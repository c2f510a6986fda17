"""Exports of return data: the log of who downloaded which return figures, for commissioners."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import rule_required
from commissioning import selectors


@rule_required("commissioning.read_returns")
def return_exports(request):
    page = Paginator(selectors.return_exports(), 50).get_page(request.GET.get("page"))
    return render(request, "commissioning/return_exports.html", {"page": page})
