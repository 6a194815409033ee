"""REST endpoints for Common Transfer Files, at /ctf/api/ on a school's host (SENCO and headteacher).

- GET  export/?pupil=<id>&pupil=<id> or ?nc_year=6 [&destination_urn=]  → the CTF (XML)
- POST import/ with the CTF as the body (application/xml) or as `file` (multipart) → the report (JSON)
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from send_core.permissions import SEND_RECORD_EDITORS
from tenants.api import role_permission

from .ctf import MAX_BYTES, import_ctf
from .exports import ctf_export

CTF_PERMISSIONS = [role_permission(*sorted(SEND_RECORD_EDITORS))]


class CTFExport(APIView):
    """A Common Transfer File for chosen pupils or a year group (audited as an export)."""

    permission_classes = CTF_PERMISSIONS

    @extend_schema(
        parameters=[
            OpenApiParameter("pupil", int, many=True, description="A pupil's number (repeatable)"),
            OpenApiParameter("nc_year", str, description="A year group instead, e.g. 6"),
            OpenApiParameter("destination_urn", str, description="The destination school's URN"),
        ],
        responses={200: OpenApiResponse(description="The CTF as XML"), 400: OpenApiResponse(description="Why not")},
    )
    def get(self, request: Request) -> HttpResponse:
        made = ctf_export(
            school=request.tenant,
            user=request.user,
            roles=request.roles,
            pupil_ids=request.query_params.getlist("pupil"),
            nc_year=request.query_params.get("nc_year", ""),
            destination_urn=request.query_params.get("destination_urn", ""),
        )
        response = HttpResponse(made.content, content_type="application/xml")
        response["Content-Disposition"] = content_disposition_header(True, made.filename)
        return response


class CTFImport(APIView):
    """Import a Common Transfer File: all its pupils, or (with any problem) none, with line-numbered reasons."""

    permission_classes = CTF_PERMISSIONS

    @extend_schema(
        request={
            "application/xml": bytes,
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
        },
        responses={201: OpenApiResponse(description="The import report"), 400: OpenApiResponse(description="Refused")},
    )
    def post(self, request: Request) -> Response:
        if (request.content_type or "").startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                return Response({"detail": "Send the CTF as `file`."}, status=status.HTTP_400_BAD_REQUEST)
            if upload.size > MAX_BYTES:
                return Response({"detail": "The file is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
            data = upload.read()
        else:
            data = request.body
        report = import_ctf(data, imported_by=request.user)
        return Response(report.as_dict(), status=status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST)
