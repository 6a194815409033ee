"""Limits on what one GraphQL query may ask for: depth, aliases and cost, checked before it runs.

A query over a limit is refused with a plain message (a 400 with `errors`), never run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql.language import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.validation import ValidationRule, specified_rules, validate

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
# Arguments that say how many items a list field returns (a literal, or a variable's value).
SIZE_ARGUMENTS = ("months",)
# Fields whose own work is far more than their size: a benchmark reads every school of a phase.
FIELD_WEIGHTS = {"benchmark": 2_000}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _list_size(node: FieldNode, variables: Mapping[str, Any]) -> int:
    size = LIST_SIZES.get(node.name.value, 1)
    for argument in node.arguments or ():
        if argument.name.value not in SIZE_ARGUMENTS:
            continue
        value = argument.value
        given = variables.get(value.name.value) if isinstance(value, VariableNode) else getattr(value, "value", None)
        with contextlib.suppress(TypeError, ValueError):
            size = max(1, int(given))
    return size


def cost_limit_rule(variables: Mapping[str, Any] | None = None) -> type[ValidationRule]:
    """The cost rule for one request, reading list sizes from that request's variables."""
    values = dict(variables or {})

    class CostLimitRule(ValidationRule):
        """Each field costs its weight (1 for most), plus the size of its list times what it holds;
        the total must stay under the limit."""

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
                    weight = FIELD_WEIGHTS.get(selection.name.value, 1)
                    total += weight + _list_size(selection, values) * self._cost(selection.selection_set, seen)
                elif isinstance(selection, InlineFragmentNode):
                    total += self._cost(selection.selection_set, seen)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is not None and name not in seen:
                        total += self._cost(fragment.selection_set, seen | {name})
            return total

    return CostLimitRule


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


def validation_rules(variables: Mapping[str, Any] | None = None) -> list:
    """The rules a query must pass, as one rule: graphene-django replaces, not extends, the list.

    graphql-core's own rules go first, and Cairn's limits only run on a query that passes them:
    the limits walk fragments, which a query with an unknown fragment or a fragment cycle would
    break. With introspection off, errors make no "Did you mean" guesses at the schema's names.
    """
    introspection = introspection_allowed()
    spec_rules = [*specified_rules] if introspection else [*specified_rules, DisableIntrospection]
    limit_rules = [
        depth_limit_validator(max_depth=_setting("CAIRN_GRAPHQL_MAX_DEPTH", MAX_DEPTH)),
        AliasLimitRule,
        cost_limit_rule(variables),
    ]

    class CairnRules(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args):
            schema = self.context.schema
            errors = validate(schema, node, spec_rules, hide_suggestions=not introspection)
            if not errors:
                errors = validate(schema, node, limit_rules)
            for error in errors:
                self.report_error(error)
            return BREAK

    return [CairnRules]


def limits_signature() -> tuple:
    """The limits in force, for keys of cached answers (an answer refused under one limit may pass another)."""
    return (
        _setting("CAIRN_GRAPHQL_MAX_DEPTH", MAX_DEPTH),
        _setting("CAIRN_GRAPHQL_MAX_ALIASES", MAX_ALIASES),
        _setting("CAIRN_GRAPHQL_MAX_COST", MAX_COST),
        introspection_allowed(),
    )
