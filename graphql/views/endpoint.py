"""The GraphQL endpoint: for signed-in members at /graphql/ and for BI tools' reporting keys at
/api/reporting/graphql/, with Cairn's limits, the caller's scope and an answer cache."""

from __future__ import annotations

import hashlib
import json
import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from graphene_django.views import GraphQLView, HttpError

from graphql import GraphQLError
from tenants.sessions import REFUSAL_MESSAGES, session_refusal

from .. import selectors, services, versions
from ..limits import limits_signature, validation_rules
from ..schema import schema
from ..selectors import ReportingScope, organisation_scope, scope_for

logger = logging.getLogger(__name__)


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"errors": [{"message": message}]}, status=status)


class ReportingGraphQLView(GraphQLView):
    """graphene-django's view with Cairn's limits, the caller's scope, and no 500s for bad queries."""

    graphiql = False

    def __init__(self, **kwargs):
        # No graphene debug middleware (added by default under DEBUG): it wraps every resolver and
        # cursor, and its SQL trace must never be sent to a caller.
        super().__init__(schema=schema, middleware=[], **kwargs)

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        # The rules are read per request, so settings (and tests) can change the limits, and the
        # cost of a list can be read from this request's variables.
        self.validation_rules = validation_rules(variables if isinstance(variables, dict) else None)
        return super().execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)

    @staticmethod
    def format_error(error):
        formatted = GraphQLView.format_error(error)
        original = getattr(error, "original_error", None)
        if original is not None and not isinstance(original, GraphQLError):
            # An unexpected failure inside a resolver: its text (SQL, paths) is not for the caller.
            logger.error("Reporting resolver failed: %s", type(original).__name__)
            formatted["message"] = "The query could not be answered. Try again later."
        return formatted

    def json_encode(self, request, d, pretty=False):
        # One form of every answer: `?pretty=1` must not give the same question a second, uncached answer.
        return json.dumps(d, separators=(",", ":"))

    def get_response(self, request, data, show_graphiql=False):
        # Answers depend only on the aggregates, the caller's scope and the query: a repeated query
        # is served from the cache until any figure is refreshed (or a few minutes pass).
        # With the cache away, every question is worked out afresh (slower, never an error).
        try:
            key = _answer_key(request, self._executed_params(request, data))
            cached = cache.get(key) if key is not None else None
        except Exception as error:
            logger.warning("Reporting answers not cached: the cache is unreachable (%s)", type(error).__name__)
            key = cached = None
        if cached is not None:
            return cached
        result, status = super().get_response(request, data, show_graphiql)
        if key is not None and status == 200 and result and '"errors"' not in result:
            try:
                cache.set(key, (result, status), timeout=ANSWER_CACHE_SECONDS)
            except Exception as error:
                logger.warning("Reporting answer not cached: the cache is unreachable (%s)", type(error).__name__)
        return result, status

    def _executed_params(self, request, data) -> tuple | None:
        """The query, variables and operation graphene will run (it prefers the address's)."""
        if not isinstance(data, dict):
            return None
        try:
            query, variables, operation_name, _ = self.get_graphql_params(request, data)
        except HttpError:
            return None  # graphene answers invalid variables itself
        return query, variables, operation_name

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and any(name in request.GET for name in POST_BODY_ONLY):
            # graphene would run the address's query over the body's: one request, two readings.
            return _json_error("Send the query, its variables and operation name in the body of a POST.", 400)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Exception:
            # A query must never take the page down: log it and answer in GraphQL's own shape.
            logger.exception("Reporting query failed")
            return _json_error("The query could not be answered. Try a simpler query.", 400)


_graphql = ReportingGraphQLView.as_view()

ANSWER_CACHE_SECONDS = 600
# Part of every cache key: raise it when what an answer holds changes (e.g. the suppression rules).
ANSWER_FORMAT = 5  # 3: month-end snapshots only, outside the school; 4: exact suppression; 5: LA casework exact
POST_BODY_ONLY = ("query", "variables", "operationName", "id")


def _answer_key(request: HttpRequest, params: tuple | None) -> str | None:
    """The cache key of an answer, from the query, variables and operation actually executed."""
    scope: ReportingScope | None = getattr(request, "reporting_scope", None)
    if scope is None or params is None:
        return None
    query, variables, operation_name = params
    if variables is not None and not isinstance(variables, dict):
        return None
    material = json.dumps(
        [
            ANSWER_FORMAT,
            scope.organisation.pk,
            sorted(scope.school_ids),
            sorted(scope.casework_ids),
            scope.exact_casework,
            query,
            variables,
            operation_name,
            # Only these schools' and this casework's figures, unless the question asks for benchmarks.
            versions.version_of(
                [*scope.school_ids, *scope.casework_ids], platform="benchmark" in (query or "").lower()
            ),
            timezone.localdate().isoformat(),
            limits_signature(),
            selectors.min_benchmark_schools(),
        ],
        sort_keys=True,
        default=str,
    )
    return "reporting:answer:" + hashlib.sha256(material.encode()).hexdigest()


@require_http_methods(["GET", "POST"])
def graphql_for_members(request: HttpRequest) -> HttpResponse:
    """/graphql/ on an organisation's host, for its signed-in members (the dashboards' charts use it)."""
    # The same rule as every other surface for a session (second factor, this address).
    refusal = session_refusal(request) if request.user.is_authenticated else "signed-out"
    if refusal is not None:
        return _json_error(REFUSAL_MESSAGES.get(refusal, "Sign in to use reporting."), 403)
    scope = scope_for(request.tenant, request.roles)
    if scope is None:
        return _json_error("Your role here does not include reporting figures.", 403)
    request.reporting_scope = scope
    return _graphql(request)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def graphql_for_tokens(request: HttpRequest) -> HttpResponse:
    """/api/reporting/graphql/ for BI tools: `Authorization: Bearer <reporting key>`, scoped to its organisation."""
    header = request.headers.get("Authorization", "")
    kind, _, key = header.partition(" ")
    if kind.lower() != "bearer" or not key.strip():
        return _json_error("Send a reporting key as `Authorization: Bearer <key>`.", 401)
    try:
        services.check_reporting_key(key.strip(), request.tenant)
    except services.ReportingKeyRefused as refused:
        return _json_error(str(refused), 401)
    request.reporting_scope = organisation_scope(request.tenant)
    return _graphql(request)
