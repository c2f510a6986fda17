from __future__ import annotations

import rules
from django.http import Http404
from django.shortcuts import render

from outcomes.permissions import VIEW_READINGS
from outcomes.selectors import plan_versions, plan_with_framework


def plan_detail(request, code: str | None = None):
    plan = plan_with_framework(code=code)
    if plan is None and code is not None:
        raise Http404("No such plan")
    return render(
        request,
        "outcomes/plan_detail.html",
        {
            "plan": plan,
            "versions": plan_versions(),
            "reads_readings": rules.test_rule(VIEW_READINGS, request.user),
        },
    )
