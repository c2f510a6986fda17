"""Plan delivery over the API: the dashboard's figures for a plan version and financial
year, with the same filters and the same reader rule as /delivery/ (the performance lead,
grants officers, commissioners, decision makers and administrators).

One selector call (`delivery.selectors.dashboard`) makes every figure, so the API and the
page can never disagree. Money is a string with two decimal places, as elsewhere in the API.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.problems import form_problem
from core.api.schema import api_operation
from delivery import selectors
from delivery.forms import DashboardForm
from delivery.permissions import can_view_plan_delivery

TAGS = ["Plan delivery"]
PENNIES = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(PENNIES))


def figures_data(figures: selectors.Figures) -> dict[str, Any]:
    return {
        "awards": figures.awards,
        "amount_awarded": _money(figures.awarded),
        "amount_paid": _money(figures.paid),
        "awards_reporting": figures.reporting_awards,
        "people_reached": figures.people_reached,
        "contracts": figures.contracts,
        "contract_value": _money(figures.contract_value),
        "contract_value_by_stream": {
            stream: _money(amount) for stream, amount in sorted(figures.streams.items())
        },
        "returns": figures.returns,
        "victims_supported": figures.victims_supported,
        "cases_closed": figures.cases_closed,
        "cope_and_recover": {
            code: None if percent is None else str(percent)
            for code, _label, percent in figures.cope_percents
        },
        "bids": figures.bids,
        "amount_requested": _money(figures.requested),
        "funded": figures.funded,
    }


def row_data(row: selectors.Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "code": row.code,
        "label": row.label,
        "is_total": row.is_total,
        "figures": figures_data(row.figures),
    }


def _named(rows: list[selectors.Row]) -> list[dict[str, str]]:
    return [{"key": row.key, "code": row.code, "label": row.label} for row in rows]


def dashboard_data(data: selectors.Dashboard) -> dict[str, Any]:
    scope = data.scope
    return {
        "plan": {"code": scope.plan.code, "title": scope.plan.title},
        "period": scope.period_label,
        "totals": figures_data(data.totals),
        "priorities": [row_data(row) for row in data.priorities],
        "outcomes": [{**row_data(row), "priority": row.group} for row in data.outcomes],
        "themes": [row_data(row) for row in data.themes],
        "areas": [row_data(row) for row in data.areas],
        "gaps": {
            "outcomes": _named(data.gaps.outcomes),
            "themes": _named(data.gaps.themes),
            "districts_with_bids_but_no_awards": _named(data.gaps.districts),
        },
    }


# The schema of the answer (the view builds plain dicts with the functions above).


class FiguresSerializer(serializers.Serializer):
    awards = serializers.IntegerField(help_text="Grants awarded")
    amount_awarded = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    awards_reporting = serializers.IntegerField(help_text="Awards with an accepted report")
    people_reached = serializers.IntegerField(help_text="From accepted grant reports")
    contracts = serializers.IntegerField()
    contract_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    contract_value_by_stream = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2)
    )
    returns = serializers.IntegerField(help_text="Accepted quarterly returns")
    victims_supported = serializers.IntegerField()
    cases_closed = serializers.IntegerField()
    cope_and_recover = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True),
        help_text="Percent of people leaving support who said so, by measure code",
    )
    bids = serializers.IntegerField(help_text="Bids received")
    amount_requested = serializers.DecimalField(max_digits=14, decimal_places=2)
    funded = serializers.BooleanField(help_text="Any award or contract counted here")


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField(help_text="The plan's code (P1, P1-O3) or a district's ONS code")
    label = serializers.CharField()
    is_total = serializers.BooleanField()
    figures = FiguresSerializer()


class OutcomeRowSerializer(RowSerializer):
    priority = serializers.CharField(help_text="The outcome's priority: code and title")


class NamedSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()


class GapsSerializer(serializers.Serializer):
    outcomes = NamedSerializer(many=True, help_text="Outcomes with no funded activity")
    themes = NamedSerializer(many=True, help_text="Themes with no funded activity")
    districts_with_bids_but_no_awards = NamedSerializer(many=True)


class PlanNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class PlanDeliverySerializer(serializers.Serializer):
    plan = PlanNameSerializer()
    period = serializers.CharField()
    totals = FiguresSerializer()
    priorities = RowSerializer(many=True, help_text="Ends with the TOTAL row")
    outcomes = OutcomeRowSerializer(many=True)
    themes = RowSerializer(many=True)
    areas = RowSerializer(
        many=True, help_text="Districts, Multi-District, Across West Yorkshire, TOTAL"
    )
    gaps = GapsSerializer()


FILTERS = [
    OpenApiParameter(
        "plan", OpenApiTypes.STR, description="A plan's code; the current plan if left out"
    ),
    OpenApiParameter(
        "year",
        OpenApiTypes.STR,
        description='A financial year by its first calendar year (2025 is 2025/26), or "all"',
    ),
    OpenApiParameter(
        "source",
        OpenApiTypes.STR,
        description='"fund:<code>", "round:<uuid>" or "stream:<funding stream>"',
    ),
    OpenApiParameter("district", OpenApiTypes.STR, description='A district, e.g. "bradford"'),
    OpenApiParameter("theme", OpenApiTypes.STR, description="A cross-cutting theme's code"),
]


class PlanDelivery(APIView):
    @api_operation(
        summary="What the money buys against the plan: the plan-delivery figures",
        description=(
            "The /delivery/ dashboard's tables for a plan and financial year: per priority, "
            "outcome, theme and area, with the gaps. Staff who read plan delivery only."
        ),
        tags=TAGS,
        response=PlanDeliverySerializer,
        parameters=FILTERS,
        examples=[
            OpenApiExample(
                "Totals for 2025/26",
                value={
                    "plan": {"code": "pcp-2021-24", "title": "Police and Crime Plan 2021-24"},
                    "period": "2025/26",
                    "totals": {"awards": 3, "amount_awarded": "38300.00"},
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        if not can_view_plan_delivery(request.user):
            raise PermissionDenied("Only staff who read plan delivery can see these figures.")
        options = selectors.dashboard_options(plan_code=request.query_params.get("plan") or None)
        form = DashboardForm(request.query_params, options=options)
        if options.plan is None:
            raise NotFound("No plan is loaded yet: load one with manage.py load_plan.")
        if not form.is_valid():
            raise form_problem(form, "The filters have problems.")
        return Response(dashboard_data(selectors.cached_dashboard(form.scope())))


urlpatterns = [path("plan-delivery/", PlanDelivery.as_view(), name="plan-delivery")]
