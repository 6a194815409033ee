"""Reporting pages, one module per concern: the GraphQL endpoint, the dashboards, CSV downloads,
reporting keys, and the operators' refresh page. Thin: the work is in selectors and services."""

from .dashboards import dashboard
from .downloads import download
from .endpoint import graphql_for_members, graphql_for_tokens
from .keys import revoke_token, tokens
from .operator import operator_refresh_runs

__all__ = [
    "dashboard",
    "download",
    "graphql_for_members",
    "graphql_for_tokens",
    "operator_refresh_runs",
    "revoke_token",
    "tokens",
]
