"""REST endpoints for the exchange: list an organisation's envelopes, open one (audited), acknowledge.

Mounted at /exchange/api/ on the organisation's own host; the same roles as the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from send_platform.audit.services import record_refusal, route_name

from tenants.api import IsMemberHere, api_roles, role_permission

from . import links, selectors, services
from .models import Envelope, EnvelopeDocument
from .permissions import ALL_EXCHANGE_ROLES
from .sealing import ExchangeIntegrityError

EXCHANGE_PERMISSIONS = [IsMemberHere, role_permission(*sorted(ALL_EXCHANGE_ROLES))]
INTEGRITY_MESSAGE = (
    "This envelope's contents failed their integrity check, so Cairn has not shown them. "
    "Ask the sender to send it again."
)


class OrganisationReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EnvelopeSummarySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    sender = OrganisationReferenceSerializer()
    recipient = OrganisationReferenceSerializer()
    reply_to = serializers.IntegerField(source="reply_to_id", allow_null=True)
    thread = serializers.IntegerField(source="thread_id")
    document_count = serializers.IntegerField(required=False)

    class Meta:
        model = Envelope
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject",
            "state",
            "state_label",
            "sender",
            "recipient",
            "sent_at",
            "delivered_at",
            "opened_at",
            "acknowledged_at",
            "withdrawn_at",
            "expired_at",
            "expires_at",
            "reply_to",
            "thread",
            "document_count",
        ]
        read_only_fields = fields


class EnvelopeDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="A signed link, valid for five minutes, for you only.")

    class Meta:
        model = EnvelopeDocument
        fields = [
            "id",
            "title",
            "original_filename",
            "content_type",
            "size",
            "sha256",
            "scan_status",
            "scan_detail",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document: EnvelopeDocument) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(links.document_link(document, request.user, request.tenant))


class OpenedEnvelopeSerializer(serializers.Serializer):
    envelope = EnvelopeSummarySerializer()
    payload_version = serializers.IntegerField()
    payload = serializers.DictField()
    documents = EnvelopeDocumentSerializer(many=True)


class RecordsRefusals:
    """A refused call to the exchange API is recorded in the caller's own trail (throttled)."""

    def handle_exception(self, exc):
        if isinstance(exc, (DjangoPermissionDenied, exceptions.PermissionDenied, exceptions.NotAuthenticated)):
            request = self.request
            user = request.user if request.user.is_authenticated else None
            record_refusal(
                actor=user,
                refused_at=request.tenant,
                reason="exchange API",
                route=route_name(request),
                method=request.method,
                actor_is_member=bool(user and api_roles(request)),
            )
        return super().handle_exception(exc)


def _envelope(request: Request, envelope_id: int) -> Envelope:
    try:
        return selectors.envelope_for(request.tenant, envelope_id)
    except Envelope.DoesNotExist:
        raise Http404("There is no envelope with this number for your organisation.") from None


class EnvelopeList(RecordsRefusals, generics.ListAPIView):
    """Envelopes to and from this organisation, newest first."""

    permission_classes = EXCHANGE_PERMISSIONS
    serializer_class = EnvelopeSummarySerializer

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=["inbox", "sent"], description="Only one side")])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        box = self.request.query_params.get("box", "")
        if box in ("", "inbox"):
            services.deliver_inbox(self.request.tenant)
        return selectors.envelopes_for(self.request.tenant, box=box if box in ("inbox", "sent") else "")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.reveal_envelopes(page, self.request.tenant)


class EnvelopeDetail(RecordsRefusals, APIView):
    """One envelope with its payload and documents. Opening it is recorded on both sides."""

    permission_classes = EXCHANGE_PERMISSIONS

    @extend_schema(responses={200: OpenedEnvelopeSerializer})
    def get(self, request: Request, envelope_id: int) -> Response:
        item = _envelope(request, envelope_id)
        try:
            opened = services.open_envelope(item, organisation=request.tenant, user=request.user)
        except services.EnvelopeUnavailable as error:
            return Response({"detail": error.messages[0]}, status=status.HTTP_410_GONE)
        except ExchangeIntegrityError:
            return Response({"detail": INTEGRITY_MESSAGE}, status=status.HTTP_409_CONFLICT)
        data = {
            "envelope": opened.envelope,
            "payload_version": opened.payload_version,
            "payload": opened.payload,
            "documents": opened.documents,
        }
        opened.envelope.document_count = len(opened.documents)
        return Response(OpenedEnvelopeSerializer(data, context={"request": request}).data)


class EnvelopeAcknowledgement(RecordsRefusals, APIView):
    """The recipient acknowledges an envelope it has opened."""

    permission_classes = EXCHANGE_PERMISSIONS

    @extend_schema(request=None, responses={200: EnvelopeSummarySerializer})
    def post(self, request: Request, envelope_id: int) -> Response:
        item = _envelope(request, envelope_id)
        item = services.acknowledge_envelope(item, organisation=request.tenant, user=request.user)
        return Response(EnvelopeSummarySerializer(item).data)
