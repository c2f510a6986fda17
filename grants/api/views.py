"""Grants endpoints: parse, fetch with permission (grants.access, the same helpers as the
pages), call one service or selector, answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import generics, parsers, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, Organisation
from accounts.permissions import memberships_of
from accounts.selectors import organisations_by_ids
from core.api.concurrency import etag_of, locked_if_match
from core.api.idempotency import idempotent
from core.api.pagination import CreatedCursorPagination
from core.api.problems import Problem, form_problem
from core.api.schema import api_operation
from core.forms import call_service
from core.parsers import parse_id
from grants import services
from grants.access import (
    access_application_by_uuid,
    access_award_by_uuid,
    access_grant_by_application_uuid,
    access_round_by_uuid,
    access_staff_round_by_uuid,
    award_queryset,
)
from grants.api import serializers as s
from grants.api.sections import all_section_values, section_form, unknown_answers
from grants.forms.applications import BudgetLineForm, DocumentForm
from grants.forms.rounds import ApplicationFilterForm
from grants.forms.sections import SECTION_FORMS
from grants.models import Application, Award, Fund, PaymentInstalment, Round
from grants.permissions import applications_for_user
from grants.sections import application_problems, section_states
from grants.selectors.applications import application_for_form, applications_for_dashboard
from grants.selectors.assessment import assessment_summary
from grants.selectors.awards import payments_due
from grants.selectors.rounds import applications_for_round, rounds_for_public_list

ROUND_FILTERS = [
    OpenApiParameter("q", str, description="Part of the reference, group's name or title"),
    OpenApiParameter("status", str, enum=Application.Status.values),
    OpenApiParameter("district", int, description="A district's id"),
    OpenApiParameter("pot", int, description="A pot's id"),
    OpenApiParameter("priority", int, description="A plan priority's id"),
]
PUBLIC, APPLYING, OFFICERS = ["Funding (public)"], ["Applications"], ["Grants officers"]
APPLICATION_EXAMPLE = OpenApiExample(
    "An application",
    value={
        "uuid": "5d2f7c1a-8b3e-4f6a-9c0d-1e2f3a4b5c6d",
        "reference": "MSCF-R8-0004",
        "status": "submitted",
        "round": {"uuid": "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", "number": 8, "title": "Round 8"},
        "organisation": {"uuid": "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d", "name": "Org A"},
        "project_title": "Safer streets after school",
        "amount_requested": "6000.00",
        "created_at": "2026-10-01T09:30:00+01:00",
        "submitted_at": "2026-11-09T16:02:11+00:00",
    },
    response_only=True,
)


def application_etag(application: Application) -> str:
    """Changes whenever anyone (web page or API) saves or moves the application."""
    return etag_of(application.uuid, application.status, application.updated_at.isoformat())


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("You cannot do that.")


# Public ------------------------------------------------------------------------------------


class FundList(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.FundSerializer
    queryset = Fund.objects.order_by("name")

    @api_operation(
        summary="List the grant funds", tags=PUBLIC, response=s.FundSerializer(many=True)
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RoundList(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.RoundSerializer

    def get_queryset(self) -> QuerySet[Round]:
        return rounds_for_public_list().prefetch_related("criteria")

    @api_operation(
        summary="List open and upcoming rounds, with their pots and criteria",
        tags=PUBLIC,
        response=s.RoundSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RoundDetail(APIView):
    permission_classes = [permissions.AllowAny]

    @api_operation(
        summary="A round with its pots and criteria", tags=PUBLIC, response=s.RoundSerializer
    )
    def get(self, request, round_uuid):
        return Response(s.RoundSerializer(access_round_by_uuid(request.user, round_uuid)).data)


# A group's organisations and applications ---------------------------------------------------


class OrganisationList(generics.ListAPIView):
    serializer_class = s.OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_by_ids(memberships_of(self.request.user))

    def list(self, request, *args, **kwargs):
        roles = memberships_of(request.user)
        page = self.paginate_queryset(self.get_queryset())
        for organisation in page:
            organisation.role = roles[organisation.pk]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_operation(
        summary="List your organisations",
        tags=APPLYING,
        response=s.OrganisationSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApplicationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Application.Status.choices)
    round = filters.UUIDFilter(field_name="round__uuid", help_text="A round's uuid")

    class Meta:
        model = Application
        fields = ["status", "round"]


def application_answer(application: Application, status: int = 200) -> Response:
    """The application as the detail endpoint shows it, with its ETag."""
    application = application_for_form(application.pk)
    problems = application_problems(application)
    application.sections = all_section_values(application)  # type: ignore[attr-defined]
    application.section_states = section_states(application, problems)  # type: ignore[attr-defined]
    application.problems = problems  # type: ignore[attr-defined]
    headers = {"ETag": application_etag(application)}
    if status == 201:
        headers["Location"] = reverse("api:application", args=[application.uuid])
    return Response(s.ApplicationDetailSerializer(application).data, status=status, headers=headers)


class ApplicationList(generics.ListAPIView):
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    def get_queryset(self) -> QuerySet[Application]:
        organisations = list(memberships_of(self.request.user))
        return applications_for_dashboard(organisation_ids=organisations).order_by(
            "-created_at", "-pk"
        )

    @api_operation(
        summary="List your groups' applications",
        tags=APPLYING,
        response=s.ApplicationSerializer(many=True),
        examples=[APPLICATION_EXAMPLE],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @api_operation(
        summary="Start an application (a draft) for an open round",
        description="Answers with the group's live application for the round if it has one.",
        tags=APPLYING,
        request=s.ApplicationStartSerializer,
        response=s.ApplicationDetailSerializer,
        status=201,
        idempotent=True,
        examples=[
            OpenApiExample(
                "Start", value={"round": "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"}, request_only=True
            )
        ],
    )
    @idempotent
    def post(self, request):
        body = s.ApplicationStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        round = access_round_by_uuid(request.user, body.validated_data["round"])
        mine = organisations_by_ids(memberships_of(request.user)).filter(is_applicant=True)
        wanted = body.validated_data.get("organisation")
        chosen = [o for o in mine if wanted is None or o.uuid == wanted]
        if len(chosen) != 1:
            message = (
                "Choose one of your groups"
                if chosen or wanted
                else "You belong to no group that applies for grants"
            )
            raise Problem(400, message, errors=[{"path": "organisation", "message": message}])
        application = services.application_start(
            round=round, organisation=chosen[0], actor=request.user
        )
        return application_answer(application, status=201)


class ApplicationDetail(APIView):
    @api_operation(
        summary="An application: its answers, budget, documents and what is missing",
        description="The ETag header is what an update sends back in If-Match.",
        tags=APPLYING,
        response=s.ApplicationDetailSerializer,
        examples=[APPLICATION_EXAMPLE],
    )
    def get(self, request, application_uuid):
        return application_answer(
            access_application_by_uuid(request.user, application_uuid, "grants.view_application")
        )


class ApplicationSection(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    def _save(self, request, application_uuid, section, *, partial):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.change_application"
        )
        if section not in SECTION_FORMS:
            raise Http404("No such section")
        if not isinstance(request.data, dict):
            raise Problem(400, "Send the section's answers as a JSON object.")
        unknown = unknown_answers(section, request.data)
        if unknown:
            errors = [
                {"path": name, "message": f"This section has no answer called {name}"}
                for name in unknown
            ]
            raise Problem(
                400,
                "Nothing was saved: the request names answers this section does not have.",
                errors=errors,
            )
        with locked_if_match(request, found, application_etag) as locked:
            form = section_form(
                application_for_form(locked.pk), section, request.data, partial=partial
            )
            if not form.is_valid():
                raise form_problem(form)
            services.application_save_section(
                application=locked,
                actor=request.user,
                section=section,
                values=form.values(),
                unsaved={},
            )
        return application_answer(found)

    @api_operation(
        summary="Replace a section's answers",
        description=(
            "Sections: project, where, alignment, declarations. The same checks and words as "
            "the web form; any error saves nothing. Answers not sent are cleared."
        ),
        tags=APPLYING,
        request=dict,
        response=s.ApplicationDetailSerializer,
        if_match=True,
        examples=[
            OpenApiExample(
                "Project",
                value={
                    "project_title": "Safer streets",
                    "start_date": "2027-04-01",
                    "amount_requested": "6000",
                },
                request_only=True,
            )
        ],
    )
    def put(self, request, application_uuid, section):
        return self._save(request, application_uuid, section, partial=False)

    @api_operation(
        summary="Change some of a section's answers",
        description="Like PUT, but answers not sent keep their values.",
        tags=APPLYING,
        request=dict,
        response=s.ApplicationDetailSerializer,
        if_match=True,
        examples=[
            OpenApiExample(
                "Title only", value={"project_title": "Safer streets"}, request_only=True
            )
        ],
    )
    def patch(self, request, application_uuid, section):
        return self._save(request, application_uuid, section, partial=True)


def _budget_form(request) -> BudgetLineForm:
    body = s.BudgetLineInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    amount = body.validated_data["amount"]
    return BudgetLineForm({**body.validated_data, "amount": "" if amount is None else str(amount)})


class BudgetLines(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    @api_operation(
        summary="Add a budget line",
        tags=APPLYING,
        request=s.BudgetLineInputSerializer,
        response=s.ApplicationDetailSerializer,
        status=201,
        if_match=True,
        examples=[
            OpenApiExample(
                "Room hire",
                value={"description": "Room hire", "category": "venue", "amount": "1200.00"},
                request_only=True,
            )
        ],
    )
    def post(self, request, application_uuid):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.change_application"
        )
        form = _budget_form(request)
        with locked_if_match(request, found, application_etag) as locked:
            if not form.is_valid() or not call_service(
                form,
                lambda data: services.budget_line_add(
                    application=locked, actor=request.user, **data
                ),
                form.cleaned_data,
            ):
                raise form_problem(form)
        return application_answer(found, status=201)


class BudgetLine(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    def _line(self, request, application_uuid, line_id):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.change_application"
        )
        if parse_id(line_id) is None or not found.budget_lines.filter(pk=line_id).exists():
            raise Http404("No such budget line")
        return found

    @api_operation(
        summary="Change a budget line",
        tags=APPLYING,
        request=s.BudgetLineInputSerializer,
        response=s.ApplicationDetailSerializer,
        if_match=True,
        examples=[
            OpenApiExample(
                "Room hire",
                value={"description": "Room hire", "category": "venue", "amount": "900"},
                request_only=True,
            )
        ],
    )
    def put(self, request, application_uuid, line_id):
        found = self._line(request, application_uuid, line_id)
        form = _budget_form(request)
        with locked_if_match(request, found, application_etag) as locked:
            if not form.is_valid() or not call_service(
                form,
                lambda data: services.budget_line_update(
                    application=locked, actor=request.user, line_id=line_id, **data
                ),
                form.cleaned_data,
            ):
                raise form_problem(form)
        return application_answer(found)

    @api_operation(
        summary="Remove a budget line",
        tags=APPLYING,
        response=s.ApplicationDetailSerializer,
        if_match=True,
    )
    def delete(self, request, application_uuid, line_id):
        found = self._line(request, application_uuid, line_id)
        with locked_if_match(request, found, application_etag) as locked:
            services.budget_line_remove(application=locked, actor=request.user, line_id=line_id)
        return application_answer(found)


class Documents(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE
    parser_classes = [parsers.MultiPartParser]

    @api_operation(
        summary="Upload a document (multipart: kind and file)",
        description="PDF, Word (.docx), JPEG or PNG up to 10 MB, checked by content as on the web.",
        tags=APPLYING,
        request={"multipart/form-data": s.DocumentInputSerializer},
        response=s.ApplicationDetailSerializer,
        status=201,
    )
    def post(self, request, application_uuid):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.change_application"
        )
        form = DocumentForm(request.data, request.FILES)
        if not form.is_valid() or not call_service(
            form,
            lambda data: services.document_upload(
                application=found, actor=request.user, kind=data["kind"], uploaded=data["file"]
            ),
            form.cleaned_data,
            field="file",
        ):
            raise form_problem(form)
        return application_answer(found, status=201)


class ApplicationSubmit(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    @api_operation(
        summary="Submit an application before the round's deadline",
        description=(
            "The server's clock decides: at or after the deadline (noon, London time) the bid "
            "is refused (409) and stays a draft. Unfinished: 409 with each missing answer."
        ),
        tags=APPLYING,
        request=None,
        response=s.ApplicationDetailSerializer,
        idempotent=True,
        examples=[APPLICATION_EXAMPLE],
    )
    @idempotent
    def post(self, request, application_uuid):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.submit_application"
        )
        with locked_if_match(request, found, application_etag, required=False) as locked:
            services.application_submit(application=locked, actor=request.user)
        return application_answer(found)


class ApplicationWithdraw(APIView):
    write_scope = ApiToken.Scope.APPLICATIONS_WRITE

    @api_operation(
        summary="Withdraw an application",
        tags=APPLYING,
        request=s.WithdrawSerializer,
        response=s.ApplicationDetailSerializer,
        idempotent=True,
        examples=[
            OpenApiExample(
                "Withdraw", value={"reason": "We merged with another group."}, request_only=True
            )
        ],
    )
    @idempotent
    def post(self, request, application_uuid):
        found = access_application_by_uuid(
            request.user, application_uuid, "grants.withdraw_application"
        )
        body = s.WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with locked_if_match(request, found, application_etag, required=False) as locked:
            services.application_withdraw(
                application=locked, actor=request.user, reason=body.validated_data["reason"]
            )
        return application_answer(found)


# Awards ------------------------------------------------------------------------------------


class AwardList(generics.ListAPIView):
    serializer_class = s.AwardSerializer

    def get_queryset(self) -> QuerySet[Award]:
        applications = applications_for_user(self.request.user)
        return award_queryset().filter(application__in=applications).order_by("-decided_at", "-pk")

    @api_operation(
        summary="List awards with their payments and reports",
        description="A group sees its own; grants officers see every award.",
        tags=APPLYING,
        response=s.AwardSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ApplicationGrant(APIView):
    @api_operation(summary="The award on an application", tags=APPLYING, response=s.AwardSerializer)
    def get(self, request, application_uuid):
        return Response(
            s.AwardSerializer(access_grant_by_application_uuid(request.user, application_uuid)).data
        )


class AwardDetail(APIView):
    @api_operation(
        summary="An award (officers and decision makers)", tags=OFFICERS, response=s.AwardSerializer
    )
    def get(self, request, award_uuid):
        return Response(s.AwardSerializer(access_award_by_uuid(request.user, award_uuid)).data)


# Officers ----------------------------------------------------------------------------------


class RoundApplications(generics.ListAPIView):
    serializer_class = s.RoundApplicationSerializer
    pagination_class = CreatedCursorPagination

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):  # the schema is being made
            return Application.objects.none()
        round = access_staff_round_by_uuid(self.request.user, self.kwargs["round_uuid"])
        form = ApplicationFilterForm(self.request.query_params, round=round)
        if not form.is_valid():
            raise form_problem(form, "The filters have problems.")
        filters = form.filters()
        filters.pop("view")  # the web list's preset views are not offered here
        return applications_for_round(round=round, **filters).select_related("round")

    @api_operation(
        summary="A round's applications, with the web list's filters",
        description="Filters: q (reference, group or title), status, district, pot and priority (ids). Cursor pages.",
        tags=OFFICERS,
        response=s.RoundApplicationSerializer(many=True),
        parameters=ROUND_FILTERS,
    )
    def get(self, request, *args, **kwargs):
        _require(request.user.has_perm("grants.list_round_applications"))
        return super().get(request, *args, **kwargs)


class RoundAssessments(generics.ListAPIView):
    serializer_class = s.AssessmentSummarySerializer

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):  # the schema is being made
            return Application.objects.none()
        round = access_staff_round_by_uuid(self.request.user, self.kwargs["round_uuid"])
        return assessment_summary(round=round)

    @api_operation(
        summary="A round's assessment scores: mean, spread, moderation",
        tags=OFFICERS,
        response=s.AssessmentSummarySerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        _require(request.user.has_perm("grants.run_assessment"))
        return super().get(request, *args, **kwargs)


class PaymentsDue(generics.ListAPIView):
    serializer_class = s.PaymentDueSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is being made
            return PaymentInstalment.objects.none()
        today = timezone.localdate()
        due = payments_due(today=today)
        for instalment in due.overdue:
            instalment.overdue = True
        for instalment in due.this_month:
            instalment.overdue = False
        return [*due.overdue, *due.this_month]

    @api_operation(
        summary="Payments overdue and due by the end of the month",
        tags=OFFICERS,
        response=s.PaymentDueSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        _require(request.user.has_perm("grants.manage_awards"))
        return super().get(request, *args, **kwargs)
