"""Commissioning endpoints. Each one parses, fetches with permission (the same
access_<entity>_by_uuid helpers as the pages), calls one service or selector, answers."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from commissioning import selectors
from commissioning.api import serializers as s
from commissioning.api.figures import read_figures
from commissioning.models import Contract, MeasureSet, MonitoringReturn, ReturnExport, Target
from commissioning.permissions import (
    access_contract_by_uuid,
    access_measure_set_by_uuid,
    access_return_by_uuid,
    can,
    contracts_for_user,
    is_provider_member,
    reads_returns,
    returns_for_user,
    runs_commissioning,
)
from commissioning.quarters import financial_year_label
from commissioning.services import returns as return_services
from commissioning.services.exports import return_export_record
from core.api.concurrency import etag_of, locked_if_match
from core.api.idempotency import idempotent
from core.api.problems import Problem
from core.api.schema import api_operation

TAGS = ["Commissioning"]
RETURN_EXAMPLE = OpenApiExample(
    "A return",
    value={
        "uuid": "3f1c2b9e-6a55-4c1e-9d3f-1b2a3c4d5e6f",
        "contract": {"uuid": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "reference": "WY-ISVA-01"},
        "provider": "Victim Care Provider",
        "financial_year": 2026,
        "quarter": 1,
        "period": "2026/27 Q1",
        "version": 1,
        "status": "draft",
        "due_date": "2026-07-20",
        "is_late": False,
        "is_current": True,
        "submitted_at": None,
        "rating": "",
    },
    response_only=True,
)
FIGURES_EXAMPLE = OpenApiExample(
    "Figures",
    value={
        "figures": [
            {"measure": "VS", "category": "", "value": 42},
            {"measure": "VS_AGE", "category": "under_18", "value": 5},
        ]
    },
    request_only=True,
)


def return_etag(monitoring_return: MonitoringReturn) -> str:
    """Changes whenever anyone (web page or API) saves or moves the return."""
    return etag_of(
        monitoring_return.uuid,
        monitoring_return.status,
        monitoring_return.updated_at.isoformat(),
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("You cannot do that.")


def _commissioning_reader(user) -> None:
    _require(bool(runs_commissioning(user) or is_provider_member(user)))


# Contracts and measure sets -----------------------------------------------------------------


class ContractFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Contract.Status.choices)

    class Meta:
        model = Contract
        fields = ["status"]


class ContractList(generics.ListAPIView):
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilter

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            contracts_for_user(self.request.user)
            .select_related("provider", "service", "measure_set")
            .order_by("reference")
        )

    @api_operation(
        summary="List your contracts", tags=TAGS, response=s.ContractSerializer(many=True)
    )
    def get(self, request, *args, **kwargs):
        _commissioning_reader(request.user)
        return super().get(request, *args, **kwargs)


class ContractDetail(APIView):
    @api_operation(
        summary="A contract with its funding and targets",
        tags=TAGS,
        response=s.ContractDetailSerializer,
    )
    def get(self, request, contract_uuid):
        contract = access_contract_by_uuid(request.user, contract_uuid)
        contract = selectors.contract_detail(contract)
        contract.targets_list = list(  # type: ignore[attr-defined]
            Target.objects.filter(contract=contract).select_related("measure")
        )
        return Response(s.ContractDetailSerializer(contract).data)


class MeasureSetList(generics.ListAPIView):
    serializer_class = s.MeasureSetSerializer
    queryset = MeasureSet.objects.order_by("-financial_year", "name")

    @api_operation(
        summary="List measure sets", tags=TAGS, response=s.MeasureSetSerializer(many=True)
    )
    def get(self, request, *args, **kwargs):
        _commissioning_reader(request.user)
        return super().get(request, *args, **kwargs)


class MeasureSetDetail(APIView):
    @api_operation(
        summary="A measure set with its measures and breakdown categories",
        tags=TAGS,
        response=s.MeasureSetDetailSerializer,
    )
    def get(self, request, measure_set_uuid):
        measure_set = access_measure_set_by_uuid(request.user, measure_set_uuid)
        measure_set.measures_list = list(measure_set.measures.select_related("total_matches"))  # type: ignore[attr-defined]
        return Response(s.MeasureSetDetailSerializer(measure_set).data)


# Returns -----------------------------------------------------------------------------------


class ReturnFilter(filters.FilterSet):
    financial_year = filters.NumberFilter(help_text="The year the financial year starts: 2026")
    quarter = filters.NumberFilter(help_text="1 to 4 (Q1 is April to June)")
    status = filters.ChoiceFilter(choices=MonitoringReturn.Status.choices)
    contract = filters.UUIDFilter(field_name="contract__uuid", help_text="A contract's uuid")
    overdue = filters.BooleanFilter(method="filter_overdue", help_text="Never submitted, past due")

    class Meta:
        model = MonitoringReturn
        fields = ["financial_year", "quarter", "status", "contract", "overdue"]

    def filter_overdue(self, queryset, name, value):
        late = {
            "status__in": list(MonitoringReturn.EDITABLE),
            "submitted_at__isnull": True,
            "due_date__lt": timezone.localdate(),
        }
        return queryset.filter(**late) if value else queryset.exclude(**late)


class ReturnList(generics.ListAPIView):
    serializer_class = s.ReturnSerializer
    filterset_class = ReturnFilter

    def get_queryset(self) -> QuerySet[MonitoringReturn]:
        return (
            returns_for_user(self.request.user)
            .select_related("contract__provider")
            .order_by("-financial_year", "-quarter", "contract__reference", "-version")
        )

    @api_operation(
        summary="List returns by quarter, status, contract or overdue",
        description="A provider sees its own contracts' returns; a commissioner sees every one.",
        tags=TAGS,
        response=s.ReturnSerializer(many=True),
        examples=[RETURN_EXAMPLE],
    )
    def get(self, request, *args, **kwargs):
        _commissioning_reader(request.user)
        return super().get(request, *args, **kwargs)


def return_answer(monitoring_return: MonitoringReturn, status: int = 200) -> Response:
    """The return as the detail endpoint shows it, with its ETag."""
    fresh = selectors.return_with_reviews(monitoring_return)
    measures = selectors.measures_of(fresh)
    stored = selectors.figures_as_text(fresh, measures)
    figures = [
        {"measure": code, "category": category, "value": stored[(code, category)]}
        for measure in measures
        for code, category in [(measure.code, c) for c in ["", *measure.category_codes]]
        if (code, category) in stored
    ]
    data = s.ReturnDetailSerializer(fresh, context={"figures": figures}).data
    return Response(data, status=status, headers={"ETag": return_etag(fresh)})


class ReturnDetail(APIView):
    @api_operation(
        summary="A return with its figures and the commissioner's comments",
        description="The ETag header is what an update sends back in If-Match.",
        tags=TAGS,
        response=s.ReturnDetailSerializer,
    )
    def get(self, request, return_uuid):
        return return_answer(access_return_by_uuid(request.user, return_uuid))


def _figure_errors(read, result_errors: dict[str, str], measures) -> list[dict[str, str]]:
    return [
        {"path": read.path_of(name, measures), "message": message}
        for name, message in result_errors.items()
    ]


class ReturnFigures(APIView):
    write_scope = ApiToken.Scope.RETURNS_WRITE

    def _save(self, request, return_uuid, *, replace: bool) -> Response:
        found = access_return_by_uuid(request.user, return_uuid)
        _require(can(request.user, "commissioning.write_return", found.contract))
        body = s.FiguresSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measures = selectors.measures_of(found)
        read = read_figures(
            body.validated_data["figures"], measures, found.measure_set.name, replace=replace
        )
        if read.errors:
            raise Problem(400, "Nothing was saved: fix each figure named.", errors=read.errors)
        with locked_if_match(request, found, return_etag) as locked:
            result = return_services.return_save(
                monitoring_return=locked, actor=request.user, typed=read.typed
            )
        if result.errors:
            errors = _figure_errors(read, result.errors, measures)
            raise Problem(400, "Nothing was saved: fix each figure named.", errors=errors)
        return return_answer(found)

    @api_operation(
        summary="Replace a return's figures (all or nothing)",
        description=(
            "Every figure not in the list is cleared. The same checks as the form and the CSV "
            "upload; any error saves nothing, and each error names its measure and its place "
            "in the list (figures[3].value)."
        ),
        tags=TAGS,
        request=s.FiguresSerializer,
        response=s.ReturnDetailSerializer,
        examples=[FIGURES_EXAMPLE],
        if_match=True,
    )
    def put(self, request, return_uuid):
        return self._save(request, return_uuid, replace=True)

    @api_operation(
        summary="Change some of a return's figures (all or nothing)",
        description="Like PUT, but figures not in the list keep their values (like a CSV upload).",
        tags=TAGS,
        request=s.FiguresSerializer,
        response=s.ReturnDetailSerializer,
        examples=[FIGURES_EXAMPLE],
        if_match=True,
    )
    def patch(self, request, return_uuid):
        return self._save(request, return_uuid, replace=False)


class ReturnSubmit(APIView):
    write_scope = ApiToken.Scope.RETURNS_WRITE

    @api_operation(
        summary="Submit a return for review",
        description="Needs every required figure; the errors list each one missing.",
        tags=TAGS,
        request=None,
        response=s.ReturnDetailSerializer,
        idempotent=True,
        examples=[RETURN_EXAMPLE],
    )
    @idempotent
    def post(self, request, return_uuid):
        found = access_return_by_uuid(request.user, return_uuid)
        _require(can(request.user, "commissioning.write_return", found.contract))
        with locked_if_match(request, found, return_etag, required=False) as locked:
            result = return_services.return_save(
                monitoring_return=locked, actor=request.user, typed={}, submit=True
            )
        if result.errors:
            read = read_figures([], [], "", replace=False)
            errors = _figure_errors(read, result.errors, selectors.measures_of(found))
            raise Problem(
                400, "The return was not submitted: fix each figure named.", errors=errors
            )
        return return_answer(found)


class ReturnAccept(APIView):
    write_scope = ApiToken.Scope.RETURNS_WRITE

    @api_operation(
        summary="Accept a submitted return with a rating",
        description="Amber and red need a comment. An accepted return is locked.",
        tags=TAGS,
        request=s.AcceptSerializer,
        response=s.ReturnDetailSerializer,
        idempotent=True,
        examples=[
            OpenApiExample(
                "Accept", value={"rating": "amber", "comment": "Referrals fell."}, request_only=True
            )
        ],
    )
    @idempotent
    def post(self, request, return_uuid):
        found = access_return_by_uuid(request.user, return_uuid)
        _require(can(request.user, "commissioning.review_return", found.contract))
        body = s.AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with locked_if_match(request, found, return_etag, required=False) as locked:
            return_services.return_accept(
                monitoring_return=locked, actor=request.user, **body.validated_data
            )
        return return_answer(found)


class ReturnRequestChanges(APIView):
    write_scope = ApiToken.Scope.RETURNS_WRITE

    @api_operation(
        summary="Send a submitted return back with comments",
        tags=TAGS,
        request=s.RequestChangesSerializer,
        response=s.ReturnDetailSerializer,
        idempotent=True,
        examples=[
            OpenApiExample(
                "Ask for changes",
                value={"comment": "", "rating": "", "measure_comments": {"VS": "Check the total."}},
                request_only=True,
            )
        ],
    )
    @idempotent
    def post(self, request, return_uuid):
        found = access_return_by_uuid(request.user, return_uuid)
        _require(can(request.user, "commissioning.review_return", found.contract))
        body = s.RequestChangesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with locked_if_match(request, found, return_etag, required=False) as locked:
            return_services.return_request_changes(
                monitoring_return=locked, actor=request.user, **body.validated_data
            )
        return return_answer(found)


# The roll-up -------------------------------------------------------------------------------


def _rollup_value(row, published: bool):
    figure = row.published if published else row.value
    if figure is None:
        return None
    if isinstance(figure, Decimal):
        # The same text whatever the database: PostgreSQL sums to "3.00", SQLite to "3".
        return format(figure.normalize(), "f")
    return str(figure)  # a SuppressedFigure reads "<5"


class Rollup(APIView):
    @api_operation(
        summary="The roll-up of accepted returns for a period",
        description=(
            "Every accepted, current return of the measure set in the period, summed across "
            "services (percentages averaged); published=true shows counts of 1 to 4 as <5."
        ),
        tags=TAGS,
        parameters=[s.RollupQuerySerializer],
        response=s.RollupSerializer,
    )
    def get(self, request):
        _require(bool(reads_returns(request.user)))  # summed return figures
        query = s.RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        measure_set = access_measure_set_by_uuid(request.user, query.validated_data["measure_set"])
        published = query.validated_data["published"]
        result = selectors.rollup(
            measure_set=measure_set,
            financial_year=query.validated_data["financial_year"],
            period=query.validated_data["period"],
        )
        return_export_record(
            actor=request.user,
            kind=ReturnExport.Kind.ROLLUP,
            format=ReturnExport.Format.API,
            description=(
                f"Roll-up ({'for publication' if published else 'internal'}): "
                f"{measure_set.name}, {financial_year_label(result.financial_year)} "
                f"{result.period}"
            ),
            rows=len(result.rows),
            financial_year=result.financial_year,
            period=result.period,
            filters={"measure_set": measure_set.code, "published": published},
        )
        data = {
            "measure_set": measure_set,
            "financial_year": result.financial_year,
            "period": result.period,
            "returns": result.returns,
            "contracts": result.contracts,
            "rows": [
                {
                    "measure": row.measure.code,
                    "category": row.category,
                    "label": row.label,
                    "kind": row.measure.kind,
                    "how": row.how,
                    "value": _rollup_value(row, published),
                    "returns": row.returns,
                    "suppressed": published and row.suppressed,
                }
                for row in result.rows
            ],
            "missing": [
                {
                    "contract": m.contract.reference,
                    "provider": m.contract.provider.name,
                    "service": m.contract.service.name,
                    "quarter": m.quarter.label,
                    "status": m.status,
                }
                for m in result.missing
            ],
        }
        return Response(s.RollupSerializer(data).data)
