"""The plan framework over the API (public): plans, and one plan's priorities, outcomes,
indicators and themes. Ids are the ones applications use to name their alignment."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiExample
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import api_operation
from outcomes.models import Indicator, Outcome, Plan, Priority, Theme
from outcomes.selectors import plan_with_framework

TAGS = ["Plan framework"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["uuid", "code", "title", "vision", "starts_on", "ends_on", "is_current"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "code", "title"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "title", "source", "metric", "direction"]


class PrioritySerializer(serializers.ModelSerializer):
    outcomes = OutcomeSerializer(many=True, source="outcomes.all")
    indicators = IndicatorSerializer(many=True, source="indicators.all")

    class Meta:
        model = Priority
        fields = ["id", "code", "title", "focus", "objectives", "outcomes", "indicators"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "title"]


class PlanDetailSerializer(PlanSerializer):
    priorities = PrioritySerializer(many=True, source="priorities.all")
    themes = ThemeSerializer(many=True, source="themes.all")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "priorities", "themes"]


class PlanList(generics.ListAPIView):
    serializer_class = PlanSerializer
    permission_classes = [permissions.AllowAny]
    queryset = Plan.objects.order_by("-starts_on")

    @api_operation(
        summary="List the plan's versions", tags=TAGS, response=PlanSerializer(many=True)
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PlanDetail(APIView):
    permission_classes = [permissions.AllowAny]

    @api_operation(
        summary="One plan: priorities, outcomes, indicators and themes",
        description='"current" names the current plan.',
        tags=TAGS,
        response=PlanDetailSerializer,
        examples=[
            OpenApiExample(
                "A plan",
                value={"code": "pcp-2021-24", "title": "Police and Crime Plan 2021-24"},
                response_only=True,
            )
        ],
    )
    def get(self, request, code):
        plan = plan_with_framework(code=None if code == "current" else code)
        if plan is None:
            raise Http404("No such plan")
        return Response(PlanDetailSerializer(plan).data)


urlpatterns = [
    path("plans/", PlanList.as_view(), name="plan-list"),
    path("plans/<str:code>/", PlanDetail.as_view(), name="plan"),
]
