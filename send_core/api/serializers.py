"""How SEND records look over the API, and what a request may send."""

from __future__ import annotations

from rest_framework import serializers

from tenants.validators import validate_name

from ..models import (
    AreaOfNeed,
    NCYear,
    NeedRank,
    NeedType,
    PlanOutcome,
    PlanProvision,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    Sex,
    SupportPlan,
)


class PupilSerializer(serializers.ModelSerializer):
    school_class = serializers.CharField(source="school_class.name", default=None, read_only=True)

    class Meta:
        model = Pupil
        fields = [
            "id",
            "upn",
            "upn_is_temporary",
            "legal_first_name",
            "preferred_name",
            "last_name",
            "date_of_birth",
            "sex",
            "nc_year",
            "school_class",
            "admission_date",
            "leaving_date",
            "destination",
            "destination_urn",
            "eal",
            "pupil_premium",
            "looked_after",
            "previously_looked_after",
            "service_child",
            "young_carer",
            "medical_needs",
        ]
        read_only_fields = fields

    def to_representation(self, pupil: Pupil) -> dict:
        """The same fields, order and values as ModelSerializer's, read straight off the row.

        The pupil list is the API's busiest read; DRF's per-field machinery was a fifth of its CPU.
        tests/send_core/api/test_api_reads.py holds this equal to DRF's own output."""
        row = {}
        for name in self.Meta.fields:
            if name == "school_class":
                value = pupil.school_class.name if pupil.school_class_id is not None else None
            else:
                value = getattr(pupil, name)
                if name in _DATES and value is not None:
                    value = value.isoformat()
            row[name] = value
        return row


_DATES = frozenset({"date_of_birth", "admission_date", "leaving_date"})


class PupilInputSerializer(serializers.Serializer):
    """Fields a client may set on a pupil; the service applies the rules (UPN check letter and so on)."""

    upn = serializers.CharField(max_length=13)
    legal_first_name = serializers.CharField(max_length=100, validators=[validate_name])
    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True, validators=[validate_name])
    last_name = serializers.CharField(max_length=100, validators=[validate_name])
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    nc_year = serializers.ChoiceField(choices=NCYear.choices)
    admission_date = serializers.DateField(required=False, allow_null=True)
    eal = serializers.BooleanField(required=False)
    pupil_premium = serializers.BooleanField(required=False)
    looked_after = serializers.BooleanField(required=False)
    previously_looked_after = serializers.BooleanField(required=False)
    service_child = serializers.BooleanField(required=False)
    young_carer = serializers.BooleanField(required=False)
    medical_needs = serializers.BooleanField(required=False)


class NeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = PupilNeed
        fields = ["id", "area", "need_type", "rank", "notes", "started_on", "ended_on"]
        read_only_fields = fields


class NeedInputSerializer(serializers.Serializer):
    need_type = serializers.ChoiceField(choices=NeedType.choices)
    rank = serializers.ChoiceField(choices=NeedRank.choices)
    area = serializers.ChoiceField(choices=AreaOfNeed.choices, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class RegisterEntrySerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "pupil",
            "stage_key",
            "stage_label",
            "census_code",
            "started_on",
            "ended_on",
            "reason",
            "parents_notified_on",
            "notification_method",
        ]
        read_only_fields = fields


class RegisterMoveSerializer(serializers.Serializer):
    stage = serializers.CharField(max_length=50, help_text="A stage key of the school's toolkit, e.g. sen_support.")
    reason = serializers.CharField()
    on = serializers.DateField(required=False, allow_null=True)
    parents_notified_on = serializers.DateField(required=False, allow_null=True)
    notification_method = serializers.CharField(required=False, allow_blank=True)


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanOutcome
        fields = ["id", "order", "description", "measure", "baseline", "target", "target_date", "area"]
        read_only_fields = fields


class OutcomeInputSerializer(serializers.Serializer):
    description = serializers.CharField()
    measure = serializers.CharField(required=False, allow_blank=True)
    baseline = serializers.CharField(required=False, allow_blank=True)
    target = serializers.CharField(required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    area = serializers.ChoiceField(choices=AreaOfNeed.choices, required=False, allow_blank=True)


class ProvisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanProvision
        fields = ["id", "description", "frequency", "staff_role", "weekly_minutes", "provision_group_id"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    provision = ProvisionSerializer(many=True, read_only=True)

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "pupil",
            "title",
            "status",
            "version",
            "child_views",
            "parent_views",
            "strengths",
            "needs_summary",
            "strategies",
            "starts_on",
            "review_due_on",
            "activated_on",
            "closed_on",
            "last_reviewed_on",
            "outcomes",
            "provision",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer):
    child_views = serializers.CharField(required=False, allow_blank=True)
    parent_views = serializers.CharField(required=False, allow_blank=True)
    strengths = serializers.CharField(required=False, allow_blank=True)
    needs_summary = serializers.CharField(required=False, allow_blank=True)
    strategies = serializers.CharField(required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    review_due_on = serializers.DateField(required=False, allow_null=True)


class ReviewSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    pupil = serializers.IntegerField(source="pupil_id", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "plan",
            "pupil",
            "held_on",
            "participants",
            "child_views",
            "parent_views",
            "notes",
            "decision",
            "next_review_on",
            "status",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, review: Review) -> list[dict]:
        return [{"outcome": p.outcome_id, "progress": p.progress, "comment": p.comment} for p in review.progress.all()]


class ProgressInputSerializer(serializers.Serializer):
    outcome = serializers.IntegerField()
    progress = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True)


class ReviewInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    participants = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), required=False)
    child_views = serializers.CharField(required=False, allow_blank=True)
    parent_views = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    decision = serializers.CharField(required=False, allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)
    progress = ProgressInputSerializer(many=True, required=False)
