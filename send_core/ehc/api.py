"""EHC endpoints under /api/v1/ehc/: a school's requests; an LA's cases with their statutory clock.

Read-only: the acts (sending, deciding, issuing) stay on the pages, where the person sees what goes.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from send_core.services.base import AuditAction, audit, today

from .casework import selectors
from .models import EhcCase, EhcRequest
from .permissions import require_casework, require_school_ehc


class RequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = EhcRequest
        fields = ["id", "pupil", "status", "submitted_on", "decided_on", "decision_reasons", "local_authority_name"]


class MilestoneSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    statutory = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    state = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    caseworker = serializers.CharField(source="caseworker.full_name", default="", read_only=True)
    next_deadline = serializers.SerializerMethodField()

    class Meta:
        model = EhcCase
        fields = [
            "id",
            "reference",
            "status",
            "school_id",
            "school_name",
            "received_on",
            "caseworker",
            "decision_on",
            "draft_issued_on",
            "final_issued_on",
            "next_deadline",
        ]

    def get_next_deadline(self, case: EhcCase) -> dict | None:
        milestone = selectors.next_deadline(case, today=today())
        return MilestoneSerializer(milestone).data if milestone else None


def _in(request: Request, kind: str) -> None:
    if request.tenant.kind != kind:
        raise Http404("Not here.")


class RequestList(generics.ListAPIView):
    """The school's EHC needs assessment requests and where each stands (SENCO and headteacher)."""

    serializer_class = RequestSerializer

    def get_queryset(self):
        _in(self.request, "school")
        require_school_ehc(self.request.roles)
        return EhcRequest.objects.order_by("-created_at", "-id")


class CaseList(generics.ListAPIView):
    """The LA's cases with their next deadline (caseworkers and SEN managers)."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        _in(self.request, "local_authority")
        require_casework(self.request.roles)
        queryset = selectors.cases().order_by("-received_on", "-id")
        status = self.request.query_params.get("status")
        return queryset.filter(status=status) if status else queryset


class CaseDetail(APIView):
    """One case, with every milestone of its clock."""

    def get(self, request: Request, case_id: int) -> Response:
        _in(request, "local_authority")
        require_casework(request.roles)
        try:
            case = selectors.get_case(case_id)
        except EhcCase.DoesNotExist:
            raise Http404("No such case.") from None
        audit(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=case,
            pupil_id=None,
            summary=f"Read case {case.reference} (API)",
        )
        data = dict(CaseSerializer(case).data)
        data["timeline"] = MilestoneSerializer(selectors.case_timeline(case, today=today()), many=True).data
        return Response(data)


urlpatterns = [
    path("requests/", RequestList.as_view(), name="api-ehc-requests"),
    path("cases/", CaseList.as_view(), name="api-ehc-cases"),
    path("cases/<int:case_id>/", CaseDetail.as_view(), name="api-ehc-case"),
]
