"""Provision over the REST API: groups (list, start), recording a session, and the provision map as JSON."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from send_core.api.idempotency import idempotent
from send_core.forms.school import school_staff
from send_core.models import Pupil
from send_core.services.base import today
from tenants.models import User

from . import permissions
from . import services as provision_services
from .models import Intervention, ProvisionGroup
from .selectors import get_group, groups_for, map_figures, provision_map
from .services import STAFF_CHOICE_MESSAGE
from .terms import current_term, parse_term


class MemberSerializer(serializers.Serializer):
    pupil_id = serializers.IntegerField()
    pupil = serializers.CharField(source="pupil.display_name")
    joined_on = serializers.DateField()
    left_on = serializers.DateField()
    entry_value = serializers.DecimalField(max_digits=7, decimal_places=2)
    entry_on = serializers.DateField()
    exit_target = serializers.DecimalField(max_digits=7, decimal_places=2)
    exit_value = serializers.DecimalField(max_digits=7, decimal_places=2)
    exit_on = serializers.DateField()


class GroupSerializer(serializers.ModelSerializer):
    intervention = serializers.CharField(source="intervention.name")
    staff = serializers.SerializerMethodField()
    members = MemberSerializer(many=True, source="members.all")

    class Meta:
        model = ProvisionGroup
        fields = [
            "id",
            "name",
            "intervention",
            "staff_role",
            "sessions_per_week",
            "minutes_per_session",
            "resource_cost",
            "starts_on",
            "ends_on",
            "schedule",
            "location",
            "staff",
            "members",
        ]
        read_only_fields = fields

    def get_staff(self, group: ProvisionGroup) -> list[int]:
        return [link.user_id for link in group.staff.all()]


class SlotSerializer(serializers.Serializer):
    day = serializers.CharField()
    time = serializers.CharField()


class SchoolStaffField(serializers.PrimaryKeyRelatedField):
    """A member of this school's staff who may run a group; anyone else reads as not found."""

    default_error_messages = {
        "does_not_exist": STAFF_CHOICE_MESSAGE,
        "incorrect_type": STAFF_CHOICE_MESSAGE,
    }

    def get_queryset(self):
        # `queryset` (every user) only names the model for the schema; choices are this school's staff.
        request = self.context.get("request")
        organisation = getattr(request, "tenant", None)
        if organisation is None:
            return User.objects.none()
        return school_staff(organisation, permissions.GROUP_RUNNERS)


class GroupInputSerializer(serializers.Serializer):
    intervention = serializers.PrimaryKeyRelatedField(queryset=Intervention.objects.all())
    name = serializers.CharField(max_length=120)
    staff = SchoolStaffField(queryset=User.objects.all(), many=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False)
    schedule = SlotSerializer(many=True, required=False)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    pupils = serializers.PrimaryKeyRelatedField(queryset=Pupil.objects.all(), many=True, required=False)


class SessionInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    delivered = serializers.BooleanField(default=True)
    absent = serializers.ListField(child=serializers.IntegerField(), required=False)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    held_on = serializers.DateField()
    status = serializers.CharField()
    attendance = serializers.SerializerMethodField()

    def get_attendance(self, session) -> dict[str, str]:
        return {str(a.pupil_id): a.attendance for a in session.attendance.all()}


class Groups(APIView):
    """Groups you may see (every group for the SENCO and head; the groups you run otherwise)."""

    @extend_schema(responses=GroupSerializer(many=True))
    def get(self, request: Request) -> Response:
        permissions.require_see_groups(request.roles)
        groups = list(groups_for(request.user, request.roles))
        provision_services.record_pupils_seen(
            viewer=request.user,
            pupil_ids=[m.pupil_id for group in groups for m in group.members.all()],
            what="intervention groups (API)",
            detail={"groups": len(groups)},
        )
        return Response(GroupSerializer(groups, many=True).data)

    @extend_schema(request=GroupInputSerializer, responses={201: GroupSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        permissions.require_manage_provision(request.roles)
        serializer = GroupInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pupils = data.pop("pupils", [])
        # One act: a pupil refused leaves no half-made group behind.
        with transaction.atomic():
            group = provision_services.create_group(created_by=request.user, **data)
            for pupil in pupils:
                provision_services.add_pupil_to_group(group, pupil, added_by=request.user)
        return Response(GroupSerializer(get_group(group.pk)).data, status=status.HTTP_201_CREATED)


class GroupSessions(APIView):
    """Record a session: delivered, with the pupils who were absent; or not delivered."""

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer})
    @idempotent
    def post(self, request: Request, group_id: int) -> Response:
        group = ProvisionGroup.objects.filter(pk=group_id).first()
        if group is None:
            raise Http404("No group with this id.")
        permissions.require_run_group(request.user, request.roles, group)
        serializer = SessionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = provision_services.record_session(
            group,
            held_on=data["held_on"],
            recorded_by=request.user,
            absent=data.get("absent", []),
            delivered=data["delivered"],
        )
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class ProvisionMap(APIView):
    """The provision map for a term: figures for everyone who may see them; pupils for the SENCO and head."""

    @extend_schema(parameters=[OpenApiParameter("term", str, description="e.g. autumn-2025 (default: this term)")])
    def get(self, request: Request) -> Response:
        permissions.require_view_figures(request.roles)
        raw = request.query_params.get("term", "")
        term = parse_term(raw) if raw else current_term(today())
        if term is None:
            raise serializers.ValidationError({"term": "Give the term as autumn-2025, spring-2026 or summer-2026."})
        the_map = provision_map(term)
        names = permissions.can_manage_provision(request.roles)
        figures = map_figures(the_map, hide_small=not names)
        body = {
            "term": term.key,
            "starts_on": term.starts_on,
            "ends_on": term.ends_on,
            "school_year": the_map.year.label,
            "threshold": str(the_map.threshold),
            "term_total": str(the_map.term_total),
            "year_total": str(the_map.year_total),
            "pupils_above_threshold": figures.flagged,
            "by_year_group": [
                {"label": f.label, "pupils": f.pupils, "cost": str(f.cost)} for f in figures.by_year_group
            ],
            "by_need": [{"label": f.label, "pupils": f.pupils, "cost": str(f.cost)} for f in figures.by_need],
            # For figures-only roles, groups of fewer than 5 pupils are one row per intervention, with no id.
            "groups": [
                {
                    "id": f.group_id,
                    "name": f.name,
                    "intervention": f.intervention,
                    "pupils": f.pupils,
                    "cost": str(f.cost),
                    "per_pupil": None if f.per_pupil is None else str(f.per_pupil),
                }
                for f in figures.groups
            ],
        }
        if names:
            body["pupils"] = [
                {
                    "id": row.pupil.pk,
                    "upn": row.pupil.upn,
                    "name": row.pupil.display_name,
                    "year_group": row.year_group,
                    "primary_need": row.need,
                    "provision": [{"what": line.what, "cost": str(line.cost)} for line in row.lines],
                    "term_cost": str(row.term_cost),
                    "year_cost": str(row.year_cost),
                    "above_threshold": row.flagged,
                }
                for row in the_map.rows
            ]
            provision_services.record_pupils_seen(
                viewer=request.user,
                pupil_ids=[row.pupil.pk for row in the_map.rows],
                what=f"the provision map for {term.label} (API)",
                detail={"term": term.key},
            )
        return Response(body)


urlpatterns = [
    path("groups/", Groups.as_view(), name="api-provision-groups"),
    path("groups/<int:group_id>/sessions/", GroupSessions.as_view(), name="api-provision-sessions"),
    path("map/", ProvisionMap.as_view(), name="api-provision-map"),
]
