"""Limits on what one GraphQL query may ask for: depth, aliases and cost, checked before it runs.

A query over a limit is refused with a plain message (a 400 with `errors`), never run.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ValidationRule, specified_rules

from graphql import GraphQLError

MAX_DEPTH = 4
MAX_ALIASES = 20
MAX_COST = 50_000

# How many items a list field is assumed to return when costing a query: the figures of every
# school in a large trust or LA, a year of months, or a breakdown by year group.
LIST_SIZES = {
    "schools": 100,
    "compare": 100,
    "trend": 24,
    "ehcTimeliness": 24,
    "byPrimaryNeed": 14,
    "byYearGroup": 17,
    "bySex": 2,
    "metrics": 15,
}
# Arguments that say how many items a list field returns.
SIZE_ARGUMENTS = ("months",)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _list_size(node: FieldNode) -> int:
    size = LIST_SIZES.get(node.name.value, 1)
    for argument in node.arguments or ():
        if argument.name.value in SIZE_ARGUMENTS and hasattr(argument.value, "value"):
            with contextlib.suppress(TypeError, ValueError):
                size = max(1, int(argument.value.value))
    return size


class CostLimitRule(ValidationRule):
    """Each field costs 1, times the size of every list it sits in; the total must stay under the limit."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        limit = _setting("CAIRN_GRAPHQL_MAX_COST", MAX_COST)
        cost = self._cost(node.selection_set, set())
        if cost > limit:
            self.report_error(
                GraphQLError(
                    f"This query asks for too much at once (cost {cost}, limit {limit}). "
                    "Ask for fewer fields or fewer schools and months in each query.",
                    node,
                )
            )

    def _cost(self, selection_set: SelectionSetNode | None, seen: set[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + _list_size(selection) * self._cost(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += self._cost(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in seen:
                    total += self._cost(fragment.selection_set, seen | {name})
        return total


class AliasLimitRule(ValidationRule):
    """At most MAX_ALIASES aliases in one document, so one query cannot repeat a field many times over."""

    def __init__(self, context):
        super().__init__(context)
        self.aliases = 0
        self.reported = False

    def enter_field(self, node: FieldNode, *_args):
        if node.alias is not None:
            self.aliases += 1
            limit = _setting("CAIRN_GRAPHQL_MAX_ALIASES", MAX_ALIASES)
            if self.aliases > limit and not self.reported:
                self.reported = True
                self.report_error(GraphQLError(f"This query uses more than {limit} aliases.", node))


def introspection_allowed() -> bool:
    """Introspection is for development: off in production unless deliberately turned on."""
    return bool(getattr(settings, "CAIRN_GRAPHQL_INTROSPECTION", not getattr(settings, "PRODUCTION", False)))


def validation_rules() -> list:
    """graphql-core's own rules plus Cairn's limits (graphene-django replaces, not extends, the list)."""
    rules = [
        *specified_rules,
        depth_limit_validator(max_depth=_setting("CAIRN_GRAPHQL_MAX_DEPTH", MAX_DEPTH)),
        AliasLimitRule,
        CostLimitRule,
    ]
    if not introspection_allowed():
        rules.append(DisableIntrospection)
    return rules


def limits_signature() -> tuple:
    """The limits in force, for keys of cached answers (an answer refused under one limit may pass another)."""
    return (
        _setting("CAIRN_GRAPHQL_MAX_DEPTH", MAX_DEPTH),
        _setting("CAIRN_GRAPHQL_MAX_ALIASES", MAX_ALIASES),
        _setting("CAIRN_GRAPHQL_MAX_COST", MAX_COST),
        introspection_allowed(),
    )
