"""Output and input shapes for the grants API."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Organisation
from grants.models import (
    Application,
    ApplicationDocument,
    Award,
    BudgetLine,
    Criterion,
    Fund,
    MonitoringReport,
    PaymentInstalment,
    Pot,
    Round,
)


class FundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fund
        fields = ["uuid", "code", "name", "funding_source", "description"]


class FundRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class PotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pot
        fields = ["id", "name", "description", "min_award", "max_award", "joint_bids_allowed"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["name", "guidance", "weight", "scale_max", "allow_not_applicable"]


class RoundSerializer(serializers.ModelSerializer):
    fund = FundRefSerializer()
    pots = PotSerializer(many=True, source="pots.all")
    criteria = CriterionSerializer(many=True, source="criteria.all")
    is_open = serializers.BooleanField()
    is_upcoming = serializers.BooleanField()

    class Meta:
        model = Round
        fields = [
            "uuid",
            "fund",
            "number",
            "title",
            "theme",
            "description",
            "status",
            "opens_at",
            "closes_at",
            "is_open",
            "is_upcoming",
            "all_districts",
            "postcodes",
            "pots",
            "criteria",
        ]


class RoundRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name", allow_null=True)
    role = serializers.CharField(help_text="Your role in it: owner or member")

    class Meta:
        model = Organisation
        fields = ["uuid", "name", "type", "district", "is_applicant", "is_provider", "role"]


class OrganisationRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    round = RoundRefSerializer()
    organisation = OrganisationRefSerializer()

    class Meta:
        model = Application
        fields = [
            "uuid",
            "reference",
            "status",
            "round",
            "organisation",
            "project_title",
            "amount_requested",
            "created_at",
            "submitted_at",
        ]


class RoundApplicationSerializer(ApplicationSerializer):
    """A round's bid in the officers' list (cursor pages)."""


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "description", "category", "amount"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationDocument
        fields = ["uuid", "kind", "original_name", "content_type", "size", "uploaded_at"]


class ProblemItemSerializer(serializers.Serializer):
    section = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSerializer):
    sections = serializers.DictField(
        child=serializers.DictField(), help_text="Each section's answers, as a PUT takes them"
    )
    section_states = serializers.DictField(child=serializers.CharField())
    problems = ProblemItemSerializer(many=True, help_text="What is missing before submitting")
    budget_lines = BudgetLineSerializer(many=True, source="budget_lines.all")
    budget_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    documents = DocumentSerializer(many=True, source="documents.all")
    withdrawn_reason = serializers.CharField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "withdrawn_reason",
            "sections",
            "section_states",
            "problems",
            "budget_lines",
            "budget_total",
            "documents",
        ]


class ApplicationStartSerializer(serializers.Serializer):
    round = serializers.UUIDField(help_text="The open round's uuid")
    organisation = serializers.UUIDField(
        required=False, help_text="Which of your groups applies; needed if you have several"
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class BudgetLineInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True, max_length=1000)
    category = serializers.CharField(allow_blank=True)
    amount = serializers.JSONField(help_text='Pounds, like 1250.50 or "1250.50"')


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicationDocument.Kind.choices)
    file = serializers.FileField()


class InstalmentSerializer(serializers.ModelSerializer):
    paid = serializers.BooleanField(source="is_paid")

    class Meta:
        model = PaymentInstalment
        fields = [
            "position",
            "due_date",
            "amount",
            "paid",
            "paid_on",
            "paid_amount",
            "payment_reference",
        ]


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringReport
        fields = ["uuid", "kind", "due_date", "status", "submitted_at"]


class AwardSerializer(serializers.ModelSerializer):
    application = serializers.UUIDField(source="application.uuid")
    application_reference = serializers.CharField(source="application.reference")
    organisation = OrganisationRefSerializer(source="application.organisation")
    status = serializers.CharField(source="application.status")
    payments = InstalmentSerializer(many=True, source="instalments.all")
    reports = ReportSerializer(many=True, source="reports.all")

    class Meta:
        model = Award
        fields = [
            "uuid",
            "reference",
            "application",
            "application_reference",
            "organisation",
            "status",
            "amount",
            "conditions",
            "planned_start",
            "planned_end",
            "decided_at",
            "accepted_at",
            "payments",
            "reports",
        ]


class AssessmentSummarySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    assessors = serializers.IntegerField(help_text="Assessors assigned and not recused")
    assessments_submitted = serializers.IntegerField()
    score_mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    score_spread = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    moderated_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    final_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    moderation_flags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Application
        fields = [
            "uuid",
            "reference",
            "status",
            "organisation",
            "project_title",
            "amount_requested",
            "assessors",
            "assessments_submitted",
            "score_mean",
            "score_spread",
            "moderated_score",
            "final_score",
            "moderation_flags",
            "mark",
        ]


class PaymentDueSerializer(serializers.ModelSerializer):
    award = serializers.CharField(source="award.reference")
    award_uuid = serializers.UUIDField(source="award.uuid")
    organisation = serializers.CharField(source="award.application.organisation.name")
    overdue = serializers.BooleanField()
    bank_status = serializers.CharField(allow_null=True)
    conditions_waiting = serializers.IntegerField()

    class Meta:
        model = PaymentInstalment
        fields = [
            "award",
            "award_uuid",
            "organisation",
            "position",
            "due_date",
            "amount",
            "overdue",
            "bank_status",
            "conditions_waiting",
        ]
