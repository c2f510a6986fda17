"""Input and output shapes for the commissioning API. Aggregate figures only: no victim
is ever identified (providers send counts)."""

from __future__ import annotations

from rest_framework import serializers

from commissioning.models import Contract, Measure, MeasureSet, MonitoringReturn, Rating
from commissioning.quarters import PERIOD_CHOICES


class ProviderRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()


class ContractRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    reference = serializers.CharField()


class MeasureSetRefSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class ContractSerializer(serializers.ModelSerializer):
    provider = ProviderRefSerializer()
    service = serializers.CharField(source="service.name")
    service_category = serializers.CharField(source="service.category")
    measure_set = MeasureSetRefSerializer()

    class Meta:
        model = Contract
        fields = [
            "uuid",
            "reference",
            "status",
            "provider",
            "service",
            "service_category",
            "start_date",
            "end_date",
            "measure_set",
        ]


class FundingSerializer(serializers.Serializer):
    stream = serializers.CharField()
    financial_year = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class TargetSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    financial_year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True, help_text="1 to 4; null for the whole year")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["quarter"] = instance.quarter or None
        return data


class ContractDetailSerializer(ContractSerializer):
    funding = FundingSerializer(many=True, source="funding.all")
    targets = TargetSerializer(many=True, source="targets_list")

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "funding", "targets"]


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class MeasureSerializer(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    total_matches = serializers.CharField(source="total_matches.code", allow_null=True)

    class Meta:
        model = Measure
        fields = [
            "code",
            "label",
            "kind",
            "help_text",
            "breakdown",
            "categories",
            "total_matches",
            "required",
            "max_length",
        ]

    def get_categories(self, measure: Measure) -> list[dict[str, str]]:
        return [{"code": code, "label": label} for code, label in measure.categories]


class MeasureSetSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureSet
        fields = ["uuid", "code", "name", "financial_year", "description"]


class MeasureSetDetailSerializer(MeasureSetSerializer):
    measures = MeasureSerializer(many=True, source="measures_list")

    class Meta(MeasureSetSerializer.Meta):
        fields = [*MeasureSetSerializer.Meta.fields, "measures"]


class ReturnSerializer(serializers.ModelSerializer):
    contract = ContractRefSerializer()
    provider = serializers.CharField(source="contract.provider.name")
    period = serializers.CharField(source="period.label")
    is_late = serializers.BooleanField()
    is_current = serializers.BooleanField()

    class Meta:
        model = MonitoringReturn
        fields = [
            "uuid",
            "contract",
            "provider",
            "financial_year",
            "quarter",
            "period",
            "version",
            "status",
            "due_date",
            "is_late",
            "is_current",
            "submitted_at",
            "rating",
        ]


class FigureSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text="The measure's code, e.g. REF")
    category = serializers.CharField(
        allow_blank=True, default="", help_text="A breakdown category's code; blank for the total"
    )
    value = serializers.JSONField(
        allow_null=True,
        help_text="A number (or text for a text measure); null or blank clears the figure",
    )

    def validate_value(self, value):
        if isinstance(value, dict | list):
            raise serializers.ValidationError("Give a number, or text for a text measure.")
        return value


class FiguresSerializer(serializers.Serializer):
    figures = FigureSerializer(many=True, max_length=2000)


class MeasureCommentSerializer(serializers.Serializer):
    measure = serializers.CharField(source="measure.code")
    comment = serializers.CharField()


class ReviewSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    rating = serializers.CharField()
    comment = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    measure_comments = MeasureCommentSerializer(source="comments.all", many=True)


class ReturnDetailSerializer(ReturnSerializer):
    measure_set = MeasureSetRefSerializer()
    figures = serializers.SerializerMethodField()
    reviews = ReviewSerializer(many=True, source="reviews.all")
    editable = serializers.BooleanField(source="is_editable")
    correction_reason = serializers.CharField()

    class Meta(ReturnSerializer.Meta):
        fields = [
            *ReturnSerializer.Meta.fields,
            "measure_set",
            "editable",
            "correction_reason",
            "figures",
            "reviews",
        ]

    def get_figures(self, monitoring_return) -> list[dict]:
        """[{measure, category, value}] as stored, in the measure set's order."""
        return self.context["figures"]


class AcceptSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(allow_blank=True, default="", max_length=5000)


class RequestChangesSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="", max_length=5000)
    rating = serializers.ChoiceField(choices=Rating.choices, allow_blank=True, default="")
    measure_comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        default=dict,
        help_text="{measure code: what needs to change}",
    )


class RollupQuerySerializer(serializers.Serializer):
    measure_set = serializers.UUIDField()
    financial_year = serializers.IntegerField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=PERIOD_CHOICES)
    published = serializers.BooleanField(
        default=False, help_text="true: counts of 1 to 4 shown as <5, as published"
    )


class RollupRowSerializer(serializers.Serializer):
    measure = serializers.CharField()
    category = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    how = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text='A number, or "<5" when published')
    returns = serializers.IntegerField()
    suppressed = serializers.BooleanField()


class MissingReturnSerializer(serializers.Serializer):
    contract = serializers.CharField()
    provider = serializers.CharField()
    service = serializers.CharField()
    quarter = serializers.CharField()
    status = serializers.CharField()


class RollupSerializer(serializers.Serializer):
    measure_set = MeasureSetRefSerializer()
    financial_year = serializers.IntegerField()
    period = serializers.CharField()
    returns = serializers.IntegerField()
    contracts = serializers.IntegerField()
    rows = RollupRowSerializer(many=True)
    missing = MissingReturnSerializer(many=True)
