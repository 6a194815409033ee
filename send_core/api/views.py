"""REST endpoints: parse, call one selector or service, answer. Rules live in services."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from send_platform.audit.services import record_children_shown

from .. import permissions
from ..models import Pupil, Review, SupportPlan
from ..selectors.pupils import get_visible_pupil, pupil_list
from ..selectors.register import register_history, register_on
from ..services import needs as need_services
from ..services import plans as plan_services
from ..services import pupils as pupil_services
from ..services import register as register_services
from ..services import reviews as review_services
from ..services.viewing import record_pupil_view
from . import serializers as s
from .idempotency import idempotent


def _pupil(request: Request, pupil_id: int, *, send_record: bool = False) -> Pupil:
    try:
        pupil = get_visible_pupil(request.user, request.roles, pupil_id)
    except Pupil.DoesNotExist:
        from django.http import Http404

        raise Http404("No pupil with this id that you can see.") from None
    if send_record:
        permissions.require_view_send_record(request.user, request.roles, pupil)
    return pupil


def _plan(request: Request, plan_id: int) -> SupportPlan:
    plan = get_object_or_404(SupportPlan.objects.select_related("pupil"), pk=plan_id)
    _pupil(request, plan.pupil_id, send_record=True)
    return plan


def _rows(response: Response) -> list[dict]:
    data = response.data
    return list(data.get("results", []) if isinstance(data, dict) else data)


def _audit_listed(request: Request, pupil_ids: list[int], what: str) -> None:
    """A list read through the API is a look at each pupil on the page: one audit row for the response."""
    record_children_shown(actor=request.user, acting_organisation=request.tenant, pupil_ids=pupil_ids, what=what)


def _valid(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PupilList(generics.ListAPIView):
    """Pupils you may see; SENCO, headteacher and office may add one."""

    serializer_class = s.PupilSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Name or UPN"),
            OpenApiParameter("nc_year", str),
            OpenApiParameter("census_code", str, description="N, K or E"),
        ]
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        _audit_listed(request, [row["id"] for row in _rows(response)], "pupil list (API)")
        return response

    def get_queryset(self):
        query = self.request.query_params
        return pupil_list(
            self.request.user,
            self.request.roles,
            search=query.get("search", ""),
            nc_year=query.get("nc_year", ""),
            census_code=query.get("census_code", ""),
        ).select_related("school_class")

    @extend_schema(request=s.PupilInputSerializer, responses={201: s.PupilSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        permissions.require_edit_pupil_details(request.roles)
        pupil = pupil_services.create_pupil(created_by=request.user, **_valid(s.PupilInputSerializer, request))
        return Response(s.PupilSerializer(pupil).data, status=status.HTTP_201_CREATED)


class PupilDetail(APIView):
    @extend_schema(responses=s.PupilSerializer)
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id)
        record_pupil_view(request.user, pupil, request.tenant, "details (API)")
        return Response(s.PupilSerializer(pupil).data)

    @extend_schema(request=s.PupilInputSerializer, responses=s.PupilSerializer)
    def patch(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id)
        permissions.require_edit_pupil_details(request.roles)
        changes = _valid(s.PupilInputSerializer, request, partial=True)
        pupil = pupil_services.update_pupil(pupil, changed_by=request.user, **changes)
        return Response(s.PupilSerializer(pupil).data)


class PupilNeeds(APIView):
    @extend_schema(responses=s.NeedSerializer(many=True))
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        record_pupil_view(request.user, pupil, request.tenant, "needs (API)")
        return Response(s.NeedSerializer(pupil.needs.order_by("ended_on", "rank", "started_on"), many=True).data)

    @extend_schema(request=s.NeedInputSerializer, responses={201: s.NeedSerializer})
    @idempotent
    def post(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        permissions.require_edit_send_record(request.roles)
        need = need_services.add_need(pupil, recorded_by=request.user, **_valid(s.NeedInputSerializer, request))
        return Response(s.NeedSerializer(need).data, status=status.HTTP_201_CREATED)


class PupilRegister(APIView):
    @extend_schema(responses=s.RegisterEntrySerializer(many=True))
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        record_pupil_view(request.user, pupil, request.tenant, "register history (API)")
        return Response(s.RegisterEntrySerializer(register_history(pupil), many=True).data)

    @extend_schema(request=s.RegisterMoveSerializer, responses={201: s.RegisterEntrySerializer})
    @idempotent
    def post(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        permissions.require_edit_send_record(request.roles)
        data = _valid(s.RegisterMoveSerializer, request)
        entry = register_services.place_on_register(
            pupil,
            data.pop("stage"),
            decided_by=request.user,
            reason=data.pop("reason"),
            on=data.pop("on", None),
            notification_method=data.pop("notification_method", ""),
            parents_notified_on=data.pop("parents_notified_on", None),
        )
        return Response(s.RegisterEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class Register(generics.ListAPIView):
    """Who is on the SEND register (SEN Support or EHC plan) on a date (default today)."""

    serializer_class = s.RegisterEntrySerializer

    @extend_schema(parameters=[OpenApiParameter("on", datetime.date)])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args, **kwargs) -> Response:
        response = super().list(request, *args, **kwargs)
        _audit_listed(request, [row["pupil"] for row in _rows(response)], "register (API)")
        return response

    def get_queryset(self):
        raw = self.request.query_params.get("on")
        try:
            day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"on": "Give the date as YYYY-MM-DD."}) from None
        return register_on(day, user=self.request.user, roles=self.request.roles)


class PupilPlans(APIView):
    @extend_schema(responses=s.PlanSerializer(many=True))
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        record_pupil_view(request.user, pupil, request.tenant, "plans (API)")
        plans = pupil.plans.prefetch_related("outcomes", "provision").order_by("-created_at")
        return Response(s.PlanSerializer(plans, many=True).data)

    @extend_schema(request=s.PlanInputSerializer, responses={201: s.PlanSerializer})
    @idempotent
    def post(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        permissions.require_edit_send_record(request.roles)
        plan = plan_services.create_plan(pupil, created_by=request.user, **_valid(s.PlanInputSerializer, request))
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetail(APIView):
    @extend_schema(responses=s.PlanSerializer)
    def get(self, request: Request, plan_id: int) -> Response:
        plan = _plan(request, plan_id)
        record_pupil_view(request.user, plan.pupil, request.tenant, "plan (API)")
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=s.PlanInputSerializer, responses=s.PlanSerializer)
    def patch(self, request: Request, plan_id: int) -> Response:
        plan = _plan(request, plan_id)
        permissions.require_edit_send_record(request.roles)
        changes = _valid(s.PlanInputSerializer, request, partial=True)
        return Response(s.PlanSerializer(plan_services.update_plan(plan, changed_by=request.user, **changes)).data)


class PlanOutcomes(APIView):
    @extend_schema(request=s.OutcomeInputSerializer, responses={201: s.OutcomeSerializer})
    @idempotent
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(request, plan_id)
        permissions.require_edit_send_record(request.roles)
        outcome = plan_services.add_outcome(plan, changed_by=request.user, **_valid(s.OutcomeInputSerializer, request))
        return Response(s.OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)


class PlanActivation(APIView):
    @extend_schema(request=None, responses=s.PlanSerializer)
    @idempotent
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(request, plan_id)
        permissions.require_edit_send_record(request.roles)
        return Response(s.PlanSerializer(plan_services.activate_plan(plan, activated_by=request.user)).data)


class PupilReviews(APIView):
    @extend_schema(responses=s.ReviewSerializer(many=True))
    def get(self, request: Request, pupil_id: int) -> Response:
        pupil = _pupil(request, pupil_id, send_record=True)
        record_pupil_view(request.user, pupil, request.tenant, "reviews (API)")
        reviews = Review.objects.filter(pupil=pupil).prefetch_related("progress").order_by("-held_on")
        return Response(s.ReviewSerializer(reviews, many=True).data)


class PlanReviews(APIView):
    @extend_schema(request=s.ReviewInputSerializer, responses={201: s.ReviewSerializer})
    @idempotent
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan(request, plan_id)
        data = _valid(s.ReviewInputSerializer, request)
        progress = {item["outcome"]: (item["progress"], item.get("comment", "")) for item in data.pop("progress", [])}
        review = review_services.record_review(plan, recorded_by=request.user, progress=progress, **data)
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewClosing(APIView):
    @extend_schema(request=None, responses=s.ReviewSerializer)
    @idempotent
    def post(self, request: Request, review_id: int) -> Response:
        review = get_object_or_404(Review, pk=review_id)
        _pupil(request, review.pupil_id, send_record=True)
        with transaction.atomic():
            review = review_services.close_review(review, closed_by=request.user)
        return Response(s.ReviewSerializer(review).data)
